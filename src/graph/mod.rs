//! `neuralc graph`: the checked model as a picture. This module builds the drawing's
//! structure from the model — one node per layer with its type, key parameters, output
//! shape and parameter count; residual blocks, wrappers, `* N` repeats and macro
//! expansions as groups; a colour family per layer kind — and `svg`, `dot` and
//! `mermaid` write it out. The layout is a vertical chain (the models are chains; the only
//! other edge is a residual block's skip), drawn by hand in `svg`.

mod dot;
mod mermaid;
mod svg;
mod text;

use crate::commands::shapes::grouped;
use crate::sema::catalog::Rule;
use crate::sema::layer::macro_name;
use crate::sema::model::{Layer, Model, Param, ParamCount};
use crate::sema::shapes::show_batched;
use crate::syntax::ast::Span;

pub use dot::render as dot;
pub use mermaid::render as mermaid;
pub use svg::render as svg;

/// What a layer does, for its colour and the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Input,
    Dense,
    Convolution,
    Pooling,
    Normalization,
    Regularization,
    Reshape,
    Embedding,
    Recurrent,
    Attention,
    Wrapper,
}

impl Family {
    /// The family of a catalog rule.
    pub fn of(rule: Rule) -> Family {
        match rule {
            Rule::Dense => Family::Dense,
            Rule::Conv { .. }
            | Rule::ConvTranspose { .. }
            | Rule::DepthwiseConv { .. }
            | Rule::SeparableConv { .. } => Family::Convolution,
            Rule::Pool { .. }
            | Rule::GlobalPool { .. }
            | Rule::UpSampling { .. }
            | Rule::ZeroPadding { .. } => Family::Pooling,
            Rule::BatchNorm | Rule::Norm => Family::Normalization,
            Rule::Same => Family::Regularization,
            Rule::Flatten | Rule::Reshape => Family::Reshape,
            Rule::Embedding => Family::Embedding,
            Rule::Recurrent { .. } | Rule::Bidirectional => Family::Recurrent,
            Rule::MultiHeadAttention | Rule::Transformer { .. } => Family::Attention,
            Rule::TimeDistributed | Rule::Residual | Rule::Merge => Family::Wrapper,
        }
    }

    /// The legend's name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Dense => "dense",
            Family::Convolution => "convolution",
            Family::Pooling => "pooling & resizing",
            Family::Normalization => "normalization",
            Family::Regularization => "dropout, noise & activation",
            Family::Reshape => "flatten & reshape",
            Family::Embedding => "embedding",
            Family::Recurrent => "recurrent",
            Family::Attention => "attention",
            Family::Wrapper => "wrapper",
        }
    }

    /// Stroke colour (Tableau 10); boxes are filled with a light tint of it.
    pub fn color(self) -> &'static str {
        match self {
            Family::Input => "#79706e",
            Family::Dense => "#4e79a7",
            Family::Convolution => "#f28e2b",
            Family::Pooling => "#76b7b2",
            Family::Normalization => "#b07aa1",
            Family::Regularization => "#bab0ac",
            Family::Reshape => "#edc948",
            Family::Embedding => "#9c755f",
            Family::Recurrent => "#59a14f",
            Family::Attention => "#e15759",
            Family::Wrapper => "#ff9da7",
        }
    }
}

/// One box: a layer (or the input).
#[derive(Debug, Clone)]
pub struct Node {
    pub family: Family,
    /// `Conv2D`.
    pub title: String,
    /// Key parameters: `32, (3, 3), strides=(2, 2), relu`.
    pub detail: String,
    /// Output shape, batch first: `(None, 26, 26, 32)`.
    pub shape: String,
    /// Keras parameter count (`None` for the input).
    pub params: Option<u64>,
    /// The layer a `Bidirectional`/`TimeDistributed` wraps, drawn inside.
    pub wrapped: Option<Box<Node>>,
}

impl Node {
    /// The first text line: type and key parameters.
    pub fn head(&self) -> String {
        if self.detail.is_empty() {
            self.title.clone()
        } else {
            format!("{}({})", self.title, self.detail)
        }
    }

    /// The second text line: output shape and parameters.
    pub fn tail(&self) -> String {
        match self.params {
            Some(n) => format!("{} · {} params", self.shape, grouped(n)),
            None => self.shape.clone(),
        }
    }
}

/// A step of the chain.
#[derive(Debug, Clone)]
pub enum Item {
    Layer(Node),
    /// `ResidualConnection { … }`: `x + block(x)`, with the block's parameter count.
    Residual {
        items: Vec<Item>,
        params: u64,
    },
    /// Layers from one macro use (`ConvBlock`, `ConvBlock × 2`) or a `* N` repeat.
    Group {
        label: String,
        items: Vec<Item>,
    },
}

/// The whole picture.
#[derive(Debug, Clone)]
pub struct Graph {
    pub name: String,
    pub input: Node,
    pub items: Vec<Item>,
    pub totals: ParamCount,
}

