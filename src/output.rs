//! Where the commands' text goes: stdout and stderr that end quietly when their reader
//! goes away (`neuralc shapes m.neural --json | head -1`), and output files written
//! atomically, never over one of the command's inputs and never over anything but a
//! regular file.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Writes `text` to stdout. A closed pipe (`| head -1`) is not an error: like cargo and
/// rustc, the command then ends quietly. Returns the other I/O errors.
pub fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes `text` to stderr, ignoring every error: diagnostics have nowhere else to go,
/// and a reader that went away (`2>&1 | head -1`) must not turn into a panic.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// `eprintln!` that never panics: a line on stderr through [`stderr`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Why an output file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The output is one of the command's inputs (the same file, also through a link).
    IsInput(PathBuf),
    /// Something that is not a regular file (a directory, a device, a pipe) is there.
    NotRegular(&'static str),
    /// The path names no file (`-o /` or `-o ..`).
    NoFileName,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::IsInput(input) => write!(
                f,
                "it is the input file `{}`; writing would replace the model (choose another name, e.g. `model.py`)",
                crate::driver::display_path(input)
            ),
            WriteError::NotRegular(kind) => {
                write!(f, "it is {kind}, not a regular file; nothing was written")
            }
            WriteError::NoFileName => write!(f, "the path names no file"),
            WriteError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What kind of thing a non-regular file is, for messages.
fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a named pipe")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// True when `a` and `b` are the same file (same device and inode).
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Writes `text` to `path` atomically: into a temporary file beside the target, then
/// renamed over it, so a reader never sees a half-written file and a failed or
/// interrupted run leaves the old file as it was.
///
/// A symbolic link is followed (the link stays, its target is replaced). Refused, with
/// nothing written: a path that is (or links to) one of `inputs`
/// ([`WriteError::IsInput`]), and a path where something other than a regular file
/// exists ([`WriteError::NotRegular`]: `-o /dev/null` must not replace the device).
pub fn write_atomically(path: &Path, text: &str, inputs: &[&Path]) -> Result<(), WriteError> {
    let target = match std::fs::metadata(path) {
        Ok(meta) => {
            if let Some(kind) = kind_of(&meta) {
                return Err(WriteError::NotRegular(kind));
            }
            for input in inputs {
                if std::fs::metadata(input).is_ok_and(|m| same_file(&m, &meta)) {
                    return Err(WriteError::IsInput(input.to_path_buf()));
                }
            }
            // Replace the file a link points to, not the link.
            std::fs::canonicalize(path).map_err(WriteError::Io)?
        }
        Err(e) if e.kind() == ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(WriteError::Io(e)),
    };
    let name = target.file_name().ok_or(WriteError::NoFileName)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &target));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(WriteError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("neuralc-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_the_input_also_through_a_link() {
        let dir = scratch("input");
        let model = dir.join("model.neural");
        std::fs::write(&model, "network N {}").unwrap();
        let link = dir.join("link.py");
        std::os::unix::fs::symlink(&model, &link).unwrap();
        for out in [&model, &link] {
            let err = write_atomically(out, "print()", &[&model]).unwrap_err();
            assert!(matches!(err, WriteError::IsInput(_)), "{err}");
        }
        assert_eq!(std::fs::read_to_string(&model).unwrap(), "network N {}");
    }

    #[test]
    fn refuses_non_regular_files() {
        let dir = scratch("special");
        let err = write_atomically(&dir, "x", &[]).unwrap_err();
        assert!(
            matches!(err, WriteError::NotRegular("a directory")),
            "{err}"
        );
        let err = write_atomically(Path::new("/dev/null"), "x", &[]).unwrap_err();
        assert!(matches!(err, WriteError::NotRegular("a device")), "{err}");
    }

    #[test]
    fn replaces_a_links_target_and_keeps_the_link() {
        let dir = scratch("link");
        let real = dir.join("real.py");
        std::fs::write(&real, "old").unwrap();
        let link = dir.join("link.py");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, "new", &[]).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file is left behind");
    }
}
