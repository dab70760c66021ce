//! Lowers a parsed file into a [`Program`]: sections checked (each at most once,
//! `input` and `layers` required), macros and `* N` repeats expanded.

use super::ast::{
    Entry, File, Ident, InputSpec, Item, Layer, MacroDef, Research, SectionBody, Span, Value,
    ValueKind,
};
use super::codes;
use super::macros;
use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::collections::HashMap;

/// One declared input: its name (for named inputs) and its dimensions without the
/// batch dimension; `None` is a symbolic size (e.g. a variable sequence length).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputDecl {
    pub name: Option<Ident>,
    pub dims: Vec<Option<u64>>,
    pub span: Span,
}

/// One network definition with its layers fully expanded.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkDef {
    pub name: Ident,
    /// Empty only when the `input:` section is missing (already reported).
    pub inputs: Vec<InputDecl>,
    pub layers: Vec<Layer>,
    pub loss: Option<Value>,
    pub optimizer: Option<Value>,
    pub lr_schedule: Option<Value>,
    pub metrics: Option<Value>,
    pub training: Vec<Entry>,
    pub execution: Vec<Entry>,
    pub span: Span,
}

/// What a file defines: its networks (several may share a file, under distinct
/// names) and research blocks.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub networks: Vec<NetworkDef>,
    pub research: Vec<Research>,
}

impl Program {
    /// The network to compile: the one named, or the only one. Errors name the choices.
    pub fn select(&self, name: Option<&str>) -> Result<&NetworkDef, String> {
        let names = || {
            self.networks
                .iter()
                .map(|n| format!("`{}`", n.name.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(wanted) => self
                .networks
                .iter()
                .find(|n| n.name.name == wanted)
                .ok_or_else(|| {
                    format!(
                        "no network named `{wanted}` in this file (it defines {})",
                        names()
                    )
                }),
            None => match self.networks.as_slice() {
                [one] => Ok(one),
                [] => Err("this file defines no network".to_string()),
                _ => Err(format!(
                    "this file defines several networks ({}); choose one with `--network NAME`",
                    names()
                )),
            },
        }
    }
}

/// `complete` is false when the parser recovered from errors: then missing sections
/// and empty layer lists are consequences of those errors and not reported again.
pub fn lower(file: File, complete: bool, diags: &mut Vec<Diagnostic>) -> Program {
    let mut macro_defs: Vec<MacroDef> = Vec::new();
    // Name → index of its first definition: a linear search per item was quadratic.
    let mut macro_index: HashMap<String, usize> = HashMap::new();
    let mut networks = Vec::new();
    let mut research = Vec::new();
    for item in file.items {
        match item {
            Item::Define(m) => {
                if let Some(prev) = macro_index.get(&m.name.name).map(|&i| &macro_defs[i]) {
                    diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_MACRO,
                            format!("macro `{}` is defined twice", m.name.name),
                        )
                        .label(m.name.span, "defined again here")
                        .label(prev.name.span, "first defined here")
                        .help("rename one of the macros"),
                    );
                    continue;
                }
                macro_index.insert(m.name.name.clone(), macro_defs.len());
                macro_defs.push(m);
            }
            Item::Network(n) => networks.push(n),
            Item::Research(r) => research.push(r),
        }
    }
    let mut first_network: HashMap<&str, &Ident> = HashMap::new();
    for net in &networks {
        let first = *first_network.entry(&net.name.name).or_insert(&net.name);
        if !std::ptr::eq(first, &net.name) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NETWORK,
                    format!("network `{}` is defined twice", net.name.name),
                )
                .label(net.name.span, "defined again here")
                .label(first.span, "first defined here")
                .help("give each network in a file its own name"),
            );
        }
    }
    if complete && networks.is_empty() && research.is_empty() {
        diags.push(
            Diagnostic::error(codes::NO_NETWORK, "this file defines no network")
                .label(Span::new(0, 0), "expected `network Name { … }`")
                .help("a model file needs a block such as `network MyModel { input: (28, 28, 1) layers: Dense(10) }`"),
        );
    }
    let expander = macros::Expander::new(&macro_defs);
    expander.check_bodies(diags);
    let networks = networks.into_iter().map(|n| {
        let mut def = NetworkDef {
            name: n.name,
            inputs: Vec::new(),
            layers: Vec::new(),
            loss: None,
            optimizer: None,
            lr_schedule: None,
            metrics: None,
            training: Vec::new(),
            execution: Vec::new(),
            span: n.span,
        };
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut has_layers = false;
        for section in n.sections {
            let canonical = canonical_section(&section.body);
            if let Some((_, prev)) = seen.iter().find(|(name, _)| *name == canonical) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_SECTION,
                        format!("section `{canonical}` appears twice"),
                    )
                    .label(section.keyword.span, "repeated here")
                    .label(*prev, "first given here")
                    .help("merge the two sections into one"),
                );
                continue;
            }
            seen.push((canonical, section.keyword.span));
            match section.body {
                SectionBody::Input(i) => def.inputs = input_decls(i, diags),
                SectionBody::Layers(ls) => {
                    has_layers = true;
                    let before = diags.len();
                    def.layers = expander.expand(&ls, diags);
                    // Past the expansion limits the list is cut short: not "empty".
                    let cut = diags[before..]
                        .iter()
                        .any(|d| d.code == codes::EXPANSION_TOO_LARGE);
                    if complete && !cut && def.layers.is_empty() {
                        diags.push(
                            Diagnostic::error(
                                codes::EMPTY_LAYERS,
                                "the layer list is empty after expansion",
                            )
                            .label(section.keyword.span, "no layer remains here")
                            .help("`* 0` removes a layer; a network needs at least one"),
                        );
                    }
                }
                SectionBody::Loss(v) => def.loss = Some(v),
                SectionBody::Optimizer(v) => def.optimizer = Some(v),
                SectionBody::LrSchedule(v) => def.lr_schedule = Some(v),
                SectionBody::Metrics(v) => def.metrics = Some(v),
                SectionBody::Train(e) => def.training = dedup_entries(e, diags),
                SectionBody::Execution(e) => def.execution = dedup_entries(e, diags),
            }
        }
        for (name, example) in [
            ("input", "input: (28, 28, 1)"),
            ("layers", "layers: Dense(10)"),
        ] {
            let present = if name == "input" {
                seen.iter().any(|(s, _)| *s == "input")
            } else {
                has_layers
            };
            if complete && !present {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_SECTION,
                        format!("network `{}` has no `{name}:` section", def.name.name),
                    )
                    .label(def.name.span, format!("`{name}:` is required"))
                    .help(format!("add a section such as `{example}`")),
                );
            }
        }
        def
    });
    let networks = networks.collect();
    Program { networks, research }
}

