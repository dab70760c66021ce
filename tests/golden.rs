//! Golden-file tests: runs the real `neuralc` binary over every `golden/<suite>/*.neural`
//! and compares each output with the expected file beside the input.
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the expected files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Which stream of the command an expected file holds.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// One expected file per input: `<stem>.<ext>` holds `stream` of `neuralc <args> <input>`.
struct Output {
    ext: &'static str,
    args: &'static [&'static str],
    stream: Stream,
}

/// A directory of inputs, the outputs recorded for each, and the exit code expected
/// (inputs whose stem starts with `warn_` are expected to succeed with warnings).
struct Suite {
    dir: &'static str,
    outputs: &'static [Output],
    exit: i32,
}

const SUITES: &[Suite] = &[
    Suite {
        dir: "parse",
        outputs: &[Output {
            ext: "json",
            args: &["parse", "--emit", "ast-json"],
            stream: Stream::Stdout,
        }],
        exit: 0,
    },
    Suite {
        dir: "syntax",
        outputs: &[Output {
            ext: "stderr",
            args: &["check"],
            stream: Stream::Stderr,
        }],
        exit: 1,
    },
    Suite {
        dir: "sema",
        outputs: &[Output {
            ext: "stderr",
            args: &["check"],
            stream: Stream::Stderr,
        }],
        exit: 1,
    },
    Suite {
        dir: "shapes",
        outputs: &[
            Output {
                ext: "txt",
                args: &["shapes"],
                stream: Stream::Stdout,
            },
            Output {
                ext: "json",
                args: &["shapes", "--json"],
                stream: Stream::Stdout,
            },
        ],
        exit: 0,
    },
    Suite {
        dir: "compile",
        outputs: &[
            Output {
                ext: "pytorch.py",
                args: &["compile", "--backend", "pytorch"],
                stream: Stream::Stdout,
            },
            Output {
                ext: "tensorflow.py",
                args: &["compile", "--backend", "tensorflow"],
                stream: Stream::Stdout,
            },
        ],
        exit: 0,
    },
    Suite {
        dir: "graph",
        outputs: &[
            Output {
                ext: "svg",
                args: &["graph"],
                stream: Stream::Stdout,
            },
            Output {
                ext: "dot",
                args: &["graph", "--format", "dot"],
                stream: Stream::Stdout,
            },
            Output {
                ext: "mmd",
                args: &["graph", "--format", "mermaid"],
                stream: Stream::Stdout,
            },
        ],
        exit: 0,
    },
    Suite {
        dir: "compile-hpo",
        outputs: &[
            Output {
                ext: "pytorch.py",
                args: &["compile", "--backend", "pytorch", "--hpo"],
                stream: Stream::Stdout,
            },
            Output {
                ext: "tensorflow.py",
                args: &["compile", "--backend", "tensorflow", "--hpo"],
                stream: Stream::Stdout,
            },
        ],
        exit: 0,
    },
    Suite {
        dir: "compile-hpo-errors",
        outputs: &[Output {
            ext: "stderr",
            args: &["compile", "--backend", "pytorch", "--hpo"],
            stream: Stream::Stderr,
        }],
        exit: 1,
    },
    Suite {
        dir: "compile-errors",
        outputs: &[Output {
            ext: "stderr",
            args: &["compile", "--backend", "pytorch"],
            stream: Stream::Stderr,
        }],
        exit: 1,
    },
    // What the Keras side refuses (the PyTorch side accepts it).
    Suite {
        dir: "compile-errors-tensorflow",
        outputs: &[Output {
            ext: "stderr",
            args: &["compile", "--backend", "tensorflow"],
            stream: Stream::Stderr,
        }],
        exit: 1,
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "neural" || x == "nr" || x == "rnr")
        })
        .collect();
    files.sort();
    files
}

/// Runs one input through one output's command; returns (exit code, text).
fn run(input: &Path, out: &Output) -> (i32, String) {
    let rel = input
        .strip_prefix(root())
        .expect("inputs live under the crate");
    let result = Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(["--color", "never"])
        .args(out.args)
        .arg(rel)
        .env_remove("NO_COLOR")
        .output()
        .expect("run neuralc");
    let bytes = match out.stream {
        Stream::Stdout => result.stdout,
        Stream::Stderr => result.stderr,
    };
    let text = String::from_utf8(bytes).expect("neuralc prints UTF-8");
    (result.status.code().unwrap_or(-1), text)
}

