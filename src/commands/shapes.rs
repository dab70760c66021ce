//! `neuralc shapes FILE [--json]`: each layer's output shape and parameter count.
//!
//! The table follows Keras' `model.summary()`: one row per layer (index, layer type,
//! output shape with the batch dimension as `None`, parameter count, source line; the
//! layers inside a wrapper or a `ResidualConnection` block indented under it), then the
//! totals. Counts are Keras'; the PyTorch total is printed when it differs.
//!
//! `--json` prints one object with these keys (the documented interface):
//!
//! * `name` — the network's name; `input` — the input shape, batch first: `[null, 28, 28, 1]`;
//! * `layers` — one object per top-level layer: `index` (1-based), `type` (canonical
//!   name), `output_shape` (`[null, …]`, `null` for every symbolic size), `params` (Keras
//!   count), `line` (1-based source line); and, for tools such as
//!   `scripts/verify_shapes.py`: `args` (every resolved parameter, defaults filled in),
//!   `input_shape` (`[null, …]`), `param_counts` (`tensorflow`, `pytorch`, `trainable`,
//!   `non_trainable`), `keras` / `torch` (`class` or `helper`, and `kwargs`: what each
//!   backend is given), `inner` (the wrapped layer or the block's layers, same format);
//! * `total_params`, `trainable_params`, `non_trainable_params` — Keras' totals;
//! * `backend_params` — `{"tensorflow": N, "pytorch": M}`: the totals each framework
//!   reports (PyTorch RNNs carry two bias vectors; BatchNorm statistics are buffers).

use crate::cli::ShapesArgs;
use crate::driver;
use crate::sema::catalog::Emit;
use crate::sema::layer::{LineIndex, macro_name};
use crate::sema::model::Shape;
use crate::sema::model::{Layer, Model, Param, ParamCount};
use serde_json::{Map, Value as Json, json};
use std::fmt::Write as _;

pub fn run(args: &ShapesArgs, color: bool) -> u8 {
    let (mut loaded, model) =
        match driver::load_model(&args.file, args.network.as_deref(), true, color) {
            Ok(found) => found,
            Err(code) => return code,
        };
    loaded.print_diagnostics(color);
    if args.json {
        let mut text = serde_json::to_string_pretty(&model_json(&model))
            .expect("JSON values always serialise");
        text.push('\n');
        driver::print_result(&text)
    } else {
        driver::print_result(&table(&model, &loaded.text))
    }
}

/// `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `[null, 26, 26, 32]`: a shape with the batch dimension, as JSON.
fn batched(shape: &Shape) -> Json {
    let mut dims = vec![Json::Null];
    dims.extend(shape.iter().map(|d| d.map_or(Json::Null, |n| json!(n))));
    Json::Array(dims)
}

/// `(None, 26, 26, 32)`.
fn shown(shape: &Shape) -> String {
    crate::sema::shapes::show_batched(shape)
}

/// One table row: index, layer, output shape, params, line.
type Row = (String, String, String, String, String);

/// The text table, in the manner of Keras' `model.summary()`. `source` is the model's
/// text: a layer that a macro expanded shows the line of the macro's use, then the
/// macro's name and the line in its body (`12 (ConvBlock:3)`).
pub fn table(model: &Model, source: &str) -> String {
    let mut rows: Vec<Row> = Vec::with_capacity(model.layers.len());
    let lines = LineIndex::new(source);
    let at = Where { source, lines };
    collect_rows(&model.layers, "", 0, &at, &mut rows);
    let head: Row = (
        "#".into(),
        "Layer (type)".into(),
        "Output Shape".into(),
        "Param #".into(),
        "Line".into(),
    );
    let width = |f: fn(&Row) -> &String| {
        rows.iter()
            .chain(std::iter::once(&head))
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
    };
    let w = [
        width(|r| &r.0),
        width(|r| &r.1),
        width(|r| &r.2),
        width(|r| &r.3),
        width(|r| &r.4),
    ];
    let total_width = w.iter().sum::<usize>() + 4 * 3;
    let rule = |c: &str| c.repeat(total_width);
    let line = |r: &Row| {
        format!(
            "{:>a$}   {:<b$}   {:<c$}   {:>d$}   {:>e$}",
            r.0,
            r.1,
            r.2,
            r.3,
            r.4,
            a = w[0],
            b = w[1],
            c = w[2],
            d = w[3],
            e = w[4]
        )
        .trim_end()
        .to_string()
    };
    let input = model
        .inputs
        .first()
        .map_or_else(String::new, |i| shown(&i.shape));
    let mut out = format!("Model: \"{}\"  (input {input})\n", model.name);
    let _ = writeln!(out, "{}", rule("_"));
    let _ = writeln!(out, "{}", line(&head));
    let _ = writeln!(out, "{}", rule("="));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let _ = writeln!(out, "{}", rule("="));
    let t = model.totals;
    let _ = writeln!(out, "Total params: {}", grouped(t.keras));
    let _ = writeln!(out, "Trainable params: {}", grouped(t.trainable));
    let _ = writeln!(out, "Non-trainable params: {}", grouped(t.non_trainable));
    if t.pytorch != t.keras {
        let _ = writeln!(
            out,
            "PyTorch params: {} (PyTorch counts differently; see `--json` `backend_params`)",
            grouped(t.pytorch)
        );
    }
    let _ = writeln!(out, "{}", rule("_"));
    out
}

