//! The frameworks neuralc compiles to: one enum shared by the command line (`--backend`,
//! `bench --backends`), code generation and the benchmark, so that a new backend is a
//! compile error at every place that must handle it.

use clap::ValueEnum;

/// A target framework. Ordered as the benchmark reports them (TensorFlow first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Backend {
    /// TensorFlow 2 with Keras 3 (`keras.Sequential` / the functional API).
    #[value(name = "tensorflow")]
    TensorFlow,
    /// PyTorch (`nn.Module`).
    #[value(name = "pytorch")]
    PyTorch,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::TensorFlow, Backend::PyTorch];

    /// The name on the command line, in file names and in the results JSON.
    pub fn name(self) -> &'static str {
        match self {
            Backend::TensorFlow => "tensorflow",
            Backend::PyTorch => "pytorch",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
