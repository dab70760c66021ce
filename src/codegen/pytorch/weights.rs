//! Where each PyTorch parameter's value lives in the Keras model of the same `.neural`
//! file: the `KERAS_WEIGHTS` table of the PyTorch script, written by each layer kind's
//! mapping in this module's parent next to the module it declares, so that layouts and
//! module mappings cannot drift apart. `scripts/verify_equivalence.py` copies Keras
//! weights into the PyTorch model with it (and users may, to port trained weights).
//!
//! One row per PyTorch tensor (parameters and `BatchNorm` running statistics):
//! `(keras_layer, keras_class, tensor, sources, layout)`.
//!
//! * `keras_layer`: the position of the Keras layer among the Keras model's layers that
//!   have weights (`[l for l in model.layers if l.weights]`), in order;
//!   `keras_class` its class name (a check that both sides line up).
//! * `sources`: indices into that layer's `weights`; several are concatenated along the
//!   first axis after each is laid out; none means zeros (`bias_hh` of a Keras RNN,
//!   which has one bias where PyTorch has two).
//! * `layout`: `|`-separated steps applied to each source in turn: `T` (reverse the
//!   axes), `permute:a,b,…`, `reshape:a,b,…` (NumPy order, one `-1` allowed), `row:i`
//!   (index the first axis), `blocks:a,b,…` (split the first axis into equal blocks and
//!   reorder them: gate order), or empty (as is).

use crate::codegen::python;

/// One row of `KERAS_WEIGHTS`.
pub struct Row {
    pub keras_layer: usize,
    pub keras_class: String,
    pub tensor: String,
    pub sources: Vec<usize>,
    pub layout: String,
}

/// The rows collected while emitting the model.
#[derive(Default)]
pub struct WeightMap {
    pub rows: Vec<Row>,
    /// Keras layers with weights claimed so far.
    layers: usize,
}

/// Keras' convolution kernel `(spatial…, in, out)` as PyTorch's `(out, in, spatial…)`;
/// a transposed convolution's `(spatial…, out, in)` becomes `(in, out, spatial…)`, the
/// same permutation.
pub fn conv_layout(rank: usize) -> String {
    let mut axes = vec![rank + 1, rank];
    axes.extend(0..rank);
    permute(&axes)
}

pub fn permute(axes: &[usize]) -> String {
    let axes: Vec<String> = axes.iter().map(usize::to_string).collect();
    format!("permute:{}", axes.join(","))
}

impl WeightMap {
    /// Claims the next Keras layer with weights; returns its position.
    pub fn layer(&mut self) -> usize {
        self.layers += 1;
        self.layers - 1
    }

    pub fn row(
        &mut self,
        keras_layer: usize,
        class: &str,
        tensor: String,
        sources: &[usize],
        layout: &str,
    ) {
        self.rows.push(Row {
            keras_layer,
            keras_class: class.to_string(),
            tensor,
            sources: sources.to_vec(),
            layout: layout.to_string(),
        });
    }

    /// `KERAS_WEIGHTS = (…)` as ruff formats it (`()` for a model without weights).
    pub fn render(&self) -> Vec<String> {
        if self.rows.is_empty() {
            return vec!["KERAS_WEIGHTS = ()".to_string()];
        }
        let mut out = vec!["KERAS_WEIGHTS = (".to_string()];
        for r in &self.rows {
            let sources = match r.sources.len() {
                0 => "()".to_string(),
                _ => python::tuple(r.sources.iter().map(usize::to_string)),
            };
            let args = [
                r.keras_layer.to_string(),
                python::string(&r.keras_class),
                python::string(&r.tensor),
                sources,
                python::string(&r.layout),
            ];
            out.push(python::call(4, "", "", &args, ","));
        }
        out.push(")".to_string());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conv_layouts_put_channels_first() {
        assert_eq!(conv_layout(1), "permute:2,1,0");
        assert_eq!(conv_layout(2), "permute:3,2,0,1");
        assert_eq!(conv_layout(3), "permute:4,3,0,1,2");
    }

    #[test]
    fn rows_render_as_ruff_formats_them() {
        let mut map = WeightMap::default();
        assert_eq!(map.render(), ["KERAS_WEIGHTS = ()"]);
        let layer = map.layer();
        map.row(layer, "Dense", "dense1.weight".into(), &[0], "T");
        map.row(layer, "LSTM", "lstm1.bias_hh_l0".into(), &[], "");
        assert_eq!(
            map.render(),
            [
                "KERAS_WEIGHTS = (",
                "    (0, \"Dense\", \"dense1.weight\", (0,), \"T\"),",
                "    (0, \"LSTM\", \"lstm1.bias_hh_l0\", (), \"\"),",
                ")",
            ]
        );
    }
}
