//! Resolves written arguments against a parameter table: positional arguments named,
//! types and ranges checked, defaults filled in, `HPO(…)` fixed to its first choice or
//! its range's lower bound (the search space is kept in `Arg::hpo`).

use super::catalog::{self, Fill, Kind, Lit, ParamSpec};
use super::codes;
use super::model::{Arg, HpoSpace, Param};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::syntax::ast::{self, Hpo, Span, Value, ValueKind};

/// The outcome of resolving one argument list.
pub struct Resolved<'a> {
    /// One entry per written or defaulted parameter, in table order.
    pub args: Vec<Arg>,
    /// The value given for a [`Kind::Layer`] parameter (a wrapped layer), if any.
    pub wrapped: Option<&'a Value>,
    /// False when an error was reported.
    pub ok: bool,
}

/// Resolves `args` of `what` (e.g. "`Dense`") against `params`, the first `positional`
/// of which may be given by position. `at` is the span to blame for missing parameters.
pub fn resolve<'a>(
    what: &str,
    params: &[ParamSpec],
    positional: usize,
    args: &'a [ast::Arg],
    at: Span,
    diags: &mut Vec<Diagnostic>,
) -> Resolved<'a> {
    let mut out = Resolved {
        args: Vec::with_capacity(params.len()),
        wrapped: None,
        ok: true,
    };
    let mut slots: Vec<Option<&ast::Arg>> = vec![None; params.len()];
    let mut pos = 0;
    for arg in args {
        let index = match &arg.name {
            None => {
                let i = pos;
                pos += 1;
                if i >= positional {
                    out.ok = false;
                    diags.push(too_many(what, params, positional, arg));
                    continue;
                }
                i
            }
            Some(name) => match params.iter().position(|p| p.name == name.name) {
                Some(i) => i,
                None => {
                    out.ok = false;
                    diags.push(unknown_param(what, params, name));
                    continue;
                }
            },
        };
        if let Some(prev) = slots[index] {
            out.ok = false;
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_PARAM,
                    format!("`{}` of {what} is given twice", params[index].name),
                )
                .label(arg.span, "given again here")
                .label(prev.span, "first given here")
                .help("keep one of them"),
            );
            continue;
        }
        slots[index] = Some(arg);
    }
    for (spec, slot) in params.iter().zip(slots) {
        match slot {
            Some(arg) if spec.kind == Kind::Layer => out.wrapped = Some(&arg.value),
            Some(arg) => match value(what, spec, &arg.value) {
                Ok((value, hpo)) => out.args.push(Arg {
                    name: spec.name.to_string(),
                    value,
                    explicit: true,
                    hpo,
                }),
                Err(d) => {
                    out.ok = false;
                    diags.extend(d);
                }
            },
            None => match spec.fill {
                Fill::Required => {
                    out.ok = false;
                    let example = example(spec.kind);
                    diags.push(
                        Diagnostic::error(
                            codes::MISSING_PARAM,
                            format!("{what} needs `{}`", spec.name),
                        )
                        .label(at, format!("`{}` is missing", spec.name))
                        .help(format!("add it, e.g. `{}={example}`", spec.name)),
                    );
                }
                Fill::Absent => {}
                Fill::Value(lit) => out.args.push(Arg {
                    name: spec.name.to_string(),
                    value: lit_param(lit),
                    explicit: false,
                    hpo: None,
                }),
            },
        }
    }
    out
}

fn too_many(what: &str, params: &[ParamSpec], positional: usize, arg: &ast::Arg) -> Diagnostic {
    let names: Vec<&str> = params[..positional].iter().map(|p| p.name).collect();
    let d = Diagnostic::error(
        codes::TOO_MANY_POSITIONAL,
        format!(
            "{what} takes {positional} positional argument{}",
            if positional == 1 { "" } else { "s" }
        ),
    )
    .label(arg.span, "one too many");
    if names.is_empty() {
        d.help("give every argument by name, e.g. `name=value`")
    } else {
        d.help(format!(
            "the positional order is ({}); give the others by name",
            names.join(", ")
        ))
    }
}

fn unknown_param(what: &str, params: &[ParamSpec], name: &ast::Ident) -> Diagnostic {
    let d = Diagnostic::error(
        codes::UNKNOWN_PARAM,
        format!("{what} has no parameter `{}`", name.name),
    )
    .label(name.span, "unknown parameter");
    match did_you_mean(&name.name, params.iter().map(|p| p.name)) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None if params.is_empty() => d.help(format!("{what} takes no parameters")),
        None => d.help(format!(
            "its parameters are: {}",
            params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
        )),
    }
}

pub fn lit_param(lit: Lit) -> Param {
    match lit {
        Lit::Int(n) => Param::Int(n),
        Lit::Float(x) => Param::Float(x),
        Lit::Bool(b) => Param::Bool(b),
        Lit::Str(s) => Param::Str(s.to_string()),
    }
}

