//! The command line as a user meets it: exit codes, one-line file errors, colour
//! control, and JSON output.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn neuralc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run neuralc")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("neuralc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

const VALID: &str = "golden/parse/readme_quickstart.neural";
const INVALID: &str = "golden/syntax/missing_paren.neural";

#[test]
fn valid_file_checks_clean() {
    let out = neuralc(&["check", VALID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn invalid_file_exits_1_with_location() {
    let out = neuralc(&["--color", "never", "check", INVALID]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("golden/syntax/missing_paren.neural:4:14"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn several_files_are_all_checked() {
    let out = neuralc(&[
        "--color",
        "never",
        "check",
        INVALID,
        VALID,
        "golden/syntax/unterminated_string.neural",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("[E0005]") && err.contains("[E0002]"), "{err}");
}

#[test]
fn missing_file_is_one_line() {
    let out = neuralc(&["check", "no/such/model.neural"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: `no/such/model.neural` does not exist\n"
    );
}

#[test]
fn directory_is_one_line() {
    let out = neuralc(&["check", "golden"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: `golden` is a directory, not a model file\n"
    );
}

#[test]
fn non_utf8_file_is_one_line() {
    let path = scratch(
        "latin1.neural",
        b"network Caf\xe9 { input: (1,) layers: Dense(1) }\n",
    );
    let out = neuralc(&["check", path.to_str().expect("utf-8 temp path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is not valid UTF-8 (invalid byte at offset 11)"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(neuralc(&[]).status.code(), Some(2));
    assert_eq!(neuralc(&["check"]).status.code(), Some(2));
    assert_eq!(neuralc(&["check", "--bogus", VALID]).status.code(), Some(2));
    assert_eq!(
        neuralc(&["--color", "sometimes", "check", VALID])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn version_is_printed() {
    let out = neuralc(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("neuralc {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let always = neuralc(&["--color", "always", "check", INVALID]);
    assert!(
        stderr(&always).contains("\u{1b}["),
        "--color always must colour"
    );
    let never = neuralc(&["--color", "never", "check", INVALID]);
    assert!(!stderr(&never).contains("\u{1b}["));
    // `auto` with stderr captured (not a terminal) and NO_COLOR set: plain.
    let auto = Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(["check", INVALID])
        .env("NO_COLOR", "1")
        .output()
        .expect("run neuralc");
    assert!(!stderr(&auto).contains("\u{1b}["));
}

#[test]
fn parse_emits_the_dictionary_layout() {
    let out = neuralc(&["parse", VALID, "--emit", "ast-json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["name"], "MNISTClassifier");
    assert_eq!(json["input"]["shape"], serde_json::json!([28, 28, 1]));
    assert_eq!(json["layers"][0]["type"], "Conv2D");
    assert_eq!(
        json["layers"][0]["params"]["kernel_size"],
        serde_json::json!([3, 3])
    );
    assert_eq!(json["optimizer"]["type"], "Adam");
    assert_eq!(json["training"]["batch_size"], 64);
}

#[test]
fn parse_of_invalid_file_prints_no_json() {
    let out = neuralc(&["--color", "never", "parse", INVALID]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

const TWO_NETWORKS: &[u8] = b"network A {\n  input: (4,)\n  layers: Dense(2)\n}\n\nnetwork B {\n  input: (4,)\n  layers: Dense(3)\n}\n";

#[test]
fn several_networks_need_a_choice() {
    let path = scratch("two.neural", TWO_NETWORKS);
    let file = path.to_str().expect("utf-8 temp path");
    let out = neuralc(&["compile", file, "--backend", "pytorch"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("several networks (`A`, `B`)") && err.contains("--network NAME"),
        "{err}"
    );
    let out = neuralc(&["shapes", file, "--network", "C"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no network named `C`"),
        "{}",
        stderr(&out)
    );
    let out = neuralc(&["shapes", file, "--network", "B", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["name"], "B");
}

#[test]
fn compile_writes_nothing_for_an_invalid_model() {
    let target = std::env::temp_dir().join(format!("neuralc-cli-{}-never.py", std::process::id()));
    let out = neuralc(&[
        "compile",
        INVALID,
        "--backend",
        "pytorch",
        "-o",
        target.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !target.exists(),
        "no output file may be written for an invalid model"
    );
    let out = neuralc(&[
        "compile",
        VALID,
        "--backend",
        "tensorflow",
        "-o",
        target.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let script = std::fs::read_to_string(&target).expect("script written");
    assert!(
        script.starts_with("\"\"\"Train MNISTClassifier with TensorFlow"),
        "{}",
        &script[..80]
    );
    std::fs::remove_file(&target).expect("clean up");
}
