//! Helpers called from grammar actions: `HPO(…)` values, `a * b` arithmetic, repeat
//! counts, and the bounds that keep a hostile file from growing the tree or the error
//! list without limit. Malformed constructs are reported and parsing goes on.

use super::ast::{Arg, Hpo, Ident, Layer, Span, Value, ValueKind};
use super::codes;
use super::lexer::LexError;
use super::token::Token;
use crate::diagnostic::Diagnostic;
use lalrpop_util::ErrorRecovery;

const HPO_FORMS: &str =
    "`HPO(choice(a, b, …))`, `HPO(range(start, end[, step=s]))` or `HPO(log_range(start, end))`";

/// A call `Name(args)`; `HPO(…)` becomes a structured [`Hpo`] value.
pub fn call(name: Ident, args: Vec<Arg>, span: Span, diags: &mut Vec<Diagnostic>) -> ValueKind {
    if name.name != "HPO" {
        return ValueKind::Call { name, args };
    }
    match hpo(&args, span) {
        Ok(h) => ValueKind::Hpo(h),
        Err(d) => {
            diags.push(d);
            ValueKind::Error
        }
    }
}

fn malformed(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::MALFORMED_HPO,
        format!("malformed HPO expression: {what}"),
    )
    .label(span, what.to_string())
    .help(format!("write {HPO_FORMS}"))
}

fn hpo(args: &[Arg], span: Span) -> Result<Hpo, Diagnostic> {
    let [arg] = args else {
        return Err(malformed(span, "`HPO` takes exactly one search space"));
    };
    let ValueKind::Call { name, args } = &arg.value.kind else {
        return Err(malformed(
            arg.span,
            "expected `choice`, `range` or `log_range` here",
        ));
    };
    let positional = |args: &[Arg]| -> Vec<Value> {
        args.iter()
            .filter(|a| a.name.is_none())
            .map(|a| a.value.clone())
            .collect()
    };
    let named = |key: &str| -> Option<Box<Value>> {
        args.iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.name == key))
            .map(|a| Box::new(a.value.clone()))
    };
    let unknown = args.iter().find_map(|a| {
        let n = a.name.as_ref()?;
        (!["step", "start", "end", "min", "max", "low", "high"].contains(&n.name.as_str()))
            .then_some(n)
    });
    if let Some(n) = unknown {
        return Err(malformed(
            n.span,
            &format!("unknown HPO argument `{}`", n.name),
        ));
    }
    let bounds = |args: &[Arg]| -> Option<(Box<Value>, Box<Value>)> {
        let pos = positional(args);
        let start = named("start")
            .or_else(|| named("min"))
            .or_else(|| named("low"));
        let end = named("end")
            .or_else(|| named("max"))
            .or_else(|| named("high"));
        match (pos.as_slice(), start, end) {
            ([a, b], None, None) => Some((Box::new(a.clone()), Box::new(b.clone()))),
            ([], Some(a), Some(b)) => Some((a, b)),
            ([a], None, Some(b)) => Some((Box::new(a.clone()), b)),
            _ => None,
        }
    };
    match name.name.as_str() {
        "choice" | "categorical" => {
            let values = positional(args);
            if values.is_empty() {
                return Err(malformed(arg.span, "`choice` needs at least one value"));
            }
            Ok(Hpo::Choice(values))
        }
        "range" => {
            let (start, end) = bounds(args)
                .ok_or_else(|| malformed(arg.span, "`range` takes a start and an end"))?;
            Ok(Hpo::Range {
                start,
                end,
                step: named("step"),
            })
        }
        "log_range" => {
            let (start, end) = bounds(args)
                .ok_or_else(|| malformed(arg.span, "`log_range` takes a start and an end"))?;
            Ok(Hpo::LogRange { start, end })
        }
        other => Err(malformed(
            name.span,
            &format!("`{other}` is not a search space (expected `choice`, `range` or `log_range`)"),
        )),
    }
}

/// `lhs * rhs` or `lhs / rhs`, folded when both sides are numbers. Inside a macro
/// body the sides may be `$params`; the expander folds again after substitution.
pub fn arith(op: char, lhs: Value, rhs: Value) -> ValueKind {
    match (&lhs.kind, &rhs.kind) {
        (ValueKind::Int(a), ValueKind::Int(b)) => match op {
            '*' => a
                .checked_mul(*b)
                .map_or(ValueKind::Float(*a as f64 * *b as f64), ValueKind::Int),
            // `checked_*`: a zero divisor and `i64::MIN / -1` fall back to floats.
            _ => match (a.checked_rem(*b), a.checked_div(*b)) {
                (Some(0), Some(q)) => ValueKind::Int(q),
                _ => ValueKind::Float(*a as f64 / *b as f64),
            },
        },
        _ => match (lhs.as_f64(), rhs.as_f64()) {
            (Some(a), Some(b)) => ValueKind::Float(if op == '*' { a * b } else { a / b }),
            _ => ValueKind::BinOp {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
        },
    }
}

/// The `N` of `Layer * N`; a negative count is reported and treated as 0.
pub fn repeat_count(n: i64, span: Span, diags: &mut Vec<Diagnostic>) -> u64 {
    u64::try_from(n).unwrap_or_else(|_| {
        diags.push(
            Diagnostic::error(
                codes::BAD_REPEAT,
                format!("a layer cannot be repeated {n} times"),
            )
            .label(span, "repeat count must be zero or more")
            .help("write `* N` with N ≥ 0, e.g. `Dense(64) * 3`"),
        );
        0
    })
}

/// Syntax errors the parser records before it gives up on the file; the report says
/// that more errors were left out.
pub const MAX_SYNTAX_ERRORS: usize = 100;

/// Records a recovered syntax error; at [`MAX_SYNTAX_ERRORS`] sets `give_up`, which ends
/// the token stream: the rest of a file that broken is not worth the parser's time.
pub fn recovered(
    errors: &mut Vec<ErrorRecovery<usize, Token, LexError>>,
    e: ErrorRecovery<usize, Token, LexError>,
    give_up: &std::cell::Cell<bool>,
) {
    if errors.len() < MAX_SYNTAX_ERRORS {
        errors.push(e);
    } else {
        give_up.set(true);
    }
}

/// A layer list being parsed: at most [`super::macros::MAX_EXPANDED_LAYERS`] layers are
/// kept; the span of the first one beyond is remembered for E0024.
#[derive(Default)]
pub struct LayerSeq {
    layers: Vec<Layer>,
    first_dropped: Option<Span>,
}

impl LayerSeq {
    pub fn push(mut self, layer: Option<Layer>) -> Self {
        if let Some(layer) = layer {
            if self.layers.len() < super::macros::MAX_EXPANDED_LAYERS {
                self.layers.push(layer);
            } else if self.first_dropped.is_none() {
                self.first_dropped = Some(layer.span);
            }
        }
        self
    }

    /// The kept layers; E0024 when some were dropped.
    pub fn done(self, diags: &mut Vec<Diagnostic>) -> Vec<Layer> {
        if let Some(span) = self.first_dropped {
            diags.push(
                super::macros::too_many_layers()
                    .label(span, "the layer list passes the limit here")
                    .help("a network holds at most that many layers"),
            );
        }
        self.layers
    }
}
