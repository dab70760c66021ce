//! Expands `define` macros and `* N` repeats into a flat layer list, substituting `$params`.

use super::ast::{Arg, Hpo, Layer, MacroDef, Span, Value, ValueKind};
use super::codes;
use crate::diagnostic::Diagnostic;
use std::cell::Cell;
use std::collections::HashMap;

type Env = HashMap<String, Value>;

/// Most layers (nested blocks included) the networks of one file may expand to.
/// Real models have hundreds; the bound stops `* N` repeats and macros that use
/// repeated macros from multiplying into billions of layers.
pub const MAX_EXPANDED_LAYERS: usize = 100_000;

/// E0024 for a layer list longer than [`MAX_EXPANDED_LAYERS`], written out in the file
/// or reached by expansion; the caller labels where.
pub fn too_many_layers() -> Diagnostic {
    Diagnostic::error(
        codes::EXPANSION_TOO_LARGE,
        format!("the layers expand to more than {MAX_EXPANDED_LAYERS} layers"),
    )
}

/// Deepest chain of macros using macros. Each level may nest the arguments it
/// passes on, so the bound also keeps substituted values shallow.
pub const MAX_MACRO_DEPTH: usize = 16;

pub struct Expander<'a> {
    macros: HashMap<&'a str, &'a MacroDef>,
    /// Layers materialised so far, for [`MAX_EXPANDED_LAYERS`].
    expanded: Cell<usize>,
}

/// The state of expanding one layer list.
struct State {
    /// The macros being expanded, outermost first.
    stack: Vec<String>,
    /// Set when [`MAX_EXPANDED_LAYERS`] is passed (reported once): expansion stops.
    exhausted: bool,
}

/// The layer and everything in its block.
fn weight(layer: &Layer) -> usize {
    1 + layer.block.iter().flatten().map(weight).sum::<usize>()
}

/// `(count - 1) * size + first`: the layers `count` copies add when the first
/// copy's `size - first` nested ones are already counted; saturating.
fn copies_cost(count: u64, size: usize, first: usize) -> usize {
    usize::try_from(count.saturating_sub(1))
        .ok()
        .and_then(|c| c.checked_mul(size))
        .and_then(|c| c.checked_add(first))
        .unwrap_or(usize::MAX)
}

impl<'a> Expander<'a> {
    pub fn new(defs: &'a [MacroDef]) -> Self {
        Self {
            macros: defs.iter().map(|d| (d.name.name.as_str(), d)).collect(),
            expanded: Cell::new(0),
        }
    }

    /// Accounts for `n` more layers; past [`MAX_EXPANDED_LAYERS`] reports (once per
    /// layer list) and returns false.
    fn reserve(
        &self,
        n: usize,
        span: Span,
        state: &mut State,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if state.exhausted {
            return false;
        }
        match self.expanded.get().checked_add(n) {
            Some(total) if total <= MAX_EXPANDED_LAYERS => {
                self.expanded.set(total);
                true
            }
            _ => {
                state.exhausted = true;
                diags.push(
                    too_many_layers()
                        .label(span, "expanding this passes the limit")
                        .help("lower the `* N` repeat counts"),
                );
                false
            }
        }
    }

    /// Reports `$name` references that are not parameters of their macro.
    pub fn check_bodies(&self, diags: &mut Vec<Diagnostic>) {
        let mut defs: Vec<&MacroDef> = self.macros.values().copied().collect();
        defs.sort_by_key(|d| d.span.start);
        for def in defs {
            let mut params = Vec::new();
            for layer in &def.body {
                collect_layer_params(layer, &mut params);
            }
            for (name, span) in params {
                if !def.params.iter().any(|p| p.name == name) {
                    let mut d = Diagnostic::error(
                        codes::UNKNOWN_MACRO_PARAM,
                        format!("`${name}` is not a parameter of macro `{}`", def.name.name),
                    )
                    .label(span, "unknown parameter")
                    .label(def.name.span, "macro defined here");
                    let names: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
                    d = match crate::diagnostic::did_you_mean(&name, names.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `${s}`?")),
                        None if names.is_empty() => d.help(format!(
                            "declare it: `define {}({name}) {{ … }}`",
                            def.name.name
                        )),
                        None => d.help(format!("the parameters are: {}", names.join(", "))),
                    };
                    diags.push(d);
                }
            }
        }
    }

    /// Expands the layers of the `layers:` section.
    pub fn expand(&self, layers: &[Layer], diags: &mut Vec<Diagnostic>) -> Vec<Layer> {
        let mut out = Vec::with_capacity(layers.len());
        let mut state = State {
            stack: Vec::new(),
            exhausted: false,
        };
        self.expand_into(layers, None, &mut state, &mut out, diags);
        out
    }