/// The source and its line index, for the Line column.
struct Where<'a> {
    source: &'a str,
    lines: LineIndex,
}

fn collect_rows(layers: &[Layer], prefix: &str, depth: usize, at: &Where, rows: &mut Vec<Row>) {
    for (i, l) in layers.iter().enumerate() {
        let index = format!("{prefix}{}", i + 1);
        let line = match l.expanded_from {
            Some(used) => format!(
                "{} ({}:{})",
                at.lines.line(used.start),
                macro_name(at.source, used),
                l.line
            ),
            None => l.line.to_string(),
        };
        rows.push((
            index.clone(),
            format!("{}{}", "  ".repeat(depth), l.spec.name),
            shown(&l.output_shape),
            grouped(l.params.keras),
            line,
        ));
        collect_rows(&l.inner, &format!("{index}."), depth + 1, at, rows);
    }
}

fn param_json(p: &Param) -> Json {
    serde_json::to_value(p).expect("params serialise")
}

fn counts_json(c: ParamCount) -> Json {
    json!({
        "tensorflow": c.keras,
        "pytorch": c.pytorch,
        "trainable": c.trainable,
        "non_trainable": c.non_trainable,
    })
}

fn emit_json(e: Emit) -> Json {
    match e {
        Emit::Class(c) => json!({"class": c}),
        Emit::Helper(h) => json!({"helper": h}),
    }
}

fn layer_json(index: usize, l: &Layer) -> Json {
    let args: Map<String, Json> = l
        .args
        .iter()
        .map(|a| (a.name.clone(), param_json(&a.value)))
        .collect();
    let keras: Map<String, Json> = l
        .keras_kwargs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), param_json(v)))
        .collect();
    let torch: Map<String, Json> = l
        .torch_kwargs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), param_json(&v)))
        .collect();
    let mut keras_emit = emit_json(l.spec.keras);
    keras_emit["kwargs"] = Json::Object(keras);
    let mut torch_emit = emit_json(l.spec.torch);
    torch_emit["kwargs"] = Json::Object(torch);
    json!({
        "index": index,
        "type": l.spec.name,
        "output_shape": batched(&l.output_shape),
        "params": l.params.keras,
        "line": l.line,
        "args": args,
        "input_shape": batched(&l.input_shape),
        "param_counts": counts_json(l.params),
        "keras": keras_emit,
        "torch": torch_emit,
        "inner": layers_json(&l.inner),
    })
}

fn layers_json(layers: &[Layer]) -> Vec<Json> {
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| layer_json(i + 1, l))
        .collect()
}

/// The JSON document of `shapes --json` (keys documented at the top of this module).
pub fn model_json(model: &Model) -> Json {
    let t = model.totals;
    json!({
        "name": model.name,
        "input": model.inputs.first().map_or(Json::Null, |i| batched(&i.shape)),
        "layers": layers_json(&model.layers),
        "total_params": t.keras,
        "trainable_params": t.trainable,
        "non_trainable_params": t.non_trainable,
        "backend_params": {"tensorflow": t.keras, "pytorch": t.pytorch},
    })
}
