//! The PyTorch model: one `nn.Module` attribute per DSL layer, built in `__init__` in
//! source order from the catalog's `torch` columns (class, keywords, input-size keyword),
//! and a `forward` that tracks the tensor layout. The DSL is channels-last; the script
//! hands image batches over channels-first, and `forward` moves the channel axis only
//! where a layer needs the other layout.

mod attention;
mod weights;
mod windows;

use super::codes;
use super::hpo::Hpo;
use super::names::Namer;
use super::python::{self, call};
use super::values::{activation, dim, flag, int, last, layer_sizes, number, string};
use crate::diagnostic::Diagnostic;
use crate::sema::catalog::{self, Emit, Rule};
use crate::sema::model::{Layer, Model, Param, Shape};
use weights::WeightMap;

/// Where the channel (feature) axis of a rank ≥ 2 activation lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Last,
    First,
}

/// The emitted `__init__` and `forward` bodies.
pub struct TorchModel {
    /// Statements of `__init__` after `super().__init__()` (8-space indented lines).
    pub init: Vec<String>,
    /// Statements of `forward` (8-space indented lines), ending with `return x`.
    pub forward: Vec<String>,
    /// True when batches are handed over channels-first (images, volumes).
    pub channels_first_input: bool,
    /// `KERAS_WEIGHTS = (…)`: where each tensor's value lives in the Keras model.
    pub keras_weights: Vec<String>,
}

/// Emits the model. `stripped` is the final activation the loss applies itself
/// (`softmax` into `CrossEntropyLoss`), left out of `forward`.
pub fn emit(
    model: &Model,
    stripped: Option<&str>,
    hpo: &Hpo,
    diags: &mut Vec<Diagnostic>,
) -> TorchModel {
    let input_rank = model.inputs[0].shape.len();
    let channels_first_input = input_rank >= 3;
    let mut e = Emitter {
        init: Vec::new(),
        forward: Vec::new(),
        layout: if channels_first_input {
            Layout::First
        } else {
            Layout::Last
        },
        namer: Namer::new(&model.layers),
        activations: Vec::new(),
        weights: WeightMap::default(),
        wrapper: None,
        hpo,
        diags,
    };
    let shape = e.shape_comment(&model.inputs[0].shape);
    e.forward.push(format!("        # x: {shape}"));
    if super::uses_attention_mask(&model.layers) {
        e.forward.push(
            "        padding = x == 0  # token id 0 is padding: never attended to".to_string(),
        );
    }
    let count = model.layers.len();
    for (i, layer) in model.layers.iter().enumerate() {
        let strip = if i + 1 == count { stripped } else { None };
        e.layer(layer, strip);
    }
    // Outputs of rank >= 2 (regression targets) are compared channels-last.
    e.ensure(Layout::Last, model.output_shape());
    e.forward.push("        return x".to_string());
    TorchModel {
        init: e.init,
        forward: e.forward,
        channels_first_input,
        keras_weights: e.weights.render(),
    }
}

struct Emitter<'d, 'h> {
    init: Vec<String>,
    forward: Vec<String>,
    layout: Layout,
    namer: Namer,
    /// Shared activation modules declared so far (`relu`, `softmax`, …).
    activations: Vec<&'static str>,
    weights: WeightMap,
    /// The Keras class holding the weights of the layer being emitted when it is not the
    /// layer's own (`TimeDistributed(Dense(…))`).
    wrapper: Option<&'static str>,
    hpo: &'h Hpo,
    diags: &'d mut Vec<Diagnostic>,
}

/// PyTorch defaults a filled-in (not written) value may equal, so that it is left out.
fn is_torch_default(keyword: &str, value: &Param) -> bool {
    let ones = |p: &Param| match p {
        Param::List(items) => items.iter().all(|i| int(i) == Some(1)),
        other => int(other) == Some(1),
    };
    match keyword {
        "stride" | "dilation" | "groups" => ones(value),
        "bias" => *value == Param::Bool(true),
        _ => false,
    }
}

impl Emitter<'_, '_> {
    fn unsupported(&mut self, layer: &Layer, what: &str) {
        self.diags.push(
            Diagnostic::error(
                codes::NO_BACKEND_MAPPING,
                format!("{what} has no PyTorch mapping yet"),
            )
            .label(layer.span, "cannot be emitted for PyTorch")
            .help("compile with `--backend tensorflow`, or rewrite the layer"),
        );
    }

