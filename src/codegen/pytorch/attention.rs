//! Attention in the PyTorch model: `MultiHeadAttention` as `nn.MultiheadAttention`, and
//! `TransformerEncoder`/`TransformerDecoder` as `nn.TransformerEncoderLayer` blocks (the
//! decoder with a causal mask), with the Keras weight rows of each.

use super::{Emitter, Layout};
use crate::codegen::python::{self, call};
use crate::codegen::values::{dim, flag, int, last, number};
use crate::sema::model::{Layer, Param};

/// `nn.MultiheadAttention`'s tensors under `prefix` from Keras' `MultiHeadAttention`
/// weights starting at `at`: query, key, value kernels `(features, heads, key_dim)` and
/// biases `(heads, key_dim)`, output kernel `(heads, key_dim, features)` and bias.
fn attention_rows(
    prefix: &str,
    features: i64,
    bias: bool,
    at: usize,
) -> Vec<(String, Vec<usize>, String)> {
    let step = if bias { 2 } else { 1 };
    let kernels: Vec<usize> = (0..3).map(|i| at + i * step).collect();
    let out = at + 3 * step;
    let mut rows = vec![
        (
            format!("{prefix}in_proj_weight"),
            kernels.clone(),
            format!("reshape:{features},-1|T"),
        ),
        (
            format!("{prefix}out_proj.weight"),
            vec![out],
            format!("reshape:-1,{features}|T"),
        ),
    ];
    if bias {
        rows.insert(
            1,
            (
                format!("{prefix}in_proj_bias"),
                kernels.iter().map(|k| k + 1).collect(),
                "reshape:-1".to_string(),
            ),
        );
        rows.push((
            format!("{prefix}out_proj.bias"),
            vec![out + 1],
            String::new(),
        ));
    }
    rows
}

impl Emitter<'_, '_> {
    pub(super) fn attention(&mut self, layer: &Layer) {
        let features = last(&layer.input_shape) as i64;
        let heads = layer.arg("num_heads").and_then(int).unwrap_or(1);
        let key_dim = layer.arg("key_dim").and_then(int).unwrap_or(0);
        let value_dim = layer.arg("value_dim").and_then(int).unwrap_or(key_dim);
        if heads.checked_mul(key_dim) != Some(features) || value_dim != key_dim {
            return self.unsupported(
                layer,
                "`MultiHeadAttention` with `num_heads * key_dim` different from the feature size",
            );
        }
        self.ensure(Layout::Last, &layer.input_shape);
        let mut args = vec![features.to_string(), heads.to_string()];
        if let Some(rate) = layer.arg("dropout").filter(|r| number(r) != Some(0.0)) {
            args.push(format!("dropout={}", python::literal(rate)));
        }
        if layer.arg("use_bias") == Some(&Param::Bool(false)) {
            args.push("bias=False".to_string());
        }
        args.push("batch_first=True".to_string());
        let name = self.namer.next(layer);
        self.declare(&name, "nn.MultiheadAttention", &args);
        let bias = layer.arg("use_bias") != Some(&Param::Bool(false));
        let rows = attention_rows(&format!("{name}."), features, bias, 0);
        self.map_weights(layer, &rows);
        self.forward.push(format!(
            "        x, _ = self.{name}(x, x, x, need_weights=False)"
        ));
    }

    /// `TransformerEncoder` / `TransformerDecoder`: `nn.TransformerEncoderLayer` (stacked
    /// by `nn.TransformerEncoder` for `num_layers` > 1), called with a causal mask for a
    /// decoder and a key padding mask (token id 0) for `use_attention_mask`.
    pub(super) fn transformer(&mut self, layer: &Layer, class: &str, causal: bool) {
        // `padding` is set at the start of `forward` (see `emit`).
        let masked = flag(layer, "use_attention_mask");
        self.ensure(Layout::Last, &layer.input_shape);
        let args = self.args(layer, &["use_attention_mask"]);
        let name = self.namer.next(layer);
        let n = layer.arg("num_layers").and_then(int).unwrap_or(1);
        let features = last(&layer.input_shape) as i64;
        let blocks: Vec<String> = if n == 1 {
            self.declare(&name, class, &args);
            vec![format!("{name}.")]
        } else {
            // `nn.TransformerEncoder` stacks copies of one block.
            self.init.push(call(8, "block = ", class, &args, ""));
            let mut stack = vec!["block".to_string(), format!("num_layers={n}")];
            if masked {
                // Nested tensors would zero the padding steps' outputs.
                stack.push("enable_nested_tensor=False".to_string());
            }
            self.declare(&name, "nn.TransformerEncoder", &stack);
            (0..n).map(|k| format!("{name}.layers.{k}.")).collect()
        };
        for prefix in blocks {
            // The Keras helper's weights: attention (8), attention_norm, hidden,
            // projection, output_norm (2 each).
            let mut rows = attention_rows(&format!("{prefix}self_attn."), features, true, 0);
            for (i, (module, layout)) in [
                ("norm1", ""),
                ("linear1", "T"),
                ("linear2", "T"),
                ("norm2", ""),
            ]
            .iter()
            .enumerate()
            {
                let at = 8 + 2 * i;
                rows.push((
                    format!("{prefix}{module}.weight"),
                    vec![at],
                    layout.to_string(),
                ));
                rows.push((
                    format!("{prefix}{module}.bias"),
                    vec![at + 1],
                    String::new(),
                ));
            }
            self.map_weights(layer, &rows);
        }
        let mut call_args = vec!["x".to_string()];
        if causal {
            let steps = dim(layer.input_shape.first().copied().flatten());
            self.forward.push(format!(
                "        causal = torch.ones({steps}, {steps}, dtype=torch.bool, device=x.device).triu(1)"
            ));
            call_args.push("causal".to_string());
        }
        if masked {
            call_args.push("src_key_padding_mask=padding".to_string());
        }
        let expr = format!("self.{name}({})", call_args.join(", "));
        self.assign(&expr, &layer.output_shape, "");
    }
}
