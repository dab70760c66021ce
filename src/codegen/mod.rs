//! Code generation: renders the checked model into a self-contained PyTorch or
//! TensorFlow/Keras training script (askama templates under `templates/`). The training
//! semantics follow `scripts/TRAINING_CONTRACT.md`.

pub mod codes;
mod filters;
mod hpo;
mod keras;
mod names;
pub mod python;
mod pytorch;
mod script;
mod training;
mod values;

use crate::diagnostic::Diagnostic;
use crate::sema::catalog::Rule;
use crate::sema::model::{self, Layer, Model};
use askama::Template;
use script::{Common, KerasScript, PyTorchScript};

/// The framework a script is generated for.
pub use crate::backend::Backend;

/// What the script says about where it came from.
pub struct Options<'a> {
    /// The source path as given (shown in the script's header).
    pub source: &'a str,
    /// The script's file name, for the usage line (`cnn.py`).
    pub script: &'a str,
}

/// Renders the training script, or explains why the model cannot be emitted. Each HPO
/// parameter takes its first choice / lower bound (marked with a comment).
pub fn generate(
    model: &Model,
    backend: Backend,
    opts: &Options,
) -> Result<String, Vec<Diagnostic>> {
    render(model, backend, opts, false)
}

/// Like [`generate`], for `compile --hpo`: the script random-searches the HPO parameters
/// (`--trials N`), keeps the best by validation loss, retrains it and tests it.
pub fn generate_hpo(
    model: &Model,
    backend: Backend,
    opts: &Options,
) -> Result<String, Vec<Diagnostic>> {
    render(model, backend, opts, true)
}