    /// Claims the Keras layer holding `layer`'s weights and records where each of
    /// `rows`' tensors (`module.param`, Keras weight indices, layout) comes from.
    fn map_weights(&mut self, layer: &Layer, rows: &[(String, Vec<usize>, String)]) {
        let class = match (self.wrapper, layer.spec.keras) {
            (Some(wrapper), _) => wrapper,
            (None, Emit::Class(class)) => class,
            (None, Emit::Helper(helper)) => helper,
        };
        let index = self.weights.layer();
        for (tensor, sources, layout) in rows {
            self.weights
                .row(index, class, tensor.clone(), sources, layout);
        }
    }

    /// `(name.weight ← 0 laid out by layout, name.bias ← 1)`, the bias when used.
    fn map_kernel(&mut self, layer: &Layer, name: &str, layout: String) {
        let mut rows = vec![(format!("{name}.weight"), vec![0], layout)];
        if layer.arg("use_bias") != Some(&Param::Bool(false)) {
            rows.push((format!("{name}.bias"), vec![1], String::new()));
        }
        self.map_weights(layer, &rows);
    }

    fn shape_comment(&self, shape: &Shape) -> String {
        let mut dims: Vec<String> = shape
            .iter()
            .map(|d| d.map_or("?".to_string(), |d| d.to_string()))
            .collect();
        if self.layout == Layout::First && dims.len() >= 2 {
            let channels = dims.pop().expect("rank >= 2");
            dims.insert(0, channels);
        }
        let mut out = String::from("(batch");
        for d in dims {
            out.push_str(", ");
            out.push_str(&d);
        }
        out.push(')');
        out
    }

    /// Moves the channel axis when the next layer needs the other layout.
    fn ensure(&mut self, wanted: Layout, shape: &Shape) {
        if shape.len() < 2 || self.layout == wanted {
            return;
        }
        let (from, to, what) = match wanted {
            Layout::First => ("-1", "1", "channels first"),
            Layout::Last => ("1", "-1", "channels last"),
        };
        self.layout = wanted;
        self.forward
            .push(format!("        x = x.movedim({from}, {to})  # {what}"));
    }

    /// `x = <expr>` with the shape after it as a comment.
    fn assign(&mut self, expr: &str, out: &Shape, note: &str) {
        if out.len() < 2 {
            self.layout = Layout::Last;
        }
        let shape = self.shape_comment(out);
        let line = format!("        x = {expr}  # {shape}{note}");
        if line.len() <= python::LINE_WIDTH {
            self.forward.push(line);
        } else {
            self.forward.push(format!("        # {shape}{note}"));
            self.forward.push(format!("        x = {expr}"));
        }
    }

    /// Declares `self.<name> = <class>(args…)`.
    fn declare(&mut self, name: &str, class: &str, args: &[String]) {
        self.init
            .push(call(8, &format!("self.{name} = "), class, args, ""));
    }

    /// The shared module of an activation, declared on first use; `None` for `linear`.
    fn activation_module(&mut self, name: &str) -> Option<String> {
        let act = catalog::activation(name)?;
        let module = act.torch?;
        if !self.activations.contains(&act.name) {
            self.activations.push(act.name);
            self.init
                .push(format!("        self.{} = {module}", act.name));
        }
        Some(format!("self.{}", act.name))
    }

    /// Applies `expr` (the layer's module call) and the layer's activation.
    fn apply_activated(&mut self, layer: &Layer, expr: String, strip: Option<&str>) {
        let act = activation(layer);
        let stripped = strip == Some(act);
        let expr = if stripped {
            expr
        } else {
            if matches!(act, "softmax" | "log_softmax") && self.layout == Layout::First {
                // nn.Softmax(dim=-1) normalises over channels: compute first, then move.
                self.assign(&expr, &layer.output_shape, "");
                self.ensure(Layout::Last, &layer.output_shape);
                let module = self.activation_module(act);
                if let Some(m) = module {
                    self.assign(&format!("{m}(x)"), &layer.output_shape, "");
                }
                return;
            }
            match self.activation_module(act) {
                Some(m) => format!("{m}({expr})"),
                None => expr,
            }
        };
        let note = if stripped { " logits" } else { "" };
        self.assign(&expr, &layer.output_shape, note);
    }

