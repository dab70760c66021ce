//! `neuralc check FILE…`: diagnostics only.

use crate::cli::CheckArgs;
use crate::driver::{self, EXIT_INVALID, EXIT_OK};

pub fn run(args: &CheckArgs, color: bool) -> u8 {
    let mut failed = false;
    for path in &args.files {
        let mut loaded = match driver::load(path) {
            Ok(l) => l,
            Err(msg) => {
                eprintln!("{msg}");
                failed = true;
                continue;
            }
        };
        loaded.print_diagnostics(color);
        let warned = loaded.diags.iter().any(|d| !d.is_error());
        if loaded.has_errors() || (args.deny_warnings && warned) {
            failed = true;
        }
    }
    if failed { EXIT_INVALID } else { EXIT_OK }
}
