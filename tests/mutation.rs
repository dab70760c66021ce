//! Structured mutation fuzzing of the checker and both code generators. Valid models
//! (every `golden/` model and the original project's corpus when present) are mutated
//! token by token — extreme and odd numbers, other layer names, activations, paddings,
//! losses and optimizers, `HPO(…)` spaces, repeats, dropped, doubled and swapped lines —
//! and each mutant goes through the whole pipeline: parse, check, `compile` and
//! `compile --hpo` for both backends. None of it may panic (the test profile has
//! overflow checks on, so a wrapped size is a panic too).
//!
//! `NEURALC_MUTATION_SECONDS` (default 15) bounds the run, `NEURALC_MUTATION_SEED`
//! (default 1) seeds it. A panicking mutant is written to
//! `target/mutation-crashes/` and the test fails naming it; once fixed, keep it in
//! `tests/mutation-regressions/`, which every run replays first.

use neuralc::codegen::{self, Backend, Options};
use neuralc::sema::{self, CheckOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.neural`/`.nr`/`.rnr` file below `dir`.
fn models_below(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            models_below(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "neural" || e == "nr" || e == "rnr")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push(text);
        }
    }
}

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "7",
    "64",
    "65536",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0",
    "0.5",
    "1.0",
    "1.5",
    "-0.5",
    "1e-12",
    "1e308",
    "None",
];
const NAMES: &[&str] = &[
    "Dense",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling3D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "Flatten",
    "Dropout",
    "SpatialDropout2D",
    "GaussianNoise",
    "Activation",
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "Reshape",
    "UpSampling2D",
    "ZeroPadding2D",
    "Embedding",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "Bidirectional",
    "TimeDistributed",
    "MultiHeadAttention",
    "TransformerEncoder",
    "TransformerDecoder",
    "ResidualConnection",
    "Output",
    "Add",
];
const STRINGS: &[&str] = &[
    "\"relu\"",
    "\"softmax\"",
    "\"sigmoid\"",
    "\"linear\"",
    "\"same\"",
    "\"valid\"",
    "\"causal\"",
    "\"concat\"",
    "\"sum\"",
    "\"mse\"",
    "\"binary_crossentropy\"",
    "\"categorical_crossentropy\"",
    "\"kl_divergence\"",
    "\"huber\"",
    "\"cuda\"",
    "\"\"",
];
const VALUES: &[&str] = &[
    "(3, 3)",
    "(1, 1)",
    "(2, 2, 2)",
    "(0, 0)",
    "((1, 2), (3, 4))",
    "(-1,)",
    "(4, -1)",
    "true",
    "false",
    "HPO(choice(8, 16))",
    "HPO(range(1, 4))",
    "HPO(range(0.1, 0.5, step=0.1))",
    "HPO(log_range(1e-4, 1e-1))",
    "HPO(choice(\"relu\", \"tanh\"))",
    "Adam(learning_rate=0.01)",
    "SGD(learning_rate=ExponentialDecay(0.1, 1000, 0.96), momentum=0.9)",
    "RMSprop()",
    "Dense(4)",
    "LSTM(4, return_sequences=true)",
];
const LINES: &[&str] = &[
    "Flatten()",
    "Dense(16, \"relu\")",
    "Dropout(0.5)",
    "BatchNormalization()",
    "Conv2D(4, (3, 3), padding=\"same\")",
    "MaxPooling2D((2, 2))",
    "GlobalAveragePooling1D()",
    "LSTM(8, return_sequences=true)",
    "Bidirectional(GRU(4))",
    "TimeDistributed(Dense(3))",
    "ResidualConnection { Dense(16) }",
    "MultiHeadAttention(num_heads=2, key_dim=4)",
    "TransformerEncoder(num_heads=2, ff_dim=8)",
    "Reshape((4, -1))",
    "Embedding(100, 8)",
    "Output(1, \"sigmoid\")",
    "Dense(8) * 3",
];

/// Byte ranges of the tokens worth replacing, by kind.
fn tokens(src: &str) -> Vec<(usize, usize, char)> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            'n'
        } else if c.is_ascii_uppercase() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            'N'
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += 1;
            }
            i = (i + 1).min(bytes.len());
            's'
        } else if c == b'(' {
            i += 1;
            'p'
        } else {
            i += 1;
            continue;
        };
        out.push((start, i, kind));
    }
    out
}

/// One to three random edits of `src`.
fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut text = src.to_string();
    for _ in 0..1 + rng.below(3) {
        let toks = tokens(&text);
        match rng.below(6) {
            0..=3 if !toks.is_empty() => {
                let (start, end, kind) = toks[rng.below(toks.len())];
                let new = match kind {
                    'n' => rng.pick(NUMBERS),
                    'N' => rng.pick(NAMES),
                    's' => rng.pick(STRINGS),
                    _ => {
                        // After a `(`: insert a value as the first argument.
                        let v = rng.pick(VALUES);
                        text.insert_str(end, &format!("{v}, "));
                        continue;
                    }
                };
                text.replace_range(start..end, new);
            }
            4 => {
                // Insert a layer line after a random line.
                let lines: Vec<&str> = text.lines().collect();
                let at = rng.below(lines.len().max(1));
                let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                out.insert(at.min(out.len()), format!("    {}", rng.pick(LINES)));
                text = out.join("\n");
            }
            _ => {
                // Drop, double or swap lines.
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                if lines.len() < 2 {
                    continue;
                }
                let a = rng.below(lines.len());
                let b = rng.below(lines.len());
                match rng.below(3) {
                    0 => {
                        lines.remove(a);
                    }
                    1 => {
                        let copy = lines[a].clone();
                        lines.insert(a, copy);
                    }
                    _ => lines.swap(a, b),
                }
                text = lines.join("\n");
            }
        }
    }
    text
}

/// The whole pipeline on one source; true when some network compiled.
fn pipeline(src: &str) -> bool {
    let (program, diags) = neuralc::syntax::parse_program(src);
    let file = neuralc::report::SourceFile {
        path: "mutant.neural",
        text: src,
    };
    let _ = neuralc::report::render_all(&diags, &file, false);
    let Some(program) = program else {
        return false;
    };
    if neuralc::diagnostic::has_errors(&diags) {
        return false;
    }
    let mut compiled = false;
    for validate in [true, false] {
        let mut opts = CheckOptions::new(src);
        opts.validate_shapes = validate;
        for net in &program.networks {
            let (model, diags) = sema::check(net, &opts);
            let _ = neuralc::report::render_all(&diags, &file, false);
            let Some(model) = model.filter(|_| !neuralc::diagnostic::has_errors(&diags)) else {
                continue;
            };
            let _ = neuralc::commands::shapes::model_json(&model);
            let _ = neuralc::commands::shapes::table(&model, src);
            let options = Options {
                source: "mutant.neural",
                script: "mutant.py",
            };
            for backend in [Backend::PyTorch, Backend::TensorFlow] {
                compiled |= codegen::generate(&model, backend, &options).is_ok();
                let _ = codegen::generate_hpo(&model, backend, &options);
            }
        }
    }
    compiled
}

#[test]
fn mutants_never_panic() {
    let seconds: u64 = std::env::var("NEURALC_MUTATION_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let seed: u64 = std::env::var("NEURALC_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut seeds = Vec::new();
    models_below(&root().join("golden"), &mut seeds);
    let corpus = std::env::var_os("NEURALC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus/neural-dsl"));
    models_below(&corpus, &mut seeds);
    // Inputs that once panicked, kept as they were found.
    let mut regressions = Vec::new();
    models_below(&root().join("tests/mutation-regressions"), &mut regressions);
    assert!(!regressions.is_empty());
    for src in &regressions {
        pipeline(src);
    }
    // Only models that check clean are worth mutating: their mutants reach codegen.
    seeds.retain(|s| pipeline(s));
    assert!(seeds.len() >= 20, "only {} valid seed models", seeds.len());

    // Panics are caught per mutant; keep their messages off the test output.
    std::panic::set_hook(Box::new(|_| {}));
    let crashes = root().join("target/mutation-crashes");
    std::fs::create_dir_all(&crashes).unwrap();
    let in_flight = crashes.join(format!("in-flight-{seed}.neural"));
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut compiled, mut failures) = (0u64, 0u64, Vec::new());
    while Instant::now() < deadline {
        let base = &seeds[rng.below(seeds.len())];
        let mutant = mutate(base, &mut rng);
        // An abort (out of memory, stack overflow) cannot be caught: the input in
        // flight is kept here to reproduce it.
        std::fs::write(&in_flight, &mutant).unwrap();
        match std::panic::catch_unwind(|| pipeline(&mutant)) {
            Ok(ok) => compiled += u64::from(ok),
            Err(_) => {
                std::fs::create_dir_all(&crashes).unwrap();
                let path = crashes.join(format!("crash-{seed}-{runs}.neural"));
                std::fs::write(&path, &mutant).unwrap();
                failures.push(path);
            }
        }
        runs += 1;
    }
    let _ = std::panic::take_hook();
    let _ = std::fs::remove_file(&in_flight);
    eprintln!(
        "mutation: {runs} mutants of {} models in {seconds} s, {compiled} compiled, {} panicked",
        seeds.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "mutants panicked (inputs kept): {failures:#?}"
    );
    assert!(compiled > 0, "no mutant reached code generation");
}
