//! Compatibility with the original project's files: every file of
//! `../shared/corpus/neural-dsl/` is run through the front end and through
//! `neuralc check`, and the outcomes must match `golden/corpus.tsv`.
//! `UPDATE_GOLDEN=1 cargo test --test corpus` rewrites the outcome columns and keeps
//! the hand-written reasons; a rejected file without a reason fails the test.

use neuralc::diagnostic::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TSV_HEADER: &str = "file\tfront_end\tcheck\treason";
/// The bar: at least this many corpus files must parse.
const MIN_PARSED: usize = 83;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("NEURALC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus/neural-dsl"))
}

/// `ok`, or the first error's code and message.
fn outcome(diags: &[Diagnostic]) -> String {
    diags.iter().find(|d| d.is_error()).map_or_else(
        || "ok".to_string(),
        |d| format!("{} {}", d.code.id, d.message),
    )
}

/// The first `[E….] Error: …` line of `neuralc check`, or `ok` when it exits 0.
fn check_outcome(file: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .args(["--color", "never", "check"])
        .arg(file)
        .output()
        .expect("run neuralc");
    if out.status.success() {
        return "ok".to_string();
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix('[')?;
            let (code, msg) = rest.split_once("] Error: ")?;
            Some(format!("{code} {msg}"))
        })
        .unwrap_or_else(|| {
            format!(
                "exit {:?}: {}",
                out.status.code(),
                stderr.lines().next().unwrap_or("")
            )
        })
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus at {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "neural" || x == "nr" || x == "rnr")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_outcomes_match_the_record() {
    let tsv_path = root().join("golden/corpus.tsv");
    let recorded = std::fs::read_to_string(&tsv_path).unwrap_or_default();
    let mut reasons: BTreeMap<String, String> = BTreeMap::new();
    let mut expected: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in recorded.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [file, front, check, reason] = cols.as_slice() {
            expected.insert(file.to_string(), (front.to_string(), check.to_string()));
            reasons.insert(file.to_string(), reason.to_string());
        }
    }

    let files = corpus_files();
    assert_eq!(files.len(), 87, "the corpus has 87 model files");
    let mut rows = vec![TSV_HEADER.to_string()];
    let mut failures = Vec::new();
    let mut parsed = 0;
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name")
            .to_string();
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let (_, diags) = neuralc::syntax::parse_program(&text);
        let front = outcome(&diags);
        if front == "ok" {
            parsed += 1;
        }
        let check = check_outcome(path);
        let reason = reasons.get(&name).cloned().unwrap_or_default();
        if check != "ok" && reason.trim().is_empty() {
            failures.push(format!(
                "{name}: rejected ({check}) but golden/corpus.tsv gives no reason why that is right"
            ));
        }
        match expected.get(&name) {
            Some((f, c)) if *f == front && *c == check => {}
            Some((f, c)) => failures.push(format!(
                "{name}: recorded {f:?} / {c:?}, now {front:?} / {check:?}"
            )),
            None => failures.push(format!("{name}: not recorded in golden/corpus.tsv")),
        }
        rows.push(format!("{name}\t{front}\t{check}\t{reason}"));
    }
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0") {
        std::fs::write(&tsv_path, rows.join("\n") + "\n").expect("write golden/corpus.tsv");
        failures.retain(|f| f.contains("no reason"));
    }
    assert!(
        parsed >= MIN_PARSED,
        "only {parsed} of 87 corpus files parse (need {MIN_PARSED})"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
