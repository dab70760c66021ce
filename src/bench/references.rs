//! The hand-written reference scripts (`scripts/reference/`): finding them and copying the
//! whole tree (model scripts and their shared helpers) into the output directory, so that the
//! output records exactly what ran.

use crate::backend::Backend;
use crate::bench::models::BenchModel;
use std::path::{Path, PathBuf};

/// Where the references live inside the repository.
pub const REFERENCE_DIR: &str = "scripts/reference";

/// The reference script of a model, relative to the reference directory.
pub fn script(model: BenchModel, backend: Backend) -> String {
    format!("{}/{}.py", backend.name(), model.name())
}

/// The reference directory: under the current directory, else in the repository this binary
/// was built from. Every requested model must have its script there.
pub fn locate(models: &[BenchModel], backends: &[Backend]) -> Result<PathBuf, String> {
    let candidates = [
        PathBuf::from(REFERENCE_DIR),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(REFERENCE_DIR),
    ];
    let dir = candidates.iter().find(|d| d.is_dir()).ok_or_else(|| {
        format!(
            "the hand-written reference scripts are missing (looked for `{REFERENCE_DIR}` in the \
             current directory and in `{}`); run neuralc bench from the neuralc repository",
            env!("CARGO_MANIFEST_DIR")
        )
    })?;
    for &model in models {
        for &backend in backends {
            let path = dir.join(script(model, backend));
            if !path.is_file() {
                return Err(format!("reference script `{}` is missing", path.display()));
            }
        }
    }
    Ok(dir.clone())
}

/// Copies every `.py` file below `from` to the same place below `to` (caches are skipped);
/// returns how many files were copied.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(to)?;
    let mut copied = 0;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !name.to_string_lossy().starts_with('.') && name != "__pycache__" {
                copied += copy_tree(&path, &to.join(&name))?;
            }
        } else if path.extension().is_some_and(|e| e == "py") {
            std::fs::copy(&path, to.join(&name))?;
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_benchmark_model_has_a_reference_for_every_backend() {
        let dir = locate(&BenchModel::ALL, &Backend::ALL).unwrap();
        for model in BenchModel::ALL {
            for backend in Backend::ALL {
                let text = std::fs::read_to_string(dir.join(script(model, backend))).unwrap();
                assert!(
                    text.contains("def main("),
                    "{} {}",
                    model.name(),
                    backend.name()
                );
            }
        }
    }

    #[test]
    fn copies_python_files_and_skips_caches() {
        let root = std::env::temp_dir().join(format!("neuralc-refs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let from = root.join("from");
        std::fs::create_dir_all(from.join("pytorch/.ruff_cache")).unwrap();
        std::fs::create_dir_all(from.join("pytorch/__pycache__")).unwrap();
        std::fs::write(from.join("common.py"), "x = 1\n").unwrap();
        std::fs::write(from.join("pytorch/cnn.py"), "y = 2\n").unwrap();
        std::fs::write(from.join("pytorch/notes.txt"), "no\n").unwrap();
        std::fs::write(from.join("pytorch/.ruff_cache/a.py"), "no\n").unwrap();
        std::fs::write(from.join("pytorch/__pycache__/b.py"), "no\n").unwrap();
        let to = root.join("to");
        assert_eq!(copy_tree(&from, &to).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(to.join("pytorch/cnn.py")).unwrap(),
            "y = 2\n"
        );
        assert!(to.join("common.py").is_file());
        assert!(!to.join("pytorch/notes.txt").exists() && !to.join("pytorch/.ruff_cache").exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
