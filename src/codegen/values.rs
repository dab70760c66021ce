//! Reading resolved parameter values of the checked model.

use crate::sema::model::{Layer, Param, Shape};

/// An integer parameter (floats without a fraction count, as the checker accepts them).
pub fn int(p: &Param) -> Option<i64> {
    match p {
        Param::Int(n) => Some(*n),
        Param::Float(x) if x.fract() == 0.0 => Some(*x as i64),
        _ => None,
    }
}

/// A number as `f64`.
pub fn number(p: &Param) -> Option<f64> {
    match p {
        Param::Int(n) => Some(*n as f64),
        Param::Float(x) => Some(*x),
        _ => None,
    }
}

/// A size parameter (`3` or `(3, 3)`) spread to `rank` entries.
pub fn sizes(p: &Param, rank: usize) -> Vec<i64> {
    match p {
        Param::List(items) => items.iter().filter_map(int).collect(),
        other => vec![int(other).unwrap_or(1); rank],
    }
}

/// A layer's size parameter, or `default` per axis when it is absent.
pub fn layer_sizes(layer: &Layer, name: &str, rank: usize, default: i64) -> Vec<i64> {
    layer
        .arg(name)
        .map(|p| sizes(p, rank))
        .unwrap_or_else(|| vec![default; rank])
}

pub fn string<'a>(layer: &'a Layer, name: &str) -> Option<&'a str> {
    match layer.arg(name) {
        Some(Param::Str(s)) => Some(s),
        _ => None,
    }
}

pub fn flag(layer: &Layer, name: &str) -> bool {
    matches!(layer.arg(name), Some(Param::Bool(true)))
}

/// The layer's activation (`linear` when absent or `None`).
pub fn activation(layer: &Layer) -> &str {
    string(layer, "activation")
        .or_else(|| string(layer, "function"))
        .unwrap_or("linear")
}

/// A static size; symbolic sizes were rejected before emission.
pub fn dim(d: Option<u64>) -> u64 {
    d.unwrap_or(0)
}

/// The last axis of a shape (features or channels).
pub fn last(shape: &Shape) -> u64 {
    shape.last().copied().flatten().unwrap_or(0)
}
