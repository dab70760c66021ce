//! One module per subcommand.

pub mod bench;
pub mod check;
pub mod compile;
pub mod graph;
pub mod parse;
pub mod shapes;
