//! Shape checks across HPO search spaces (issue 3, requirement 5). The layers are first
//! checked with every HPO parameter at its default (first choice, lower bound); this
//! module then re-infers the shapes for every combination of the other values — each
//! `choice` value, both bounds of a `range`/`log_range` — and reports each layer that
//! fails under some combination, naming the combination.
//!
//! Only parameters that can change a shape take part (integers, sizes, tuples, strings,
//! booleans; not rates, epsilons or activations). When the product of the value counts
//! exceeds [`MAX_COMBINATIONS`], each value is checked with the other parameters at their
//! defaults instead, and the diagnostics say so in a note.

use super::catalog::{Kind, Rule};
use super::layer::{self, shape_diagnostic};
use super::model::{HpoSpace, Layer, Param, ParamCount, Shape};
use super::shapes::{self, ShapeError};
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::Span;

/// The most combinations checked exhaustively.
pub const MAX_COMBINATIONS: usize = 4096;

/// One HPO parameter: where it is and the values to try (index 0 is the default).
struct Slot {
    /// Indices from the top-level layer list down through `Layer::inner`.
    path: Vec<usize>,
    arg: usize,
    values: Vec<Param>,
    /// `kernel_size` and `HPO(choice(3, 5))`, for messages.
    name: String,
    space: String,
    span: Span,
    line: usize,
}

/// A layer that cannot take its input under some assignment.
struct Failure {
    error: ShapeError,
    span: Span,
    expanded_from: Option<Span>,
    input: Shape,
    line: usize,
}

/// Checks `layers` (already checked at the defaults) under the other HPO values.
pub fn check_spaces(layers: &[Layer], input: &Shape, source: &str, diags: &mut Vec<Diagnostic>) {
    let mut slots = Vec::new();
    collect(layers, &mut Vec::new(), &mut slots);
    if slots.is_empty() {
        return;
    }
    let total = slots
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.values.len()));
    let exhaustive = total.is_some_and(|t| t <= MAX_COMBINATIONS);
    let assignments: Vec<Vec<usize>> = if exhaustive {
        let mut all = vec![Vec::new()];
        for s in &slots {
            all = all
                .into_iter()
                .flat_map(|prefix: Vec<usize>| {
                    (0..s.values.len()).map(move |v| {
                        let mut next = prefix.clone();
                        next.push(v);
                        next
                    })
                })
                .collect();
        }
        all.retain(|a| a.iter().any(|v| *v != 0));
        all
    } else {
        let mut one_at_a_time = Vec::new();
        for (i, s) in slots.iter().enumerate() {
            for v in 1..s.values.len() {
                let mut a = vec![0; slots.len()];
                a[i] = v;
                one_at_a_time.push(a);
            }
        }
        one_at_a_time
    };
    let note = (!exhaustive).then(|| {
        format!(
            "the {} HPO parameters that affect shapes span {} combinations (more than {MAX_COMBINATIONS}), so each value was checked with the others at their defaults",
            slots.len(),
            total.map_or_else(|| "too many".to_string(), |t| t.to_string())
        )
    });
    // One diagnostic per failing layer: the first combination that breaks it.
    let mut reported: Vec<(Span, usize, usize)> = Vec::new();
    for a in &assignments {
        let mut trial = layers.to_vec();
        for (slot, v) in slots.iter().zip(a) {
            let layer = layer_at(&mut trial, &slot.path);
            layer.args[slot.arg].value = slot.values[*v].clone();
        }
        let Err(f) = reinfer(&mut trial, input) else {
            continue;
        };
        if let Some(entry) = reported.iter_mut().find(|(s, _, _)| *s == f.span) {
            entry.1 += 1;
            continue;
        }
        reported.push((f.span, 1, diags.len()));
        let chosen: Vec<&Slot> = slots
            .iter()
            .zip(a)
            .filter(|(_, v)| **v != 0)
            .map(|(s, _)| s)
            .collect();
        let with = chosen
            .iter()
            .zip(a.iter().filter(|v| **v != 0))
            .map(|(s, v)| {
                format!(
                    "`{}={}` (line {}, from `{}`)",
                    s.name,
                    python(&s.values[*v]),
                    s.line,
                    s.space
                )
            })
            .collect::<Vec<_>>()
            .join(" and ");
        let mut d = shape_diagnostic(
            ShapeError {
                message: format!("with {with}, {}", f.error.message),
                ..f.error
            },
            f.span,
            &f.input,
            f.line,
        );
        for s in &chosen {
            if s.span != f.span {
                d = d.label(
                    s.span,
                    format!("`{}` chosen from `{}` here", s.name, s.space),
                );
            }
        }
        d = d.note(
            "every combination of the HPO choices (and both bounds of each range) must give valid shapes",
        );
        if let Some(n) = &note {
            d = d.note(n.clone());
        }
        if let Some(at) = f.expanded_from {
            layer::expanded_from(source, at, std::slice::from_mut(&mut d));
        }
        diags.push(d);
    }
    let checked = assignments.len() + 1;
    for (_, count, index) in reported {
        let d = &mut diags[index];
        d.notes.push(format!(
            "this layer fails in {count} of the {checked} combinations checked"
        ));
    }
}

