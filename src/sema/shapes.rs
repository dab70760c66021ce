//! Shape inference and parameter counts, one arm per catalog [`Rule`]. Shapes exclude
//! the batch dimension and are channels-last; `None` is a size known only at run time.
//! Wrappers and blocks (Bidirectional, TimeDistributed, ResidualConnection) are handled
//! by the caller, which infers their inner layers first.

use super::catalog::{LayerSpec, Rule};
use super::codes;
use super::model::{Arg, Param, ParamCount, Shape};
use crate::diagnostic::Code;

/// Why a layer cannot take its input; becomes a diagnostic at the layer.
#[derive(Debug)]
pub struct ShapeError {
    pub code: Code,
    pub message: String,
    pub help: String,
    /// True when the fix is a `Flatten()` in front of the layer; the caller, which knows
    /// the layer's line, writes the help "insert `Flatten()` before line N".
    pub insert_flatten: bool,
}

fn err<T>(code: Code, message: String, help: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError {
        code,
        message,
        help: help.into(),
        insert_flatten: false,
    })
}

/// A shape as Keras prints it, with the batch dimension: `(None, 26, 26, 32)`.
pub fn show_batched(shape: &[Option<u64>]) -> String {
    let mut out = String::from("(None");
    for d in shape {
        out.push_str(", ");
        match d {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str("None"),
        }
    }
    out.push(')');
    out
}

/// Names of the spatial axes of a `rank`-D layer, for messages.
fn axis_name(rank: usize, i: usize) -> &'static str {
    match (rank, i) {
        (1, _) => "length",
        (2, 0) | (3, 1) => "height",
        (2, _) | (3, 2) => "width",
        _ => "depth",
    }
}

/// `(26, 26, 32)`, `(784,)`, `(None, 128)`.
pub fn show(shape: &[Option<u64>]) -> String {
    let dims: Vec<String> = shape
        .iter()
        .map(|d| d.map_or_else(|| "None".to_string(), |n| n.to_string()))
        .collect();
    match dims.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", dims.join(", ")),
    }
}

/// The value of an integer parameter (catalog defaults guarantee presence where needed).
pub fn int(args: &[Arg], name: &str) -> Option<u64> {
    match args.iter().find(|a| a.name == name).map(|a| &a.value) {
        Some(Param::Int(n)) => u64::try_from(*n).ok(),
        _ => None,
    }
}

fn text<'a>(args: &'a [Arg], name: &str) -> &'a str {
    match args.iter().find(|a| a.name == name).map(|a| &a.value) {
        Some(Param::Str(s)) => s,
        _ => "",
    }
}

fn flag(args: &[Arg], name: &str) -> bool {
    matches!(
        args.iter().find(|a| a.name == name).map(|a| &a.value),
        Some(Param::Bool(true))
    )
}

