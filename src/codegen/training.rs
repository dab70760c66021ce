//! What the training loop needs from the model: the task its loss defines (labels,
//! classes, logits), and the loss, optimizer and learning-rate schedule written for each
//! backend. A final `softmax`/`sigmoid` before a cross-entropy loss is trained the
//! numerically stable way in PyTorch (logits into the loss); Keras keeps its activation.

use super::codes;
use super::hpo::Hpo;
use super::python::{self, call};
use super::values::{activation, int, number};
use crate::diagnostic::Diagnostic;
use crate::sema::catalog::Rule;
use crate::sema::model::{Call, Model, Param};
use crate::sema::train_catalog;

/// The labels the loss expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Integer class labels (`sparse_categorical_crossentropy`).
    Sparse,
    /// One-hot labels (`categorical_crossentropy`); the script one-hot encodes them.
    OneHot,
    /// 0/1 labels and one output unit (`binary_crossentropy`).
    Binary,
    /// Float targets of the output's shape (`mean_squared_error`, `mean_absolute_error`,
    /// `huber`); there is no accuracy.
    Regression,
}

/// The loss and optimizer of both backends, as Python statements and expressions.
pub struct Plan {
    pub task: Task,
    /// Label range; 2 for a binary task, 0 for regression.
    pub classes: u64,
    /// The final activation PyTorch leaves to its loss (`softmax`, `sigmoid`).
    pub torch_stripped: Option<&'static str>,
    /// Vocabulary size when the first layer is an `Embedding` (inputs are token ids).
    pub vocabulary: Option<u64>,
    pub learning_rate: String,
    /// PyTorch: the `criterion = …` expression and the summed loss used by `evaluate`.
    pub torch_criterion: String,
    /// `loss = nn.functional.…(logits, batch_targets, reduction="sum")` (formatted): the
    /// summed loss of a batch; for regression the batch mean (`evaluate` multiplies it by
    /// the batch size, as Keras averages over the output's elements, then the samples).
    pub torch_eval_loss: String,
    /// PyTorch: `optimizer = …` (4-space indented, formatted).
    pub torch_optimizer: String,
    /// Keras: statements before `model.compile` and the `loss=` expression.
    pub keras_setup: Vec<String>,
    pub keras_loss: String,
    /// Keras: the `metrics=[…]` entry reporting `accuracy` (`None` for regression).
    pub keras_metric: Option<String>,
    pub schedule: Option<Schedule>,
    /// The script defines `KerasRMSprop` (Keras' RMSprop rule).
    pub keras_rmsprop: bool,
    /// The script defines `keras_epsilon`, the Adam step hook placing epsilon as Keras.
    pub keras_epsilon: bool,
    /// The script defines `keras_momentum`, the SGD step hook for scheduled rates.
    pub keras_momentum: bool,
}

/// A learning-rate schedule: Keras' class and PyTorch's `LambdaLR` factor.
pub struct Schedule {
    /// `lr_factor(step)` body lines (4-space indented).
    pub factor: Vec<String>,
    /// One docstring line naming the schedule.
    pub summary: String,
}

fn error(model: &Model, code: crate::diagnostic::Code, msg: String, help: &str) -> Diagnostic {
    let span = model.layers.last().map(|l| l.span).unwrap_or_default();
    Diagnostic::error(code, msg)
        .label(span, "the model's output")
        .help(help.to_string())
}

/// Works out the task and writes the loss and optimizer for both backends.
pub fn plan(model: &Model, torch: bool, hpo: &Hpo, diags: &mut Vec<Diagnostic>) -> Option<Plan> {
    let loss = model.loss.name.as_str();
    let task = match loss {
        "sparse_categorical_crossentropy" => Task::Sparse,
        "categorical_crossentropy" => Task::OneHot,
        "binary_crossentropy" => Task::Binary,
        "mean_squared_error" | "mean_absolute_error" | "huber" => Task::Regression,
        other => {
            diags.push(error(
                model,
                codes::UNSUPPORTED_LOSS,
                format!("the loss `{other}` is not supported by the generated training loop yet"),
                "use sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, mean_squared_error, mean_absolute_error or huber",
            ));
            return None;
        }
    };
    let losses = if task == Task::Regression {
        regression(model, hpo, diags)?
    } else {
        classification(model, task, diags)?
    };
    optimizer_plan(model, torch, task, losses, hpo, diags)
}

/// The loss half of a [`Plan`].
struct Losses {
    classes: u64,
    torch_stripped: Option<&'static str>,
    torch_criterion: String,
    torch_eval_loss: String,
    keras_loss: String,
    keras_metric: Option<String>,
}

