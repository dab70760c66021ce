//! Command-line definitions (clap) and dispatch to `commands::*`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "neuralc",
    version,
    about = "Compile Neural DSL models into PyTorch and TensorFlow/Keras training scripts"
)]
pub struct Cli {
    /// When to colour diagnostics (NO_COLOR is respected by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

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
}

#[derive(Debug, Args)]
pub struct ShapesArgs {
    /// The model file.
    pub file: PathBuf,
    /// Print JSON (layer types, resolved parameters, shapes, counts) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The network to show, when the file defines several.
    #[arg(long)]
    pub network: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompileBackend {
    Pytorch,
    Tensorflow,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The model file.
    pub file: PathBuf,
    /// The framework the script trains with.
    #[arg(long, value_enum)]
    pub backend: CompileBackend,
    /// Write the script to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The network to compile, when the file defines several.
    #[arg(long)]
    pub network: Option<String>,
    /// Skip the shape checks (names, parameters and training settings are still checked).
    #[arg(long)]
    pub no_validation: bool,
    /// Random-search the HPO(…) parameters in the script (`--trials N`, best by
    /// validation loss); without it each takes its first choice / lower bound.
    #[arg(long)]
    pub hpo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The original tool's dictionary layout as JSON.
    AstJson,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The model file.
    pub file: PathBuf,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Emit::AstJson)]
    pub emit: Emit,
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
    };
    ExitCode::from(code)
}
