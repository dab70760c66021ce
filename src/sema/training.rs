//! Resolves `loss:`, `optimizer:`, `lr_schedule:`, `metrics:`, `train {}` and
//! `execution {}` against the tables in `train_catalog.rs`.
//!
//! Defaults when a section is missing (all documented behaviour):
//! * `loss:` — from the output activation: `softmax` → `sparse_categorical_crossentropy`,
//!   `sigmoid` → `binary_crossentropy`, anything else → `mean_squared_error`.
//! * `optimizer:` — `Adam(learning_rate=0.001)`.
//! * `metrics:` — `["accuracy"]` for the cross-entropy (classification) losses, none otherwise.
//! * `train {}` — `epochs: 10`, `batch_size: 32`, `validation_split: 0.2`.

use super::catalog::{Fill, Kind, Lit, ParamSpec};

const fn p(name: &'static str, kind: Kind, fill: Fill) -> ParamSpec {
    ParamSpec::new(name, kind, fill)
}
use super::codes;
use super::model::{Arg, Call, Optimizer, Param, Training};
use super::resolve::{self, resolve};
use super::train_catalog::{
    LOSSES, METRICS, OPTIMIZERS, PARAM_ALIASES, SCHEDULES, TOP_K, find_loss, same_name,
};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::syntax::ast::{self, Entry, Hpo, Span, Value, ValueKind};

/// `args` with aliased parameter names (`initial_lr`) renamed to the canonical ones.
fn canonical_args(args: &[ast::Arg]) -> Vec<ast::Arg> {
    args.iter()
        .map(|a| {
            let mut a = a.clone();
            if let Some(name) = &mut a.name
                && let Some((_, canon)) = PARAM_ALIASES.iter().find(|(al, _)| *al == name.name)
            {
                name.name = (*canon).to_string();
            }
            a
        })
        .collect()
}

/// `name` or `Name(args)`: the callee, its arguments and the span to blame.
fn callee(value: &Value) -> Option<(&str, &[ast::Arg])> {
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => Some((s.as_str(), &[])),
        ValueKind::Call { name, args } => Some((name.name.as_str(), args.as_slice())),
        _ => None,
    }
}

fn not_a_name(value: &Value, what: &str, example: &str) -> Diagnostic {
    Diagnostic::error(
        codes::PARAM_TYPE,
        format!("the {what} must be a name or a call"),
    )
    .label(value.span, "not a name")
    .help(format!("write e.g. `{example}`"))
}

fn unknown(
    code: crate::diagnostic::Code,
    what: &str,
    given: &str,
    span: Span,
    names: &[&str],
) -> Diagnostic {
    let d = Diagnostic::error(code, format!("unknown {what} `{given}`"))
        .label(span, format!("not a known {what}"));
    match did_you_mean(given, names.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!("supported: {}", names.join(", "))),
    }
}

pub fn loss_call(value: &Value, diags: &mut Vec<Diagnostic>) -> Option<Call> {
    let Some((name, args)) = callee(value) else {
        diags.push(not_a_name(
            value,
            "loss",
            "loss: \"sparse_categorical_crossentropy\"",
        ));
        return None;
    };
    let Some(spec) = find_loss(name) else {
        let names: Vec<&str> = LOSSES.iter().map(|l| l.name).collect();
        diags.push(unknown(
            codes::UNKNOWN_LOSS,
            "loss",
            name,
            value.span,
            &names,
        ));
        return None;
    };
    let r = resolve(
        &format!("loss `{}`", spec.name),
        spec.params,
        0,
        args,
        value.span,
        diags,
    );
    r.ok.then(|| Call {
        name: spec.name.to_string(),
        args: r.args,
    })
}

