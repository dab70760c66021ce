//! Convolution, pooling and padding windows of the PyTorch model: `Conv*`, depthwise and
//! separable convolutions, `*Pool*` and `ZeroPadding2D`, including Keras' asymmetric `same`
//! padding, which PyTorch only supports symmetric.

use super::{Emitter, Layout, weights};
use crate::codegen::python::{self, call};
use crate::codegen::values::{self, dim, int, last, layer_sizes, string};
use crate::sema::catalog::Rule;
use crate::sema::model::{Layer, Param};

/// Keras' depthwise kernel `(kh, kw, in, multiplier)` as PyTorch's grouped
/// `(in·multiplier, 1, kh, kw)`: output channel `i·multiplier + m` on both.
fn depthwise_layout(layer: &Layer, out: u64) -> String {
    let k = layer_sizes(layer, "kernel_size", 2, 1);
    format!(
        "reshape:{},{},1,{out}|{}",
        k[0],
        k[1],
        weights::conv_layout(2)
    )
}

impl Emitter<'_, '_> {
    /// Explicit `padding` for a convolution or pooling window, Keras' `same` rule:
    /// `Ok(None)` for none, `Ok(Some(pairs))` for (before, after) per spatial axis.
    pub(super) fn same_padding(
        layer: &Layer,
        rank: usize,
        kernel: &[i64],
        strides: &[i64],
    ) -> Vec<(i64, i64)> {
        let dilation = layer_sizes(layer, "dilation_rate", rank, 1);
        (0..rank)
            .map(|a| {
                // i128: the checker bounds the dilated kernel and the sizes by int64,
                // not every intermediate product.
                // `--no-validation` lets a wrong-rank input through: size 0 then.
                let size = i128::from(dim(layer.input_shape.get(a).copied().flatten()));
                let (k, s, d): (i128, i128, i128) =
                    (kernel[a].into(), strides[a].into(), dilation[a].into());
                let out = (size + s - 1) / s;
                let total = ((out - 1) * s + (k - 1) * d + 1 - size).max(0);
                let half = i64::try_from(total / 2).unwrap_or(i64::MAX);
                let rest = i64::try_from(total - total / 2).unwrap_or(i64::MAX);
                (half, rest)
            })
            .collect()
    }

    /// `nn.functional.pad` arguments for per-axis (before, after) pairs (last axis first).
    pub(super) fn pad_tuple(pairs: &[(i64, i64)]) -> String {
        python::tuple(
            pairs
                .iter()
                .rev()
                .flat_map(|(b, a)| [b.to_string(), a.to_string()]),
        )
    }

    pub(super) fn conv(&mut self, layer: &Layer, class: &str, rank: usize, strip: Option<&str>) {
        self.ensure(Layout::First, &layer.input_shape);
        let transpose = matches!(layer.spec.rule, Rule::ConvTranspose { .. });
        let kernel = layer_sizes(layer, "kernel_size", rank, 1);
        let strides = layer_sizes(layer, "strides", rank, 1);
        let mut args = self.args(layer, &["padding"]);
        let mut pad = None;
        let mut crop = None;
        match string(layer, "padding").unwrap_or("valid") {
            "same" if transpose => {
                // Keras: out = in * s, the full transposed output (length (in-1)*s + k)
                // cropped by total = max(k - s, 0), total // 2 at the start and the rest
                // at the end (the gradient of a "same" convolution); for k < s the s - k
                // steps past the full output hold only the bias. PyTorch crops `padding`
                // at both ends and adds `output_padding` at the end: padding = total // 2,
                // output_padding = max(s - k, 0), and an odd total's extra step is
                // sliced off after the call.
                let p: Vec<i64> = (0..rank)
                    .map(|a| (kernel[a] - strides[a]).max(0) / 2)
                    .collect();
                let op: Vec<i64> = (0..rank).map(|a| (strides[a] - kernel[a]).max(0)).collect();
                if p.iter().any(|&p| p != 0) {
                    args.push(format!(
                        "padding={}",
                        python::tuple(p.iter().map(i64::to_string))
                    ));
                }
                if op.iter().any(|&o| o != 0) {
                    args.push(format!(
                        "output_padding={}",
                        python::tuple(op.iter().map(i64::to_string))
                    ));
                }
                if (0..rank).any(|a| (kernel[a] - strides[a]).max(0) % 2 == 1) {
                    let sizes: Vec<String> = (0..rank)
                        .map(|a| format!(":{}", dim(layer.output_shape.get(a).copied().flatten())))
                        .collect();
                    crop = Some(format!("[..., {}]", sizes.join(", ")));
                }
            }
            "same" if strides.iter().all(|&s| s == 1) => args.push("padding=\"same\"".to_string()),
            "same" => {
                let pairs = Self::same_padding(layer, rank, &kernel, &strides);
                if pairs.iter().all(|(b, a)| b == a) {
                    args.push(format!(
                        "padding={}",
                        python::tuple(pairs.iter().map(|p| p.0.to_string()))
                    ));
                } else {
                    pad = Some(Self::pad_tuple(&pairs));
                }
            }
            "causal" => {
                let d = layer_sizes(layer, "dilation_rate", 1, 1)[0];
                pad = Some(python::tuple([
                    ((kernel[0] - 1) * d).to_string(),
                    "0".to_string(),
                ]));
            }
            _ => {}
        }
        let name = self.namer.next(layer);
        self.declare(&name, class, &args);
        if let Some(p) = pad {
            let why = if string(layer, "padding") == Some("causal") {
                "causal"
            } else {
                "uneven \"same\""
            };
            self.forward.push(format!(
                "        x = nn.functional.pad(x, {p})  # {why} padding"
            ));
        }
        self.map_kernel(layer, &name, weights::conv_layout(rank));
        let crop = crop.unwrap_or_default();
        self.apply_activated(layer, format!("self.{name}(x){crop}"), strip);
    }

