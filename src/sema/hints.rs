//! Help lines that name the usual cause of a shape or parameter error and the change a
//! user would make: a recurrent layer that returns only its last step feeding another
//! sequence layer, a spatial layer after `Flatten`/`Dense`, an input written
//! channels-first, a Keras 2 parameter that Keras 3 removed.

use super::catalog::{LayerSpec, Rule};
use super::codes;
use super::model::{Layer, Param, Shape};
use crate::diagnostic::Code;

/// The layer before the one being checked, in the same list.
#[derive(Debug, Clone, Copy)]
pub struct Previous {
    pub name: &'static str,
    pub rule: Rule,
    pub line: usize,
    /// A recurrent layer (or `Bidirectional` around one) without `return_sequences`.
    pub last_step_only: bool,
}

impl Previous {
    pub fn of(layer: &Layer) -> Self {
        let returns_sequences = |l: &Layer| {
            l.args
                .iter()
                .any(|a| a.name == "return_sequences" && a.value == Param::Bool(true))
        };
        let last_step_only = match layer.spec.rule {
            Rule::Recurrent { .. } => !returns_sequences(layer),
            Rule::Bidirectional => layer.inner.first().is_some_and(|l| !returns_sequences(l)),
            _ => false,
        };
        Self {
            name: layer.spec.name,
            rule: layer.spec.rule,
            line: layer.line,
            last_step_only,
        }
    }
}

/// Whether a layer reads a sequence `(steps, features)`.
fn reads_sequence(rule: Rule) -> bool {
    match rule {
        Rule::Recurrent { .. }
        | Rule::Bidirectional
        | Rule::MultiHeadAttention
        | Rule::Transformer { .. } => true,
        Rule::Conv { rank }
        | Rule::ConvTranspose { rank }
        | Rule::DepthwiseConv { rank }
        | Rule::SeparableConv { rank }
        | Rule::Pool { rank }
        | Rule::GlobalPool { rank }
        | Rule::UpSampling { rank }
        | Rule::ZeroPadding { rank } => rank == 1,
        Rule::Same
        | Rule::Dense
        | Rule::Flatten
        | Rule::BatchNorm
        | Rule::Norm
        | Rule::Embedding
        | Rule::TimeDistributed
        | Rule::Reshape
        | Rule::Merge
        | Rule::Residual => false,
    }
}

/// Whether a layer reads an image or volume `(spatial…, channels)`.
fn reads_spatial(spec: &LayerSpec) -> bool {
    match spec.rule {
        Rule::Conv { rank }
        | Rule::ConvTranspose { rank }
        | Rule::DepthwiseConv { rank }
        | Rule::SeparableConv { rank }
        | Rule::Pool { rank }
        | Rule::GlobalPool { rank }
        | Rule::UpSampling { rank }
        | Rule::ZeroPadding { rank } => rank >= 2,
        Rule::Same => spec.input_rank.is_some_and(|r| r >= 3),
        Rule::Dense
        | Rule::Flatten
        | Rule::BatchNorm
        | Rule::Norm
        | Rule::Embedding
        | Rule::Recurrent { .. }
        | Rule::Bidirectional
        | Rule::TimeDistributed
        | Rule::MultiHeadAttention
        | Rule::Transformer { .. }
        | Rule::Reshape
        | Rule::Merge
        | Rule::Residual => false,
    }
}

/// A layer that leaves a vector per sample (no spatial axes).
fn flattens(rule: Rule) -> Option<&'static str> {
    match rule {
        Rule::Flatten => Some("flattened the feature map into a vector"),
        Rule::Dense => Some("works on vectors, so the spatial axes are gone"),
        Rule::GlobalPool { .. } => Some("pooled the spatial axes away"),
        _ => None,
    }
}

/// An input that looks channels-first: `(1, 28, 28)` or `(3, 32, 32)` for an image.
fn looks_channels_first(shape: &Shape) -> Option<String> {
    let (Some(first), Some(Some(last))) = (shape.first().copied().flatten(), shape.last()) else {
        return None;
    };
    if shape.len() < 3 || !matches!(first, 1 | 3 | 4) || *last <= 4 {
        return None;
    }
    let dims: Vec<String> = shape[1..]
        .iter()
        .map(|d| d.map_or("None".into(), |n| n.to_string()))
        .chain(std::iter::once(first.to_string()))
        .collect();
    Some(dims.join(", "))
}

/// The help line for a shape error of `spec` on `input`, when its usual cause is
/// recognisable; `None` keeps the error's own help. `network_input`: the layer reads
/// the network's input.
pub fn shape_hint(
    spec: &LayerSpec,
    code: Code,
    input: &Shape,
    previous: Option<&Previous>,
    network_input: bool,
) -> Option<String> {
    if network_input
        && (code == codes::SHAPE_TOO_SMALL || code == codes::SHAPE_RANK)
        && let Some(channels_last) = looks_channels_first(input)
    {
        return Some(format!(
            "the input looks channels-first; neuralc's shapes are channels-last, as in Keras: write `input: ({channels_last})`"
        ));
    }
    let prev = previous?;
    if code != codes::SHAPE_RANK {
        return None;
    }
    if reads_sequence(spec.rule) && input.len() == 1 && prev.last_step_only {
        return Some(format!(
            "the `{}` on line {} returns only its last step; give it `return_sequences=true` so that `{}` gets the whole sequence",
            prev.name, prev.line, spec.name
        ));
    }
    if reads_spatial(spec)
        && input.len() < 3
        && let Some(what) = flattens(prev.rule)
    {
        return Some(format!(
            "the `{}` on line {} {what}; move `{}` before it",
            prev.name, prev.line, spec.name
        ));
    }
    None
}

/// Parameters of Keras 2 that Keras 3 removed, with what to write instead.
const RETIRED: &[(&str, &str, &str)] = &[(
    "Embedding",
    "input_length",
    "Keras 3 removed `input_length`: the sequence length comes from `input:` (e.g. `input: (40,)` for 40 tokens); remove the argument",
)];

/// The help for an unknown parameter `param` of `layer` that an older Keras had.
pub fn retired_param(layer: &str, param: &str) -> Option<&'static str> {
    RETIRED
        .iter()
        .find(|(l, p, _)| *l == layer && *p == param)
        .map(|(_, _, help)| *help)
}
