//! The layer catalog: one table describing every layer the compiler knows.

/// One layer kind.
#[derive(Debug)]
pub struct LayerSpec {
    /// Canonical spelling, matched case-insensitively.
    pub name: &'static str,
    /// Parameters in positional order.
    pub positional: &'static [&'static str],
}

impl LayerSpec {
    pub fn positional_name(&self, i: usize) -> Option<&'static str> {
        self.positional.get(i).copied()
    }
}

const LAYERS: &[LayerSpec] = &[
    LayerSpec {
        name: "Dense",
        positional: &["units", "activation"],
    },
    LayerSpec {
        name: "Output",
        positional: &["units", "activation"],
    },
    LayerSpec {
        name: "Conv2D",
        positional: &["filters", "kernel_size", "activation"],
    },
    LayerSpec {
        name: "MaxPooling2D",
        positional: &["pool_size", "strides", "padding"],
    },
    LayerSpec {
        name: "Dropout",
        positional: &["rate"],
    },
    LayerSpec {
        name: "Flatten",
        positional: &[],
    },
];

/// Looks a layer up by name, ignoring case.
pub fn lookup(name: &str) -> Option<&'static LayerSpec> {
    LAYERS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}