/// A size parameter (`3` or `(3, 3)`) expanded to `rank` values.
fn sizes(args: &[Arg], name: &str, rank: usize) -> Option<Vec<u64>> {
    match args.iter().find(|a| a.name == name).map(|a| &a.value)? {
        Param::Int(n) => Some(vec![u64::try_from(*n).ok()?; rank]),
        Param::List(items) => items
            .iter()
            .map(|p| match p {
                Param::Int(n) => u64::try_from(*n).ok(),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Keras and PyTorch agree and everything is trainable.
fn same(n: u64) -> ParamCount {
    ParamCount {
        keras: n,
        pytorch: n,
        trainable: n,
        non_trainable: 0,
    }
}

/// The input must have exactly `rank + 1` axes: `rank` spatial ones and channels.
fn spatial<'s>(
    name: &str,
    input: &'s Shape,
    rank: u8,
) -> Result<(&'s [Option<u64>], u64), ShapeError> {
    let want = usize::from(rank) + 1;
    if input.len() != want {
        let layout = [
            "(batch, steps, channels)",
            "(batch, height, width, channels)",
            "(batch, depth, height, width, channels)",
        ][usize::from(rank) - 1];
        return err(
            codes::SHAPE_RANK,
            format!(
                "{name} expects {layout} but receives {}",
                show_batched(input)
            ),
            if input.len() < want {
                "add a `Reshape(target_shape=…)` before it, or declare the input with a channel axis, e.g. `input: (28, 28, 1)`"
            } else {
                "use the convolution/pooling layer of matching rank, or `Flatten()`/`Reshape` first"
            },
        );
    }
    let channels = known(name, input, want - 1)?;
    Ok((&input[..want - 1], channels))
}

/// The size of axis `axis`, which must be known.
fn known(name: &str, input: &Shape, axis: usize) -> Result<u64, ShapeError> {
    input[axis].ok_or_else(|| ShapeError {
        code: codes::SYMBOLIC_SIZE,
        message: format!(
            "{name} needs a known size for axis {} of its input {}",
            axis + 1,
            show_batched(input)
        ),
        help: "give that dimension a size in `input:` (only sequence lengths may be `None`)".into(),
        insert_flatten: false,
    })
}

fn last(name: &str, input: &Shape) -> Result<u64, ShapeError> {
    if input.is_empty() {
        return err(
            codes::SHAPE_RANK,
            format!("{name} needs an input with at least one axis"),
            "",
        );
    }
    known(name, input, input.len() - 1)
}

/// Sequence layers take exactly `(steps, features)`.
fn sequence(name: &str, input: &Shape) -> Result<(), ShapeError> {
    if input.len() != 2 {
        let help = if input.len() < 2 {
            "sequence layers need `(steps, features)`: start with `Embedding`, or declare `input: (None, None, features)` (a leading `None` is the batch dimension)"
        } else {
            "sequence layers need `(steps, features)`; an input feeding `Embedding` is declared as `(steps,)`"
        };
        return err(
            codes::SHAPE_RANK,
            format!(
                "{name} expects (batch, steps, features) but receives {}",
                show_batched(input)
            ),
            help,
        );
    }
    Ok(())
}

/// The largest size or parameter count neuralc accepts: PyTorch and TensorFlow index
/// tensors with `int64`. A layer whose output size or count passes it is refused (E0131)
/// instead of wrapping around.
pub const MAX_SIZE: u64 = i64::MAX as u64;

/// The product of `factors`, saturating at `u64::MAX` (past [`MAX_SIZE`], so
/// [`representable`] reports it rather than a wrapped number).
fn mul<const N: usize>(factors: [u64; N]) -> u64 {
    factors.into_iter().fold(1, u64::saturating_mul)
}

/// The sum of `terms`, saturating like [`mul`].
fn sum<const N: usize>(terms: [u64; N]) -> u64 {
    terms.into_iter().fold(0, u64::saturating_add)
}

/// The product of a shape's sizes; `None` when one is symbolic. Saturates like [`mul`].
fn volume(shape: &[Option<u64>]) -> Option<u64> {
    shape
        .iter()
        .try_fold(1u64, |acc, d| d.map(|n| acc.saturating_mul(n)))
}

/// Refuses an output shape or parameter count past [`MAX_SIZE`] (E0131).
pub fn representable(
    name: &str,
    shape: Shape,
    params: ParamCount,
) -> Result<(Shape, ParamCount), ShapeError> {
    let too_large = shape.iter().flatten().any(|&d| d > MAX_SIZE)
        || volume(&shape).is_some_and(|v| v > MAX_SIZE)
        || params.keras.max(params.pytorch) > MAX_SIZE;
    if too_large {
        return too_large_error(name, "output size or parameter count");
    }
    Ok((shape, params))
}

/// E0131 for a size or count past [`MAX_SIZE`]: `what` of layer `name`.
fn too_large_error<T>(name: &str, what: &str) -> Result<T, ShapeError> {
    err(
        codes::SIZE_TOO_LARGE,
        format!("{name}'s {what} passes {MAX_SIZE}, the largest int64 size a framework can index"),
        "use smaller sizes, or downsample (pooling, strides) before this layer",
    )
}

/// Output length of a sliding window along one axis.
fn window(
    name: &str,
    axis: &str,
    n: Option<u64>,
    k: u64,
    s: u64,
    same_pad: bool,
) -> Result<Option<u64>, ShapeError> {
    let Some(n) = n else { return Ok(None) };
    if same_pad {
        return Ok(Some(n.div_ceil(s)));
    }
    if n < k {
        // Keras: floor((n - k) / s) + 1, zero or negative here.
        let size = (i128::from(n) - i128::from(k)).div_euclid(i128::from(s)) + 1;
        return err(
            codes::SHAPE_TOO_SMALL,
            format!(
                "the output {axis} of {name} becomes {size}: its window of {k} is larger than the input {axis} {n}"
            ),
            "use a smaller kernel/pool size, `padding=\"same\"`, or remove a downsampling layer before it",
        );
    }
    Ok(Some((n - k) / s + 1))
}

/// Total padding per axis of `padding`: `p`, `(a, b)` or `((top, bottom), (left, right))`.
fn pad_amounts(args: &[Arg], rank: usize) -> Vec<u64> {
    let amount = |p: &Param| match p {
        Param::Int(n) => u64::try_from(*n).unwrap_or(0),
        _ => 0,
    };
    match args.iter().find(|a| a.name == "padding").map(|a| &a.value) {
        Some(Param::List(items)) => items
            .iter()
            .map(|item| match item {
                Param::List(pair) => pair.iter().map(amount).fold(0, u64::saturating_add),
                p => mul([2, amount(p)]),
            })
            .collect(),
        Some(p) => vec![mul([2, amount(p)]); rank],
        None => vec![2; rank],
    }
}

fn divides(name: &str, what: &str, d: u64, of: &str, n: u64) -> Result<(), ShapeError> {
    if !n.is_multiple_of(d) {
        return err(
            codes::DIVISIBILITY,
            format!("{name}: {what} ({d}) must divide {of} ({n})"),
            format!("choose a {what} that divides {n}"),
        );
    }
    Ok(())
}

/// Output shape and parameter count of a non-wrapper layer.
pub fn infer(
    spec: &LayerSpec,
    args: &[Arg],
    input: &Shape,
) -> Result<(Shape, ParamCount), ShapeError> {
    let name = spec.name;
    let bias = |units: u64| if flag(args, "use_bias") { units } else { 0 };
    match spec.rule {
        Rule::Same => {
            if let Some(rank) = spec.input_rank {
                spatial(name, input, rank - 1)?;
            }
            Ok((input.clone(), ParamCount::default()))
        }
        Rule::Dense => {
            if input.len() > 2 {
                return Err(ShapeError {
                    code: codes::SHAPE_RANK,
                    message: format!(
                        "{name} expects (batch, features) but receives {}",
                        show_batched(input)
                    ),
                    help: String::new(),
                    insert_flatten: true,
                });
            }
            let inp = last(name, input)?;
            let units = int(args, "units").unwrap_or(0);
            let mut out = input.clone();
            *out.last_mut().expect("checked non-empty") = Some(units);
            Ok((out, same(sum([mul([inp, units]), bias(units)]))))
        }
        Rule::Flatten => Ok((vec![volume(input)], ParamCount::default())),
        Rule::Conv { rank } | Rule::DepthwiseConv { rank } | Rule::SeparableConv { rank } => {
            let (dims, channels) = spatial(name, input, rank)?;
            let r = usize::from(rank);
            let k = sizes(args, "kernel_size", r).unwrap_or_default();
            let s = sizes(args, "strides", r).unwrap_or_else(|| vec![1; r]);
            let dil = sizes(args, "dilation_rate", r).unwrap_or_else(|| vec![1; r]);
            let pad = text(args, "padding") != "valid";
            let mut out = Vec::with_capacity(r + 1);
            for i in 0..r {
                let eff = sum([mul([dil[i], k[i].saturating_sub(1)]), 1]);
                if eff > MAX_SIZE {
                    return too_large_error(name, "dilated kernel");
                }
                out.push(window(name, axis_name(r, i), dims[i], eff, s[i], pad)?);
            }
            let kprod = k.iter().fold(1u64, |acc, &n| acc.saturating_mul(n));
            let dm = int(args, "depth_multiplier").unwrap_or(1);
            let (filters, weights) = match spec.rule {
                Rule::Conv { .. } => {
                    let f = int(args, "filters").unwrap_or(0);
                    let g = int(args, "groups").unwrap_or(1);
                    divides(name, "groups", g, "the input channels", channels)?;
                    divides(name, "groups", g, "filters", f)?;
                    (f, sum([mul([kprod, channels / g, f]), bias(f)]))
                }
                Rule::DepthwiseConv { .. } => {
                    let out = mul([channels, dm]);
                    (out, sum([mul([kprod, out]), bias(out)]))
                }
                _ => {
                    let f = int(args, "filters").unwrap_or(0);
                    (
                        f,
                        sum([mul([kprod, channels, dm]), mul([channels, dm, f]), bias(f)]),
                    )
                }
            };
            out.push(Some(filters));
            Ok((out, same(weights)))
        }
        Rule::ConvTranspose { rank } => {
            let (dims, channels) = spatial(name, input, rank)?;
            let r = usize::from(rank);
            let k = sizes(args, "kernel_size", r).unwrap_or_default();
            let s = sizes(args, "strides", r).unwrap_or_else(|| vec![1; r]);
            let pad = text(args, "padding") == "same";
            let mut out: Shape = (0..r)
                .map(|i| {
                    dims[i].map(|n| {
                        if pad {
                            mul([n, s[i]])
                        } else {
                            sum([mul([n.saturating_sub(1), s[i]]), k[i].max(s[i])])
                        }
                    })
                })
                .collect();
            let f = int(args, "filters").unwrap_or(0);
            out.push(Some(f));
            Ok((
                out,
                same(sum([
                    mul([
                        k.iter().fold(1u64, |acc, &n| acc.saturating_mul(n)),
                        channels,
                        f,
                    ]),
                    bias(f),
                ])),
            ))
        }
        Rule::Pool { rank } => {
            let (dims, channels) = spatial(name, input, rank)?;
            let r = usize::from(rank);
            let p = sizes(args, "pool_size", r).unwrap_or_else(|| vec![2; r]);
            let s = sizes(args, "strides", r).unwrap_or_else(|| p.clone());
            let pad = text(args, "padding") == "same";
            let mut out = Vec::with_capacity(r + 1);
            for i in 0..r {
                out.push(window(name, axis_name(r, i), dims[i], p[i], s[i], pad)?);
            }
            out.push(Some(channels));
            Ok((out, ParamCount::default()))
        }
        Rule::GlobalPool { rank } => {
            let (_, channels) = spatial(name, input, rank)?;
            Ok((vec![Some(channels)], ParamCount::default()))
        }
        Rule::UpSampling { rank } => {
            let (dims, channels) = spatial(name, input, rank)?;
            let r = usize::from(rank);
            let f = sizes(args, "size", r).unwrap_or_else(|| vec![1; r]);
            let mut out: Shape = (0..r).map(|i| dims[i].map(|n| mul([n, f[i]]))).collect();
            out.push(Some(channels));
            Ok((out, ParamCount::default()))
        }
        Rule::ZeroPadding { rank } => {
            let (dims, channels) = spatial(name, input, rank)?;
            let r = usize::from(rank);
            let pads = pad_amounts(args, r);
            let mut out: Shape = (0..r)
                .map(|i| dims[i].map(|n| n.saturating_add(pads[i])))
                .collect();
            out.push(Some(channels));
            Ok((out, ParamCount::default()))
        }
        Rule::BatchNorm => {
            let c = last(name, input)?;
            let count = ParamCount {
                keras: mul([4, c]),
                pytorch: mul([2, c]),
                trainable: mul([2, c]),
                non_trainable: mul([2, c]),
            };
            Ok((input.clone(), count))
        }
        Rule::Norm => {
            let c = last(name, input)?;
            if let Some(g) = int(args, "groups") {
                divides(name, "groups", g, "the channels", c)?;
            }
            Ok((input.clone(), same(mul([2, c]))))
        }
        Rule::Embedding => {
            if input.len() != 1 {
                let steps = input
                    .first()
                    .copied()
                    .flatten()
                    .map_or_else(|| "None".to_string(), |n| n.to_string());
                return err(
                    codes::SHAPE_RANK,
                    format!(
                        "Embedding expects token ids (batch, steps) but receives {}",
                        show_batched(input)
                    ),
                    format!(
                        "declare the input as the sequence length only, e.g. `input: ({steps},)`; the embedding adds the feature axis"
                    ),
                );
            }
            let vocab = int(args, "input_dim").unwrap_or(0);
            let dim = int(args, "output_dim").unwrap_or(0);
            let mut out = input.clone();
            out.push(Some(dim));
            Ok((out, same(mul([vocab, dim]))))
        }
        Rule::Recurrent { gates } => {
            sequence(name, input)?;
            let f = last(name, input)?;
            let u = int(args, "units").unwrap_or(0);
            let g = u64::from(gates);
            let weights = mul([g, u, sum([f, u])]);
            let keras_biases = if gates == 3 { 2 } else { 1 };
            let (keras, pytorch) = if flag(args, "use_bias") {
                (
                    sum([weights, mul([keras_biases, g, u])]),
                    sum([weights, mul([2, g, u])]),
                )
            } else {
                (weights, weights)
            };
            let out = if flag(args, "return_sequences") {
                vec![input[0], Some(u)]
            } else {
                vec![Some(u)]
            };
            Ok((
                out,
                ParamCount {
                    keras,
                    pytorch,
                    trainable: keras,
                    non_trainable: 0,
                },
            ))
        }
        Rule::MultiHeadAttention => {
            sequence(name, input)?;
            let e = last(name, input)?;
            let h = int(args, "num_heads").unwrap_or(1);
            let k = int(args, "key_dim").unwrap_or(1);
            let v = int(args, "value_dim").unwrap_or(k);
            let n = sum([
                mul([2, sum([mul([e, h, k]), bias(mul([h, k]))])]),
                mul([e, h, v]),
                bias(mul([h, v])),
                mul([h, v, e]),
                bias(e),
            ]);
            Ok((input.clone(), same(n)))
        }
        Rule::Transformer { .. } => {
            sequence(name, input)?;
            let e = last(name, input)?;
            let h = int(args, "num_heads").unwrap_or(1);
            divides(name, "num_heads", h, "the feature size", e)?;
            let ff = int(args, "ff_dim").unwrap_or(0);
            let per_layer = sum([
                mul([4, e, e]),
                mul([4, e]),
                mul([2, e, ff]),
                ff,
                e,
                mul([4, e]),
            ]);
            let layers = int(args, "num_layers").unwrap_or(1);
            let max = crate::syntax::macros::MAX_EXPANDED_LAYERS as u64;
            if layers > max {
                // Each block is emitted as a layer of its own.
                return err(
                    codes::SIZE_TOO_LARGE,
                    format!(
                        "{name} with `num_layers={layers}` is {layers} layers, more than the {max} a network may hold"
                    ),
                    "use fewer layers",
                );
            }
            Ok((input.clone(), same(mul([per_layer, layers]))))
        }
        Rule::Reshape => reshape(args, input),
        Rule::Merge => err(
            codes::MERGE_IN_CHAIN,
            format!(
                "{name} merges several tensors, but in a layer list it only gets the previous layer's output"
            ),
            "to add a skip connection, wrap the layers in `ResidualConnection { … }` (it adds its input to the block's output)",
        ),
        Rule::Residual | Rule::Bidirectional | Rule::TimeDistributed => {
            unreachable!("wrappers are inferred by the caller")
        }
    }
}

fn reshape(args: &[Arg], input: &Shape) -> Result<(Shape, ParamCount), ShapeError> {
    let target: Vec<i64> = match args
        .iter()
        .find(|a| a.name == "target_shape")
        .map(|a| &a.value)
    {
        Some(Param::List(items)) => items
            .iter()
            .map(|p| if let Param::Int(n) = p { *n } else { 0 })
            .collect(),
        _ => Vec::new(),
    };
    let total = volume(input);
    let fixed = target
        .iter()
        .filter(|n| **n > 0)
        .fold(1u64, |acc, n| acc.saturating_mul(n.unsigned_abs()));
    let mut out: Shape = target.iter().map(|n| u64::try_from(*n).ok()).collect();
    if let Some(total) = total {
        let mismatch = if let Some(slot) = out.iter_mut().find(|d| d.is_none()) {
            *slot = Some(total / fixed.max(1));
            !total.is_multiple_of(fixed.max(1))
        } else {
            total != fixed
        };
        if mismatch {
            return err(
                codes::SHAPE_MISMATCH,
                format!(
                    "Reshape cannot turn {} ({total} values) into {}",
                    show_batched(input),
                    show_batched(
                        &target
                            .iter()
                            .map(|n| u64::try_from(*n).ok())
                            .collect::<Vec<_>>()
                    )
                ),
                "the target shape must hold the same number of values; use -1 for one size to infer",
            );
        }
    }
    Ok((out, ParamCount::default()))
}