    /// Constructor arguments from the catalog: the input size, then every resolved
    /// argument with a PyTorch keyword (leading ones positionally, as PyTorch users
    /// write `nn.Linear(784, 128)`), then the fixed keywords.
    fn args(&mut self, layer: &Layer, skip: &[&str]) -> Vec<String> {
        let spec = layer.spec;
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        let mut open = true;
        if let Some(kw) = spec.torch_in {
            let size = match self.hpo.width(layer) {
                Some(expr) => expr.to_string(),
                None => last(&layer.input_shape).to_string(),
            };
            if kw == "num_channels" {
                keywords.push(format!("{kw}={size}"));
                open = false;
            } else {
                positional.push(size);
            }
        }
        for (i, ps) in spec.params.iter().enumerate() {
            let (Some(kw), Some(arg)) = (ps.torch, layer.args.iter().find(|a| a.name == ps.name))
            else {
                continue;
            };
            if skip.contains(&ps.name) || (!arg.explicit && is_torch_default(kw, &arg.value)) {
                open = false;
                continue;
            }
            if let Some(comment) = self.hpo.comment(arg) {
                self.init.push(format!("        {comment}"));
            }
            let value = self.hpo.value(arg);
            if open && i < spec.positional && positional.len() < 2 {
                positional.push(value);
            } else {
                open = false;
                keywords.push(format!("{kw}={value}"));
            }
        }
        for (kw, value) in spec.torch_fixed {
            keywords.push(format!("{kw}={}", python::lit(value)));
        }
        positional.extend(keywords);
        positional
    }

