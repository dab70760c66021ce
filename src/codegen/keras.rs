//! The Keras model: `keras.Sequential([...])` for a plain stack of layers, the
//! functional API where the model needs it (residual blocks, self-attention). Layer
//! classes and keywords come from the catalog's `keras` columns.

use super::codes;
use super::hpo::Hpo;
use super::python::{self, call};
use super::values::{int, last, layer_sizes};
use crate::diagnostic::Diagnostic;
use crate::sema::catalog::{Emit, Rule};
use crate::sema::model::{Layer, Model, Param};

/// The body of `build_model()`.
pub struct KerasModel {
    /// Statements of `build_model` (4-space indented), ending with `return …`.
    pub body: Vec<String>,
    /// The script defines the `TransformerEncoder` layer helper.
    pub transformer: bool,
}

/// Emits the model. Sequential unless a layer needs the functional API.
pub fn emit(model: &Model, hpo: &Hpo, diags: &mut Vec<Diagnostic>) -> KerasModel {
    let mut e = Emitter {
        transformer: false,
        hpo,
        comments: Vec::new(),
        diags,
    };
    let functional = needs_functional(&model.layers);
    let mut body = Vec::new();
    if hpo.samples_layers() {
        body.push("    hp = {**DEFAULTS, **(hp or {})}".to_string());
    }
    if functional {
        body.push("    inputs = keras.Input(shape=INPUT_SHAPE)".to_string());
        body.push("    x = inputs".to_string());
        if super::uses_attention_mask(&model.layers) {
            body.push(
                "    padding = keras.ops.not_equal(inputs, 0)  # token id 0 is padding".to_string(),
            );
        }
        let mut skips = 0;
        for layer in &model.layers {
            e.statements(layer, &mut body, &mut skips);
        }
        body.push("    return keras.Model(inputs, x)".to_string());
    } else {
        body.push("    return keras.Sequential(".to_string());
        body.push("        [".to_string());
        body.push("            keras.Input(shape=INPUT_SHAPE),".to_string());
        for layer in &model.layers {
            let ctors = e.layer(layer);
            body.extend(e.comments.drain(..).map(|c| format!("            {c}")));
            for expr in ctors {
                body.push(call(12, "", &expr.0, &expr.1, ","));
            }
        }
        body.push("        ]".to_string());
        body.push("    )".to_string());
    }
    KerasModel {
        body,
        transformer: e.transformer,
    }
}

fn needs_functional(layers: &[Layer]) -> bool {
    layers.iter().any(|l| {
        matches!(l.spec.rule, Rule::Residual | Rule::MultiHeadAttention)
            || masked(l)
            || needs_functional(&l.inner)
    })
}

/// A transformer block that never attends to padding steps (token id 0).
fn masked(layer: &Layer) -> bool {
    matches!(layer.spec.rule, Rule::Transformer { .. })
        && layer.arg("use_attention_mask") == Some(&Param::Bool(true))
}

struct Emitter<'d, 'h> {
    transformer: bool,
    hpo: &'h Hpo,
    /// `# units: first choice of HPO …` comments for the constructors just built.
    comments: Vec<String>,
    diags: &'d mut Vec<Diagnostic>,
}

/// A constructor: callee and arguments.
type Ctor = (String, Vec<String>);

impl Emitter<'_, '_> {
    fn unsupported(&mut self, layer: &Layer, what: &str) {
        self.diags.push(
            Diagnostic::error(
                codes::NO_BACKEND_MAPPING,
                format!("{what} has no TensorFlow/Keras mapping yet"),
            )
            .label(layer.span, "cannot be emitted for Keras")
            .help("compile with `--backend pytorch`, or rewrite the layer"),
        );
    }