impl Graph {
    /// The drawing of a checked model; `source` is its text (for macro names).
    pub fn new(model: &Model, source: &str) -> Graph {
        let input = Node {
            family: Family::Input,
            title: "Input".to_string(),
            detail: String::new(),
            shape: model
                .inputs
                .first()
                .map_or_else(String::new, |i| show_batched(&i.shape)),
            params: None,
            wrapped: None,
        };
        Graph {
            name: model.name.clone(),
            input,
            items: items(&model.layers, source),
            totals: model.totals,
        }
    }

    /// Every family drawn, in legend order.
    pub fn families(&self) -> Vec<Family> {
        fn walk(items: &[Item], out: &mut Vec<Family>) {
            for item in items {
                match item {
                    Item::Layer(n) => {
                        out.push(n.family);
                        if let Some(w) = &n.wrapped {
                            out.push(w.family);
                        }
                    }
                    Item::Residual { items, .. } | Item::Group { items, .. } => walk(items, out),
                }
            }
        }
        let mut out = vec![Family::Input];
        walk(&self.items, &mut out);
        out.sort();
        out.dedup();
        out
    }
}

/// Parameters worth a label, in this order; the first [`BARE`] are shown as values
/// alone, as Keras users write them (`Conv2D(32, (3, 3), relu)`).
const KEY_PARAMS: &[&str] = &[
    "units",
    "filters",
    "kernel_size",
    "pool_size",
    "rate",
    "input_dim",
    "output_dim",
    "function",
    "target_shape",
    "size",
    "strides",
    "dilation_rate",
    "padding",
    "stddev",
    "num_heads",
    "key_dim",
    "ff_dim",
    "num_layers",
    "depth_multiplier",
    "groups",
    "return_sequences",
    "merge_mode",
    "activation",
];

const BARE: usize = 9;

fn node(layer: &Layer) -> Node {
    let mut detail = Vec::new();
    for (i, name) in KEY_PARAMS.iter().enumerate() {
        let Some(arg) = layer.args.iter().find(|a| a.name == *name) else {
            continue;
        };
        if !arg.explicit || arg.value == Param::None {
            continue;
        }
        let value = crate::codegen::python::literal(&arg.value);
        // The leading sizes read as Keras users write them: `Dense(128, relu)`.
        let bare = i < BARE || (matches!(arg.value, Param::Str(_)) && *name != "padding");
        detail.push(if bare {
            value.trim_matches('"').to_string()
        } else {
            format!("{name}={}", value.trim_matches('"'))
        });
    }
    let wrapped = match layer.spec.rule {
        Rule::Bidirectional | Rule::TimeDistributed => {
            layer.inner.first().map(|l| Box::new(node(l)))
        }
        _ => None,
    };
    Node {
        family: Family::of(layer.spec.rule),
        title: layer.spec.name.to_string(),
        detail: detail.join(", "),
        shape: show_batched(&layer.output_shape),
        params: Some(layer.params.keras),
        wrapped,
    }
}

/// Items of a layer list: residual blocks nest, runs of layers from one macro use or
/// one `* N` repeat become groups.
fn items(layers: &[Layer], source: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < layers.len() {
        let l = &layers[i];
        // A run that shares a macro use, or (outside macros) one source span: `* N`.
        let key = |l: &Layer| match l.expanded_from {
            Some(at) => (true, at),
            None => (false, l.span),
        };
        let run = layers[i..].iter().take_while(|m| key(m) == key(l)).count();
        let (from_macro, span) = key(l);
        if from_macro || run > 1 {
            let label = group_label(&layers[i..i + run], from_macro, span, source);
            out.push(Item::Group {
                label,
                items: layers[i..i + run]
                    .iter()
                    .map(|m| single(m, source))
                    .collect(),
            });
        } else {
            out.push(single(l, source));
        }
        i += run;
    }
    out
}

fn single(layer: &Layer, source: &str) -> Item {
    match layer.spec.rule {
        Rule::Residual => Item::Residual {
            items: items(&layer.inner, source),
            params: layer.params.keras,
        },
        _ => Item::Layer(node(layer)),
    }
}

/// `ConvBlock`, `ConvBlock × 2`, `× 3`.
fn group_label(run: &[Layer], from_macro: bool, span: Span, source: &str) -> String {
    // A body repeated N times: its layers' spans come back every `period` layers.
    let period = run
        .iter()
        .skip(1)
        .position(|l| l.span == run[0].span)
        .map_or(run.len(), |p| p + 1);
    let copies = run.len() / period;
    let times = if copies > 1 && run.len().is_multiple_of(period) {
        format!(" × {copies}")
    } else {
        String::new()
    };
    if from_macro {
        // The use as written, `ConvBlock(filters=32) * 2`, on one line.
        let written = source.get(span.start..span.end).unwrap_or("");
        let written: Vec<&str> = written.split_whitespace().collect();
        let written = written.join(" ");
        if written.is_empty() || written.chars().count() > 60 {
            format!("{}{times}", macro_name(source, span))
        } else {
            written
        }
    } else {
        format!("× {}", run.len())
    }
}
