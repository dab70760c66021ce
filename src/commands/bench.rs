//! `neuralc bench`: resolves the command line into a [`bench::Config`], runs it, prints the
//! results (JSON or report on stdout with `--json`/`--report`) and picks the exit status.

use crate::bench::{self, Config, SetupError, progress::Progress};
use crate::cli::{BenchArgs, BenchDevice};
use crate::driver::{self, EXIT_INVALID, EXIT_OK};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The Python environment or the data is missing: nothing was trained.
pub const EXIT_ENVIRONMENT: u8 = 3;
/// Epochs of the benchmark models (`epochs: 5` in each golden/bench model's `train` block).
pub const MODEL_EPOCHS: u32 = 5;

pub fn run(args: &BenchArgs) -> u8 {
    let config = match config(args) {
        Ok(c) => c,
        Err(msg) => {
            crate::say!("error: {msg}");
            return EXIT_ENVIRONMENT;
        }
    };
    let runs = config.models.len() * config.backends.len() * config.repeat as usize * 2;
    let progress = Progress::new(runs as u32, config.epochs);
    let outcome = bench::run(&config, &progress);
    progress.finish();
    let results = match outcome {
        Ok(r) => r,
        Err(e) => {
            crate::say!("error: {e}");
            return match e {
                SetupError::Environment(_) => EXIT_ENVIRONMENT,
                SetupError::Output(_) | SetupError::Compile(_) => EXIT_INVALID,
            };
        }
    };
    let out = &config.output;
    let printed = if args.json {
        match serde_json::to_string_pretty(&results) {
            Ok(json) => driver::print_result(&format!("{json}\n")),
            Err(e) => {
                crate::say!("error: cannot serialize the results: {e}");
                EXIT_INVALID
            }
        }
    } else if args.report {
        driver::print_result(&bench::report::render(&results))
    } else {
        EXIT_OK
    };
    if printed != EXIT_OK {
        return printed;
    }
    crate::say!("bench: {}", results.verdict);
    crate::say!(
        "bench: wrote {}, {} and {}",
        out.join(bench::REPORT_FILE).display(),
        out.join(bench::RESULTS_FILE).display(),
        out.join(bench::report::CHART_FILE).display()
    );
    if results.failures > 0 {
        crate::say!(
            "error: {} of {} training runs failed; see “Failed runs” in {}",
            results.failures,
            results.runs.len(),
            out.join(bench::REPORT_FILE).display()
        );
        return EXIT_INVALID;
    }
    EXIT_OK
}

/// Resolves defaults and checks that the interpreter and the data exist.
fn config(args: &BenchArgs) -> Result<Config, String> {
    let python = match &args.python {
        Some(p) => p.clone(),
        None => default_python().ok_or_else(|| {
            "no Python environment: set NEURALC_PYTHON or pass --python, or create the default one \
             with `scripts/setup-python.sh`"
                .to_string()
        })?,
    };
    if !python.exists() && python.components().count() > 1 {
        return Err(format!(
            "Python interpreter `{}` does not exist; create the environment with \
             `scripts/setup-python.sh`, or pass --python PATH / set NEURALC_PYTHON",
            python.display()
        ));
    }
    let candidates = mnist_candidates();
    let Some(data) = candidates.iter().find(|p| p.is_file()) else {
        let tried: Vec<String> = candidates
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        return Err(format!(
            "MNIST not found (looked at {}); prepare it with `scripts/setup-python.sh` (or set \
             NEURALC_MNIST); the benchmark only runs on real MNIST, never on random data",
            tried.join(", ")
        ));
    };
    let data = absolute(data)?;
    let mut models = args.models.clone();
    models.dedup();
    let mut backends = args.backends.clone();
    backends.dedup();
    Ok(Config {
        models,
        backends,
        epochs: args
            .epochs
            .unwrap_or(if args.quick { 1 } else { MODEL_EPOCHS }),
        repeat: if args.quick { 1 } else { args.repeat },
        seed: args.seed,
        deterministic: args.deterministic,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get() as u32)),
        device: match args.device {
            BenchDevice::Auto => "auto",
            BenchDevice::Cpu => "cpu",
            BenchDevice::Cuda => "cuda",
        }
        .to_string(),
        limit: args.limit,
        timeout: args.timeout.map(Duration::from_secs),
        python,
        data,
        output: args.output.clone(),
        compile_samples: bench::compile::SAMPLES,
    })
}

/// `$NEURALC_PYTHON`, else the venv `scripts/setup-python.sh` creates.
/// The set-up's cache (`scripts/setup-python.sh`): `$NEURALC_CACHE`, else
/// `~/.cache/neuralc`. It holds the venv (`venv/`) and MNIST (`mnist.npz`).
fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NEURALC_CACHE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    Some(Path::new(&home).join(".cache/neuralc"))
}

fn default_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NEURALC_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    Some(cache_dir()?.join("venv/bin/python"))
}

/// Where MNIST is looked for, in order: `$NEURALC_MNIST`; `data/mnist.npz` in the current
/// directory; the set-up's cache; `data/mnist.npz` of the repository this binary was
/// built from. The first that exists is used; the error names them all.
fn mnist_candidates() -> Vec<PathBuf> {
    candidates_in(std::env::var_os("NEURALC_MNIST"), cache_dir())
}

fn candidates_in(mnist: Option<std::ffi::OsString>, cache: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(p) = mnist.filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut candidates = vec![PathBuf::from("data/mnist.npz")];
    candidates.extend(cache.map(|c| c.join("mnist.npz")));
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist.npz"));
    candidates
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("cannot resolve `{}`: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::MODEL_EPOCHS;
    use crate::bench::models::BenchModel;

    #[test]
    fn mnist_is_looked_for_in_the_setup_cache() {
        use std::path::PathBuf;
        let cache = PathBuf::from("/cache/neuralc");
        let found = super::candidates_in(None, Some(cache.clone()));
        assert_eq!(found[0], PathBuf::from("data/mnist.npz"));
        assert_eq!(found[1], cache.join("mnist.npz"));
        let given = super::candidates_in(Some("/x.npz".into()), Some(cache));
        assert_eq!(given, vec![PathBuf::from("/x.npz")]);
    }

    #[test]
    fn model_epochs_match_the_dsl() {
        for model in BenchModel::ALL {
            assert!(
                model.source().contains(&format!("epochs: {MODEL_EPOCHS}")),
                "{}",
                model.name()
            );
        }
    }
}