fn example(kind: Kind) -> &'static str {
    match kind {
        Kind::PosInt | Kind::Int => "64",
        Kind::Rate | Kind::Unit => "0.5",
        Kind::PosFloat => "0.001",
        Kind::Bool => "true",
        Kind::OneOf(choices) => choices.first().copied().unwrap_or("\"…\""),
        Kind::Activation => "\"relu\"",
        Kind::Size(_) => "3",
        Kind::Shape => "(28, 28, 1)",
        Kind::Padding(_) => "((1, 1), (2, 2))",
        Kind::Layer => "LSTM(64)",
        Kind::Any => "…",
    }
}

type Checked = Result<(Param, Option<HpoSpace>), Vec<Diagnostic>>;

/// Resolves one written value; HPO spaces are checked and fixed to their first value.
pub fn value(what: &str, spec: &ParamSpec, v: &Value) -> Checked {
    let ValueKind::Hpo(hpo) = &v.kind else {
        return scalar(what, spec, v).map(|p| (p, None));
    };
    let space_err = |msg: String, help: &str| {
        vec![
            Diagnostic::error(codes::BAD_HPO, msg)
                .label(v.span, "in this search space")
                .help(help.to_string()),
        ]
    };
    match hpo {
        Hpo::Choice(values) => {
            let kinds: Vec<&str> = values.iter().map(value_class).collect();
            if let Some(other) = kinds.iter().find(|k| **k != kinds[0]) {
                return Err(space_err(
                    format!("`choice()` mixes {} and {other}", kinds[0]),
                    "give every choice the same type, e.g. `HPO(choice(32, 64))` or `HPO(choice(\"relu\", \"tanh\"))`",
                ));
            }
            let mut resolved = Vec::with_capacity(values.len());
            let mut errors = Vec::new();
            for choice in values {
                match value(what, spec, choice) {
                    Ok((p, _)) => resolved.push(p),
                    Err(d) => errors.extend(d),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let Some(first) = resolved.first().cloned() else {
                return Err(space_err(
                    "`choice()` needs at least one value".into(),
                    "write e.g. `HPO(choice(32, 64))`",
                ));
            };
            Ok((first, Some(HpoSpace::Choice { values: resolved })))
        }
        Hpo::Range { start, end, step } => {
            let (s, e) = (number(what, spec, start)?, number(what, spec, end)?);
            let st = step.as_ref().map(|x| number(what, spec, x)).transpose()?;
            if e <= s {
                return Err(space_err(
                    format!("the range's end ({e}) must be greater than its start ({s})"),
                    "write `HPO(range(low, high))` with low < high",
                ));
            }
            if st.is_some_and(|x| x <= 0.0) {
                return Err(space_err(
                    "the range's step must be positive".into(),
                    "write e.g. `HPO(range(0.1, 0.5, step=0.1))`",
                ));
            }
            let ints = [Some(&**start), Some(&**end), step.as_deref()]
                .into_iter()
                .flatten()
                .all(|x| matches!(x.kind, ValueKind::Int(_)));
            let (first, _) = value(what, spec, start)?;
            let space = HpoSpace::Range {
                start: s,
                end: e,
                step: st,
                integer: ints,
            };
            Ok((first, Some(space)))
        }
        Hpo::LogRange { start, end } => {
            let (s, e) = (number(what, spec, start)?, number(what, spec, end)?);
            if s <= 0.0 {
                return Err(space_err(
                    format!("a log range must start above 0, got {s}"),
                    "write e.g. `HPO(log_range(1e-4, 1e-2))`",
                ));
            }
            if e <= s {
                return Err(space_err(
                    format!("the log range's end ({e}) must be greater than its start ({s})"),
                    "write `HPO(log_range(low, high))` with low < high",
                ));
            }
            let (first, _) = value(what, spec, start)?;
            Ok((first, Some(HpoSpace::LogRange { start: s, end: e })))
        }
    }
}

/// The type class of an HPO choice, for the mixed-type check (integers and floats are
/// both numbers).
fn value_class(v: &Value) -> &'static str {
    match v.kind {
        ValueKind::Int(_) | ValueKind::Float(_) => "numbers",
        ValueKind::Str(_) | ValueKind::Ident(_) => "strings",
        ValueKind::Bool(_) => "booleans",
        ValueKind::Tuple(_) | ValueKind::List(_) => "tuples",
        ValueKind::None => "`None`",
        _ => "expressions",
    }
}

fn number(what: &str, spec: &ParamSpec, v: &Value) -> Result<f64, Vec<Diagnostic>> {
    v.as_f64().ok_or_else(|| {
        vec![type_error(
            what,
            spec,
            v,
            "a number (range bounds are numbers)",
        )]
    })
}

fn type_error(what: &str, spec: &ParamSpec, v: &Value, expected: &str) -> Diagnostic {
    Diagnostic::error(
        codes::PARAM_TYPE,
        format!("`{}` of {what} must be {expected}", spec.name),
    )
    .label(v.span, format!("this is {}", describe(v)))
    .help(format!("write e.g. `{}={}`", spec.name, example(spec.kind)))
}

fn range_error(what: &str, spec: &ParamSpec, v: &Value, expected: &str) -> Diagnostic {
    Diagnostic::error(
        codes::PARAM_RANGE,
        format!("`{}` of {what} must be {expected}", spec.name),
    )
    .label(v.span, "out of range")
    .help(format!("write e.g. `{}={}`", spec.name, example(spec.kind)))
}

/// What a value is, for messages.
fn describe(v: &Value) -> &'static str {
    match v.kind {
        ValueKind::Int(_) => "an integer",
        ValueKind::Float(_) => "a float",
        ValueKind::Str(_) => "a string",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::None => "`None`",
        ValueKind::Ident(_) => "a name",
        ValueKind::Tuple(_) | ValueKind::List(_) => "a tuple",
        ValueKind::Call { .. } => "a call",
        _ => "an expression",
    }
}

