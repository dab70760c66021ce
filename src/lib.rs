//! neuralc: compiles the Neural DSL into runnable PyTorch and TensorFlow/Keras scripts.
//!
//! Pipeline: `syntax` (logos tokens → LALRPOP tree → program with macros expanded)
//! → `sema` (layer catalog, shapes, parameter counts) → `codegen` (askama templates)
//! → Python. Diagnostics are data (`diagnostic`) until `report` renders them.

/// The target frameworks (one enum for the CLI, code generation and the bench).
pub mod backend;
/// `neuralc bench`: generated vs hand-written training scripts, measured side by side.
pub mod bench;
/// The command-line interface and its subcommands.
pub mod cli;
/// Python code generation: PyTorch and TensorFlow/Keras training scripts.
pub mod codegen;
/// Subcommand implementations.
pub mod commands;
/// Diagnostics as data: codes, severities, labelled spans.
pub mod diagnostic;
/// The original tool's dictionary layout of a parsed model, as JSON.
pub mod dict;
/// Reading sources and printing diagnostics, shared by the commands.
pub mod driver;
/// `neuralc graph`: the model as SVG, DOT or Mermaid.
pub mod graph;
/// Byte offset → line lookups over a source text.
pub mod lines;
/// Stdout, stderr and output files: quiet on closed pipes, atomic, never over an input.
pub mod output;
/// Rendering diagnostics with ariadne.
pub mod report;
/// The layer catalog, shape inference and parameter counts.
pub mod sema;
/// Lexer, grammar, syntax tree, macro expansion.
pub mod syntax;