    fn layer(&mut self, layer: &Layer, strip: Option<&str>) {
        let rank = layer.input_shape.len();
        if layer
            .args
            .iter()
            .any(|a| a.explicit && a.name == "kernel_regularizer")
        {
            // Keras adds the penalty to the loss; training without it is another model.
            return self.unsupported(
                layer,
                &format!("`{}(kernel_regularizer=…)`", layer.spec.name),
            );
        }
        match (layer.spec.rule, layer.spec.torch) {
            (Rule::Residual, _) => self.residual(layer),
            (Rule::Bidirectional, _) => self.recurrent(layer, true),
            (Rule::Recurrent { .. }, _) => self.recurrent(layer, false),
            (Rule::TimeDistributed, _) => self.time_distributed(layer, strip),
            (Rule::Conv { rank: r } | Rule::ConvTranspose { rank: r }, Emit::Class(class)) => {
                self.conv(layer, class, r as usize, strip)
            }
            (Rule::DepthwiseConv { .. } | Rule::SeparableConv { .. }, _) => {
                self.depthwise(layer, strip)
            }
            (Rule::Pool { rank: r }, Emit::Class(class)) => self.pool(layer, class, r as usize),
            (Rule::GlobalPool { rank: r }, Emit::Helper(class)) => {
                self.ensure(Layout::First, &layer.input_shape);
                let name = self.namer.next(layer);
                self.declare(&name, class, &["1".to_string()]);
                let _ = r;
                self.assign(
                    &format!("self.{name}(x).flatten(1)"),
                    &layer.output_shape,
                    "",
                );
            }
            (Rule::UpSampling { rank: r }, _) => {
                self.ensure(Layout::First, &layer.input_shape);
                let size = layer_sizes(layer, "size", r as usize, 2);
                let mode = string(layer, "interpolation").unwrap_or("nearest");
                let name = self.namer.next(layer);
                let factor = python::tuple(size.iter().map(|s| format!("{s}.0")));
                let args = [
                    format!("scale_factor={factor}"),
                    format!("mode={}", python::string(mode)),
                ];
                self.declare(&name, "nn.Upsample", &args);
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::ZeroPadding { rank: r }, _) => self.zero_padding(layer, r as usize),
            (Rule::BatchNorm, Emit::Class(class)) => {
                self.ensure(Layout::First, &layer.input_shape);
                let d = rank.saturating_sub(1).max(1);
                let class = class.replace("{d}", &d.to_string());
                let mut args = self.args(layer, &[]);
                if let Some(m) = layer.arg("momentum").and_then(number) {
                    // Keras keeps `momentum` of the old statistics, PyTorch of the new batch.
                    let torch = (1.0 - m) * 1e12;
                    args.push(format!("momentum={}", python::float(torch.round() / 1e12)));
                }
                if layer.arg("axis").and_then(int).is_some_and(|a| a != -1) {
                    return self.unsupported(
                        layer,
                        "`BatchNormalization` over an axis other than the last",
                    );
                }
                let name = self.namer.next(layer);
                self.declare(&name, &class, &args);
                let rows: Vec<_> = ["weight", "bias", "running_mean", "running_var"]
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("{name}.{t}"), vec![i], String::new()))
                    .collect();
                self.map_weights(layer, &rows);
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::Norm, Emit::Class(class)) => {
                let wanted = if class == "nn.GroupNorm" {
                    Layout::First
                } else {
                    Layout::Last
                };
                self.ensure(wanted, &layer.input_shape);
                let args = self.args(layer, &[]);
                let name = self.namer.next(layer);
                self.declare(&name, class, &args);
                self.map_kernel(layer, &name, String::new());
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::Embedding, Emit::Class(class)) => {
                if flag(layer, "mask_zero") {
                    return self.unsupported(layer, "`Embedding(mask_zero=True)`");
                }
                let args = self.args(layer, &[]);
                let name = self.namer.next(layer);
                self.declare(&name, class, &args);
                let rows = [(format!("{name}.weight"), vec![0], String::new())];
                self.map_weights(layer, &rows);
                self.layout = Layout::Last;
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::MultiHeadAttention, _) => self.attention(layer),
            (Rule::Transformer { causal }, Emit::Class(class)) => {
                self.transformer(layer, class, causal)
            }
            (Rule::Reshape, _) => {
                self.ensure(Layout::Last, &layer.input_shape);
                let dims: Vec<String> = layer
                    .output_shape
                    .iter()
                    .map(|d| dim(*d).to_string())
                    .collect();
                self.layout = Layout::Last;
                self.assign(
                    &format!("x.reshape(len(x), {})", dims.join(", ")),
                    &layer.output_shape,
                    "",
                );
            }
            (Rule::Flatten, Emit::Class(class)) => {
                // Keras flattens (…, channels) in that order: so must the weights after.
                self.ensure(Layout::Last, &layer.input_shape);
                let name = self.namer.next(layer);
                self.declare(&name, class, &[]);
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::Dense, Emit::Class(class)) => {
                self.ensure(Layout::Last, &layer.input_shape);
                let args = self.args(layer, &[]);
                let name = self.namer.next(layer);
                self.declare(&name, class, &args);
                self.map_kernel(layer, &name, "T".to_string());
                self.apply_activated(layer, format!("self.{name}(x)"), strip);
            }
            (Rule::Same, Emit::Helper("activation")) => {
                let act = activation(layer);
                if strip == Some(act) {
                    self.forward
                        .push(format!("        # {act}: applied by the loss"));
                } else if matches!(act, "softmax" | "log_softmax") {
                    self.ensure(Layout::Last, &layer.input_shape);
                    self.apply_activated(layer, "x".to_string(), None);
                } else if let Some(m) = self.activation_module(act) {
                    self.assign(&format!("{m}(x)"), &layer.output_shape, "");
                }
            }
            (Rule::Same, Emit::Helper("GaussianNoise")) => {
                let stddev = layer.arg("stddev").map(python::literal).unwrap_or_default();
                self.forward.push("        if self.training:".to_string());
                self.forward.push(format!(
                    "            x = x + torch.randn_like(x) * {stddev}"
                ));
            }
            (Rule::Same, Emit::Class(class)) => {
                if class.ends_with("2d") {
                    self.ensure(Layout::First, &layer.input_shape);
                }
                let args = self.args(layer, &[]);
                let name = self.namer.next(layer);
                self.declare(&name, class, &args);
                self.assign(&format!("self.{name}(x)"), &layer.output_shape, "");
            }
            (Rule::Same, Emit::Helper(helper)) => {
                self.unsupported(layer, &format!("`{}` (helper `{helper}`)", layer.spec.name))
            }
            // Rejected by the checker (E0114); listed so that a new rule is a compile error.
            (Rule::Merge, _) => self.unsupported(layer, &format!("`{}`", layer.spec.name)),
            // The catalog names a helper where this mapping needs a class.
            (
                Rule::Dense
                | Rule::Flatten
                | Rule::Conv { .. }
                | Rule::ConvTranspose { .. }
                | Rule::Pool { .. }
                | Rule::GlobalPool { .. }
                | Rule::BatchNorm
                | Rule::Norm
                | Rule::Embedding
                | Rule::Transformer { .. },
                _,
            ) => self.unsupported(layer, &format!("`{}`", layer.spec.name)),
        }
    }

    /// LSTM, GRU, SimpleRNN, and `Bidirectional(…)` around one of them.
    fn recurrent(&mut self, outer: &Layer, bidirectional: bool) {
        let Some(rnn) = (if bidirectional {
            outer.inner.first()
        } else {
            Some(outer)
        }) else {
            return self.unsupported(outer, "`Bidirectional` without a layer");
        };
        let (Rule::Recurrent { .. }, Emit::Class(class)) = (rnn.spec.rule, rnn.spec.torch) else {
            return self.unsupported(outer, &format!("`Bidirectional({})`", rnn.spec.name));
        };
        if bidirectional && string(outer, "merge_mode").is_some_and(|m| m != "concat") {
            return self.unsupported(
                outer,
                "`Bidirectional` with a `merge_mode` other than concat",
            );
        }
        let act = activation(rnn);
        let rate = |n: &str| rnn.arg(n).and_then(number).unwrap_or(0.0);
        if rate("dropout") != 0.0 || rate("recurrent_dropout") != 0.0 {
            return self.unsupported(rnn, &format!("`{}` with dropout", rnn.spec.name));
        }
        if flag(rnn, "go_backwards") {
            return self.unsupported(rnn, &format!("`{}(go_backwards=True)`", rnn.spec.name));
        }
        let mut args = self.args(rnn, &[]);
        match (rnn.spec.name, act) {
            (_, "tanh") => {}
            ("SimpleRNN", "relu") => args.push("nonlinearity=\"relu\"".to_string()),
            _ => {
                return self
                    .unsupported(rnn, &format!("`{}(activation=\"{act}\")`", rnn.spec.name));
            }
        }
        if bidirectional {
            args.push("bidirectional=True".to_string());
        }
        self.ensure(Layout::Last, &outer.input_shape);
        let name = self.namer.next(outer);
        self.declare(&name, class, &args);
        let bias = rnn.arg("use_bias") != Some(&Param::Bool(false));
        // Keras: kernel (in, gates·units), recurrent kernel, one bias (two rows for a GRU,
        // reset_after) per direction; PyTorch: (gates·units, in), and two biases. Keras'
        // GRU gates are z, r, h; PyTorch's r, z, n. LSTM gates are i, f, c, o on both.
        let (gates, bias_rows) = match rnn.spec.rule {
            Rule::Recurrent { gates: 3 } => ("|blocks:1,0,2", true),
            _ => ("", false),
        };
        let per_direction = if bias { 3 } else { 2 };
        let mut rows = Vec::new();
        let directions: &[&str] = if bidirectional {
            &["", "_reverse"]
        } else {
            &[""]
        };
        for (d, suffix) in directions.iter().enumerate() {
            let at = d * per_direction;
            let t = |p: &str| format!("{name}.{p}_l0{suffix}");
            rows.push((t("weight_ih"), vec![at], format!("T{gates}")));
            rows.push((t("weight_hh"), vec![at + 1], format!("T{gates}")));
            if bias && bias_rows {
                rows.push((t("bias_ih"), vec![at + 2], format!("row:0{gates}")));
                rows.push((t("bias_hh"), vec![at + 2], format!("row:1{gates}")));
            } else if bias {
                rows.push((t("bias_ih"), vec![at + 2], String::new()));
                rows.push((t("bias_hh"), Vec::new(), String::new()));
                // Keras has one bias where PyTorch adds two, which would learn twice
                // as fast: the second stays zero.
                if d == 0 {
                    self.init.push(
                        "        # Keras has one bias: PyTorch's second stays zero.".to_string(),
                    );
                }
                self.init.push(format!(
                    "        nn.init.zeros_(self.{}).requires_grad_(False)",
                    t("bias_hh")
                ));
            }
        }
        self.map_weights(outer, &rows);
        self.forward.push(format!("        x, _ = self.{name}(x)"));
        if !flag(rnn, "return_sequences") {
            let units = rnn.arg("units").and_then(int).unwrap_or(0);
            let expr = if bidirectional {
                // The backward direction's final state sits at the first time step.
                format!("torch.cat((x[:, -1, :{units}], x[:, 0, {units}:]), dim=1)")
            } else {
                "x[:, -1]".to_string()
            };
            self.assign(&expr, &outer.output_shape, " last step");
        }
    }

    fn time_distributed(&mut self, outer: &Layer, strip: Option<&str>) {
        match outer.inner.first() {
            // Layers acting on the last axis apply to every time step as they are.
            Some(inner) if matches!(inner.spec.rule, Rule::Dense | Rule::Same) => {
                let mut inner = inner.clone();
                inner.input_shape = outer.input_shape.clone();
                inner.output_shape = outer.output_shape.clone();
                self.wrapper = Some("TimeDistributed");
                self.layer(&inner, strip);
                self.wrapper = None;
            }
            Some(inner) => {
                self.unsupported(outer, &format!("`TimeDistributed({})`", inner.spec.name))
            }
            None => self.unsupported(outer, "`TimeDistributed` without a layer"),
        }
    }

    fn residual(&mut self, layer: &Layer) {
        let name = self.namer.next(layer);
        let layout = self.layout;
        self.forward.push(format!("        {name} = x"));
        for inner in &layer.inner {
            self.layer(inner, None);
        }
        self.ensure(layout, &layer.output_shape);
        self.assign(&format!("x + {name}"), &layer.output_shape, "");
    }
}
