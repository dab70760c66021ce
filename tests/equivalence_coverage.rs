//! Every entry of the catalog has an equivalence case: each layer row (and each of its
//! parameters with a non-default value), each activation, loss (and loss parameter),
//! optimizer (and optimizer parameter) and learning-rate schedule (and schedule
//! parameter) appears in a model of `tests/equivalence/` or `tests/equivalence/catalog/`,
//! the models `scripts/test.sh` runs through `scripts/verify_equivalence.py`.
//!
//! What neuralc cannot compile to both backends has no case: it is listed in [`REFUSED`]
//! with the reason, and a probe model that must still fail to compile for one backend,
//! so that the list cannot outlive the refusal (once it compiles, write its case).
//!
//! Coverage is read from the compiler itself: `neuralc shapes --json` (each layer's
//! canonical `type` and its arguments, inner layers included) and
//! `neuralc parse --emit ast-json` (loss, optimizer, schedule).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use neuralc::sema::catalog::{self, Fill, Lit, ParamSpec};
use neuralc::sema::layers::LAYERS;
use neuralc::sema::train_catalog::{self, LOSSES, OPTIMIZERS, SCHEDULES};
use serde_json::Value;

/// The directories of equivalence cases (the ones `scripts/test.sh` verifies).
const CASE_DIRS: &[&str] = &["tests/equivalence", "tests/equivalence/catalog"];