#[test]
fn golden_files() {
    let mut failures = String::new();
    let mut checked = 0;
    for suite in SUITES {
        let dir = root().join("golden").join(suite.dir);
        let files = inputs(&dir);
        assert!(!files.is_empty(), "golden/{} has no inputs", suite.dir);
        for input in &files {
            let stem = input
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let want_exit = if stem.starts_with("warn_") {
                0
            } else {
                suite.exit
            };
            for out in suite.outputs {
                let expected_path = input.with_extension(out.ext);
                let (code, actual) = run(input, out);
                checked += 1;
                if code != want_exit {
                    let _ = writeln!(
                        failures,
                        "{}: `{}` exited {code}, expected {want_exit}\n{actual}",
                        input.display(),
                        out.args.join(" ")
                    );
                }
                if update() {
                    std::fs::write(&expected_path, &actual).expect("write golden file");
                    continue;
                }
                match std::fs::read_to_string(&expected_path) {
                    Ok(expected) if expected == actual => {}
                    Ok(expected) => {
                        let _ = writeln!(
                            failures,
                            "{} differs from the output:\n{}",
                            expected_path.display(),
                            diff(&expected, &actual)
                        );
                    }
                    Err(_) => {
                        let _ = writeln!(failures, "{} is missing", expected_path.display());
                    }
                }
            }
        }
        check_orphans(&dir, suite, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{failures}\n(run `UPDATE_GOLDEN=1 cargo test --test golden` to accept the new output, then review the diff)"
    );
    assert!(checked > 0);
}

/// An expected file without its input is left over from a renamed or deleted case.
fn check_orphans(dir: &Path, suite: &Suite, failures: &mut String) {
    for entry in std::fs::read_dir(dir).expect("list golden dir") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(out) = suite
            .outputs
            .iter()
            .find(|o| name.ends_with(&format!(".{}", o.ext)))
        else {
            continue;
        };
        let stem = &name[..name.len() - out.ext.len() - 1];
        let has_input = ["neural", "nr", "rnr"]
            .iter()
            .any(|x| dir.join(format!("{stem}.{x}")).exists());
        if !has_input {
            let _ = writeln!(failures, "{} has no input file beside it", path.display());
        }
    }
}

/// A small line diff: the first differing lines with context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let mut out = String::new();
    for line in e.iter().skip(first).take(8) {
        let _ = writeln!(out, "- {line}");
    }
    for line in a.iter().skip(first).take(8) {
        let _ = writeln!(out, "+ {line}");
    }
    let _ = writeln!(out, "(first difference at line {})", first + 1);
    out
}

/// Every diagnostic code defined in the sources (`Code::new("E….", …)`) must be
/// exercised by at least one golden `.stderr` file.
#[test]
fn every_diagnostic_code_has_a_golden_case() {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("list dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|x| x == ext) {
                out.push(path);
            }
        }
    }
    let mut sources = Vec::new();
    walk(&root().join("src"), "rs", &mut sources);
    let mut codes = Vec::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("read source");
        // `Code::new(` then optional whitespace (rustfmt may break the line) and the id.
        for (i, _) in text.match_indices("Code::new(") {
            let rest = text[i + 10..].trim_start();
            let Some(id) = rest.strip_prefix('"').and_then(|r| r.get(..5)) else {
                continue;
            };
            if id.starts_with('E') && id[1..].chars().all(|c| c.is_ascii_digit()) {
                codes.push(id.to_string());
            }
        }
    }
    assert!(codes.len() >= 20, "found only {} codes", codes.len());
    let mut goldens = Vec::new();
    walk(&root().join("golden"), "stderr", &mut goldens);
    let all: String = goldens
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read golden"))
        .collect();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !all.contains(&format!("[{c}]")))
        .collect();
    assert!(
        missing.is_empty(),
        "diagnostic codes without a golden case: {missing:?}"
    );
}