fn render(
    model: &Model,
    backend: Backend,
    opts: &Options,
    search: bool,
) -> Result<String, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    check_inputs(model, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let torch = backend == Backend::PyTorch;
    let hpo = hpo::collect(model, search, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let Some(plan) = training::plan(model, torch, &hpo, &mut diags) else {
        return Err(diags);
    };
    // Without `--hpo`, constants taken from an HPO space say so.
    let note = |arg: Option<&model::Arg>| match arg.and_then(|a| a.hpo.as_ref()) {
        Some(space) if !search => format!("  # {}", hpo::describe(space)),
        _ => String::new(),
    };
    let train_note = |name: &str| {
        model
            .training
            .hpo
            .iter()
            .find(|(n, _)| n == name && !search)
            .map(|(_, space)| format!("  # {}", hpo::describe(space)))
            .unwrap_or_default()
    };
    let learning_rate_note = if model.optimizer.schedule.is_none() {
        note(
            model
                .optimizer
                .call
                .args
                .iter()
                .find(|a| a.name == "learning_rate"),
        )
    } else {
        String::new()
    };
    let input = &model.inputs[0].shape;
    let regression = plan.task == training::Task::Regression;
    let common = Common {
        version: env!("CARGO_PKG_VERSION"),
        source: opts.source.to_string(),
        source_file: opts
            .source
            .rsplit('/')
            .next()
            .unwrap_or(opts.source)
            .to_string(),
        script: opts.script.to_string(),
        model_name: model.name.clone(),
        class_name: names::class_name(&model.name),
        input_shape: python::tuple(input.iter().map(|d| d.unwrap_or(0).to_string())),
        classes: plan.classes,
        vocabulary: plan.vocabulary,
        image_input: plan.vocabulary.is_none() && input.len() >= 3,
        epochs: model.training.epochs,
        batch_size: model.training.batch_size,
        validation_split: python::float(model.training.validation_split),
        learning_rate: plan.learning_rate.clone(),
        binary: plan.task == training::Task::Binary,
        one_hot: plan.task == training::Task::OneHot,
        hpo: search,
        hpo_layers: hpo.samples_layers(),
        hpo_note: !search && !hpo.entries.is_empty(),
        hpo_constants: if search { hpo.constants() } else { Vec::new() },
        epochs_note: train_note("epochs"),
        batch_size_note: train_note("batch_size"),
        learning_rate_note,
        regression,
        synthetic_y_train: if regression {
            "y_train = rng.standard_normal((n, *OUTPUT_SHAPE), dtype=np.float32)"
        } else {
            "y_train = rng.integers(0, NUM_CLASSES, size=n)"
        }
        .to_string(),
        synthetic_y_test: if regression {
            "y_test = rng.standard_normal((n // 4, *OUTPUT_SHAPE), dtype=np.float32)"
        } else {
            "y_test = rng.integers(0, NUM_CLASSES, size=n // 4)"
        }
        .to_string(),
        output_shape: python::tuple(
            model
                .output_shape()
                .iter()
                .map(|d| d.unwrap_or(0).to_string()),
        ),
    };
    let rendered = match backend {
        Backend::PyTorch => {
            let m = pytorch::emit(model, plan.torch_stripped, &hpo, &mut diags);
            let rank = input.len();
            let permutation = m.channels_first_input.then(|| {
                let mut axes = vec![0, rank];
                axes.extend(1..rank);
                python::tuple(axes.iter().map(usize::to_string))
            });
            let layout_doc = if m.channels_first_input {
                "channels-first batches".to_string()
            } else {
                "batches of shape (batch, *INPUT_SHAPE)".to_string()
            };
            PyTorchScript {
                common: &common,
                keras: false,
                framework_title: "PyTorch",
                layout_doc,
                init: m.init,
                forward: m.forward,
                proba: plan.torch_stripped,
                proba_expr: if plan.task == training::Task::Binary {
                    "torch.sigmoid(self(x))"
                } else {
                    "torch.softmax(self(x), dim=1)"
                },
                permutation,
                schedule: plan.schedule,
                torch_criterion: plan.torch_criterion,
                torch_eval_loss: plan.torch_eval_loss,
                torch_optimizer: plan.torch_optimizer,
                keras_weights: m.keras_weights,
                keras_rmsprop: plan.keras_rmsprop,
                keras_epsilon: plan.keras_epsilon,
                keras_momentum: plan.keras_momentum,
            }
            .render()
        }
        Backend::TensorFlow => {
            let m = keras::emit(model, &hpo, &mut diags);
            KerasScript {
                common: &common,
                keras: true,
                framework_title: "TensorFlow/Keras",
                transformer: m.transformer,
                keras_body: m.body,
                keras_setup: plan.keras_setup,
                keras_loss: plan.keras_loss,
                keras_metric: plan.keras_metric,
            }
            .render()
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut text = rendered.expect("the templates render any model");
    // askama drops the template's final newline.
    text.push('\n');
    Ok(text)
}

/// The first transformer block with `use_attention_mask=True`.
fn find_masked(layers: &[Layer]) -> Option<&Layer> {
    layers.iter().find_map(|l| {
        let masked = matches!(l.spec.rule, Rule::Transformer { .. })
            && matches!(l.arg("use_attention_mask"), Some(model::Param::Bool(true)));
        if masked {
            Some(l)
        } else {
            find_masked(&l.inner)
        }
    })
}

/// True when a transformer block masks padding steps (token id 0), so that the
/// scripts compute the padding mask from the input.
fn uses_attention_mask(layers: &[Layer]) -> bool {
    find_masked(layers).is_some()
}

/// The script feeds one input of fixed size. (Several inputs never get here: the checker
/// rejects them, E0124.) A symbolic size, e.g. `input: (None, None, 8)` for sequences of
/// any length, passes the checker but leaves the script nothing to generate data with.
fn check_inputs(model: &Model, diags: &mut Vec<Diagnostic>) {
    let span = model.layers.first().map(|l| l.span).unwrap_or_default();
    if let Some(layer) = find_masked(&model.layers) {
        let tokens = model
            .layers
            .first()
            .is_some_and(|l| l.spec.rule == Rule::Embedding);
        if !tokens {
            diags.push(
                Diagnostic::error(
                    codes::NO_BACKEND_MAPPING,
                    "`use_attention_mask=True` masks padding, token id 0, but the input is not token ids",
                )
                .label(layer.span, "needs token ids")
                .help("start the model with an `Embedding`, or remove `use_attention_mask`"),
            );
        }
    }
    if model.inputs[0].shape.iter().any(Option::is_none) {
        diags.push(
            Diagnostic::error(
                codes::UNSUPPORTED_INPUT,
                "the input has a symbolic size; generated scripts need every size to load data",
            )
            .label(span, "first layer")
            .help("write the size, e.g. `input: (100, 64)` for sequences of 100 steps"),
        );
    }
}