fn collect(layers: &[Layer], path: &mut Vec<usize>, out: &mut Vec<Slot>) {
    for (i, l) in layers.iter().enumerate() {
        path.push(i);
        for (j, a) in l.args.iter().enumerate() {
            let Some(space) = &a.hpo else { continue };
            let shape_relevant = l.spec.param(&a.name).is_some_and(|p| {
                !matches!(
                    p.kind,
                    Kind::Rate | Kind::Unit | Kind::PosFloat | Kind::Activation | Kind::Any
                )
            });
            let values = candidates(space, &a.value);
            if !shape_relevant || values.len() < 2 {
                continue;
            }
            out.push(Slot {
                path: path.clone(),
                arg: j,
                values,
                name: a.name.clone(),
                space: describe(space),
                span: l.span,
                line: l.line,
            });
        }
        collect(&l.inner, path, out);
        path.pop();
    }
}

/// The values to try, the default first: each choice; a range's two bounds (the upper
/// one on the step grid).
fn candidates(space: &HpoSpace, default: &Param) -> Vec<Param> {
    let num = |x: f64, integer: bool| {
        if integer {
            Param::Int(x as i64)
        } else {
            Param::Float(x)
        }
    };
    let mut out = vec![default.clone()];
    let others: Vec<Param> = match space {
        HpoSpace::Choice { values } => values.clone(),
        HpoSpace::Range {
            start,
            end,
            step,
            integer,
        } => {
            let high = match step {
                Some(s) if *s > 0.0 => start + ((end - start) / s).floor() * s,
                _ => *end,
            };
            vec![num(high, *integer || matches!(default, Param::Int(_)))]
        }
        HpoSpace::LogRange { end, .. } => vec![num(*end, matches!(default, Param::Int(_)))],
    };
    for v in others {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn layer_at<'a>(layers: &'a mut [Layer], path: &[usize]) -> &'a mut Layer {
    let (first, rest) = path.split_first().expect("paths are non-empty");
    let l = &mut layers[*first];
    if rest.is_empty() {
        l
    } else {
        layer_at(&mut l.inner, rest)
    }
}

/// Recomputes the shapes of `layers` from `input`, as `layer::Checker` does.
fn reinfer(layers: &mut [Layer], input: &Shape) -> Result<Shape, Failure> {
    let mut current = input.clone();
    for l in layers {
        let (span, line, expanded_from) = (l.span, l.line, l.expanded_from);
        let fail = |error, input: &Shape| Failure {
            error,
            span,
            expanded_from,
            input: input.clone(),
            line,
        };
        if !l.inner.is_empty() {
            let inner_input = match l.spec.rule {
                Rule::TimeDistributed if current.len() >= 2 => current[1..].to_vec(),
                _ => current.clone(),
            };
            reinfer(&mut l.inner, &inner_input)?;
        }
        let outcome = match l.spec.rule {
            Rule::Residual | Rule::Bidirectional | Rule::TimeDistributed => {
                layer::wrapper(l.spec, &l.args, &current, &l.inner)
            }
            _ => shapes::infer(l.spec, &l.args, &current),
        };
        let (out, params): (Shape, ParamCount) = outcome.map_err(|e| fail(e, &current))?;
        l.input_shape = std::mem::replace(&mut current, out.clone());
        l.output_shape = out;
        l.params = params;
    }
    Ok(current)
}

/// `HPO(choice(3, 5))`, `HPO(range(16, 64, step=16))`, `HPO(log_range(0.0001, 0.01))`.
fn describe(space: &HpoSpace) -> String {
    let n = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{}", x as i64)
        } else {
            format!("{x}")
        }
    };
    match space {
        HpoSpace::Choice { values } => format!(
            "HPO(choice({}))",
            values.iter().map(python).collect::<Vec<_>>().join(", ")
        ),
        HpoSpace::Range {
            start, end, step, ..
        } => match step {
            Some(s) => format!("HPO(range({}, {}, step={}))", n(*start), n(*end), n(*s)),
            None => format!("HPO(range({}, {}))", n(*start), n(*end)),
        },
        HpoSpace::LogRange { start, end } => {
            format!("HPO(log_range({}, {}))", n(*start), n(*end))
        }
    }
}

/// A resolved value as the DSL writes it: `(5, 5)`, `"same"`, `true`.
fn python(p: &Param) -> String {
    match p {
        Param::Int(n) => n.to_string(),
        Param::Float(x) => format!("{x}"),
        Param::Bool(b) => b.to_string(),
        Param::Str(s) => format!("\"{s}\""),
        Param::List(items) => {
            let inner: Vec<String> = items.iter().map(python).collect();
            if inner.len() == 1 {
                format!("({},)", inner[0])
            } else {
                format!("({})", inner.join(", "))
            }
        }
        Param::None => "None".to_string(),
    }
}