/// Resolves `optimizer:` (and `lr_schedule:` given beside it).
pub fn optimizer(
    value: &Value,
    schedule: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Optimizer> {
    let Some((name, args)) = callee(value) else {
        diags.push(not_a_name(
            value,
            "optimizer",
            "optimizer: Adam(learning_rate=0.001)",
        ));
        return None;
    };
    let Some(spec) = OPTIMIZERS
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(name))
    else {
        let names: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
        let mut d = unknown(
            codes::UNKNOWN_OPTIMIZER,
            "optimizer",
            name,
            value.span,
            &names,
        );
        if name.contains('(') {
            d = d.help("write the optimizer as a call, without quotes: `optimizer: Adam(learning_rate=0.001)`");
        }
        diags.push(d);
        return None;
    };
    // A schedule in place of the learning rate: `Adam(learning_rate=ExponentialDecay(…))`.
    let is_lr = |a: &ast::Arg| {
        a.name.as_ref().map(|n| n.name.as_str()) == Some("learning_rate")
            || (a.name.is_none()
                && std::ptr::eq(a, args.iter().find(|x| x.name.is_none()).unwrap_or(a)))
    };
    let args = &canonical_args(args)[..];
    let mut inline = None;
    let plain: Vec<ast::Arg> = args
        .iter()
        .filter(|a| {
            let sched = is_lr(a) && matches!(a.value.kind, ValueKind::Call { .. });
            if sched {
                inline = Some(&a.value);
            }
            !sched
        })
        .cloned()
        .collect();
    let what = format!("optimizer `{}`", spec.name);
    let r = resolve(&what, spec.params, 1, &plain, value.span, diags);
    let schedule = match (inline, schedule) {
        (Some(s), _) | (None, Some(s)) => Some(schedule_call(s, diags)?),
        (None, None) => None,
    };
    let mut call = Call {
        name: spec.name.to_string(),
        args: r.args,
    };
    if let Some(s) = &schedule {
        let initial = s
            .arg("initial_learning_rate")
            .cloned()
            .or_else(|| match s.arg("values") {
                Some(Param::List(v)) => v.first().cloned(),
                _ => None,
            });
        if let (Some(initial), Some(slot)) = (
            initial,
            call.args.iter_mut().find(|a| a.name == "learning_rate"),
        ) {
            slot.value = initial;
            slot.explicit = false;
        }
    }
    r.ok.then_some(Optimizer { call, schedule })
}

fn schedule_call(value: &Value, diags: &mut Vec<Diagnostic>) -> Option<Call> {
    let Some((name, args)) = callee(value) else {
        diags.push(not_a_name(
            value,
            "learning-rate schedule",
            "ExponentialDecay(0.1, 1000, 0.96)",
        ));
        return None;
    };
    let Some(spec) = SCHEDULES.iter().find(|s| same_name(s.name, name)) else {
        let names: Vec<&str> = SCHEDULES.iter().map(|s| s.name).collect();
        diags.push(unknown(
            codes::UNKNOWN_SCHEDULE,
            "learning-rate schedule",
            name,
            value.span,
            &names,
        ));
        return None;
    };
    let what = format!("schedule `{}`", spec.name);
    let args = canonical_args(args);
    let r = resolve(
        &what,
        spec.params,
        spec.params.len(),
        &args,
        value.span,
        diags,
    );
    r.ok.then(|| Call {
        name: spec.name.to_string(),
        args: r.args,
    })
}

/// Resolves `metrics:`; `loss` (canonical name) picks the meaning of `top_k_accuracy`.
pub fn metrics(value: &Value, loss: Option<&str>, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let items = match &value.kind {
        ValueKind::List(vs) | ValueKind::Tuple(vs) => vs.as_slice(),
        _ => std::slice::from_ref(value),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(name) = item.as_name() else {
            diags.push(not_a_name(item, "metric", "metrics: [\"accuracy\"]"));
            continue;
        };
        if same_name(TOP_K, name) {
            out.push(
                if loss == Some("sparse_categorical_crossentropy") {
                    "sparse_top_k_categorical_accuracy"
                } else {
                    "top_k_categorical_accuracy"
                }
                .to_string(),
            );
            continue;
        }
        match METRICS.iter().find(|m| same_name(m, name)) {
            Some(m) => out.push((*m).to_string()),
            None => {
                let mut names = METRICS.to_vec();
                names.push(TOP_K);
                diags.push(unknown(
                    codes::UNKNOWN_METRIC,
                    "metric",
                    name,
                    item.span,
                    &names,
                ));
            }
        }
    }
    out
}

const TRAIN: &[ParamSpec] = &[
    p("epochs", Kind::PosInt, Fill::Value(Lit::Int(10))),
    p("batch_size", Kind::PosInt, Fill::Value(Lit::Int(32))),
    p("validation_split", Kind::Rate, Fill::Value(Lit::Float(0.2))),
    p(
        "search_method",
        Kind::OneOf(&["random", "bayesian", "grid", "tpe"]),
        Fill::Absent,
    ),
];

