//! `neuralc compile FILE --backend pytorch|tensorflow [-o OUT]`: the training script.

use crate::cli::{CompileArgs, CompileBackend};
use crate::codegen::{self, Backend, Options};
use crate::driver::{self, EXIT_INVALID, EXIT_OK};
use std::io::Write as _;
use std::path::Path;

pub fn run(args: &CompileArgs, color: bool) -> u8 {
    if args.no_validation {
        eprintln!(
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
    let backend = match args.backend {
        CompileBackend::Pytorch => Backend::PyTorch,
        CompileBackend::Tensorflow => Backend::TensorFlow,
    };
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
    let written = match &args.output {
        Some(out) => write_atomically(out, &text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    match written {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let shown = args
                .output
                .as_deref()
                .map_or("stdout".into(), driver::display_path);
            eprintln!("error: cannot write `{shown}`: {e}");
            EXIT_INVALID
        }
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`, so a
/// reader never sees a half-written script and a failed run leaves the old file intact.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the output path names no file",
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
