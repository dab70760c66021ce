//! `neuralc check FILE…`: diagnostics only.

use crate::cli::CheckArgs;
use crate::driver::{self, EXIT_INVALID, EXIT_OK};

pub fn run(args: &CheckArgs, color: bool) -> u8 {
    if args.no_validation {
        eprintln!(
            "warning: --no-validation: shapes were not checked (wrong ranks, windows larger than their input, mismatched blocks and HPO combinations go unreported)"
        );
    }
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
        if let (false, Some(program)) = (loaded.has_errors(), &loaded.program) {
            let opts = crate::sema::CheckOptions {
                validate_shapes: !args.no_validation,
                source: &loaded.text,
            };
            let (_, diags) = crate::sema::check_program(program, &opts);
            loaded.diags.extend(diags);
        }
        loaded.print_diagnostics(color);
        let warned = loaded.diags.iter().any(|d| !d.is_error());
        if loaded.has_errors() || (args.deny_warnings && warned) {
            failed = true;
        }
    }
    if failed { EXIT_INVALID } else { EXIT_OK }
}