    pub(super) fn depthwise(&mut self, layer: &Layer, strip: Option<&str>) {
        self.ensure(Layout::First, &layer.input_shape);
        let channels = last(&layer.input_shape);
        let dm = layer.arg("depth_multiplier").and_then(int).unwrap_or(1) as u64;
        let kernel = layer
            .arg("kernel_size")
            .map(python::literal)
            .unwrap_or_default();
        let mut common = vec![format!("kernel_size={kernel}")];
        let strides = layer_sizes(layer, "strides", 2, 1);
        if strides.iter().any(|&s| s != 1) {
            common.push(format!(
                "stride={}",
                python::tuple(strides.iter().map(i64::to_string))
            ));
        }
        if string(layer, "padding") == Some("same") {
            if strides.iter().any(|&s| s != 1) {
                return self.unsupported(
                    layer,
                    "`padding=\"same\"` with strides on a depthwise convolution",
                );
            }
            common.push("padding=\"same\"".to_string());
        }
        common.push(format!("groups={channels}"));
        let bias = layer.arg("use_bias") != Some(&Param::Bool(false));
        let name = self.namer.next(layer);
        if layer.spec.rule == (Rule::DepthwiseConv { rank: 2 }) {
            let mut args = vec![channels.to_string(), (channels * dm).to_string()];
            args.extend(common);
            if !bias {
                args.push("bias=False".to_string());
            }
            self.declare(&name, "nn.Conv2d", &args);
            self.map_kernel(layer, &name, depthwise_layout(layer, channels * dm));
        } else {
            let filters = last(&layer.output_shape);
            let mut depth = vec![channels.to_string(), (channels * dm).to_string()];
            depth.extend(common);
            depth.push("bias=False".to_string());
            let mut point = vec![
                (channels * dm).to_string(),
                filters.to_string(),
                "kernel_size=1".to_string(),
            ];
            if !bias {
                point.push("bias=False".to_string());
            }
            let args = [
                call(0, "", "nn.Conv2d", &depth, ""),
                call(0, "", "nn.Conv2d", &point, ""),
            ];
            self.declare(&name, "nn.Sequential", &args);
            let mut rows = vec![
                (
                    format!("{name}.0.weight"),
                    vec![0],
                    depthwise_layout(layer, channels * dm),
                ),
                (format!("{name}.1.weight"), vec![1], weights::conv_layout(2)),
            ];
            if bias {
                rows.push((format!("{name}.1.bias"), vec![2], String::new()));
            }
            self.map_weights(layer, &rows);
        }
        self.apply_activated(layer, format!("self.{name}(x)"), strip);
    }

    pub(super) fn pool(&mut self, layer: &Layer, class: &str, rank: usize) {
        self.ensure(Layout::First, &layer.input_shape);
        let mut args = self.args(layer, &[]);
        let name = self.namer.next(layer);

        if string(layer, "padding") == Some("same") {
            let kernel = layer_sizes(layer, "pool_size", rank, 2);
            let strides = match layer.arg("strides") {
                Some(p) => values::sizes(p, rank),
                None => kernel.clone(),
            };
            let pairs = Self::same_padding(layer, rank, &kernel, &strides);
            let max = class.contains("Max");
            if pairs.iter().all(|(b, a)| b == a)
                && pairs.iter().zip(&kernel).all(|(p, k)| 2 * p.0 <= *k)
            {
                args.push(format!(
                    "padding={}",
                    python::tuple(pairs.iter().map(|p| p.0.to_string()))
                ));
                if !max {
                    args.push("count_include_pad=False".to_string());
                }
            } else if max {
                let p = Self::pad_tuple(&pairs);
                self.forward.push(format!(
                    "        x = nn.functional.pad(x, {p}, value=float(\"-inf\"))  # uneven \"same\""
                ));
            } else {
                return self.unsupported(layer, "average pooling with uneven `padding=\"same\"`");
            }
        }
        self.declare(&name, class, &args);
        self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
    }

    pub(super) fn zero_padding(&mut self, layer: &Layer, rank: usize) {
        self.ensure(Layout::First, &layer.input_shape);
        // Keras: `p`, `(ph, pw)` or `((top, bottom), (left, right))`.
        let pairs: Vec<(i64, i64)> = match layer.arg("padding") {
            Some(Param::List(items)) => items
                .iter()
                .map(|i| match i {
                    Param::List(ab) if ab.len() == 2 => {
                        (int(&ab[0]).unwrap_or(0), int(&ab[1]).unwrap_or(0))
                    }
                    other => (int(other).unwrap_or(0), int(other).unwrap_or(0)),
                })
                .collect(),
            Some(p) => vec![(int(p).unwrap_or(1), int(p).unwrap_or(1)); rank],
            None => vec![(1, 1); rank],
        };
        let name = self.namer.next(layer);
        self.declare(&name, "nn.ZeroPad2d", &[Self::pad_tuple(&pairs)]);
        self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
    }
}