/// Resolves `train {}`; a list `batch_size: [16, 32]` is a choice, like `HPO(choice(…))`.
pub fn training(entries: &[Entry], diags: &mut Vec<Diagnostic>) -> Training {
    let mut t = Training {
        epochs: 10,
        batch_size: 32,
        validation_split: 0.2,
        extra: Vec::new(),
        hpo: Vec::new(),
    };
    for e in entries {
        let Some(spec) = TRAIN.iter().find(|s| s.name == e.key.name) else {
            diags.push(ignored_key("train", &e.key, TRAIN.iter().map(|s| s.name)));
            if let Some(v) = resolve::value("`train`", &p("", Kind::Any, Fill::Absent), &e.value)
                .ok()
                .map(|(v, _)| v)
            {
                t.extra.push((e.key.name.clone(), v));
            }
            continue;
        };
        let as_choice;
        let value = match &e.value.kind {
            ValueKind::List(vs) if spec.name == "batch_size" => {
                as_choice = Value::new(ValueKind::Hpo(Hpo::Choice(vs.clone())), e.value.span);
                &as_choice
            }
            _ => &e.value,
        };
        let (v, hpo) = match resolve::value("`train`", spec, value) {
            Ok(x) => x,
            Err(d) => {
                let example = match spec.name {
                    "epochs" => "epochs: 10",
                    "batch_size" => "batch_size: 32",
                    "validation_split" => "validation_split: 0.2",
                    _ => "search_method: \"random\"",
                };
                diags.extend(d.into_iter().map(|d| Diagnostic {
                    code: codes::BAD_TRAIN_ENTRY,
                    help: Some(format!("write e.g. `{example}`")),
                    ..d
                }));
                continue;
            }
        };
        if let Some(h) = hpo {
            t.hpo.push((spec.name.to_string(), h));
        }
        match (spec.name, v) {
            ("epochs", Param::Int(n)) => t.epochs = n.unsigned_abs(),
            ("batch_size", Param::Int(n)) => t.batch_size = n.unsigned_abs(),
            ("validation_split", Param::Float(x)) => t.validation_split = x,
            (name, v) => t.extra.push((name.to_string(), v)),
        }
    }
    t
}

fn ignored_key<'a>(
    section: &str,
    key: &ast::Ident,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let d = Diagnostic::warning(
        codes::UNKNOWN_ENTRY,
        format!("`{}` in `{section} {{}}` is not used by neuralc", key.name),
    )
    .label(key.span, "ignored");
    match did_you_mean(&key.name, known.clone()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "known keys: {}",
            known.collect::<Vec<_>>().join(", ")
        )),
    }
}

const DEVICES: &[&str] = &["cpu", "cuda", "gpu", "tpu", "mps", "xla", "auto"];

/// Checks a device string (`"cuda:0"`, `"cpu"`); returns it as written.
pub fn device(value: &Value, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let Some(name) = value.as_name() else {
        diags.push(
            Diagnostic::error(
                codes::BAD_DEVICE,
                "a device must be a string such as \"cuda:0\"",
            )
            .label(value.span, "not a device name")
            .help("write e.g. `@ \"cuda:0\"` or `device: \"cpu\"`"),
        );
        return None;
    };
    let lower = name.to_ascii_lowercase();
    let (kind, index) = lower.split_once(':').unwrap_or((&lower, "0"));
    if !DEVICES.contains(&kind) || index.parse::<u32>().is_err() {
        diags.push(
            Diagnostic::error(codes::BAD_DEVICE, format!("`{name}` is not a device"))
                .label(value.span, "unknown device")
                .help(format!(
                    "use one of {}, optionally with an index (`cuda:1`)",
                    DEVICES.join(", ")
                )),
        );
        return None;
    }
    Some(name.to_string())
}

/// Resolves `execution {}`: only `device` is used.
pub fn execution(entries: &[Entry], diags: &mut Vec<Diagnostic>) -> Option<String> {
    let mut out = None;
    for e in entries {
        if e.key.name == "device" {
            out = device(&e.value, diags);
        } else {
            diags.push(ignored_key("execution", &e.key, ["device"].into_iter()));
        }
    }
    out
}

/// The default loss for a network whose output activation is `activation`.
pub fn default_loss(activation: Option<&str>) -> Call {
    let name = match activation {
        Some("softmax") => "sparse_categorical_crossentropy",
        Some("sigmoid") => "binary_crossentropy",
        _ => "mean_squared_error",
    };
    let spec = find_loss(name).expect("default losses are in the table");
    let args = spec
        .params
        .iter()
        .filter_map(|p| match p.fill {
            Fill::Value(lit) => Some(Arg {
                name: p.name.to_string(),
                value: resolve::lit_param(lit),
                explicit: false,
                hpo: None,
            }),
            _ => None,
        })
        .collect();
    Call {
        name: name.to_string(),
        args,
    }
}

/// `Adam(learning_rate=0.001)` with Keras' other defaults.
pub fn default_optimizer() -> Optimizer {
    let r = resolve(
        "optimizer `Adam`",
        OPTIMIZERS[0].params,
        1,
        &[],
        Span::default(),
        &mut Vec::new(),
    );
    Optimizer {
        call: Call {
            name: "Adam".into(),
            args: r.args,
        },
        schedule: None,
    }
}