    fn expand_into(
        &self,
        layers: &[Layer],
        env: Option<&Env>,
        state: &mut State,
        out: &mut Vec<Layer>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for layer in layers {
            if state.exhausted {
                return;
            }
            let count = layer.repeat.map_or(1, |(n, _)| n);
            if let Some(def) = self.macros.get(layer.name.name.as_str()) {
                let stack = &state.stack;
                if stack.contains(&def.name.name) {
                    diags.push(
                        Diagnostic::error(
                            codes::RECURSIVE_MACRO,
                            format!("macro `{}` expands into itself", def.name.name),
                        )
                        .label(layer.name.span, "recursive use")
                        .note(format!(
                            "expansion chain: {} → {}",
                            stack.join(" → "),
                            def.name.name
                        ))
                        .help("a macro may use other macros, but not itself"),
                    );
                    continue;
                }
                if stack.len() >= MAX_MACRO_DEPTH {
                    diags.push(
                        Diagnostic::error(
                            codes::EXPANSION_TOO_LARGE,
                            format!("macros nest more than {MAX_MACRO_DEPTH} levels deep"),
                        )
                        .label(layer.name.span, "one level too many")
                        .note(format!("expansion chain: {}", stack.join(" → ")))
                        .help("inline some of the macros"),
                    );
                    continue;
                }
                if layer.block.is_some() || layer.device.is_some() {
                    diags.push(
                        Diagnostic::error(
                            codes::MACRO_BLOCK,
                            format!("macro `{}` cannot take a block or a device", def.name.name),
                        )
                        .label(layer.span, "macro reference")
                        .help("put the `@ \"device\"` or the `{ … }` block on the layers inside the macro"),
                    );
                }
                let args = substitute_args(layer.args.as_deref().unwrap_or_default(), env, diags);
                let Some(bound) = bind(def, layer, &args, diags) else {
                    continue;
                };
                if count == 0 {
                    continue;
                }
                // Expanded once (its diagnostics reported once), then copied.
                state.stack.push(def.name.name.clone());
                let mut body = Vec::new();
                self.expand_into(&def.body, Some(&bound), state, &mut body, diags);
                state.stack.pop();
                if body.is_empty() {
                    continue;
                }
                // Outer references overwrite inner ones: the outermost use is recorded.
                mark_expanded_from(&mut body, layer.span);
                let size = body.iter().map(weight).sum();
                if !self.reserve(copies_cost(count, size, 0), layer.span, state, diags) {
                    return;
                }
                for _ in 1..count {
                    out.extend_from_slice(&body);
                }
                out.append(&mut body);
                continue;
            }
            let mut expanded = layer.clone();
            expanded.repeat = None;
            if let Some(args) = &layer.args {
                expanded.args = Some(substitute_args(args, env, diags));
            }
            if let Some(dev) = &layer.device {
                expanded.device = Some(substitute(dev, env, diags));
            }
            if let Some(block) = &layer.block {
                let mut inner = Vec::with_capacity(block.len());
                self.expand_into(block, env, state, &mut inner, diags);
                expanded.block = Some(inner);
            }
            // The first copy's block is counted already.
            let cost = if count == 0 {
                0
            } else {
                copies_cost(count, weight(&expanded), 1)
            };
            if !self.reserve(cost, layer.span, state, diags) {
                return;
            }
            for _ in 0..count {
                out.push(expanded.clone());
            }
        }
    }
}

/// Records on every layer (and its block's layers) the macro reference it came from.
fn mark_expanded_from(layers: &mut [Layer], span: Span) {
    for layer in layers {
        layer.expanded_from = Some(span);
        if let Some(block) = &mut layer.block {
            mark_expanded_from(block, span);
        }
    }
}

