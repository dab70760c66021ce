//! Checks one layer (and the layers inside it): catalog lookup, arguments, block and
//! wrapper rules, device, then its output shape and parameter count.

use super::catalog::{self, LayerSpec, Rule};
use super::codes;
use super::hints;
use super::model::{Layer, Param, ParamCount, Shape};
use super::resolve::resolve;
use super::shapes::{self, ShapeError};
use super::training;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::syntax::ast::{self, Ident, Span, Value, ValueKind};

/// Errors after which the checker stops looking at further layers.
pub const MAX_LAYER_ERRORS: usize = 100;

pub use crate::lines::LineIndex;

pub struct Checker<'a> {
    pub lines: LineIndex,
    /// The source text, for the macro names in "expanded from" labels.
    pub source: &'a str,
    pub validate: bool,
    pub diags: &'a mut Vec<Diagnostic>,
    /// The layer checked just before, in the current list (for hints).
    pub previous: Option<hints::Previous>,
}

impl Checker<'_> {
    /// Checks a layer list, threading shapes through it; returns the checked layers when
    /// nothing was wrong. With `input == None` only parameters are checked.
    pub fn chain(
        &mut self,
        layers: &[ast::Layer],
        input: Option<&Shape>,
        top: bool,
    ) -> Option<Vec<Layer>> {
        let mut out = Vec::with_capacity(layers.len());
        let mut current = input.cloned();
        let mut ok = true;
        // The layer before, for hints; a block starts a list of its own.
        let outer = self.previous.take();
        for (i, l) in layers.iter().enumerate() {
            if self.diags.iter().filter(|d| d.is_error()).count() >= MAX_LAYER_ERRORS {
                self.previous = outer;
                // A list of thousands of broken layers: stop collecting (memory and time
                // stay bounded); the report shows the first ones anyway.
                let note = format!(
                    "neuralc stops checking layers after {MAX_LAYER_ERRORS} errors; fix these and check again"
                );
                if let Some(last) = self.diags.last_mut().filter(|d| !d.notes.contains(&note)) {
                    last.notes.push(note);
                }
                return None;
            }
            match self.layer(l, current.as_ref(), top && i == 0) {
                Some(checked) => {
                    current = Some(checked.output_shape.clone());
                    self.previous = Some(hints::Previous::of(&checked));
                    out.push(checked);
                }
                None => {
                    ok = false;
                    current = None;
                    self.previous = None;
                }
            }
        }
        self.previous = outer;
        ok.then_some(out)
    }

    fn shape_error(
        &mut self,
        mut e: ShapeError,
        l: &ast::Layer,
        spec: &LayerSpec,
        input: &Shape,
        first: bool,
    ) {
        if let Some(help) = hints::shape_hint(spec, e.code, input, self.previous.as_ref(), first) {
            e.help = help;
            e.insert_flatten = false;
        }
        let d = shape_diagnostic(e, l.span, input, self.lines.line(l.span.start));
        self.diags.push(d);
    }

    /// Checks one layer. `first` is true for the first layer of the network. Every
    /// diagnostic about a layer that a macro expanded gets a secondary label at the
    /// macro's use ([`expanded_from`]).
    pub fn layer(&mut self, l: &ast::Layer, input: Option<&Shape>, first: bool) -> Option<Layer> {
        let start = self.diags.len();
        let mut out = self.layer_unlabelled(l, input, first);
        if let Some(at) = l.expanded_from {
            expanded_from(self.source, at, &mut self.diags[start..]);
            if let Some(layer) = &mut out {
                layer.expanded_from = Some(at);
            }
        }
        out
    }

    /// Replaces the help of "unknown parameter" errors (raised since `from`) for
    /// parameters an older Keras had, with what to write instead.
    fn retired_params(&mut self, spec: &LayerSpec, from: usize) {
        for d in &mut self.diags[from..] {
            let Some(label) = d.labels.first() else {
                continue;
            };
            let param = self
                .source
                .get(label.span.start..label.span.end)
                .unwrap_or("");
            if d.code == codes::UNKNOWN_PARAM
                && let Some(help) = hints::retired_param(spec.name, param)
            {
                d.help = Some(help.to_string());
            }
        }
    }

    fn layer_unlabelled(
        &mut self,
        l: &ast::Layer,
        input: Option<&Shape>,
        first: bool,
    ) -> Option<Layer> {
        let Some(spec) = catalog::lookup(&l.name.name) else {
            self.unknown_layer(&l.name);
            return None;
        };
        let what = format!("`{}`", spec.name);
        let args = l.args.as_deref().unwrap_or_default();
        let resolved_from = self.diags.len();
        let r = resolve(
            &what,
            spec.params,
            spec.positional,
            args,
            l.name.span,
            self.diags,
        );
        self.retired_params(spec, resolved_from);
        let mut ok = r.ok;
        let device = match &l.device {
            Some(d) => {
                let dev = training::device(d, self.diags);
                ok &= dev.is_some();
                dev
            }
            None => None,
        };
        match (&l.block, spec.block) {
            (Some(_), false) => {
                ok = false;
                self.diags.push(
                    Diagnostic::error(codes::UNEXPECTED_BLOCK, format!("{what} does not take a block of layers"))
                        .label(l.name.span, "this layer has a `{ … }` block")
                        .help("only `ResidualConnection { … }` takes a block; write the inner layers after this one, or wrap them in `ResidualConnection`"),
                );
            }
            (None, true) => {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        codes::MISSING_BLOCK,
                        format!("{what} needs a block of layers"),
                    )
                    .label(l.name.span, "no `{ … }` block")
                    .help("write e.g. `ResidualConnection { Dense(64, \"relu\") Dense(64) }`"),
                );
            }
            _ => {}
        }
        if ok && self.validate && input.is_some() && !first && spec.rule == Rule::Embedding {
            ok = false;
            self.diags.push(
                Diagnostic::error(codes::EMBEDDING_NOT_FIRST, "`Embedding` must be the first layer")
                    .label(l.name.span, "its input here is not token ids")
                    .help("an Embedding looks up integer token ids from `input:`; move it to the start of `layers:`"),
            );
        }
        self.softmax_one_unit(spec, &r.args, l.name.span);
        // Inner layers: a wrapped layer or a block, checked even when this one failed.
        let inner_input = input.and_then(|s| match spec.rule {
            Rule::TimeDistributed if s.len() >= 2 => Some(s[1..].to_vec()),
            Rule::TimeDistributed => None,
            _ => Some(s.clone()),
        });
        let inner = if let Some(v) = r.wrapped {
            self.wrapped(spec, v, inner_input.as_ref()).map(|l| vec![l])
        } else if let Some(block) = &l.block {
            self.chain(block, inner_input.as_ref(), false)
        } else {
            Some(Vec::new())
        };
        let (inner, input) = (inner?, input?);
        if !ok {
            return None;
        }
        let outcome = match spec.rule {
            Rule::Residual | Rule::Bidirectional | Rule::TimeDistributed => {
                wrapper(spec, &r.args, input, &inner)
            }
            _ => shapes::infer(spec, &r.args, input),
        }
        .and_then(|(shape, params)| shapes::representable(spec.name, shape, params));
        let (output_shape, params) = match outcome {
            Ok(x) => x,
            // Past int64 nothing downstream can represent the layer: refused even
            // with `--no-validation`.
            Err(e) if self.validate || e.code == super::codes::SIZE_TOO_LARGE => {
                self.shape_error(e, l, spec, input, first);
                return None;
            }
            Err(_) => (input.clone(), ParamCount::default()),
        };
        Some(Layer {
            spec,
            args: r.args,
            input_shape: input.clone(),
            output_shape,
            params,
            device,
            inner,
            line: self.lines.line(l.span.start),
            span: l.span,
            expanded_from: None,
        })
    }

    fn unknown_layer(&mut self, name: &Ident) {
        let d = Diagnostic::error(
            codes::UNKNOWN_LAYER,
            format!("unknown layer `{}`", name.name),
        )
        .label(name.span, "not a layer neuralc knows");
        let d = match did_you_mean(&name.name, catalog::names()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(
                "define it as a macro (`define Name { … }`) or use a catalog layer such as Dense, Conv2D, LSTM, MultiHeadAttention",
            ),
        };
        self.diags.push(d);
    }

    /// The layer inside `Bidirectional(…)` / `TimeDistributed(…)`.
    fn wrapped(&mut self, spec: &LayerSpec, v: &Value, input: Option<&Shape>) -> Option<Layer> {
        let (name, args) = match &v.kind {
            ValueKind::Call { name, args } => (name.clone(), Some(args.clone())),
            ValueKind::Ident(n) => (
                Ident {
                    name: n.clone(),
                    span: v.span,
                },
                None,
            ),
            _ => {
                self.diags.push(
                    Diagnostic::error(codes::BAD_WRAPPED, format!("`{}` wraps a layer", spec.name))
                        .label(v.span, "not a layer")
                        .help(format!("write e.g. `{}(LSTM(64))`", spec.name)),
                );
                return None;
            }
        };
        if spec.rule == Rule::Bidirectional
            && catalog::lookup(&name.name)
                .is_some_and(|s| !matches!(s.rule, Rule::Recurrent { .. }))
        {
            self.diags.push(
                Diagnostic::error(
                    codes::BAD_WRAPPED,
                    format!(
                        "`Bidirectional` needs a recurrent layer, not `{}`",
                        name.name
                    ),
                )
                .label(v.span, "not LSTM, GRU or SimpleRNN")
                .help("write e.g. `Bidirectional(LSTM(64))`"),
            );
            return None;
        }
        let layer = ast::Layer {
            name,
            args,
            device: None,
            block: None,
            repeat: None,
            span: v.span,
            expanded_from: None,
        };
        self.layer(&layer, input, false)
    }

    fn softmax_one_unit(&mut self, spec: &LayerSpec, args: &[super::model::Arg], span: Span) {
        let arg = |n: &str| args.iter().find(|a| a.name == n).map(|a| &a.value);
        if spec.rule == Rule::Dense
            && arg("units") == Some(&Param::Int(1))
            && arg("activation") == Some(&Param::Str("softmax".into()))
        {
            self.diags.push(
                Diagnostic::warning(codes::SOFTMAX_ONE_UNIT, "softmax over a single unit always outputs 1.0")
                    .label(span, "1 unit with `softmax`")
                    .help("for a binary output use `activation=\"sigmoid\"`; for classes, one unit per class"),
            );
        }
    }
}

