//! The layer catalog: one table (in `layers.rs`) describing every layer the compiler
//! knows — its parameters, how shapes and parameter counts are computed, and what each
//! backend emits. Checking, shape inference, `parse --emit ast-json` and both code
//! generators all read this one table.
//!
//! # How a backend maps a layer (for the code generators)
//!
//! * [`LayerSpec::keras`] / [`LayerSpec::torch`] say what to emit: a framework class
//!   ([`Emit::Class`], e.g. `"Dense"` → `keras.layers.Dense`, `"nn.Linear"`), or a helper
//!   the generator must write itself ([`Emit::Helper`], documented on each layer).
//! * Every resolved argument ([`crate::sema::model::Arg`]) is passed under the keyword
//!   [`ParamSpec::keras`] / [`ParamSpec::torch`] when that is `Some`, and not passed when
//!   `None` (the layer's doc comment then says how it is honoured, e.g. an `activation` is
//!   a separate module after `nn.Linear` — see [`ACTIVATIONS`]).
//!   [`crate::sema::model::Layer::keras_kwargs`] and `torch_kwargs` apply this mapping.
//! * [`LayerSpec::torch_in`] names the PyTorch keyword that receives the size of the
//!   input's last axis (`in_features`, `in_channels`, `input_size`, …), read from
//!   [`crate::sema::model::Layer::input_shape`]; [`LayerSpec::torch_fixed`] lists literal
//!   keywords to add (`batch_first=True`).
//! * A `{d}` in a PyTorch class name is the layer's spatial rank (input rank − 1, at least
//!   1): `nn.BatchNorm{d}d` on `(13, 13, 32)` is `nn.BatchNorm2d`.
//! * Shapes in the model are channels-last, as written in the DSL (Keras' layout). The
//!   PyTorch generator must move channels first for convolution/pooling/normalisation
//!   layers; sizes and parameter counts do not depend on the layout.

/// What a parameter accepts; checked after HPO values are resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// An integer > 0 (a float with no fraction, `256.0`, is accepted as `256`).
    PosInt,
    /// Any integer (e.g. an axis).
    Int,
    /// A number in `[0, 1)`: dropout rates.
    Rate,
    /// A number in `[0, 1]`: momentum-like factors.
    Unit,
    /// A number > 0: epsilons, learning rates, noise levels.
    PosFloat,
    Bool,
    /// One of these strings (matched case-insensitively, stored in lower case).
    OneOf(&'static [&'static str]),
    /// An activation name from [`ACTIVATIONS`]; `None` means `linear`.
    Activation,
    /// A positive integer or a tuple of that many positive integers (`kernel_size`).
    Size(u8),
    /// A tuple of positive integers, at most one `-1` (`Reshape`'s `target_shape`).
    Shape,
    /// Padding per spatial axis (`ZeroPadding2D`): one integer ≥ 0, a tuple of that many,
    /// or a tuple of that many `(before, after)` pairs, as Keras accepts.
    Padding(u8),
    /// A layer, e.g. the `LSTM(64)` in `Bidirectional(LSTM(64))`; becomes `Layer::inner`.
    Layer,
    /// Anything, passed through unchecked (initialisers, regularisers, names).
    Any,
}

/// A constant default value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(&'static str),
}

/// What happens when a parameter is not written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    /// It must be written (error E0104).
    Required,
    /// Left out of the resolved arguments; the framework default applies (for strides of
    /// pooling layers: the pool size).
    Absent,
    /// Filled in with this value (`Arg::explicit == false`).
    Value(Lit),
}

/// One parameter of a layer (or of an optimizer, loss or schedule).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Canonical DSL name.
    pub name: &'static str,
    pub kind: Kind,
    pub fill: Fill,
    /// Keras keyword argument; `None`: not passed to Keras.
    pub keras: Option<&'static str>,
    /// PyTorch keyword argument; `None`: not passed to PyTorch.
    pub torch: Option<&'static str>,
}

impl ParamSpec {
    /// A parameter passed to Keras under its own name and not to PyTorch.
    pub const fn new(name: &'static str, kind: Kind, fill: Fill) -> Self {
        Self {
            name,
            kind,
            fill,
            keras: Some(name),
            torch: None,
        }
    }
    /// Also passed to PyTorch, as `kw`.
    pub const fn torch(mut self, kw: &'static str) -> Self {
        self.torch = Some(kw);
        self
    }
    /// Passed to Keras as `kw` instead of its DSL name.
    pub const fn keras_as(mut self, kw: &'static str) -> Self {
        self.keras = Some(kw);
        self
    }
    /// Not passed to Keras (DSL-only, or handled by the layer's helper).
    pub const fn no_keras(mut self) -> Self {
        self.keras = None;
        self
    }
}