    /// The layer's arguments from the catalog: those the user wrote, leading ones
    /// positionally (`layers.Dense(128, activation="relu")`).
    fn args(&mut self, layer: &Layer) -> Vec<String> {
        let spec = layer.spec;
        let mut out = Vec::new();
        let mut open = true;
        for (i, ps) in spec.params.iter().enumerate() {
            let Some(arg) = layer.args.iter().find(|a| a.name == ps.name) else {
                open = false;
                continue;
            };
            let Some(kw) = ps.keras else { continue };
            if !arg.explicit || arg.value == Param::None {
                open = false;
                continue;
            }
            self.comments.extend(self.hpo.comment(arg));
            let value = self.hpo.value(arg);
            if open && i < spec.positional && i < 2 && kw == ps.name && kw != "activation" {
                out.push(value);
            } else {
                open = false;
                out.push(format!("{kw}={value}"));
            }
        }
        out
    }

    /// The constructors one layer becomes (several for a repeated encoder block).
    fn layer(&mut self, layer: &Layer) -> Vec<Ctor> {
        match (layer.spec.rule, layer.spec.keras) {
            (Rule::Bidirectional | Rule::TimeDistributed, Emit::Class(class)) => {
                let Some(inner) = layer.inner.first() else {
                    self.unsupported(layer, &format!("`{}` without a layer", layer.spec.name));
                    return Vec::new();
                };
                let Some((callee, args)) = self.layer(inner).pop() else {
                    return Vec::new();
                };
                let mut outer = vec![call(0, "", &callee, &args, "")];
                outer.extend(self.args(layer));
                vec![(format!("layers.{class}"), outer)]
            }
            (Rule::Transformer { causal }, _) => {
                self.transformer = true;
                let mut args = vec![last(&layer.input_shape).to_string()];
                for name in ["num_heads", "ff_dim", "dropout", "activation"] {
                    if let Some(v) = layer.arg(name) {
                        args.push(format!("{name}={}", python::literal(v)));
                    }
                }
                if causal {
                    args.push("causal=True".to_string());
                }
                let n = layer.arg("num_layers").and_then(int).unwrap_or(1).max(1);
                (0..n)
                    .map(|_| ("TransformerEncoder".to_string(), args.clone()))
                    .collect()
            }
            // TensorFlow's depthwise kernel takes equal row and column strides only: the
            // model would build, then fail when called.
            (Rule::DepthwiseConv { .. } | Rule::SeparableConv { .. }, _)
                if layer_sizes(layer, "strides", 2, 1)
                    .windows(2)
                    .any(|w| w[0] != w[1]) =>
            {
                self.unsupported(
                    layer,
                    &format!("`{}` with unequal strides", layer.spec.name),
                );
                Vec::new()
            }
            (_, Emit::Class(class)) => {
                let args = self.args(layer);
                vec![(format!("layers.{class}"), args)]
            }
            (_, Emit::Helper(_)) => {
                self.unsupported(layer, &format!("`{}` in a layer stack", layer.spec.name));
                Vec::new()
            }
        }
    }

    /// Functional-API statements for one layer.
    fn statements(&mut self, layer: &Layer, body: &mut Vec<String>, skips: &mut usize) {
        match layer.spec.rule {
            Rule::Residual => {
                *skips += 1;
                let name = format!("skip{skips}");
                body.push(format!("    {name} = x"));
                for inner in &layer.inner {
                    self.statements(inner, body, skips);
                }
                body.push(format!("    x = layers.Add()([{name}, x])"));
            }
            rule => {
                let inputs = if rule == Rule::MultiHeadAttention {
                    "(x, x)"
                } else if masked(layer) {
                    "(x, padding)"
                } else {
                    "(x)"
                };
                let ctors = self.layer(layer);
                body.extend(self.comments.drain(..).map(|c| format!("    {c}")));
                for (callee, args) in ctors {
                    let line = call(4, "x = ", &callee, &args, inputs);
                    if line.contains('\n') {
                        // Too long for one line: name the layer, then apply it.
                        body.push(call(4, "layer = ", &callee, &args, ""));
                        body.push(format!("    x = layer{inputs}"));
                    } else {
                        body.push(line);
                    }
                }
            }
        }
    }
}
