//! HPO parameters in the generated script. Without `--hpo` each takes its first choice /
//! lower bound (the checked model's value) and the script marks it with a comment. With
//! `--hpo` the script samples it per trial: `hp["dense1_units"]` replaces the literal, and
//! a layer whose input width comes from a sampled `units`/`filters` computes that width
//! from `hp` (PyTorch needs it statically).

use super::codes;
use super::names::Namer;
use super::python;
use crate::diagnostic::Diagnostic;
use crate::sema::catalog::Rule;
use crate::sema::model::{Arg, HpoSpace, Layer, Model, Param};
use crate::syntax::ast::Span;

/// One sampled parameter: its key in `hp`, search space and value without a search.
pub struct Entry {
    pub key: String,
    pub space: HpoSpace,
    pub default: Param,
}

/// The HPO parameters of a model and how the emitters write them.
#[derive(Default)]
pub struct Hpo {
    /// True with `--hpo`: values are read from `hp`.
    pub search: bool,
    pub entries: Vec<Entry>,
    /// Argument (by address) → key in `hp`.
    args: Vec<(*const Arg, usize)>,
    /// Layer (by address) → its input width as an expression over `hp`.
    widths: Vec<(*const Layer, String)>,
    /// How many of `args` are layer parameters.
    layer_args: usize,
}

/// Layer parameters `--hpo` samples: they keep every shape (`rate`, `epsilon`), or set
/// the width of a layer whose consumer takes its input size from `hp` (`units`, `filters`).
const NEUTRAL: &[&str] = &["rate", "epsilon"];
const WIDTH: &[&str] = &["units", "filters"];
/// `train {}` keys `--hpo` samples per trial.
const TRAIN: &[&str] = &["batch_size", "epochs"];

impl Hpo {
    /// The expression for an argument: `hp["key"]` when searched, else its literal.
    pub fn value(&self, arg: &Arg) -> String {
        match self.key(arg) {
            Some(key) if self.search => format!("hp[{}]", python::string(key)),
            _ => python::literal(&arg.value),
        }
    }

    fn key(&self, arg: &Arg) -> Option<&str> {
        self.args
            .iter()
            .find(|(a, _)| std::ptr::eq(*a, arg))
            .map(|(_, i)| self.entries[*i].key.as_str())
    }

    /// The input width of `layer` as an expression over `hp`, when it is sampled.
    pub fn width(&self, layer: &Layer) -> Option<&str> {
        if !self.search {
            return None;
        }
        self.widths
            .iter()
            .find(|(l, _)| std::ptr::eq(*l, layer))
            .map(|(_, w)| w.as_str())
    }

    /// True when `build_model(hp)` reads layer values from `hp` (`--hpo`).
    pub fn samples_layers(&self) -> bool {
        self.search && self.layer_args > 0
    }

    /// A comment for a value without a search: `# HPO choice(128, 256): first choice`.
    pub fn comment(&self, arg: &Arg) -> Option<String> {
        if self.search {
            return None;
        }
        let space = arg.hpo.as_ref()?;
        Some(format!("# {}: {}", arg.name, describe(space)))
    }

    /// `SEARCH_SPACE = {...}` and `DEFAULTS = {...}`, formatted as ruff does.
    pub fn constants(&self) -> Vec<String> {
        let mut out = Vec::new();
        let entries = |items: Vec<String>, name: &str, out: &mut Vec<String>| {
            let one = format!("{name} = {{{}}}", items.join(", "));
            if one.len() <= python::LINE_WIDTH {
                out.push(one);
                return;
            }
            out.push(format!("{name} = {{"));
            out.extend(items.into_iter().map(|i| format!("    {i},")));
            out.push("}".to_string());
        };
        let space = self
            .entries
            .iter()
            .map(|e| {
                let key = python::string(&e.key);
                let (kind, args) = match &e.space {
                    HpoSpace::Choice { values } => (
                        "choice",
                        vec![python::tuple(values.iter().map(python::literal))],
                    ),
                    HpoSpace::Range {
                        start,
                        end,
                        step,
                        integer,
                    } => {
                        let n = |x: f64| {
                            if *integer {
                                (x as i64).to_string()
                            } else {
                                python::float(x)
                            }
                        };
                        let step = step.map_or("None".to_string(), n);
                        ("range", vec![n(*start), n(*end), step])
                    }
                    HpoSpace::LogRange { start, end } => (
                        "log_range",
                        vec![python::float(*start), python::float(*end)],
                    ),
                };
                let mut all = vec![python::string(kind)];
                all.extend(args);
                python::call(4, &format!("{key}: "), "", &all, ",")
                    .trim_start()
                    .trim_end_matches(',')
                    .to_string()
            })
            .collect();
        entries(space, "SEARCH_SPACE", &mut out);
        let defaults = self
            .entries
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    python::string(&e.key),
                    python::literal(&e.default)
                )
            })
            .collect();
        entries(defaults, "DEFAULTS", &mut out);
        out
    }
}