/// Rejects loss parameters other than `allowed`.
fn check_loss_args(model: &Model, allowed: &[&str], diags: &mut Vec<Diagnostic>) -> Option<()> {
    if let Some(arg) = model
        .loss
        .args
        .iter()
        .find(|a| a.explicit && !allowed.contains(&a.name.as_str()))
    {
        diags.push(error(
            model,
            codes::UNSUPPORTED_LOSS,
            format!("the loss parameter `{}` is not supported yet", arg.name),
            "remove the parameter",
        ));
        return None;
    }
    Some(())
}

/// Regression: float targets shaped like the output, any final activation.
fn regression(model: &Model, hpo: &Hpo, diags: &mut Vec<Diagnostic>) -> Option<Losses> {
    check_loss_args(model, &["delta"], diags)?;
    let delta = model
        .loss
        .args
        .iter()
        .find(|a| a.name == "delta" && a.explicit)
        .map(|a| format!("delta={}", hpo.value(a)));
    let (torch, functional, keras) = match model.loss.name.as_str() {
        "mean_squared_error" => (
            "nn.MSELoss",
            "mse_loss",
            python::string("mean_squared_error"),
        ),
        "mean_absolute_error" => (
            "nn.L1Loss",
            "l1_loss",
            python::string("mean_absolute_error"),
        ),
        _ => {
            let args = delta.as_deref().unwrap_or_default();
            (
                "nn.HuberLoss",
                "huber_loss",
                format!("keras.losses.Huber({args})"),
            )
        }
    };
    let mut eval_args = vec!["outputs".to_string(), "batch_targets".to_string()];
    eval_args.extend(delta.clone());
    let eval = call(
        8,
        "loss = ",
        &format!("nn.functional.{functional}"),
        &eval_args,
        "",
    );
    Some(Losses {
        classes: 0,
        torch_stripped: None,
        torch_criterion: format!("{torch}({})", delta.unwrap_or_default()),
        torch_eval_loss: eval,
        keras_loss: keras,
        keras_metric: None,
    })
}

/// Classification: integer (or one-hot) labels, or 0/1 labels for a binary task.
fn classification(model: &Model, task: Task, diags: &mut Vec<Diagnostic>) -> Option<Losses> {
    let loss = model.loss.name.as_str();
    let out = model.output_shape();
    let units =
        match out.as_slice() {
            [Some(n)] => *n,
            _ => {
                diags.push(error(
                model,
                codes::UNSUPPORTED_OUTPUT,
                format!(
                    "the loss `{loss}` needs one value per class, but the model outputs {}",
                    python::tuple(out.iter().map(|d| d.map_or("None".into(), |d| d.to_string())))
                ),
                "end the model with `Flatten()` or global pooling and an `Output(units=…)` layer",
            ));
                return None;
            }
        };
    let last = model.layers.last().map(activation).unwrap_or("linear");
    let (probability, classes) = match task {
        Task::Binary => ("sigmoid", 2),
        _ => ("softmax", units),
    };
    if (task == Task::Binary && units != 1) || (task != Task::Binary && units < 2) {
        diags.push(error(
            model,
            codes::UNSUPPORTED_OUTPUT,
            format!("the loss `{loss}` does not fit an output of {units} unit(s)"),
            "binary_crossentropy takes one sigmoid unit; the categorical losses one unit per class",
        ));
        return None;
    }
    let from_logits = match last {
        a if a == probability => false,
        "linear" => true,
        other => {
            diags.push(error(
                model,
                codes::UNSUPPORTED_OUTPUT,
                format!("`{loss}` after a final `{other}` activation: expected `{probability}` or `linear`"),
                "give the output layer the activation the loss expects",
            ));
            return None;
        }
    };
    let (torch_criterion, eval_loss) = match task {
        Task::Binary => ("nn.BCEWithLogitsLoss()", "binary_cross_entropy_with_logits"),
        _ => ("nn.CrossEntropyLoss()", "cross_entropy"),
    };
    let eval_args = ["logits", "batch_targets", "reduction=\"sum\""].map(String::from);
    let torch_eval_loss = call(
        8,
        "loss = ",
        &format!("nn.functional.{eval_loss}"),
        &eval_args,
        "",
    );
    let keras_loss = if from_logits {
        let class = match task {
            Task::Sparse => "SparseCategoricalCrossentropy",
            Task::OneHot => "CategoricalCrossentropy",
            Task::Binary | Task::Regression => "BinaryCrossentropy",
        };
        format!("keras.losses.{class}(from_logits=True)")
    } else {
        python::string(loss)
    };
    check_loss_args(model, &["from_logits"], diags)?;
    Some(Losses {
        classes,
        torch_stripped: (!from_logits).then_some(probability),
        torch_criterion: torch_criterion.to_string(),
        torch_eval_loss,
        keras_loss,
        keras_metric: Some(if task == Task::Binary && from_logits {
            "keras.metrics.BinaryAccuracy(name=\"accuracy\", threshold=0.0)".to_string()
        } else {
            "\"accuracy\"".to_string()
        }),
    })
}