fn scalar(what: &str, spec: &ParamSpec, v: &Value) -> Result<Param, Vec<Diagnostic>> {
    let one = |d: Diagnostic| vec![d];
    match &v.kind {
        ValueKind::Error => return Err(Vec::new()),
        ValueKind::BinOp { .. } | ValueKind::Param(_) => {
            return Err(one(Diagnostic::error(
                codes::UNRESOLVED_VALUE,
                format!("`{}` of {what} must be a plain value", spec.name),
            )
            .label(v.span, "this expression cannot be computed")
            .help("arithmetic works on numbers only; write the value")));
        }
        ValueKind::Ident(name)
            if !matches!(spec.kind, Kind::OneOf(_) | Kind::Activation | Kind::Any) =>
        {
            return Err(one(
                Diagnostic::error(
                    codes::UNRESOLVED_VALUE,
                    format!("`{name}` is not a value neuralc knows"),
                )
                .label(v.span, "an undefined name")
                .help(format!(
                    "names are not variables; write the value, e.g. `{}={}`, or use a macro parameter `$name`",
                    spec.name,
                    example(spec.kind)
                )),
            ));
        }
        _ => {}
    }
    match spec.kind {
        Kind::PosInt | Kind::Int => {
            let n = match v.kind {
                ValueKind::Int(n) => n,
                ValueKind::Float(x) if x.fract() == 0.0 && x.abs() < 9e15 => x as i64,
                _ => return Err(one(type_error(what, spec, v, "an integer"))),
            };
            if spec.kind == Kind::PosInt && n <= 0 {
                return Err(one(range_error(
                    what,
                    spec,
                    v,
                    &format!("positive, got {n}"),
                )));
            }
            Ok(Param::Int(n))
        }
        Kind::Rate | Kind::Unit | Kind::PosFloat => {
            let Some(x) = v.as_f64() else {
                return Err(one(type_error(what, spec, v, "a number")));
            };
            let (ok, expected) = match spec.kind {
                Kind::Rate => ((0.0..1.0).contains(&x), "in [0, 1)"),
                Kind::Unit => ((0.0..=1.0).contains(&x), "in [0, 1]"),
                _ => (x > 0.0, "positive"),
            };
            if !ok {
                return Err(one(range_error(
                    what,
                    spec,
                    v,
                    &format!("{expected}, got {x}"),
                )));
            }
            Ok(Param::Float(x))
        }
        Kind::Bool => match v.kind {
            ValueKind::Bool(b) => Ok(Param::Bool(b)),
            _ => Err(one(type_error(what, spec, v, "`true` or `false`"))),
        },
        Kind::OneOf(choices) => {
            let given = v
                .as_name()
                .ok_or_else(|| one(type_error(what, spec, v, "a string")))?;
            match choices.iter().find(|c| c.eq_ignore_ascii_case(given)) {
                Some(c) => Ok(Param::Str((*c).to_string())),
                None => Err(one(bad_choice(
                    what,
                    spec,
                    v,
                    given,
                    choices.iter().copied(),
                ))),
            }
        }
        Kind::Activation => {
            if matches!(v.kind, ValueKind::None) {
                return Ok(Param::Str("linear".into()));
            }
            let given = v
                .as_name()
                .ok_or_else(|| one(type_error(what, spec, v, "a string")))?;
            match catalog::activation(given) {
                Some(a) => Ok(Param::Str(a.name.to_string())),
                None => Err(one(bad_choice(
                    what,
                    spec,
                    v,
                    given,
                    catalog::ACTIVATIONS.iter().map(|a| a.name),
                ))),
            }
        }
        Kind::Size(n) => size(what, spec, v, usize::from(n)),
        Kind::Shape => shape(what, spec, v),
        Kind::Padding(n) => padding(what, spec, v, usize::from(n)),
        Kind::Layer | Kind::Any => any(v).ok_or_else(|| {
            one(type_error(
                what,
                spec,
                v,
                "a number, string, boolean or tuple",
            ))
        }),
    }
}