/// `first choice of HPO choice(128, 256)`, `lower bound of HPO range(0.1, 0.5, step=0.1)`.
pub fn describe(space: &HpoSpace) -> String {
    match space {
        HpoSpace::Choice { values } => {
            let vs: Vec<String> = values.iter().map(python::literal).collect();
            format!("first choice of HPO choice({})", vs.join(", "))
        }
        HpoSpace::Range {
            start,
            end,
            step,
            integer,
        } => {
            let n = |x: f64| {
                if *integer {
                    (x as i64).to_string()
                } else {
                    python::float(x)
                }
            };
            let step = step.map(|s| format!(", step={}", n(s))).unwrap_or_default();
            format!("lower bound of HPO range({}, {}{step})", n(*start), n(*end))
        }
        HpoSpace::LogRange { start, end } => format!(
            "lower bound of HPO log_range({}, {})",
            python::float(*start),
            python::float(*end)
        ),
    }
}

fn reject(span: Span, what: String, help: &str) -> Diagnostic {
    reject_at(span, "searched here", what, help)
}

/// For settings without a span of their own: labels the model's output.
fn reject_setting(span: Span, what: String, help: &str) -> Diagnostic {
    reject_at(
        span,
        "the model's output; the setting is in its training section",
        what,
        help,
    )
}

fn reject_at(span: Span, label: &str, what: String, help: &str) -> Diagnostic {
    Diagnostic::error(codes::UNSUPPORTED_HPO, what)
        .label(span, label.to_string())
        .help(help.to_string())
}

