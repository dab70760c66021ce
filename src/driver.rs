//! Shared plumbing of the commands: reading sources, running the front end, printing diagnostics.

use crate::cli::ColorChoice;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::report::{SourceFile, render_all};
use crate::syntax::program::Program;
use std::io::IsTerminal;
use std::path::Path;

/// Exit codes: 0 success, 1 invalid input, 2 usage errors (clap's own).
pub const EXIT_OK: u8 = 0;
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Decides colour for stderr: `--color`, then NO_COLOR, then whether stderr is a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// A path as shown in messages: relative paths as given, `/` separators.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The largest model file neuralc reads, in bytes (8 MiB). Real models are a few KB; a
/// 100,000-layer model (the expansion limit, E0024) is under 2 MB. Past it the file is
/// refused with one line, before it is read whole.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a model file, or explains in one line why it cannot be read: it does not exist,
/// is not a regular file or a pipe (`/dev/zero`, a directory), is larger than
/// [`MAX_SOURCE_BYTES`], or is not UTF-8.
pub fn read_source(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    use std::os::unix::fs::FileTypeExt;
    let shown = display_path(path);
    let open_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => format!("error: `{shown}` does not exist"),
        std::io::ErrorKind::PermissionDenied => {
            format!("error: cannot read `{shown}`: permission denied")
        }
        _ => format!("error: cannot read `{shown}`: {e}"),
    };
    let meta = std::fs::metadata(path).map_err(open_error)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(format!("error: `{shown}` is a directory, not a model file"));
    }
    if !kind.is_file() && !kind.is_fifo() {
        return Err(format!(
            "error: `{shown}` is not a regular file (a device or socket); model files are read from files or pipes"
        ));
    }
    let too_large = || {
        format!(
            "error: `{shown}` is larger than {} MiB; neuralc reads model files up to that size",
            MAX_SOURCE_BYTES / (1024 * 1024)
        )
    };
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(open_error)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("error: cannot read `{shown}`: {e}"))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "error: `{shown}` is not valid UTF-8 (invalid byte at offset {}); model files must be UTF-8 text",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Prints a command's result on stdout: exit 0, quietly also when the reader went away
/// (`| head -1`); exit 1 with one line on any other write error (a full disk).
pub fn print_result(text: &str) -> u8 {
    match crate::output::stdout(text) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            crate::say!("error: cannot write to stdout: {e}");
            EXIT_INVALID
        }
    }
}

/// A loaded, parsed file with its diagnostics so far.
pub struct Loaded {
    pub path: String,
    pub text: String,
    pub program: Option<Program>,
    pub diags: Vec<Diagnostic>,
}

impl Loaded {
    pub fn source(&self) -> SourceFile<'_> {
        SourceFile {
            path: &self.path,
            text: &self.text,
        }
    }

    pub fn has_errors(&self) -> bool {
        has_errors(&self.diags)
    }

    /// Prints the diagnostics to stderr, in source order.
    pub fn print_diagnostics(&mut self, color: bool) {
        self.diags
            .sort_by_key(|d| (d.primary_span().start, d.code.id));
        self.diags.dedup();
        crate::output::stderr(&render_all(&self.diags, &self.source(), color));
    }
}

/// Reads and parses a file through the front end.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = read_source(path)?;
    let (program, diags) = crate::syntax::parse_program(&text);
    Ok(Loaded {
        path: display_path(path),
        text,
        program,
        diags,
    })
}

/// Reads, parses and checks one network of a file: the shared first half of
/// `shapes` and `compile`. On any error (unreadable file, syntax, no such network,
/// semantic error) it prints what went wrong and returns the exit code; otherwise
/// the checked model, with the file's warnings still unprinted in `Loaded::diags`.
pub fn load_model(
    path: &Path,
    network: Option<&str>,
    validate_shapes: bool,
    color: bool,
) -> Result<(Loaded, crate::sema::model::Model), u8> {
    let mut loaded = load(path).map_err(|msg| {
        crate::say!("{msg}");
        EXIT_INVALID
    })?;
    let mut model = None;
    if let (false, Some(program)) = (loaded.has_errors(), &loaded.program) {
        match program.select(network) {
            Ok(net) => {
                let mut opts = crate::sema::CheckOptions::new(&loaded.text);
                opts.validate_shapes = validate_shapes;
                let (m, diags) = crate::sema::check(net, &opts);
                model = m;
                loaded.diags.extend(diags);
            }
            Err(msg) => {
                loaded.print_diagnostics(color);
                crate::say!("error: {msg}");
                return Err(EXIT_INVALID);
            }
        }
    }
    match model.filter(|_| !loaded.has_errors()) {
        Some(model) => Ok((loaded, model)),
        None => {
            loaded.print_diagnostics(color);
            Err(EXIT_INVALID)
        }
    }
}
