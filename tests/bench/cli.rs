//! `neuralc bench` as a process: command-line errors, and end-to-end runs on real MNIST
//! with the Python environment of scripts/setup-python.sh (required in CI; skipped loudly
//! elsewhere when it is missing). Trainings never overlap (one lock for the whole file).

use neuralc::bench::results::{BenchResults, Outcome, Side};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

// ---- the command line --------------------------------------------------------------------

fn neuralc(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_neuralc"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run neuralc")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn unknown_model_or_backend_lists_the_valid_ones() {
    let out = neuralc(&["bench", "--models", "resnet"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("simple_mlp, cnn, deep_mlp"),
        "{}",
        stderr(&out)
    );
    let out = neuralc(&["bench", "--backends", "jax"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tensorflow, pytorch"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_python_names_the_setup_command() {
    let out = neuralc(&["bench", "--python", "/nonexistent/bin/python"], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/bin/python") && err.contains("scripts/setup-python.sh"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_mnist_is_refused() {
    let out = neuralc(
        &["bench", "--python", "python3"],
        &[("NEURALC_MNIST", "/nonexistent/mnist.npz")],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("MNIST not found") && err.contains("never on random data"),
        "{err}"
    );
}

// ---- end to end with real Python (one training at a time) ---------------------------------

/// Trainings must not overlap: on 2 cores they slow each other down several times over.
static TRAINING: Mutex<()> = Mutex::new(());

/// The venv interpreter and MNIST, or `None` (after a loud message) outside CI.
fn python_env() -> Option<(PathBuf, PathBuf)> {
    let python = std::env::var_os("NEURALC_PYTHON")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/neuralc/venv/bin/python"))
        });
    let data = std::env::var_os("NEURALC_MNIST")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist.npz"));
    match python {
        Some(p) if p.exists() && data.is_file() => Some((p, data)),
        _ => {
            let msg =
                "the Python environment or data/mnist.npz is missing; run scripts/setup-python.sh";
            if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
                panic!("CI: {msg}");
            }
            eprintln!("\n!!!!!!!! SKIPPED (not in CI): {msg} !!!!!!!!\n");
            None
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("neuralc-bench-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn quick_bench_on_real_mnist_in_both_backends() {
    let Some((python, data)) = python_env() else {
        return;
    };
    let _one_at_a_time = TRAINING.lock().unwrap_or_else(|e| e.into_inner());
    let out_dir = scratch("quick");
    let out = neuralc(
        &[
            "bench",
            "--quick",
            "--models",
            "simple_mlp",
            "--epochs",
            "1",
            "--limit",
            "1000",
            "--json",
            "--python",
            python.to_str().unwrap(),
            "--output",
            out_dir.to_str().unwrap(),
        ],
        &[("NEURALC_MNIST", data.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: BenchResults =
        serde_json::from_slice(&out.stdout).expect("stdout is exactly the results JSON");
    assert_eq!(r.runs.len(), 4);
    assert!(
        r.runs.iter().all(|run| run.outcome == Outcome::Ok),
        "{}",
        stderr(&out)
    );
    let order: Vec<(&str, Side)> = r
        .runs
        .iter()
        .map(|run| (run.backend.as_str(), run.side))
        .collect();
    assert_eq!(
        order,
        [
            ("tensorflow", Side::Generated),
            ("tensorflow", Side::Handwritten),
            ("pytorch", Side::Generated),
            ("pytorch", Side::Handwritten)
        ]
    );
    for run in &r.runs {
        let m = run.metrics.as_ref().unwrap();
        assert_eq!(
            (
                m.data.source.as_str(),
                m.data.train,
                m.data.val,
                m.data.test
            ),
            ("mnist", 800, 200, 1000)
        );
        assert_eq!(m.threads.intra, i64::from(r.settings.threads));
        assert_eq!(m.params, 101_770);
        assert!(out_dir.join(&run.stdout_log).is_file() && out_dir.join(&run.stderr_log).is_file());
        assert!(
            std::fs::read_to_string(out_dir.join(&run.stdout_log))
                .unwrap()
                .contains("epoch 1/1")
        );
    }
    for c in &r.comparisons {
        let s = c.summary.as_ref().unwrap();
        assert!(s.params_equal, "{}", c.backend);
        assert!(
            s.losses_identical,
            "{}: generated and hand-written losses differ",
            c.backend
        );
    }
    assert_eq!(r.compile.len(), 2);
    assert!(
        r.compile
            .iter()
            .all(|c| c.total_us > 0.0 && c.parse_us > 0.0)
    );
    assert!(!r.environment.python_version.is_empty() && r.environment.torch_version.is_some());
    let md = std::fs::read_to_string(out_dir.join("benchmark_report.md")).unwrap();
    assert!(md.contains(&r.verdict));
    assert!(
        std::fs::read_to_string(out_dir.join("benchmark_chart.svg"))
            .unwrap()
            .starts_with("<svg")
    );
    let saved: BenchResults = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("benchmark_results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(saved, r);
    let _ = std::fs::remove_dir_all(&out_dir);
}

/// A `--python` wrapper: the environment probe (`-c`) goes to the real interpreter,
/// scripts matching `pattern` get `action`, the others the real interpreter.
fn wrapper(dir: &Path, python: &Path, pattern: &str, action: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("python-wrapper");
    let real = python.display();
    std::fs::write(
        &path,
        format!("#!/bin/sh\ncase \"$1\" in\n  -c) exec \"{real}\" \"$@\";;\n  {pattern}) {action};;\n  *) exec \"{real}\" \"$@\";;\nesac\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_crashing_script_is_reported_and_the_others_still_run() {
    let Some((python, data)) = python_env() else {
        return;
    };
    let _one_at_a_time = TRAINING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("crash");
    let fake = wrapper(
        &dir,
        &python,
        "scripts/generated/*",
        "echo 'Traceback (most recent call last):' >&2; echo 'RuntimeError: simulated crash' >&2; exit 1",
    );
    let out_dir = dir.join("out");
    let out = neuralc(
        &[
            "bench",
            "--quick",
            "--models",
            "simple_mlp",
            "--backends",
            "pytorch",
            "--limit",
            "500",
            "--python",
            fake.to_str().unwrap(),
            "--output",
            out_dir.to_str().unwrap(),
        ],
        &[("NEURALC_MNIST", data.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "without --json/--report nothing goes to stdout"
    );
    assert!(
        stderr(&out).contains("1 of 2 training runs failed"),
        "{}",
        stderr(&out)
    );
    let r: BenchResults = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("benchmark_results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(r.runs[0].outcome, Outcome::Failed);
    assert_eq!(r.runs[0].exit_code, Some(1));
    assert_eq!(
        r.runs[1].outcome,
        Outcome::Ok,
        "the hand-written run still ran"
    );
    let md = std::fs::read_to_string(out_dir.join("benchmark_report.md")).unwrap();
    assert!(
        md.contains("## Failed runs") && md.contains("RuntimeError: simulated crash"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_past_its_time_limit_is_killed() {
    let Some((python, data)) = python_env() else {
        return;
    };
    let _one_at_a_time = TRAINING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("timeout");
    let fake = wrapper(&dir, &python, "scripts/*", "exec sleep 60");
    let out_dir = dir.join("out");
    let started = std::time::Instant::now();
    let out = neuralc(
        &[
            "bench",
            "--quick",
            "--models",
            "simple_mlp",
            "--backends",
            "pytorch",
            "--timeout",
            "1",
            "--python",
            fake.to_str().unwrap(),
            "--output",
            out_dir.to_str().unwrap(),
        ],
        &[("NEURALC_MNIST", data.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        started.elapsed().as_secs() < 50,
        "the sleeping scripts were not killed"
    );
    let r: BenchResults = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("benchmark_results.json")).unwrap(),
    )
    .unwrap();
    assert!(r.runs.iter().all(|run| run.outcome == Outcome::Timeout));
    assert!(
        r.runs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("time limit of 1 s")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn random_data_is_refused_even_when_named_mnist() {
    let Some((python, _)) = python_env() else {
        return;
    };
    let _one_at_a_time = TRAINING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("random");
    let fake = dir.join("mnist.npz");
    let status = Command::new(&python)
        .args([
            "-c",
            "import sys, numpy as np; r = np.random.default_rng(0); \
             np.savez(sys.argv[1], x_train=r.integers(0, 256, (600, 28, 28), dtype=np.uint8), \
             y_train=r.integers(0, 10, 600).astype(np.uint8), \
             x_test=r.integers(0, 256, (100, 28, 28), dtype=np.uint8), y_test=r.integers(0, 10, 100).astype(np.uint8))",
            fake.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let out = neuralc(
        &[
            "bench",
            "--quick",
            "--backends",
            "pytorch",
            "--python",
            python.to_str().unwrap(),
            "--output",
            dir.join("out").to_str().unwrap(),
        ],
        &[("NEURALC_MNIST", fake.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not the real MNIST"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out/runs").exists(), "nothing was trained");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_framework_names_the_setup_command() {
    let Some((python, data)) = python_env() else {
        return;
    };
    let dir = scratch("no-torch");
    // A `torch` module that shadows the real one, as in an environment without PyTorch.
    std::fs::write(
        dir.join("torch.py"),
        "raise ImportError(\"No module named 'torch'\")\n",
    )
    .unwrap();
    let out = neuralc(
        &[
            "bench",
            "--backends",
            "pytorch",
            "--python",
            python.to_str().unwrap(),
            "--output",
            dir.join("out").to_str().unwrap(),
        ],
        &[
            ("NEURALC_MNIST", data.to_str().unwrap()),
            ("PYTHONPATH", dir.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("PyTorch (torch) is not usable") && err.contains("scripts/setup-python.sh"),
        "{err}"
    );
    assert!(!dir.join("out").exists(), "nothing was written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unwritable_output_directory_is_one_error() {
    let Some((python, data)) = python_env() else {
        return;
    };
    let dir = scratch("unwritable");
    let blocker = dir.join("not-a-directory");
    std::fs::write(&blocker, "").unwrap();
    let out = neuralc(
        &[
            "bench",
            "--backends",
            "pytorch",
            "--python",
            python.to_str().unwrap(),
            "--output",
            blocker.to_str().unwrap(),
        ],
        &[("NEURALC_MNIST", data.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: cannot create") && err.contains("not-a-directory"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
