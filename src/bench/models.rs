//! The benchmark's models and backends, with the models' DSL sources (`golden/bench/*.neural`)
//! built into the binary.

use clap::ValueEnum;

/// A benchmark model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum BenchModel {
    #[value(name = "simple_mlp")]
    SimpleMlp,
    #[value(name = "cnn")]
    Cnn,
    #[value(name = "deep_mlp")]
    DeepMlp,
}

impl BenchModel {
    pub const ALL: [BenchModel; 3] = [BenchModel::SimpleMlp, BenchModel::Cnn, BenchModel::DeepMlp];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            BenchModel::SimpleMlp => "simple_mlp",
            BenchModel::Cnn => "cnn",
            BenchModel::DeepMlp => "deep_mlp",
        }
    }

    /// The model's DSL text.
    pub fn source(self) -> &'static str {
        match self {
            BenchModel::SimpleMlp => include_str!("../../golden/bench/simple_mlp.neural"),
            BenchModel::Cnn => include_str!("../../golden/bench/cnn.neural"),
            BenchModel::DeepMlp => include_str!("../../golden/bench/deep_mlp.neural"),
        }
    }
}
