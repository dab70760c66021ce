//! The training-configuration catalog: losses, optimizers, learning-rate schedules and
//! metrics that `loss:`, `optimizer:`, `lr_schedule:` and `metrics:` accept, with how each
//! backend spells them. Resolution against these tables is in `training.rs`.

use super::catalog::{Fill, Kind, Lit, ParamSpec};

const fn p(name: &'static str, kind: Kind, fill: Fill) -> ParamSpec {
    ParamSpec::new(name, kind, fill)
}
const FROM_LOGITS: ParamSpec = p("from_logits", Kind::Bool, Fill::Value(Lit::Bool(false)));
const SMOOTHING: ParamSpec =
    p("label_smoothing", Kind::Unit, Fill::Absent).torch("label_smoothing");

/// A loss. Keras gets the string `keras`; PyTorch the class `torch`. The PyTorch
/// cross-entropy classes take logits: on a softmax/sigmoid output the generator must
/// feed log-probabilities (`nn.NLLLoss` on `log(p)`) or probabilities (`nn.BCELoss`).
#[derive(Debug)]
pub struct LossSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub torch: &'static str,
    /// Classification loss: default metric `accuracy`.
    pub classification: bool,
    pub params: &'static [ParamSpec],
}

pub const LOSSES: &[LossSpec] = &[
    loss(
        "sparse_categorical_crossentropy",
        &[],
        "nn.CrossEntropyLoss",
        true,
        &[FROM_LOGITS],
    ),
    loss(
        "categorical_crossentropy",
        &[],
        "nn.CrossEntropyLoss",
        true,
        &[FROM_LOGITS, SMOOTHING],
    ),
    loss(
        "binary_crossentropy",
        &[],
        "nn.BCELoss",
        true,
        &[FROM_LOGITS, SMOOTHING],
    ),
    loss("mean_squared_error", &["mse"], "nn.MSELoss", false, &[]),
    loss("mean_absolute_error", &["mae"], "nn.L1Loss", false, &[]),
    loss(
        "huber",
        &["huber_loss"],
        "nn.HuberLoss",
        false,
        &[p("delta", Kind::PosFloat, Fill::Value(Lit::Float(1.0))).torch("delta")],
    ),
    loss(
        "kl_divergence",
        &["kld", "kullback_leibler_divergence"],
        "nn.KLDivLoss",
        false,
        &[],
    ),
];

const fn loss(
    name: &'static str,
    aliases: &'static [&'static str],
    torch: &'static str,
    classification: bool,
    params: &'static [ParamSpec],
) -> LossSpec {
    LossSpec {
        name,
        aliases,
        torch,
        classification,
        params,
    }
}

/// An optimizer: Keras `keras.optimizers.<name>`, PyTorch `torch`. Arguments map by
/// each `ParamSpec`; `beta_1`/`beta_2` go to PyTorch together as `betas=(b1, b2)`.
/// PyTorch gets every argument with a PyTorch keyword, written or not (the DSL's
/// defaults are Keras', and several of PyTorch's differ), then `torch_fixed`.
#[derive(Debug)]
pub struct OptimizerSpec {
    pub name: &'static str,
    pub torch: &'static str,
    pub params: &'static [ParamSpec],
    /// Literal PyTorch keywords that make its update rule Keras'.
    pub torch_fixed: &'static [(&'static str, Lit)],
}

const fn lr(default: f64) -> ParamSpec {
    p(
        "learning_rate",
        Kind::PosFloat,
        Fill::Value(Lit::Float(default)),
    )
    .torch("lr")
}
const BETA1: ParamSpec = p("beta_1", Kind::Unit, Fill::Value(Lit::Float(0.9)));
const BETA2: ParamSpec = p("beta_2", Kind::Unit, Fill::Value(Lit::Float(0.999)));
const EPS: ParamSpec = p("epsilon", Kind::PosFloat, Fill::Value(Lit::Float(1e-7))).torch("eps");
const DECAY: ParamSpec = p("weight_decay", Kind::PosFloat, Fill::Absent).torch("weight_decay");
const CLIPNORM: ParamSpec = p("clipnorm", Kind::PosFloat, Fill::Absent);
const CLIPVALUE: ParamSpec = p("clipvalue", Kind::PosFloat, Fill::Absent);
const MOMENTUM: ParamSpec =
    p("momentum", Kind::Unit, Fill::Value(Lit::Float(0.0))).torch("momentum");