fn bad_choice<'c>(
    what: &str,
    spec: &ParamSpec,
    v: &Value,
    given: &str,
    choices: impl Iterator<Item = &'c str> + Clone,
) -> Diagnostic {
    let d = Diagnostic::error(
        codes::BAD_CHOICE,
        format!("`{given}` is not a valid `{}` for {what}", spec.name),
    )
    .label(v.span, "unknown value");
    match did_you_mean(given, choices.clone()) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help(format!(
            "choose one of: {}",
            choices.collect::<Vec<_>>().join(", ")
        )),
    }
}

fn size(what: &str, spec: &ParamSpec, v: &Value, n: usize) -> Result<Param, Vec<Diagnostic>> {
    let int_spec = ParamSpec {
        kind: Kind::PosInt,
        ..*spec
    };
    match &v.kind {
        ValueKind::Tuple(items) | ValueKind::List(items) => {
            if items.len() != n {
                return Err(vec![type_error(
                    what,
                    spec,
                    v,
                    &format!("one integer or a tuple of {n}"),
                )]);
            }
            let mut out = Vec::with_capacity(n);
            for item in items {
                out.push(scalar(what, &int_spec, item)?);
            }
            Ok(Param::List(out))
        }
        _ => scalar(what, &int_spec, v),
    }
}

/// `1`, `(1, 2)` or `((1, 0), (0, 1))`: integers ≥ 0.
fn padding(what: &str, spec: &ParamSpec, v: &Value, n: usize) -> Result<Param, Vec<Diagnostic>> {
    let int_spec = ParamSpec {
        kind: Kind::Int,
        ..*spec
    };
    let amount = |item: &Value| -> Result<Param, Vec<Diagnostic>> {
        match scalar(what, &int_spec, item)? {
            Param::Int(k) if k < 0 => Err(vec![range_error(
                what,
                spec,
                item,
                &format!("≥ 0, got {k}"),
            )]),
            p => Ok(p),
        }
    };
    let (ValueKind::Tuple(items) | ValueKind::List(items)) = &v.kind else {
        return amount(v);
    };
    let shape_err = || {
        vec![type_error(
            what,
            spec,
            v,
            &format!("one integer, a tuple of {n}, or {n} `(before, after)` pairs"),
        )]
    };
    if items.len() != n {
        return Err(shape_err());
    }
    let mut out = Vec::with_capacity(n);
    for item in items {
        match &item.kind {
            ValueKind::Tuple(pair) | ValueKind::List(pair) if pair.len() == 2 => {
                out.push(Param::List(vec![amount(&pair[0])?, amount(&pair[1])?]));
            }
            ValueKind::Tuple(_) | ValueKind::List(_) => return Err(shape_err()),
            _ => out.push(amount(item)?),
        }
    }
    Ok(Param::List(out))
}

fn shape(what: &str, spec: &ParamSpec, v: &Value) -> Result<Param, Vec<Diagnostic>> {
    let items = match &v.kind {
        ValueKind::Tuple(items) | ValueKind::List(items) => items.as_slice(),
        ValueKind::Int(_) => std::slice::from_ref(v),
        _ => return Err(vec![type_error(what, spec, v, "a tuple of sizes")]),
    };
    let mut out = Vec::with_capacity(items.len());
    let mut inferred = 0;
    for item in items {
        match item.kind {
            ValueKind::Int(n) if n > 0 => out.push(Param::Int(n)),
            ValueKind::Int(-1) => {
                inferred += 1;
                out.push(Param::Int(-1));
            }
            _ => {
                return Err(vec![range_error(
                    what,
                    spec,
                    item,
                    "positive sizes (one may be -1)",
                )]);
            }
        }
    }
    if inferred > 1 || out.is_empty() {
        return Err(vec![range_error(
            what,
            spec,
            v,
            "non-empty, with at most one -1",
        )]);
    }
    Ok(Param::List(out))
}

/// Any plain value, converted as written.
fn any(v: &Value) -> Option<Param> {
    Some(match &v.kind {
        ValueKind::Int(n) => Param::Int(*n),
        ValueKind::Float(x) => Param::Float(*x),
        ValueKind::Bool(b) => Param::Bool(*b),
        ValueKind::Str(s) | ValueKind::Ident(s) => Param::Str(s.clone()),
        ValueKind::None => Param::None,
        ValueKind::Tuple(vs) | ValueKind::List(vs) => {
            Param::List(vs.iter().map(any).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}
