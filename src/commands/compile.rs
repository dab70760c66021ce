//! `neuralc compile FILE --backend pytorch|tensorflow [-o OUT]`: the training script.

use crate::cli::CompileArgs;
use crate::codegen::{self, Options};
use crate::driver::{self, EXIT_INVALID, EXIT_OK};
use std::path::Path;

pub fn run(args: &CompileArgs, color: bool) -> u8 {
    if args.no_validation {
        crate::say!(
            "warning: --no-validation: shapes were not checked; the script may fail when run"
        );
    }
    let (mut loaded, model) = match driver::load_model(
        &args.file,
        args.network.as_deref(),
        !args.no_validation,
        color,
    ) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let backend = args.backend;
    let script_name = match &args.output {
        Some(out) => out.file_name().map(|n| n.to_string_lossy().into_owned()),
        None => args
            .file
            .file_stem()
            .map(|s| format!("{}.py", s.to_string_lossy())),
    }
    .unwrap_or_else(|| "model.py".to_string());
    let source = loaded.path.clone();
    let opts = Options {
        source: &source,
        script: &script_name,
    };
    let generated = if args.hpo {
        codegen::generate_hpo(&model, backend, &opts)
    } else {
        codegen::generate(&model, backend, &opts)
    };
    let text = match generated {
        Ok(text) => text,
        Err(diags) => {
            loaded.diags.extend(diags);
            loaded.print_diagnostics(color);
            return EXIT_INVALID;
        }
    };
    loaded.print_diagnostics(color);
    let Some(out) = &args.output else {
        return driver::print_result(&text);
    };
    if let Some(module) = shadowed_module(out) {
        crate::say!(
            "warning: `{}` shadows the `{module}` package: `import {module}` in the script (and in anything run from its folder) would load the script itself; choose another name, e.g. `model.py`",
            driver::display_path(out)
        );
    }
    match crate::output::write_atomically(out, &text, &[&args.file]) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            crate::say!("error: cannot write `{}`: {e}", driver::display_path(out));
            EXIT_INVALID
        }
    }
}

/// The Python packages a generated script imports (either backend). A script named after
/// one (`torch.py`) is found first on `sys.path` and shadows it.
const IMPORTED_PACKAGES: [&str; 4] = ["keras", "numpy", "tensorflow", "torch"];

/// The package that a script written to `path` would shadow, if any.
fn shadowed_module(path: &Path) -> Option<&'static str> {
    let stem = path.file_stem()?.to_str()?;
    let is_python = path.extension().is_some_and(|e| e == "py");
    IMPORTED_PACKAGES
        .into_iter()
        .find(|m| is_python && stem == *m)
}