pub const OPTIMIZERS: &[OptimizerSpec] = &[
    opt(
        "Adam",
        "torch.optim.Adam",
        &[lr(0.001), BETA1, BETA2, EPS, DECAY, CLIPNORM, CLIPVALUE],
    ),
    opt(
        "AdamW",
        "torch.optim.AdamW",
        &[
            lr(0.001),
            p(
                "weight_decay",
                Kind::PosFloat,
                Fill::Value(Lit::Float(0.004)),
            )
            .torch("weight_decay"),
            BETA1,
            BETA2,
            EPS,
            CLIPNORM,
            CLIPVALUE,
        ],
    ),
    opt(
        "SGD",
        "torch.optim.SGD",
        &[
            lr(0.01),
            MOMENTUM,
            p("nesterov", Kind::Bool, Fill::Value(Lit::Bool(false))).torch("nesterov"),
            DECAY,
            CLIPNORM,
            CLIPVALUE,
        ],
    ),
    // Keras divides by sqrt(v + eps), torch.optim.RMSprop by sqrt(v) + eps: the script
    // defines `KerasRMSprop`, Keras' rule (decoupled weight decay included).
    opt(
        "RMSprop",
        "KerasRMSprop",
        &[
            lr(0.001),
            p("rho", Kind::Unit, Fill::Value(Lit::Float(0.9))).torch("rho"),
            MOMENTUM,
            EPS,
            DECAY,
            CLIPNORM,
            CLIPVALUE,
        ],
    ),
    opt(
        "Adagrad",
        "torch.optim.Adagrad",
        &[
            lr(0.001),
            p(
                "initial_accumulator_value",
                Kind::PosFloat,
                Fill::Value(Lit::Float(0.1)),
            )
            .torch("initial_accumulator_value"),
            EPS,
            DECAY,
            CLIPNORM,
            CLIPVALUE,
        ],
    ),
    opt(
        "Adadelta",
        "torch.optim.Adadelta",
        &[
            lr(0.001),
            p("rho", Kind::Unit, Fill::Value(Lit::Float(0.95))).torch("rho"),
            EPS,
            CLIPNORM,
            CLIPVALUE,
        ],
    ),
    opt(
        "Adamax",
        "torch.optim.Adamax",
        &[lr(0.001), BETA1, BETA2, EPS, CLIPNORM, CLIPVALUE],
    ),
    // Keras' momentum schedule is beta_1 · (1 - 0.5 · 0.96^t): PyTorch's
    // `momentum_decay` (ψ in 0.96^(tψ)) is 1.
    OptimizerSpec {
        torch_fixed: &[("momentum_decay", Lit::Float(1.0))],
        ..opt(
            "Nadam",
            "torch.optim.NAdam",
            &[lr(0.001), BETA1, BETA2, EPS, CLIPNORM, CLIPVALUE],
        )
    },
];

const fn opt(
    name: &'static str,
    torch: &'static str,
    params: &'static [ParamSpec],
) -> OptimizerSpec {
    OptimizerSpec {
        name,
        torch,
        params,
        torch_fixed: &[],
    }
}

/// A learning-rate schedule, `keras.optimizers.schedules.<name>`; all parameters may be
/// positional. PyTorch: a `LambdaLR` helper computing the same formula per step.
#[derive(Debug)]
pub struct ScheduleSpec {
    pub name: &'static str,
    pub params: &'static [ParamSpec],
}

const INITIAL: ParamSpec = p("initial_learning_rate", Kind::PosFloat, Fill::Required);
const STEPS: ParamSpec = p("decay_steps", Kind::PosInt, Fill::Required);

pub const SCHEDULES: &[ScheduleSpec] = &[
    ScheduleSpec {
        name: "ExponentialDecay",
        params: &[
            INITIAL,
            STEPS,
            p("decay_rate", Kind::PosFloat, Fill::Required),
            p("staircase", Kind::Bool, Fill::Value(Lit::Bool(false))),
        ],
    },
    // lr · decay_rate^floor(step / decay_steps): Keras `ExponentialDecay(staircase=True)`.
    ScheduleSpec {
        name: "StepDecay",
        params: &[
            INITIAL,
            STEPS,
            p("decay_rate", Kind::PosFloat, Fill::Required),
        ],
    },
    ScheduleSpec {
        name: "InverseTimeDecay",
        params: &[
            INITIAL,
            STEPS,
            p("decay_rate", Kind::PosFloat, Fill::Required),
            p("staircase", Kind::Bool, Fill::Value(Lit::Bool(false))),
        ],
    },
    ScheduleSpec {
        name: "PolynomialDecay",
        params: &[
            INITIAL,
            STEPS,
            p(
                "end_learning_rate",
                Kind::PosFloat,
                Fill::Value(Lit::Float(0.0001)),
            ),
            p("power", Kind::PosFloat, Fill::Value(Lit::Float(1.0))),
        ],
    },
    ScheduleSpec {
        name: "CosineDecay",
        params: &[
            INITIAL,
            STEPS,
            p("alpha", Kind::Unit, Fill::Value(Lit::Float(0.0))),
        ],
    },
    ScheduleSpec {
        name: "PiecewiseConstantDecay",
        params: &[
            p("boundaries", Kind::Any, Fill::Required),
            p("values", Kind::Any, Fill::Required),
        ],
    },
];

/// Other spellings of optimizer and schedule parameters, renamed to the canonical
/// (Keras) name before resolution: `StepDecay(initial_lr=0.1, …)`, `Adam(lr=0.001)`.
pub const PARAM_ALIASES: &[(&str, &str)] = &[
    ("initial_lr", "initial_learning_rate"),
    ("lr", "learning_rate"),
];

/// `top_k_accuracy` (the original tool's name) is Keras'
/// `sparse_top_k_categorical_accuracy` with integer labels
/// (`sparse_categorical_crossentropy`) and `top_k_categorical_accuracy` otherwise.
pub const TOP_K: &str = "top_k_accuracy";

/// Metric names accepted by `metrics:` (passed to Keras as strings), besides [`TOP_K`].
pub const METRICS: &[&str] = &[
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "precision",
    "recall",
    "auc",
    "f1_score",
    "mae",
    "mse",
    "sparse_categorical_crossentropy",
    "categorical_crossentropy",
    "binary_crossentropy",
];

/// Names compare ignoring case and underscores: `CategoricalCrossentropy` ≡
/// `categorical_crossentropy`.
pub fn same_name(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
    }
    norm(a).eq(norm(b))
}

pub fn find_loss(name: &str) -> Option<&'static LossSpec> {
    LOSSES
        .iter()
        .find(|l| same_name(l.name, name) || l.aliases.iter().any(|a| same_name(a, name)))
}