/// What a refused entry's probe puts in a model.
enum Probe {
    /// A layer list (`input`, layers) before `Flatten()`, `Output(2, "softmax")`.
    Layers(&'static str, &'static str),
    /// A loss expression, with the output layer it needs.
    Loss(&'static str, &'static str),
    /// An optimizer expression.
    Optimizer(&'static str),
}

/// A catalog entry no case can cover, because neuralc refuses it for one backend.
struct Refused {
    /// `layer Add`, `layer LSTM.dropout`, `loss kl_divergence`, `optimizer Adam.clipnorm`.
    entry: &'static str,
    probe: Probe,
    reason: &'static str,
}

const fn layers(
    entry: &'static str,
    input: &'static str,
    layers: &'static str,
    reason: &'static str,
) -> Refused {
    Refused {
        entry,
        probe: Probe::Layers(input, layers),
        reason,
    }
}

const MERGE: &str = "E0114: a merge layer combines several tensors, a layer list gives it one";
const CLIP: &str = "E0202: gradient clipping has no PyTorch mapping yet";
const RNN_DROPOUT: &str = "E0200: recurrent dropout has no PyTorch mapping yet (nn.LSTM/GRU/RNN drop between stacked layers only)";
const GO_BACKWARDS: &str = "E0200: go_backwards has no PyTorch mapping yet";

/// Entries that cannot be compiled to both backends, with the reason.
const REFUSED: &[Refused] = &[
    layers("layer Add", "(4,)", "Dense(3)\n    Add()", MERGE),
    layers("layer Subtract", "(4,)", "Dense(3)\n    Subtract()", MERGE),
    layers("layer Multiply", "(4,)", "Dense(3)\n    Multiply()", MERGE),
    layers("layer Average", "(4,)", "Dense(3)\n    Average()", MERGE),
    layers("layer Maximum", "(4,)", "Dense(3)\n    Maximum()", MERGE),
    layers("layer Minimum", "(4,)", "Dense(3)\n    Minimum()", MERGE),
    layers(
        "layer Concatenate",
        "(4,)",
        "Dense(3)\n    Concatenate()",
        MERGE,
    ),
    layers("layer Dot", "(4,)", "Dense(3)\n    Dot()", MERGE),
    layers(
        "layer Dense.kernel_regularizer",
        "(4,)",
        "Dense(3, kernel_regularizer=\"l2\")",
        "E0200: PyTorch has no per-layer regulariser in the loss (weight decay is another update)",
    ),
    layers(
        "layer Output.kernel_regularizer",
        "(4,)",
        "Output(3, \"softmax\", kernel_regularizer=\"l2\")",
        "E0200: as Dense.kernel_regularizer",
    ),
    layers(
        "layer BatchNormalization.axis",
        "(4, 4, 2)",
        "BatchNormalization(axis=1)",
        "E0200: normalising over an axis other than the last (channels) has no PyTorch mapping yet",
    ),
    layers(
        "layer Embedding.mask_zero",
        "(5,)",
        "Embedding(10, 3, mask_zero=true)",
        "E0200: Keras' mask propagation through the following layers has no PyTorch mapping yet",
    ),
    layers(
        "layer Bidirectional.merge_mode",
        "(4, 3)",
        "Bidirectional(LSTM(2), merge_mode=\"ave\")",
        "E0200: only merge_mode=\"concat\" has a PyTorch mapping (bidirectional=True)",
    ),
    layers(
        "layer LSTM.activation",
        "(4, 3)",
        "LSTM(3, activation=\"relu\")",
        "E0200: nn.LSTM has tanh built in",
    ),
    layers(
        "layer GRU.activation",
        "(4, 3)",
        "GRU(3, activation=\"relu\")",
        "E0200: nn.GRU has tanh built in",
    ),
    layers(
        "layer LSTM.dropout",
        "(4, 3)",
        "LSTM(3, dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer GRU.dropout",
        "(4, 3)",
        "GRU(3, dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer SimpleRNN.dropout",
        "(4, 3)",
        "SimpleRNN(3, dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer LSTM.recurrent_dropout",
        "(4, 3)",
        "LSTM(3, recurrent_dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer GRU.recurrent_dropout",
        "(4, 3)",
        "GRU(3, recurrent_dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer SimpleRNN.recurrent_dropout",
        "(4, 3)",
        "SimpleRNN(3, recurrent_dropout=0.2)",
        RNN_DROPOUT,
    ),
    layers(
        "layer LSTM.go_backwards",
        "(4, 3)",
        "LSTM(3, go_backwards=true)",
        GO_BACKWARDS,
    ),
    layers(
        "layer GRU.go_backwards",
        "(4, 3)",
        "GRU(3, go_backwards=true)",
        GO_BACKWARDS,
    ),
    layers(
        "layer SimpleRNN.go_backwards",
        "(4, 3)",
        "SimpleRNN(3, go_backwards=true)",
        GO_BACKWARDS,
    ),
    Refused {
        entry: "loss kl_divergence",
        probe: Probe::Loss("\"kl_divergence\"", "Output(3, \"softmax\")"),
        reason: "E0201: the generated training loop does not support kl_divergence yet",
    },
    Refused {
        entry: "loss categorical_crossentropy.label_smoothing",
        probe: Probe::Loss(
            "categorical_crossentropy(label_smoothing=0.1)",
            "Output(3, \"softmax\")",
        ),
        reason: "E0201: label_smoothing is not supported yet",
    },
    Refused {
        entry: "loss binary_crossentropy.label_smoothing",
        probe: Probe::Loss(
            "binary_crossentropy(label_smoothing=0.1)",
            "Output(1, \"sigmoid\")",
        ),
        reason: "E0201: label_smoothing is not supported yet",
    },
    Refused {
        entry: "optimizer Adagrad.weight_decay",
        probe: Probe::Optimizer("Adagrad(weight_decay=0.01)"),
        reason: "E0202: Keras decays the weights apart from the gradient, torch.optim.Adagrad adds the decay to the gradient",
    },
    opt_clip("optimizer Adam.clipnorm", "Adam(clipnorm=0.5)"),
    opt_clip("optimizer Adam.clipvalue", "Adam(clipvalue=0.5)"),
    opt_clip("optimizer AdamW.clipnorm", "AdamW(clipnorm=0.5)"),
    opt_clip("optimizer AdamW.clipvalue", "AdamW(clipvalue=0.5)"),
    opt_clip("optimizer SGD.clipnorm", "SGD(clipnorm=0.5)"),
    opt_clip("optimizer SGD.clipvalue", "SGD(clipvalue=0.5)"),
    opt_clip("optimizer RMSprop.clipnorm", "RMSprop(clipnorm=0.5)"),
    opt_clip("optimizer RMSprop.clipvalue", "RMSprop(clipvalue=0.5)"),
    opt_clip("optimizer Adagrad.clipnorm", "Adagrad(clipnorm=0.5)"),
    opt_clip("optimizer Adagrad.clipvalue", "Adagrad(clipvalue=0.5)"),
    opt_clip("optimizer Adadelta.clipnorm", "Adadelta(clipnorm=0.5)"),
    opt_clip("optimizer Adadelta.clipvalue", "Adadelta(clipvalue=0.5)"),
    opt_clip("optimizer Adamax.clipnorm", "Adamax(clipnorm=0.5)"),
    opt_clip("optimizer Adamax.clipvalue", "Adamax(clipvalue=0.5)"),
    opt_clip("optimizer Nadam.clipnorm", "Nadam(clipnorm=0.5)"),
    opt_clip("optimizer Nadam.clipvalue", "Nadam(clipvalue=0.5)"),
];

const fn opt_clip(entry: &'static str, expr: &'static str) -> Refused {
    Refused {
        entry,
        probe: Probe::Optimizer(expr),
        reason: CLIP,
    }
}

/// Entries whose only case comes out `different` in `scripts/verify_equivalence.py`: the
/// case lives in `tests/equivalence/diverging/` (not run by `scripts/test.sh`), its first
/// lines name the divergence. Fix the divergence, then move the case into `catalog/`.
const DIVERGING: &[(&str, &str)] = &[
    (
        "optimizer Adamax.epsilon",
        "tests/equivalence/diverging/adamax_epsilon.neural",
    ),
    (
        "optimizer Adagrad.epsilon",
        "tests/equivalence/diverging/adagrad_epsilon.neural",
    ),
    (
        "layer TransformerDecoder.use_attention_mask",
        "tests/equivalence/diverging/decoder_attention_mask.neural",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn neuralc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_neuralc"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run neuralc")
}

fn json(args: &[&str]) -> Value {
    let out = neuralc(args);
    assert!(
        out.status.success(),
        "neuralc {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn cases() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in CASE_DIRS {
        for entry in std::fs::read_dir(root().join(dir)).expect("case directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "neural") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Whether a value written in a model is the parameter's default (absent counts as default).
fn is_default(value: &Value, spec: &ParamSpec) -> bool {
    match (&spec.fill, value) {
        (_, Value::Null) => true,
        (Fill::Required, _) | (Fill::Absent, _) => false,
        (Fill::Value(lit), v) => same(v, lit),
    }
}

fn same(value: &Value, lit: &Lit) -> bool {
    match (value, lit) {
        // A size given per axis is the default when every axis has it: `(1, 1)` ≡ `1`.
        (Value::Array(items), _) => items.iter().all(|v| same(v, lit)),
        (Value::Number(n), Lit::Int(i)) => n.as_f64() == Some(*i as f64),
        (Value::Number(n), Lit::Float(x)) => n.as_f64() == Some(*x),
        (Value::Bool(b), Lit::Bool(l)) => b == l,
        (Value::String(s), Lit::Str(l)) => s.eq_ignore_ascii_case(l),
        _ => false,
    }
}

#[derive(Default)]
struct Covered {
    /// `layer Conv2D`, `layer Conv2D.strides`, `activation relu`, `loss huber`, …
    entries: BTreeSet<String>,
}

impl Covered {
    fn add(&mut self, entry: String) {
        self.entries.insert(entry);
    }

    fn layer(&mut self, layer: &Value) {
        let kind = layer["type"].as_str().expect("layer type");
        let spec = catalog::lookup(kind).unwrap_or_else(|| panic!("{kind} is not in the catalog"));
        self.add(format!("layer {}", spec.name));
        let args = &layer["args"];
        for param in spec.params {
            let value = &args[param.name];
            if !is_default(value, param) {
                self.add(format!("layer {}.{}", spec.name, param.name));
            }
            if matches!(param.kind, catalog::Kind::Activation)
                && let Some(name) = value.as_str()
            {
                self.activation(name);
            }
        }
        // A wrapped layer (Bidirectional, TimeDistributed) and a block's layers.
        if !layer["inner"].as_array().is_none_or(|a| a.is_empty()) {
            self.add(format!("layer {}.layer", spec.name));
        }
        for inner in layer["inner"].as_array().into_iter().flatten() {
            self.layer(inner);
        }
    }

    fn activation(&mut self, name: &str) {
        let act = catalog::activation(name).unwrap_or_else(|| panic!("unknown activation {name}"));
        self.add(format!("activation {}", act.name));
    }

    /// Named and positional (`arg0`, …) arguments against a parameter list.
    fn params(&mut self, what: &str, params: &[ParamSpec], given: &Value) {
        let Some(given) = given.as_object() else {
            return;
        };
        for (key, value) in given {
            let name = key
                .strip_prefix("arg")
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| params.get(i))
                .map(|p| p.name)
                .or_else(|| {
                    train_catalog::PARAM_ALIASES
                        .iter()
                        .find(|(alias, _)| alias == key)
                        .map(|(_, name)| *name)
                })
                .unwrap_or(key);
            let spec = params
                .iter()
                .find(|p| p.name == name)
                .unwrap_or_else(|| panic!("{what} has no parameter {name}"));
            if !is_default(value, spec) {
                self.add(format!("{what}.{name}"));
            }
        }
    }

    fn training(&mut self, ast: &Value) {
        let loss = &ast["loss"];
        let name = loss
            .as_str()
            .or_else(|| loss["type"].as_str())
            .expect("loss");
        let spec = train_catalog::find_loss(name).unwrap_or_else(|| panic!("unknown loss {name}"));
        self.add(format!("loss {}", spec.name));
        self.params(&format!("loss {}", spec.name), spec.params, &loss["params"]);

        let opt = &ast["optimizer"];
        let name = opt
            .as_str()
            .or_else(|| opt["type"].as_str())
            .expect("optimizer");
        let spec = OPTIMIZERS
            .iter()
            .find(|o| train_catalog::same_name(o.name, name))
            .unwrap_or_else(|| panic!("unknown optimizer {name}"));
        self.add(format!("optimizer {}", spec.name));
        let mut params = opt["params"].clone();
        if let Some(object) = params.as_object_mut() {
            for key in ["learning_rate", "lr"] {
                if let Some(schedule) = object.get(key).filter(|v| v.is_object()).cloned() {
                    self.schedule(&schedule);
                    // A schedule replaces the constant rate: count it as a non-default rate.
                    object.insert(key.to_string(), Value::from(-1.0));
                }
            }
        }
        self.params(&format!("optimizer {}", spec.name), spec.params, &params);
    }

    fn schedule(&mut self, schedule: &Value) {
        let name = schedule["type"].as_str().expect("schedule type");
        let spec = SCHEDULES
            .iter()
            .find(|s| train_catalog::same_name(s.name, name))
            .unwrap_or_else(|| panic!("unknown schedule {name}"));
        self.add(format!("schedule {}", spec.name));
        self.params(
            &format!("schedule {}", spec.name),
            spec.params,
            &schedule["params"],
        );
    }
}

/// Every entry the catalog has, with its category.
fn catalog_entries() -> Vec<(&'static str, String)> {
    let mut all = Vec::new();
    for spec in LAYERS {
        all.push(("layer", format!("layer {}", spec.name)));
        for param in spec.params {
            all.push((
                "layer parameter",
                format!("layer {}.{}", spec.name, param.name),
            ));
        }
    }
    for act in catalog::ACTIVATIONS {
        all.push(("activation", format!("activation {}", act.name)));
    }
    // Each training table: its rows and their parameters.
    let tables: [(&str, Vec<Row>); 3] = [
        ("loss", LOSSES.iter().map(|s| (s.name, s.params)).collect()),
        (
            "optimizer",
            OPTIMIZERS.iter().map(|s| (s.name, s.params)).collect(),
        ),
        (
            "schedule",
            SCHEDULES.iter().map(|s| (s.name, s.params)).collect(),
        ),
    ];
    for (kind, rows) in tables {
        for (name, params) in rows {
            all.push((kind, format!("{kind} {name}")));
            for param in params {
                all.push((
                    parameter_kind(kind),
                    format!("{kind} {name}.{}", param.name),
                ));
            }
        }
    }
    all
}

/// A row of a training table: its name and parameters.
type Row = (&'static str, &'static [ParamSpec]);

/// The category of a table's parameters (`loss` → `loss parameter`).
fn parameter_kind(kind: &str) -> &'static str {
    match kind {
        "loss" => "loss parameter",
        "optimizer" => "optimizer parameter",
        _ => "schedule parameter",
    }
}

fn covered_by(cases: &[PathBuf]) -> Covered {
    let mut covered = Covered::default();
    for case in cases {
        let path = case.to_str().expect("UTF-8 path");
        let shapes = json(&["shapes", "--json", path]);
        for layer in shapes["layers"].as_array().expect("layers") {
            covered.layer(layer);
        }
        let ast = json(&["parse", "--emit", "ast-json", path]);
        covered.training(&ast);
    }
    covered
}

#[test]
fn every_catalog_entry_has_an_equivalence_case() {
    let covered = covered_by(&cases());
    let refused: BTreeSet<&str> = REFUSED.iter().map(|r| r.entry).collect();
    let diverging: BTreeSet<&str> = DIVERGING.iter().map(|d| d.0).collect();
    let mut missing = Vec::new();
    let mut stale = Vec::new();
    // (category, total, covered, refused, diverging)
    let mut figures: Vec<(&str, usize, usize, usize, usize)> = Vec::new();
    for (category, entry) in catalog_entries() {
        let idx = match figures.iter().position(|f| f.0 == category) {
            Some(i) => i,
            None => {
                figures.push((category, 0, 0, 0, 0));
                figures.len() - 1
            }
        };
        figures[idx].1 += 1;
        if covered.entries.contains(&entry) {
            figures[idx].2 += 1;
            if refused.contains(entry.as_str()) || diverging.contains(entry.as_str()) {
                stale.push(entry);
            }
        } else if diverging.contains(entry.as_str()) {
            figures[idx].4 += 1;
        } else if refused.contains(entry.as_str())
            || entry
                .split_once('.')
                .is_some_and(|(row, _)| refused.contains(row))
        {
            // A refused row's parameters are refused with it.
            figures[idx].3 += 1;
        } else {
            missing.push(entry);
        }
    }
    for (category, total, cases, refused, diverging) in &figures {
        eprintln!(
            "{category:>20}: {cases:>3} covered, {refused:>3} refused, {diverging} diverging, \
             of {total:>3}"
        );
    }
    let known: BTreeSet<String> = catalog_entries().into_iter().map(|(_, e)| e).collect();
    let unknown: Vec<&str> = refused
        .iter()
        .filter(|r| !known.contains(**r))
        .copied()
        .collect();
    assert!(
        unknown.is_empty(),
        "REFUSED names entries the catalog lacks: {unknown:?}"
    );
    for (entry, case) in DIVERGING {
        assert!(
            known.contains(*entry),
            "DIVERGING names {entry}, not in the catalog"
        );
        let by_case = covered_by(&[root().join(case)]);
        assert!(
            by_case.entries.contains(*entry),
            "{case} does not exercise {entry}, the divergence DIVERGING lists for it"
        );
    }
    assert!(
        stale.is_empty(),
        "listed in REFUSED but covered by a case: {stale:?}"
    );
    assert!(
        missing.is_empty(),
        "catalog entries without an equivalence case in {CASE_DIRS:?} (write one, or list \
         the entry in REFUSED with the reason):\n  {}",
        missing.join("\n  ")
    );
}

fn probe_source(probe: &Probe) -> String {
    let (input, layers, output, loss, optimizer) = match probe {
        Probe::Layers(input, layers) => (
            *input,
            *layers,
            "Output(2, \"softmax\")",
            "\"sparse_categorical_crossentropy\"",
            "Adam()",
        ),
        Probe::Loss(loss, output) => ("(4,)", "Dense(3)", *output, *loss, "Adam()"),
        Probe::Optimizer(opt) => (
            "(4,)",
            "Dense(3)",
            "Output(2, \"softmax\")",
            "\"sparse_categorical_crossentropy\"",
            *opt,
        ),
    };
    format!(
        "network Probe {{\n  input: {input}\n  layers:\n    {layers}\n    Flatten()\n    \
         {output}\n  loss: {loss}\n  optimizer: {optimizer}\n}}\n"
    )
}

/// Each refused entry is still refused for at least one backend, with the reason's code.
#[test]
fn refused_entries_are_still_refused() {
    let dir = std::env::temp_dir().join(format!("neuralc-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let mut compiles = Vec::new();
    for (i, refused) in REFUSED.iter().enumerate() {
        let model = dir.join(format!("probe{i}.neural"));
        std::fs::write(&model, probe_source(&refused.probe)).expect("write probe");
        let code = refused.reason.split(':').next().expect("reason code");
        let mut refusal = None;
        for backend in ["pytorch", "tensorflow"] {
            let out = dir.join(format!("probe{i}.{backend}.py"));
            let result = neuralc(&[
                "--color",
                "never",
                "compile",
                model.to_str().expect("UTF-8 path"),
                "--backend",
                backend,
                "-o",
                out.to_str().expect("UTF-8 path"),
            ]);
            if !result.status.success() {
                refusal = Some(String::from_utf8_lossy(&result.stderr).into_owned());
            }
        }
        match refusal {
            None => compiles.push(format!("{} now compiles for both backends", refused.entry)),
            Some(stderr) if !stderr.contains(&format!("[{code}]")) => compiles.push(format!(
                "{}: expected {code}, got: {}",
                refused.entry,
                stderr.lines().next().unwrap_or("")
            )),
            Some(_) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        compiles.is_empty(),
        "REFUSED is out of date (write an equivalence case and remove the entry):\n  {}",
        compiles.join("\n  ")
    );
}
