//! Command-line definitions (clap) and dispatch to `commands::*`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "neuralc",
    version,
    about = "Compile Neural DSL models into PyTorch and TensorFlow/Keras training scripts",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// When to colour diagnostics (NO_COLOR is respected by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level help's examples.
const EXAMPLES: &str = "Examples:
  neuralc check model.neural                       check syntax, parameters and shapes
  neuralc shapes model.neural                      each layer's output shape and parameters
  neuralc compile model.neural --backend pytorch -o model.py
  neuralc graph model.neural -o model.svg                a diagram of the model
  python model.py --data data/mnist.npz            train the generated script
  neuralc bench --quick                            generated vs hand-written scripts on MNIST

Exit status: 0 success, 1 invalid input (diagnostics on stderr), 2 usage error.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files for syntax, parameter and shape errors; exit 0 when all are valid.
    Check(CheckArgs),
    /// Parse a file and print its syntax tree.
    Parse(ParseArgs),
    /// Print each layer's output shape and parameter count.
    Shapes(ShapesArgs),
    /// Generate a PyTorch or TensorFlow/Keras training script.
    Compile(CompileArgs),
    /// Draw the model: SVG (default), Graphviz DOT or a Mermaid flowchart.
    Graph(GraphArgs),
    /// Train generated and hand-written MNIST models side by side and report the comparison.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The model files (.neural, .nr, .rnr).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Fail on warnings as well as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Skip the shape checks (names, parameters and training settings are still checked).
    #[arg(long)]
    pub no_validation: bool,
    /// Print nothing for valid files (by default each gets an `ok` line on stderr).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ShapesArgs {
    /// The model file (.neural, .nr or .rnr).
    pub file: PathBuf,
    /// Print JSON (layer types, resolved parameters, shapes, counts) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The network to show, when the file defines several.
    #[arg(long)]
    pub network: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The model file (.neural, .nr or .rnr).
    pub file: PathBuf,
    /// The framework the script trains with.
    #[arg(long, value_enum)]
    pub backend: crate::backend::Backend,
    /// Write the script to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The network to compile, when the file defines several.
    #[arg(long)]
    pub network: Option<String>,
    /// Skip the shape checks (names, parameters and training settings are still checked).
    #[arg(long)]
    pub no_validation: bool,
    /// Write a script that searches the HPO(…) parameters (the script's own `--trials N`
    /// sets how many configurations; the best by validation loss is retrained and
    /// tested). Without it each HPO parameter takes its first choice / lower bound.
    #[arg(long)]
    pub hpo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A self-contained SVG picture.
    Svg,
    /// Graphviz DOT text (`dot -Tpng`).
    Dot,
    /// A Mermaid flowchart, for Markdown.
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The model file (.neural, .nr or .rnr).
    pub file: PathBuf,
    /// Write the picture to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The format [default: from OUT's extension (.dot/.gv, .mmd), else svg].
    #[arg(long, value_enum)]
    pub format: Option<GraphFormat>,
    /// The network to draw, when the file defines several.
    #[arg(long)]
    pub network: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The syntax tree as JSON, in the layout of the original Neural DSL (Python) parser:
    /// one object per network with `name`, `input`, `layers` (`type`, `params`,
    /// `sublayers`, `device`), `loss`, `optimizer`, `training`, `execution`; macros
    /// expanded, positional arguments named.
    AstJson,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The model file (.neural, .nr or .rnr).
    pub file: PathBuf,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Emit::AstJson)]
    pub emit: Emit,
}

/// Exit codes of `bench` beyond the common ones.
const BENCH_EXIT_CODES: &str = "Exit status: 0 every run succeeded; 1 a training run failed or timed out \
(the results and report are still written), or an output file could not be written; 2 usage error; \
3 the Python environment or MNIST is missing (create them with scripts/setup-python.sh).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchDevice {
    /// CUDA when torch/TensorFlow see a GPU, else CPU.
    Auto,
    Cpu,
    Cuda,
}

#[derive(Debug, Args)]
#[command(after_help = BENCH_EXIT_CODES)]
pub struct BenchArgs {
    /// Backends to benchmark (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = crate::backend::Backend::ALL)]
    pub backends: Vec<crate::backend::Backend>,
    /// Models to benchmark (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = crate::bench::models::BenchModel::ALL)]
    pub models: Vec<crate::bench::models::BenchModel>,
    /// Training epochs per run [default: 5, the models' own; 1 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: Option<u32>,
    /// A fast end-to-end check: 1 epoch (unless --epochs is given) and 1 pair.
    #[arg(long, conflicts_with = "repeat")]
    pub quick: bool,
    /// Generated/hand-written pairs per model and backend, run alternately.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Where to train.
    #[arg(long, value_enum, default_value_t = BenchDevice::Auto)]
    pub device: BenchDevice,
    /// Seed passed to every script.
    #[arg(long, default_value_t = 0)]
    pub seed: i64,
    /// Pass --deterministic to every script (torch deterministic algorithms, TF op determinism).
    #[arg(long)]
    pub deterministic: bool,
    /// Framework threads for both sides [default: the number of available CPUs].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Directory for the results, report, chart, scripts and logs.
    #[arg(long, default_value = "benchmark")]
    pub output: PathBuf,
    /// Print the results JSON on stdout (and nothing else there).
    #[arg(long, conflicts_with = "report")]
    pub json: bool,
    /// Print the Markdown report on stdout.
    #[arg(long)]
    pub report: bool,
    /// Python interpreter [default: $NEURALC_PYTHON, else ~/.cache/neuralc/venv/bin/python].
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Train and test on the first N samples only (passed to the scripts; for CI).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Time limit of one training run in seconds [default: 300 + 120 per epoch; 300 + 300 per
    /// epoch for the CNN].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = crate::driver::use_color(cli.color);
    let code = match &cli.command {
        Command::Check(args) => crate::commands::check::run(args, color),
        Command::Parse(args) => crate::commands::parse::run(args, color),
        Command::Shapes(args) => crate::commands::shapes::run(args, color),
        Command::Compile(args) => crate::commands::compile::run(args, color),
        Command::Graph(args) => crate::commands::graph::run(args, color),
        Command::Bench(args) => crate::commands::bench::run(args),
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use crate::bench::{default_timeout, models::BenchModel};
    use clap::CommandFactory;

    /// The `--timeout` help states the defaults that `default_timeout` computes.
    #[test]
    fn bench_timeout_help_matches_the_code() {
        let mut cli = super::Cli::command();
        let bench = cli.find_subcommand_mut("bench").expect("bench");
        let help = bench
            .get_arguments()
            .find(|a| a.get_id() == "timeout")
            .and_then(|a| a.get_help())
            .expect("--timeout help")
            .to_string();
        for model in BenchModel::ALL {
            let base = default_timeout(model, 0).as_secs();
            let per_epoch = default_timeout(model, 1).as_secs() - base;
            assert!(
                help.contains(&format!("{base} + {per_epoch} per")),
                "{model:?}: {help}"
            );
        }
    }
}