/// What a backend emits for a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    /// A framework class (`"Dense"` is `keras.layers.Dense`; `"nn.Linear"`).
    Class(&'static str),
    /// No single class: the generator writes the named helper, as the layer's doc says.
    Helper(&'static str),
}

/// How the output shape and the parameter count follow from the input shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Same shape, no weights (Dropout, Activation, noise).
    Same,
    /// Last axis becomes `units`; `in·units (+units)` weights (Dense, Output).
    Dense,
    Flatten,
    /// `rank`-D convolution on `(spatial…, channels)`.
    Conv {
        rank: u8,
    },
    ConvTranspose {
        rank: u8,
    },
    DepthwiseConv {
        rank: u8,
    },
    SeparableConv {
        rank: u8,
    },
    Pool {
        rank: u8,
    },
    GlobalPool {
        rank: u8,
    },
    UpSampling {
        rank: u8,
    },
    ZeroPadding {
        rank: u8,
    },
    /// BatchNormalization: 4·C in Keras (2 non-trainable), 2·C in PyTorch (buffers).
    BatchNorm,
    /// LayerNormalization / GroupNormalization: 2·C.
    Norm,
    Embedding,
    /// A recurrent layer with this many gates (LSTM 4, GRU 3, SimpleRNN 1).
    Recurrent {
        gates: u8,
    },
    Bidirectional,
    TimeDistributed,
    MultiHeadAttention,
    /// A post-norm self-attention block; `causal`: each step attends to steps <= it
    /// (`TransformerDecoder`, decoder-only).
    Transformer {
        causal: bool,
    },
    Reshape,
    /// Add, Concatenate…: needs several inputs, which a linear layer list cannot give.
    Merge,
    /// `ResidualConnection { … }`: `x + block(x)`.
    Residual,
}

/// One layer kind.
#[derive(Debug)]
pub struct LayerSpec {
    /// Canonical spelling, matched case-insensitively.
    pub name: &'static str,
    /// Other accepted spellings (`MaxPool2D`).
    pub aliases: &'static [&'static str],
    /// How many leading entries of `params` may be given positionally.
    pub positional: usize,
    /// Parameters in canonical order.
    pub params: &'static [ParamSpec],
    pub rule: Rule,
    /// True when the layer takes a `{ … }` block of layers.
    pub block: bool,
    pub keras: Emit,
    pub torch: Emit,
    /// PyTorch keyword receiving the input's last-axis size.
    pub torch_in: Option<&'static str>,
    /// Literal PyTorch keywords (`("batch_first", Lit::Bool(true))`).
    pub torch_fixed: &'static [(&'static str, Lit)],
    /// For [`Rule::Same`] layers that only accept one input rank (`SpatialDropout2D`:
    /// `(height, width, channels)`); `None`: any rank.
    pub input_rank: Option<u8>,
}

impl LayerSpec {
    /// The name of the `i`-th positional parameter.
    pub fn positional_name(&self, i: usize) -> Option<&'static str> {
        (i < self.positional).then(|| self.params.get(i).map(|p| p.name))?
    }

    /// A parameter by canonical name.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Looks a layer up by name or alias, ignoring case.
pub fn lookup(name: &str) -> Option<&'static LayerSpec> {
    super::layers::LAYERS.iter().find(|s| {
        s.name.eq_ignore_ascii_case(name) || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Every canonical layer name, for "did you mean" hints.
pub fn names() -> impl Iterator<Item = &'static str> {
    super::layers::LAYERS.iter().map(|s| s.name)
}

/// An activation function and how each backend writes it.
#[derive(Debug)]
pub struct Activation {
    /// Canonical DSL / Keras name.
    pub name: &'static str,
    /// PyTorch module expression; `None` for `linear` (identity: emit nothing).
    pub torch: Option<&'static str>,
}

/// The activations accepted by `activation=` and `Activation(…)`.
pub const ACTIVATIONS: &[Activation] = &[
    act("linear", None),
    act("relu", Some("nn.ReLU()")),
    act("sigmoid", Some("nn.Sigmoid()")),
    act("tanh", Some("nn.Tanh()")),
    act("softmax", Some("nn.Softmax(dim=-1)")),
    act("log_softmax", Some("nn.LogSoftmax(dim=-1)")),
    act("softplus", Some("nn.Softplus()")),
    act("softsign", Some("nn.Softsign()")),
    act("selu", Some("nn.SELU()")),
    act("elu", Some("nn.ELU()")),
    act("gelu", Some("nn.GELU()")),
    act("swish", Some("nn.SiLU()")),
    act("silu", Some("nn.SiLU()")),
    act("mish", Some("nn.Mish()")),
    act("relu6", Some("nn.ReLU6()")),
    act("leaky_relu", Some("nn.LeakyReLU(negative_slope=0.2)")),
    act("hard_sigmoid", Some("nn.Hardsigmoid()")),
];

const fn act(name: &'static str, torch: Option<&'static str>) -> Activation {
    Activation { name, torch }
}

/// Looks an activation up, ignoring case.
pub fn activation(name: &str) -> Option<&'static Activation> {
    ACTIVATIONS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// A literal as Python source: `True`, `0.001`, `'relu'`.
impl std::fmt::Display for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lit::Int(n) => write!(f, "{n}"),
            Lit::Float(x) => write!(f, "{x:?}"),
            Lit::Bool(true) => f.write_str("True"),
            Lit::Bool(false) => f.write_str("False"),
            Lit::Str(s) => write!(f, "'{s}'"),
        }
    }
}
