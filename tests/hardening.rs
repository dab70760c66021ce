//! The first hour as a careless or hostile user spends it: the model is never
//! overwritten, closed pipes end quietly, hostile inputs stay bounded in memory and
//! time, and sizes past int64 are a diagnostic.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn neuralc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(args)
        .arg("--color=never")
        .output()
        .expect("run neuralc")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("neuralc-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const MODEL: &str = "golden/bench/cnn.neural";

fn copy_model(dir: &Path) -> (PathBuf, String) {
    let text = std::fs::read_to_string(root().join(MODEL)).unwrap();
    let model = dir.join("model.neural");
    std::fs::write(&model, &text).unwrap();
    (model, text)
}

#[test]
fn compile_never_overwrites_its_input() {
    let dir = scratch_dir("overwrite");
    let (model, text) = copy_model(&dir);
    let link = dir.join("link.py");
    std::os::unix::fs::symlink(&model, &link).unwrap();
    let hard = dir.join("hard.py");
    std::fs::hard_link(&model, &hard).unwrap();
    for out in [&model, &link, &hard] {
        let result = neuralc(&[
            "compile",
            model.to_str().unwrap(),
            "--backend",
            "pytorch",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        assert!(
            stderr(&result).contains("it is the input file"),
            "{}",
            stderr(&result)
        );
        assert_eq!(std::fs::read_to_string(&model).unwrap(), text);
    }
}

#[test]
fn compile_never_replaces_a_device_or_directory() {
    let dir = scratch_dir("special");
    for (out, kind) in [
        ("/dev/null", "a device"),
        (dir.to_str().unwrap(), "a directory"),
    ] {
        let result = neuralc(&["compile", MODEL, "--backend", "pytorch", "-o", out]);
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        assert!(stderr(&result).contains(kind), "{}", stderr(&result));
    }
    assert!(
        std::fs::metadata("/dev/null")
            .map(|m| !m.is_file())
            .unwrap_or(true)
    );
}

#[test]
fn compile_warns_about_names_that_shadow_a_framework() {
    let dir = scratch_dir("shadow");
    let out = dir.join("torch.py");
    let result = neuralc(&[
        "compile",
        MODEL,
        "--backend",
        "pytorch",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("shadows the `torch` package"),
        "{}",
        stderr(&result)
    );
}

/// Runs `neuralc ARGS | head -c 1`: the reader closes the pipe after one byte.
fn into_closed_pipe(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn neuralc");
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the next write gets EPIPE.
    child.wait_with_output().expect("wait")
}

#[test]
fn closed_pipes_end_quietly() {
    // A 2,000-layer model prints far more than a pipe buffer holds.
    let dir = scratch_dir("pipe");
    let model = dir.join("long.neural");
    let layers = "    Dense(8, \"relu\")\n".repeat(2_000);
    std::fs::write(
        &model,
        format!("network Long {{\n  input: (8,)\n  layers:\n{layers}    Output(10)\n}}\n"),
    )
    .unwrap();
    let path = model.to_str().unwrap();
    for _ in 0..20 {
        for args in [
            &["parse", path, "--emit", "ast-json"][..],
            &["shapes", path, "--json"],
            &["shapes", path],
            &["compile", path, "--backend", "tensorflow"],
        ] {
            let out = into_closed_pipe(args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
            assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
        }
    }
}

#[test]
fn devices_and_oversized_files_are_refused_in_one_line() {
    let out = neuralc(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );

    let dir = scratch_dir("large");
    let big = dir.join("big.neural");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(9 * 1024 * 1024).unwrap();
    let out = neuralc(&["check", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("larger than 8 MiB"),
        "{}",
        stderr(&out)
    );
}

/// Peak resident memory of `neuralc check FILE` in KiB and its wall time, as GNU time's
/// `%M` reports it (`getrusage` of the child). GNU time ships with Debian; without it the
/// test fails rather than passing unmeasured.
fn check_cost(file: &Path) -> (Output, u64, Duration) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "/usr/bin/time is missing (`apt-get install time`): peak memory cannot be measured"
    );
    let start = Instant::now();
    let out = Command::new(time)
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_neuralc"))
        .args(["check", "-q"])
        .arg(file)
        .output()
        .expect("run neuralc");
    let elapsed = start.elapsed();
    let kib = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time prints the peak RSS last");
    (out, kib, elapsed)
}

#[test]
fn hostile_files_stay_bounded() {
    let dir = scratch_dir("hostile");
    let header = "network N { input: (8,) layers:\n";
    let size = 7 * 1024 * 1024;
    let fill = |unit: &str| {
        let mut text = String::from(header);
        while text.len() + unit.len() < size {
            text.push_str(unit);
        }
        text
    };
    let cases = [
        // Layers past the 100,000-layer limit, written out.
        ("layers", fill("F\n")),
        // A syntax error on every line.
        ("errors", fill("Dense(8))\n")),
        // One line of characters that start no token.
        ("stray", fill("`")),
    ];
    for (name, text) in cases {
        let file = dir.join(format!("{name}.neural"));
        std::fs::write(&file, &text).unwrap();
        let (out, kib, elapsed) = check_cost(&file);
        assert_eq!(out.status.code(), Some(1), "{name}");
        // Debug builds are several times slower than release; the bound is for both.
        assert!(elapsed < Duration::from_secs(60), "{name}: {elapsed:?}");
        assert!(kib < 1024 * 1024, "{name}: {kib} KiB");
        assert!(
            out.stderr.len() < 256 * 1024,
            "{name}: {} bytes",
            out.stderr.len()
        );
    }
}

#[test]
fn sizes_past_int64_are_a_diagnostic() {
    let out = neuralc(&["check", "golden/sema/e0131_size_too_large.neural"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E0131"), "{}", stderr(&out));
}

#[test]
fn check_says_ok_unless_quiet() {
    let out = neuralc(&["check", MODEL]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "golden/bench/cnn.neural: ok — 8 layers, 225,034 parameters\n"
    );
    let out = neuralc(&["check", "-q", MODEL]);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}