/// Validates input shapes and drops a leading `None` batch dimension, which the DSL
/// never needs (the batch dimension is implicit), so `(None, 28, 28, 1)` ≡ `(28, 28, 1)`.
fn input_decls(spec: InputSpec, diags: &mut Vec<Diagnostic>) -> Vec<InputDecl> {
    let named: Vec<(Option<Ident>, Value)> = match spec {
        InputSpec::Shapes(vs) => vs.into_iter().map(|v| (None, v)).collect(),
        InputSpec::Named(ns) => ns.into_iter().map(|(n, v)| (Some(n), v)).collect(),
    };
    let mut out = Vec::with_capacity(named.len());
    for (name, value) in named {
        let items: Vec<Value> = match value.kind {
            ValueKind::Tuple(vs) | ValueKind::List(vs) => vs,
            ValueKind::Call {
                name: ref callee,
                ref args,
            } if callee.name == "shape" && args.iter().all(|a| a.name.is_none()) => {
                args.iter().map(|a| a.value.clone()).collect()
            }
            ValueKind::Int(_) => vec![value.clone()],
            _ => {
                diags.push(
                    Diagnostic::error(
                        codes::BAD_INPUT_SHAPE,
                        "an input shape must be a tuple of sizes",
                    )
                    .label(value.span, "not a shape")
                    .help("write the shape without the batch dimension, e.g. `input: (28, 28, 1)`"),
                );
                continue;
            }
        };
        let mut dims = Vec::with_capacity(items.len());
        for item in &items {
            match item.kind {
                ValueKind::Int(n) if n > 0 => dims.push(Some(n.unsigned_abs())),
                ValueKind::None => dims.push(None),
                _ => diags.push(
                    Diagnostic::error(codes::BAD_INPUT_SHAPE, "an input dimension must be a positive integer or `None`")
                        .label(item.span, "invalid dimension")
                        .help("use `None` for a size only known at run time, e.g. `input: (None, 128)` for variable-length sequences"),
                ),
            }
        }
        if dims.len() > 1 && dims[0].is_none() {
            dims.remove(0);
        }
        if dims.is_empty() {
            diags.push(
                Diagnostic::error(
                    codes::BAD_INPUT_SHAPE,
                    "an input shape needs at least one dimension",
                )
                .label(value.span, "empty shape")
                .help("write the shape without the batch dimension, e.g. `input: (784,)`"),
            );
            continue;
        }
        out.push(InputDecl {
            name,
            dims,
            span: value.span,
        });
    }
    out
}

fn canonical_section(body: &SectionBody) -> &'static str {
    match body {
        SectionBody::Input(_) => "input",
        SectionBody::Layers(_) => "layers",
        SectionBody::Loss(_) => "loss",
        SectionBody::Optimizer(_) => "optimizer",
        SectionBody::LrSchedule(_) => "lr_schedule",
        SectionBody::Metrics(_) => "metrics",
        SectionBody::Train(_) => "train",
        SectionBody::Execution(_) => "execution",
    }
}

fn dedup_entries(entries: Vec<Entry>, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    // Key → index in `out`: a linear search per entry was quadratic.
    let mut index: HashMap<String, usize> = HashMap::new();
    for e in entries {
        if let Some(prev) = index.get(&e.key.name).map(|&i| &out[i]) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_ENTRY,
                    format!("`{}` is given twice", e.key.name),
                )
                .label(e.key.span, "repeated here")
                .label(prev.key.span, "first given here")
                .help("keep one of them"),
            );
            continue;
        }
        index.insert(e.key.name.clone(), out.len());
        out.push(e);
    }
    out
}