/// Binds a reference's arguments to the macro's parameters.
fn bind(def: &MacroDef, layer: &Layer, args: &[Arg], diags: &mut Vec<Diagnostic>) -> Option<Env> {
    let mut env = Env::new();
    let mut ok = true;
    let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
    if positional.len() > def.params.len() {
        diags.push(
            Diagnostic::error(
                codes::MACRO_ARITY,
                format!(
                    "macro `{}` takes {} argument{} but {} were given",
                    def.name.name,
                    def.params.len(),
                    if def.params.len() == 1 { "" } else { "s" },
                    positional.len()
                ),
            )
            .label(positional[def.params.len()].span, "unexpected argument")
            .label(def.name.span, "macro defined here")
            .help(signature_help(def)),
        );
        return None;
    }
    for (param, arg) in def.params.iter().zip(&positional) {
        env.insert(param.name.clone(), arg.value.clone());
    }
    for arg in args.iter().filter(|a| a.name.is_some()) {
        let name = arg
            .name
            .as_ref()
            .map(|n| n.name.as_str())
            .unwrap_or_default();
        if !def.params.iter().any(|p| p.name == name) {
            let names: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
            let mut d = Diagnostic::error(
                codes::UNKNOWN_MACRO_ARG,
                format!("macro `{}` has no parameter `{name}`", def.name.name),
            )
            .label(arg.span, "unknown argument")
            .label(def.name.span, "macro defined here");
            d = match crate::diagnostic::did_you_mean(name, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(signature_help(def)),
            };
            diags.push(d);
            ok = false;
        } else if env.insert(name.to_string(), arg.value.clone()).is_some() {
            diags.push(
                Diagnostic::error(
                    codes::MACRO_ARITY,
                    format!("argument `{name}` is given twice"),
                )
                .label(arg.span, "given again here")
                .help(signature_help(def)),
            );
            ok = false;
        }
    }
    let missing: Vec<&str> = def
        .params
        .iter()
        .filter(|p| !env.contains_key(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    if !missing.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MACRO_ARITY,
                format!(
                    "macro `{}` is missing argument{} {}",
                    def.name.name,
                    if missing.len() == 1 { "" } else { "s" },
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .label(layer.span, "in this use")
            .label(def.name.span, "macro defined here")
            .help(signature_help(def)),
        );
        ok = false;
    }
    ok.then_some(env)
}

fn signature_help(def: &MacroDef) -> String {
    let params: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
    if params.is_empty() {
        format!("use it without arguments: `{}`", def.name.name)
    } else {
        format!("use it as `{}({})`", def.name.name, params.join(", "))
    }
}

fn substitute_args(args: &[Arg], env: Option<&Env>, diags: &mut Vec<Diagnostic>) -> Vec<Arg> {
    args.iter()
        .map(|a| Arg {
            name: a.name.clone(),
            value: substitute(&a.value, env, diags),
            span: a.span,
        })
        .collect()
}

/// Replaces `$name` by the bound value; outside a macro (`env == None`) it is an error.
fn substitute(value: &Value, env: Option<&Env>, diags: &mut Vec<Diagnostic>) -> Value {
    let kind = match &value.kind {
        ValueKind::Param(name) => match env {
            Some(env) => {
                return env
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Value::new(ValueKind::Error, value.span));
            }
            None => {
                diags.push(
                    Diagnostic::error(codes::PARAM_OUTSIDE_MACRO, format!("`${name}` is used outside a macro"))
                        .label(value.span, "no macro parameter is in scope here")
                        .help("`$name` refers to a parameter of a `define Name(name) { … }` block; write a value here"),
                );
                ValueKind::Error
            }
        },
        ValueKind::Tuple(vs) => {
            ValueKind::Tuple(vs.iter().map(|v| substitute(v, env, diags)).collect())
        }
        ValueKind::List(vs) => {
            ValueKind::List(vs.iter().map(|v| substitute(v, env, diags)).collect())
        }
        ValueKind::Call { name, args } => ValueKind::Call {
            name: name.clone(),
            args: substitute_args(args, env, diags),
        },
        ValueKind::Hpo(h) => ValueKind::Hpo(match h {
            Hpo::Choice(vs) => Hpo::Choice(vs.iter().map(|v| substitute(v, env, diags)).collect()),
            Hpo::Range { start, end, step } => Hpo::Range {
                start: Box::new(substitute(start, env, diags)),
                end: Box::new(substitute(end, env, diags)),
                step: step.as_ref().map(|s| Box::new(substitute(s, env, diags))),
            },
            Hpo::LogRange { start, end } => Hpo::LogRange {
                start: Box::new(substitute(start, env, diags)),
                end: Box::new(substitute(end, env, diags)),
            },
        }),
        ValueKind::BinOp { op, lhs, rhs } => super::actions::arith(
            *op,
            substitute(lhs, env, diags),
            substitute(rhs, env, diags),
        ),
        other => other.clone(),
    };
    Value::new(kind, value.span)
}

fn collect_layer_params(layer: &Layer, out: &mut Vec<(String, super::ast::Span)>) {
    for arg in layer.args.iter().flatten() {
        collect_value_params(&arg.value, out);
    }
    if let Some(d) = &layer.device {
        collect_value_params(d, out);
    }
    for inner in layer.block.iter().flatten() {
        collect_layer_params(inner, out);
    }
}

fn collect_value_params(value: &Value, out: &mut Vec<(String, super::ast::Span)>) {
    match &value.kind {
        ValueKind::Param(name) => out.push((name.clone(), value.span)),
        ValueKind::Tuple(vs) | ValueKind::List(vs) | ValueKind::Hpo(Hpo::Choice(vs)) => {
            vs.iter().for_each(|v| collect_value_params(v, out));
        }
        ValueKind::Call { args, .. } => args
            .iter()
            .for_each(|a| collect_value_params(&a.value, out)),
        ValueKind::Hpo(Hpo::Range { start, end, step }) => {
            collect_value_params(start, out);
            collect_value_params(end, out);
            if let Some(s) = step {
                collect_value_params(s, out);
            }
        }
        ValueKind::Hpo(Hpo::LogRange { start, end })
        | ValueKind::BinOp {
            lhs: start,
            rhs: end,
            ..
        } => {
            collect_value_params(start, out);
            collect_value_params(end, out);
        }
        _ => {}
    }
}