/// The name of the macro used at `at` (a layer's [`Layer::expanded_from`]).
pub fn macro_name(source: &str, at: Span) -> &str {
    let text = source.get(at.start..at.end.min(source.len())).unwrap_or("");
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Adds the label "expanded from this use of `Block`" at `at` (the outermost macro
/// reference a layer came from) to each of `diags` that lacks one there.
pub fn expanded_from(source: &str, at: Span, diags: &mut [Diagnostic]) {
    let name = macro_name(source, at);
    let message = format!("expanded from this use of `{name}`");
    for d in diags {
        if !d.labels.iter().any(|l| l.span == at) {
            d.labels.push(crate::diagnostic::Label {
                span: at,
                message: message.clone(),
            });
        }
    }
}

/// The diagnostic of a layer that cannot take its input: the layer's span labelled with
/// the shape flowing in (Keras notation, batch first). `line` is the layer's line.
pub fn shape_diagnostic(e: ShapeError, span: Span, input: &Shape, line: usize) -> Diagnostic {
    let help = if e.insert_flatten {
        format!("insert `Flatten()` before line {line}")
    } else {
        e.help
    };
    Diagnostic::error(e.code, e.message)
        .label(span, format!("receives {}", shapes::show_batched(input)))
        .help(help)
}

/// Shapes of Bidirectional, TimeDistributed and ResidualConnection from their inner layers.
pub(crate) fn wrapper(
    spec: &LayerSpec,
    args: &[super::model::Arg],
    input: &Shape,
    inner: &[Layer],
) -> Result<(Shape, ParamCount), ShapeError> {
    let inner_params = inner
        .iter()
        .fold(ParamCount::default(), |acc, l| acc + l.params);
    let inner_out = inner
        .last()
        .map_or_else(|| input.clone(), |l| l.output_shape.clone());
    match spec.rule {
        Rule::Bidirectional => {
            let mut out = inner_out;
            let concat = args
                .iter()
                .any(|a| a.name == "merge_mode" && a.value == Param::Str("concat".into()));
            if concat && let Some(Some(n)) = out.last_mut() {
                *n = n.saturating_mul(2);
            }
            Ok((out, inner_params + inner_params))
        }
        Rule::TimeDistributed => {
            if input.len() < 2 {
                return Err(ShapeError {
                    code: codes::SHAPE_RANK,
                    message: format!(
                        "TimeDistributed expects (batch, steps, …) but receives {}",
                        shapes::show_batched(input)
                    ),
                    help: "its first axis is the time axis; give the input a sequence axis".into(),
                    insert_flatten: false,
                });
            }
            let mut out = vec![input[0]];
            out.extend(inner_out);
            Ok((out, inner_params))
        }
        _ => {
            let agrees = inner_out.len() == input.len()
                && inner_out
                    .iter()
                    .zip(input)
                    .all(|(a, b)| a.is_none() || b.is_none() || a == b);
            if !agrees {
                return Err(ShapeError {
                    code: codes::SHAPE_MISMATCH,
                    message: format!(
                        "the residual block turns {} into {}, so its input cannot be added back",
                        shapes::show_batched(input),
                        shapes::show_batched(&inner_out)
                    ),
                    help: "the block must end with the shape it starts with, e.g. a last `Dense` with as many units as its input has features".into(),
                    insert_flatten: false,
                });
            }
            Ok((input.clone(), inner_params))
        }
    }
}