/// The optimizer and schedule of both backends, completing the plan.
fn optimizer_plan(
    model: &Model,
    torch: bool,
    task: Task,
    losses: Losses,
    hpo: &Hpo,
    diags: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let vocabulary = model
        .layers
        .first()
        .filter(|l| l.spec.rule == Rule::Embedding)
        .and_then(|l| l.arg("input_dim"))
        .and_then(int)
        .map(|n| n as u64);
    let optimizer = &model.optimizer.call;
    let Some(spec) = train_catalog::OPTIMIZERS
        .iter()
        .find(|o| o.name == optimizer.name)
    else {
        diags.push(error(
            model,
            codes::UNSUPPORTED_OPTIMIZER,
            format!("the optimizer `{}` has no mapping yet", optimizer.name),
            "use Adam, AdamW, SGD, RMSprop, Adagrad, Adadelta, Adamax or Nadam",
        ));
        return None;
    };
    let schedule = match &model.optimizer.schedule {
        Some(s) => Some(schedule(model, s, diags)?),
        None => None,
    };
    let learning_rate = match &model.optimizer.schedule {
        Some(s) => initial_rate(s),
        None => optimizer
            .arg("learning_rate")
            .and_then(number)
            .unwrap_or(0.001),
    };

    // Keras: learning rate (or schedule) and every parameter the user wrote.
    let mut keras_setup = Vec::new();
    let mut keras_args = Vec::new();
    if let Some(s) = &model.optimizer.schedule {
        let (class, args) = keras_schedule(s);
        let callee = format!("keras.optimizers.schedules.{class}");
        keras_setup.push(call(4, "schedule = ", &callee, &args, ""));
        keras_args.push("learning_rate=schedule".to_string());
    } else {
        keras_args.push(format!("learning_rate={}", learning_rate_expr(model, hpo)));
    }
    // Without `--hpo`: a comment on each optimizer value taken from an HPO space.
    let comments: Vec<String> = optimizer
        .args
        .iter()
        .filter(|a| a.name != "learning_rate")
        .filter_map(|a| hpo.comment(a))
        .collect();
    keras_setup.extend(comments.iter().map(|c| format!("    {c}")));
    let written = || {
        optimizer
            .args
            .iter()
            .filter(|a| a.explicit && a.name != "learning_rate")
    };
    for arg in written() {
        let kw = spec
            .params
            .iter()
            .find(|p| p.name == arg.name)
            .and_then(|p| p.keras);
        let kw = kw.unwrap_or(&arg.name);
        keras_args.push(format!("{kw}={}", hpo.value(arg)));
    }
    let callee = format!("keras.optimizers.{}", spec.name);
    keras_setup.push(call(4, "optimizer = ", &callee, &keras_args, ""));

    // PyTorch: every argument with a PyTorch keyword, written or filled in with Keras'
    // default (several of PyTorch's defaults differ), `beta_1`/`beta_2` together as
    // `betas`, then the spec's fixed keywords.
    let mut torch_args = vec![
        "model.parameters()".to_string(),
        format!("lr={}", learning_rate_expr(model, hpo)),
    ];
    let beta = |n: &str, d: f64| match optimizer.args.iter().find(|a| a.name == n) {
        Some(a) if a.hpo.is_some() => hpo.value(a),
        Some(a) => python::float(number(&a.value).unwrap_or(d)),
        None => python::float(d),
    };
    if spec.params.iter().any(|p| p.name == "beta_1") {
        let betas = [beta("beta_1", 0.9), beta("beta_2", 0.999)];
        torch_args.push(format!("betas={}", python::tuple(betas)));
    }
    let mut torch_class = spec.torch;
    for arg in optimizer
        .args
        .iter()
        .filter(|a| a.name != "learning_rate" && !a.name.starts_with("beta_"))
    {
        match spec
            .params
            .iter()
            .find(|p| p.name == arg.name)
            .and_then(|p| p.torch)
        {
            Some(kw) => torch_args.push(format!("{kw}={}", hpo.value(arg))),
            None if torch && arg.explicit => {
                diags.push(error(
                    model,
                    codes::UNSUPPORTED_OPTIMIZER,
                    format!(
                        "`{}` of `{}` has no PyTorch mapping yet",
                        arg.name, spec.name
                    ),
                    "remove the parameter or compile with `--backend tensorflow`",
                ));
                return None;
            }
            None => {}
        }
        if arg.name == "weight_decay" && arg.explicit {
            // Keras decays weights apart from the gradient (w -= lr·wd·w before the
            // update); torch's `weight_decay` adds wd·w to the gradient, except AdamW's.
            let momentum = optimizer.arg("momentum").and_then(number).unwrap_or(0.0);
            match spec.name {
                "Adam" => torch_class = "torch.optim.AdamW",
                "AdamW" | "RMSprop" => {}
                "SGD" if momentum == 0.0 => {}
                _ if torch => {
                    diags.push(error(
                        model,
                        codes::UNSUPPORTED_OPTIMIZER,
                        format!(
                            "`weight_decay` of `{}` has no PyTorch mapping: Keras decays the weights apart from the gradient, torch.optim.{} adds the decay to the gradient",
                            spec.name,
                            spec.torch.rsplit('.').next().unwrap_or(spec.torch)
                        ),
                        "use AdamW (or Adam), or compile with `--backend tensorflow`",
                    ));
                    return None;
                }
                _ => {}
            }
        }
    }
    for (kw, value) in spec.torch_fixed {
        torch_args.push(format!("{kw}={}", python::lit(value)));
    }
    let mut torch_optimizer = String::new();
    for c in &comments {
        torch_optimizer.push_str(&format!("    {c}\n"));
    }
    torch_optimizer.push_str(&call(4, "optimizer = ", torch_class, &torch_args, ""));
    // Keras adds Adam's epsilon to sqrt(v) before the bias correction, torch after it.
    let keras_epsilon = matches!(torch_class, "torch.optim.Adam" | "torch.optim.AdamW");
    if keras_epsilon {
        torch_optimizer.push_str("\n    optimizer.register_step_pre_hook(keras_epsilon)");
    }
    // Keras' SGD velocity holds steps (learning rate included), torch's buffer gradients:
    // the same only while the learning rate stays put.
    let keras_momentum = spec.name == "SGD"
        && model.optimizer.schedule.is_some()
        && optimizer
            .arg("momentum")
            .is_some_and(|m| number(m) != Some(0.0));
    if keras_momentum {
        torch_optimizer.push_str("\n    optimizer.register_step_pre_hook(keras_momentum)");
    }

    Some(Plan {
        task,
        classes: losses.classes,
        torch_stripped: losses.torch_stripped,
        vocabulary,
        learning_rate: python::float(learning_rate),
        torch_criterion: losses.torch_criterion,
        torch_eval_loss: losses.torch_eval_loss,
        torch_optimizer,
        keras_setup,
        keras_loss: losses.keras_loss,
        keras_metric: losses.keras_metric,
        schedule,
        keras_rmsprop: torch_class == "KerasRMSprop",
        keras_epsilon,
        keras_momentum,
    })
}

