//! Semantic checking: the layer catalog, parameter validation, shapes and parameter counts.
//! Entry point: [`check`], from an expanded [`NetworkDef`] to a [`model::Model`].

pub mod catalog;
pub mod codes;
pub mod hints;
pub mod hpo;
pub mod layer;
pub mod layers;
pub mod model;
pub mod resolve;
pub mod shapes;
pub mod train_catalog;
pub mod training;

use crate::diagnostic::{Diagnostic, has_errors};
use crate::syntax::program::NetworkDef;
use model::{Input, Model, Param, ParamCount};

/// Options of [`check`].
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// False (`--no-validation`) skips the shape checks — wrong input rank (E0110), windows
    /// larger than their input (E0111), shape mismatches (E0112), unknown sizes (E0113),
    /// merge layers in a chain (E0114), divisibility (E0125), Embedding placement (E0126)
    /// and the loss/output warning (E0130). A layer failing one of them passes its input shape
    /// on unchanged and counts 0 parameters. Names, parameters, HPO spaces, the training
    /// configuration and devices are still resolved and checked, so code generation works.
    pub validate_shapes: bool,
    /// The source text the spans point into, for `Layer::line`.
    pub source: &'a str,
}

impl<'a> CheckOptions<'a> {
    /// Full validation of `source`.
    pub fn new(source: &'a str) -> Self {
        Self {
            validate_shapes: true,
            source,
        }
    }
}

/// 1-based line of a byte offset.
pub fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Checks a network. Returns the model when there is no error, and every diagnostic
/// (warnings included) either way. See `training` for the defaults of missing sections.
pub fn check(net: &NetworkDef, opts: &CheckOptions<'_>) -> (Option<Model>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if net.inputs.len() > 1 {
        diags.push(
            Diagnostic::error(
                codes::MULTIPLE_INPUTS,
                format!(
                    "network `{}` declares {} inputs",
                    net.name.name,
                    net.inputs.len()
                ),
            )
            .label(net.inputs[1].span, "a second input")
            .help("a layer list is a single chain and can take only one input; declare one shape"),
        );
    }
    let input = net.inputs.first().map(|d| d.dims.clone());
    let mut checker = layer::Checker {
        lines: layer::LineIndex::new(opts.source),
        source: opts.source,
        validate: opts.validate_shapes,
        diags: &mut diags,
        previous: None,
    };
    let layers = checker.chain(&net.layers, input.as_ref(), true);
    if let (Some(ls), Some(shape), true) = (&layers, &input, opts.validate_shapes) {
        hpo::check_spaces(ls, shape, opts.source, &mut diags);
    }
    let output_activation = layers.as_ref().and_then(|ls| {
        ls.last()
            .and_then(|l| l.arg("activation").or_else(|| l.arg("function")))
            .and_then(|p| match p {
                Param::Str(s) => Some(s.clone()),
                _ => None,
            })
    });
    let loss = match &net.loss {
        Some(v) => training::loss_call(v, &mut diags),
        None => Some(training::default_loss(output_activation.as_deref())),
    };
    if let (Some(l), Some(v), true) = (&loss, &net.loss, opts.validate_shapes) {
        let units = layers
            .as_ref()
            .and_then(|ls| ls.last())
            .and_then(|l| l.output_shape.last().copied().flatten());
        loss_fit(l, v, output_activation.as_deref(), units, &mut diags);
    }
    let optimizer = match &net.optimizer {
        Some(v) => training::optimizer(v, net.lr_schedule.as_ref(), &mut diags),
        None => Some(training::default_optimizer()),
    };
    let metrics = match (&net.metrics, &loss) {
        (Some(v), l) => training::metrics(v, l.as_ref().map(|l| l.name.as_str()), &mut diags),
        (None, Some(l)) if train_catalog::find_loss(&l.name).is_some_and(|s| s.classification) => {
            vec!["accuracy".to_string()]
        }
        _ => Vec::new(),
    };
    let training = training::training(&net.training, &mut diags);
    let device = training::execution(&net.execution, &mut diags);
    if has_errors(&diags) {
        return (None, diags);
    }
    let (Some(layers), Some(loss), Some(optimizer)) = (layers, loss, optimizer) else {
        return (None, diags);
    };
    let totals = layers
        .iter()
        .fold(ParamCount::default(), |acc, l| acc + l.params);
    let inputs = net
        .inputs
        .iter()
        .map(|d| Input {
            name: d.name.as_ref().map(|n| n.name.clone()),
            shape: d.dims.clone(),
        })
        .collect();
    let model = Model {
        name: net.name.name.clone(),
        inputs,
        layers,
        loss,
        optimizer,
        metrics,
        training,
        device,
        totals,
    };
    (Some(model), diags)
}

/// Warns when a cross-entropy loss does not match the output activation.
fn loss_fit(
    loss: &model::Call,
    at: &crate::syntax::ast::Value,
    activation: Option<&str>,
    units: Option<u64>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(act) = activation else { return };
    if loss.arg("from_logits") == Some(&Param::Bool(true)) {
        return;
    }
    let wants = match loss.name.as_str() {
        "sparse_categorical_crossentropy" | "categorical_crossentropy" => "softmax",
        "binary_crossentropy" => "sigmoid",
        _ => return,
    };
    if act != wants {
        diags.push(
            Diagnostic::warning(
                codes::LOSS_MISMATCH,
                format!(
                    "`{}` expects `{wants}` outputs, but the output is {}`{act}`",
                    loss.name,
                    units.map_or_else(String::new, |n| format!("a {n}-unit "))
                ),
            )
            .label(at.span, "this loss")
            .help(match units {
                Some(n) if n > 1 && act == "softmax" && loss.name == "binary_crossentropy" => format!(
                    "for {n} exclusive classes use `sparse_categorical_crossentropy` (integer labels) or `categorical_crossentropy` (one-hot); for {n} independent yes/no outputs use `activation=\"sigmoid\"`"
                ),
                _ => format!(
                    "use `activation=\"{wants}\"` on the output layer, or `{}(from_logits=true)` for raw scores",
                    loss.name
                ),
            }),
        );
    }
}

/// Checks every network of a program; returns the models that passed.
pub fn check_program(
    program: &crate::syntax::program::Program,
    opts: &CheckOptions<'_>,
) -> (Vec<Model>, Vec<Diagnostic>) {
    let mut models = Vec::new();
    let mut diags = Vec::new();
    for net in &program.networks {
        let (model, mut d) = check(net, opts);
        models.extend(model);
        diags.append(&mut d);
    }
    (models, diags)
}

#[cfg(test)]
mod tests;
