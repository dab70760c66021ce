//! `neuralc check FILE…`: diagnostics, and one `FILE: ok — …` line per valid file on stderr
//! (unless `-q`).

use crate::cli::CheckArgs;
use crate::driver::{self, EXIT_INVALID, EXIT_OK};

pub fn run(args: &CheckArgs, color: bool) -> u8 {
    if args.no_validation {
        crate::say!(
            "warning: --no-validation: shapes were not checked (wrong ranks, windows larger than their input, mismatched blocks and HPO combinations go unreported)"
        );
    }
    let mut failed = false;
    for path in &args.files {
        let mut loaded = match driver::load(path) {
            Ok(l) => l,
            Err(msg) => {
                crate::say!("{msg}");
                failed = true;
                continue;
            }
        };
        let mut summary = String::new();
        if let (false, Some(program)) = (loaded.has_errors(), &loaded.program) {
            let opts = crate::sema::CheckOptions {
                validate_shapes: !args.no_validation,
                source: &loaded.text,
            };
            let (models, diags) = crate::sema::check_program(program, &opts);
            loaded.diags.extend(diags);
            summary = summarize(&models);
        }
        loaded.print_diagnostics(color);
        let warned = loaded.diags.iter().any(|d| !d.is_error());
        if loaded.has_errors() || (args.deny_warnings && warned) {
            failed = true;
        } else if !args.quiet {
            crate::say!("{}: ok — {summary}", loaded.path);
        }
    }
    if failed { EXIT_INVALID } else { EXIT_OK }
}

/// `8 layers, 225,034 parameters` (Keras' count), per network when a file has several.
fn summarize(models: &[crate::sema::model::Model]) -> String {
    let one = |m: &crate::sema::model::Model| {
        let layers = m.layers.len();
        format!(
            "{layers} layer{}, {} parameters",
            if layers == 1 { "" } else { "s" },
            super::shapes::grouped(m.totals.keras)
        )
    };
    match models {
        [model] => one(model),
        _ => models
            .iter()
            .map(|m| format!("{}: {}", m.name, one(m)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}