/// `LEARNING_RATE`, or `hp["learning_rate"]` when `--hpo` samples it.
fn learning_rate_expr(model: &Model, hpo: &Hpo) -> String {
    match model
        .optimizer
        .call
        .args
        .iter()
        .find(|a| a.name == "learning_rate")
    {
        Some(a) if hpo.search && a.hpo.is_some() => hpo.value(a),
        _ => "LEARNING_RATE".to_string(),
    }
}

fn num(s: &Call, names: &[&str], default: f64) -> f64 {
    names
        .iter()
        .find_map(|n| s.arg(n).and_then(number))
        .unwrap_or(default)
}

fn numbers(s: &Call, name: &str) -> Vec<f64> {
    match s.arg(name) {
        Some(Param::List(items)) => items.iter().filter_map(number).collect(),
        _ => Vec::new(),
    }
}

fn initial_rate(s: &Call) -> f64 {
    if s.name == "PiecewiseConstantDecay" {
        return numbers(s, "values").first().copied().unwrap_or(0.001);
    }
    num(s, &["initial_learning_rate", "learning_rate"], 0.001)
}

fn staircase(s: &Call) -> bool {
    s.name == "StepDecay" || matches!(s.arg("staircase"), Some(Param::Bool(true)))
}

/// Keras' class for a schedule and its arguments (`StepDecay` is a staircase
/// `ExponentialDecay`).
fn keras_schedule(s: &Call) -> (&'static str, Vec<String>) {
    let f = python::float;
    let steps = || {
        format!(
            "decay_steps={}",
            num(s, &["decay_steps", "step_size"], 1.0) as i64
        )
    };
    let lr = || format!("initial_learning_rate={}", f(initial_rate(s)));
    match s.name.as_str() {
        "ExponentialDecay" | "StepDecay" | "InverseTimeDecay" => {
            let mut args = vec![
                lr(),
                steps(),
                format!("decay_rate={}", f(num(s, &["decay_rate", "gamma"], 0.1))),
            ];
            if staircase(s) {
                args.push("staircase=True".to_string());
            }
            let class = if s.name == "InverseTimeDecay" {
                "InverseTimeDecay"
            } else {
                "ExponentialDecay"
            };
            (class, args)
        }
        "CosineDecay" => (
            "CosineDecay",
            vec![
                lr(),
                steps(),
                format!("alpha={}", f(num(s, &["alpha"], 0.0))),
            ],
        ),
        "PolynomialDecay" => (
            "PolynomialDecay",
            vec![
                lr(),
                steps(),
                format!(
                    "end_learning_rate={}",
                    f(num(s, &["end_learning_rate"], 0.0001))
                ),
                format!("power={}", f(num(s, &["power"], 1.0))),
            ],
        ),
        _ => {
            let list = |n: &str, v: Vec<f64>| {
                format!(
                    "{n}={}",
                    python::tuple(v.into_iter().map(f))
                        .replace('(', "[")
                        .replace(",)", "]")
                        .replace(')', "]")
                )
            };
            let bounds: Vec<f64> = numbers(s, "boundaries");
            let bounds = format!(
                "boundaries=[{}]",
                bounds
                    .iter()
                    .map(|b| (*b as i64).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            (
                "PiecewiseConstantDecay",
                vec![bounds, list("values", numbers(s, "values"))],
            )
        }
    }
}

/// The PyTorch side: `lr_factor(step)` reproducing Keras' formula, step = optimizer steps.
fn schedule(model: &Model, s: &Call, diags: &mut Vec<Diagnostic>) -> Option<Schedule> {
    let f = python::float;
    let steps = num(s, &["decay_steps", "step_size"], 1.0) as i64;
    let rate = f(num(s, &["decay_rate", "gamma"], 0.1));
    let op = if staircase(s) { "//" } else { "/" };
    let step = format!("(step {op} {steps})");
    let factor = match s.name.as_str() {
        "ExponentialDecay" | "StepDecay" => vec![format!("    return {rate} ** {step}")],
        "InverseTimeDecay" => vec![format!("    return 1 / (1 + {rate} * {step})")],
        "CosineDecay" => {
            let alpha = f(num(s, &["alpha"], 0.0));
            vec![
                format!("    step = min(step, {steps})"),
                format!("    cosine = 0.5 * (1 + math.cos(math.pi * step / {steps}))"),
                format!("    return (1 - {alpha}) * cosine + {alpha}"),
            ]
        }
        "PolynomialDecay" if !matches!(s.arg("cycle"), Some(Param::Bool(true))) => {
            let end = num(s, &["end_learning_rate"], 0.0001);
            let lr0 = initial_rate(s);
            let power = f(num(s, &["power"], 1.0));
            vec![
                format!("    step = min(step, {steps})"),
                format!("    end = {}", f(end / lr0)),
                format!("    return (1 - end) * (1 - step / {steps}) ** {power} + end"),
            ]
        }
        "PiecewiseConstantDecay" => {
            let values = numbers(s, "values");
            let first = values.first().copied().unwrap_or(1.0);
            let bounds = numbers(s, "boundaries");
            let mut body = Vec::new();
            for (b, v) in bounds.iter().zip(&values) {
                body.push(format!("    if step <= {}:", *b as i64));
                body.push(format!("        return {}", f(v / first)));
            }
            body.push(format!(
                "    return {}",
                f(values.last().copied().unwrap_or(first) / first)
            ));
            body
        }
        other => {
            diags.push(error(
                model,
                codes::UNSUPPORTED_OPTIMIZER,
                format!("the learning-rate schedule `{other}` has no mapping yet"),
                "use ExponentialDecay, StepDecay, PiecewiseConstantDecay, CosineDecay, PolynomialDecay or InverseTimeDecay",
            ));
            return None;
        }
    };
    Some(Schedule {
        factor,
        summary: format!(
            "`{}`: the learning rate after `step` optimizer steps, relative to the first.",
            s.name
        ),
    })
}