/// Collects the model's HPO parameters. With `search`, reports those the script cannot
/// sample (E0205) and works out the input widths that follow from sampled ones.
pub fn collect(model: &Model, search: bool, diags: &mut Vec<Diagnostic>) -> Hpo {
    let mut hpo = Hpo {
        search,
        ..Hpo::default()
    };
    let add = |hpo: &mut Hpo, arg: &Arg, key: String| {
        if let Some(space) = &arg.hpo {
            hpo.args.push((arg as *const Arg, hpo.entries.len()));
            hpo.entries.push(Entry {
                key,
                space: space.clone(),
                default: arg.value.clone(),
            });
        }
    };
    let last_span = model.layers.last().map(|l| l.span).unwrap_or_default();
    // Layers: named like the PyTorch attributes (`dense1_units`).
    let mut namer = Namer::new(&model.layers);
    // The input width of the next layer when it follows from a sampled width:
    // (static factor, key).
    let mut width: Option<(u64, String)> = None;
    let count = model.layers.len();
    for (i, layer) in model.layers.iter().enumerate() {
        let name = namer.next(layer);
        if let Some((factor, key)) = &width {
            let expr = if *factor == 1 {
                format!("hp[{}]", python::string(key))
            } else {
                format!("{factor} * hp[{}]", python::string(key))
            };
            match layer.spec.rule {
                Rule::Dense | Rule::BatchNorm => hpo.widths.push((layer, expr)),
                Rule::Conv { .. }
                    if layer
                        .arg("groups")
                        .is_none_or(|g| super::values::int(g) == Some(1)) =>
                {
                    hpo.widths.push((layer, expr))
                }
                Rule::Same | Rule::Pool { .. } | Rule::GlobalPool { .. } => {}
                Rule::UpSampling { .. } | Rule::ZeroPadding { .. } => {}
                Rule::Flatten => {
                    let others = layer
                        .input_shape
                        .split_last()
                        .map_or(&[][..], |(_, rest)| rest)
                        .iter()
                        .fold(1u64, |acc, d| acc.saturating_mul(d.unwrap_or(1)));
                    width = Some((factor.saturating_mul(others), key.clone()));
                }
                _ => {
                    if search {
                        diags.push(
                            Diagnostic::error(
                                codes::UNSUPPORTED_HPO,
                                format!(
                                    "`{}` after a layer whose width `--hpo` samples: its size cannot follow the trial",
                                    layer.spec.name
                                ),
                            )
                            .label(layer.span, format!("its input width comes from `{key}`"))
                            .help("search the width of a layer followed by Dense, Conv, pooling, Flatten or BatchNormalization, or fix the value"),
                        );
                    }
                    width = None;
                }
            }
            if matches!(layer.spec.rule, Rule::Dense | Rule::Conv { .. }) {
                width = None;
            }
        }
        for arg in &layer.args {
            if arg.hpo.is_none() {
                continue;
            }
            let p = arg.name.as_str();
            let sets_width = WIDTH.contains(&p)
                && matches!(layer.spec.rule, Rule::Dense | Rule::Conv { .. })
                && i + 1 < count;
            if search && !NEUTRAL.contains(&p) && !sets_width {
                let why = if WIDTH.contains(&p) && i + 1 == count {
                    "the output's width is fixed by the labels"
                } else {
                    "it changes shapes or the layer's structure"
                };
                diags.push(reject(
                    layer.span,
                    format!(
                        "`--hpo` cannot sample `{p}` of `{}`: {why}",
                        layer.spec.name
                    ),
                    "`--hpo` samples `units`/`filters` (not of the last layer), `rate`, `epsilon`, the optimizer's parameters, batch_size and epochs",
                ));
                continue;
            }
            let key = format!("{name}_{p}");
            if sets_width {
                width = Some((1, key.clone()));
            }
            add(&mut hpo, arg, key);
        }
        hpo.layer_args = hpo.args.len();
        for inner in &layer.inner {
            if layer.spec.rule == Rule::Residual {
                name_inner(&mut namer, inner);
            }
            if search {
                inner_hpo(inner, diags);
            }
        }
    }
    // Optimizer, schedule, loss.
    for arg in &model.optimizer.call.args {
        add(&mut hpo, arg, arg.name.clone());
    }
    if let Some(schedule) = &model.optimizer.schedule {
        for arg in &schedule.args {
            if arg.hpo.is_some() && search {
                diags.push(reject_setting(
                    last_span,
                    format!(
                        "`--hpo` cannot sample `{}` of the schedule `{}` yet",
                        arg.name, schedule.name
                    ),
                    "fix the schedule's values, or search the optimizer's parameters",
                ));
            } else {
                add(&mut hpo, arg, format!("schedule_{}", arg.name));
            }
        }
    }
    for arg in &model.loss.args {
        if arg.hpo.is_some() && search {
            diags.push(reject_setting(
                last_span,
                format!(
                    "`--hpo` cannot sample the loss parameter `{}`: trials are compared by their validation loss, which it changes",
                    arg.name
                ),
                "fix the loss parameter's value",
            ));
            continue;
        }
        add(&mut hpo, arg, format!("loss_{}", arg.name));
    }
    for (name, space) in &model.training.hpo {
        if !TRAIN.contains(&name.as_str()) {
            if search {
                diags.push(reject_setting(
                    last_span,
                    format!("`--hpo` cannot sample the train setting `{name}`"),
                    "trials are compared on one validation split; fix the value",
                ));
            }
            continue;
        }
        let default = match name.as_str() {
            "batch_size" => Param::Int(model.training.batch_size as i64),
            _ => Param::Int(model.training.epochs as i64),
        };
        hpo.entries.push(Entry {
            key: name.clone(),
            space: space.clone(),
            default,
        });
    }
    hpo
}

/// Numbers the layers of a block as the PyTorch emitter does, so later keys match.
fn name_inner(namer: &mut Namer, layer: &Layer) {
    namer.next(layer);
    if layer.spec.rule == Rule::Residual {
        for inner in &layer.inner {
            name_inner(namer, inner);
        }
    }
}

/// HPO inside a residual block or wrapper: not sampled by `--hpo` yet.
fn inner_hpo(layer: &Layer, diags: &mut Vec<Diagnostic>) {
    if let Some(arg) = layer.args.iter().find(|a| a.hpo.is_some()) {
        diags.push(reject(
            layer.span,
            format!(
                "`--hpo` cannot sample `{}` of `{}` inside a block or wrapper yet",
                arg.name, layer.spec.name
            ),
            "fix the value, or move the searched layer out of the block",
        ));
    }
    for inner in &layer.inner {
        inner_hpo(inner, diags);
    }
}
