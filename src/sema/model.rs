//! The checked model: what semantic analysis produces and the code generators consume.
//! Every value here is resolved (positional arguments named, defaults filled in, HPO
//! parameters fixed to their chosen value), every shape and parameter count computed.

use crate::sema::catalog::LayerSpec;
use crate::syntax::ast::Span;
use serde::Serialize;

/// A tensor shape without the batch dimension; `None` is a symbolic size.
pub type Shape = Vec<Option<u64>>;

/// A resolved parameter value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    /// A tuple or list of values, e.g. `kernel_size=(3, 3)`.
    List(Vec<Param>),
    None,
}

/// The search space an HPO parameter came from, kept so `--hpo` can expose it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HpoSpace {
    Choice {
        values: Vec<Param>,
    },
    Range {
        start: f64,
        end: f64,
        step: Option<f64>,
        integer: bool,
    },
    LogRange {
        start: f64,
        end: f64,
    },
}

/// A parameter of a layer, loss, optimizer or schedule after resolution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arg {
    /// Canonical parameter name (`units`, `kernel_size`, …).
    pub name: String,
    pub value: Param,
    /// True when the user wrote it (false: a catalog default filled in).
    pub explicit: bool,
    /// Present when the value was chosen from an `HPO(…)` search space.
    pub hpo: Option<HpoSpace>,
}

/// Parameter counts of one layer as each framework reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ParamCount {
    /// Keras `count_params()` (trainable + non-trainable).
    pub keras: u64,
    /// PyTorch `sum(p.numel() for p in parameters())`; differs for RNNs (two bias vectors)
    /// and for layers whose statistics PyTorch keeps in buffers (BatchNorm).
    pub pytorch: u64,
    pub trainable: u64,
    pub non_trainable: u64,
}

/// Saturating: a sum past `u64::MAX` stays past [`crate::sema::shapes::MAX_SIZE`] and is
/// reported (E0131), never wrapped.
impl std::ops::Add for ParamCount {
    type Output = ParamCount;
    fn add(self, o: ParamCount) -> ParamCount {
        ParamCount {
            keras: self.keras.saturating_add(o.keras),
            pytorch: self.pytorch.saturating_add(o.pytorch),
            trainable: self.trainable.saturating_add(o.trainable),
            non_trainable: self.non_trainable.saturating_add(o.non_trainable),
        }
    }
}

/// One layer of the checked model.
#[derive(Debug, Clone, Serialize)]
pub struct Layer {
    /// The catalog entry (canonical name, rules, backend mappings).
    #[serde(serialize_with = "spec_name")]
    pub spec: &'static LayerSpec,
    /// Resolved parameters, in the catalog's parameter order.
    pub args: Vec<Arg>,
    pub input_shape: Shape,
    pub output_shape: Shape,
    pub params: ParamCount,
    /// `@ "cuda:0"` placement, if written.
    pub device: Option<String>,
    /// Layers inside: a `ResidualConnection { … }` block, or the layer a
    /// `TimeDistributed(…)`/`Bidirectional(…)` wrapper applies to.
    pub inner: Vec<Layer>,
    /// 1-based source line of the layer as written (for `shapes` and comments).
    pub line: usize,
    #[serde(skip)]
    pub span: Span,
    /// The use of the macro this layer was expanded from (outermost), if any.
    #[serde(skip)]
    pub expanded_from: Option<Span>,
}

fn spec_name<S: serde::Serializer>(spec: &&'static LayerSpec, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(spec.name)
}

impl Layer {
    /// The resolved value of a parameter, by canonical name.
    pub fn arg(&self, name: &str) -> Option<&Param> {
        self.args.iter().find(|a| a.name == name).map(|a| &a.value)
    }

    /// Keyword arguments for the Keras class, per the catalog's `ParamSpec::keras`
    /// (parameters without a Keras keyword are left out).
    pub fn keras_kwargs(&self) -> Vec<(&'static str, &Param)> {
        self.args
            .iter()
            .filter_map(|a| Some((self.spec.param(&a.name)?.keras?, &a.value)))
            .collect()
    }

    /// Keyword arguments for the PyTorch module: the input-size keyword
    /// (`LayerSpec::torch_in`, from the input's last axis), every argument with a
    /// `ParamSpec::torch` keyword, then `LayerSpec::torch_fixed`.
    pub fn torch_kwargs(&self) -> Vec<(&'static str, Param)> {
        let mut out = Vec::new();
        if let (Some(kw), Some(Some(n))) = (self.spec.torch_in, self.input_shape.last()) {
            out.push((kw, Param::Int(i64::try_from(*n).unwrap_or(i64::MAX))));
        }
        for a in &self.args {
            if let Some(kw) = self.spec.param(&a.name).and_then(|p| p.torch) {
                out.push((kw, a.value.clone()));
            }
        }
        for (kw, lit) in self.spec.torch_fixed {
            out.push((kw, crate::sema::resolve::lit_param(*lit)));
        }
        out
    }
}

/// A named function with parameters: a loss, an optimizer, a schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// Canonical name (`sparse_categorical_crossentropy`, `Adam`, `ExponentialDecay`).
    pub name: String,
    pub args: Vec<Arg>,
}

impl Call {
    pub fn arg(&self, name: &str) -> Option<&Param> {
        self.args.iter().find(|a| a.name == name).map(|a| &a.value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Optimizer {
    pub call: Call,
    /// A learning-rate schedule in place of a constant `learning_rate`.
    pub schedule: Option<Call>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Training {
    pub epochs: u64,
    pub batch_size: u64,
    pub validation_split: f64,
    /// Any other `train {}` key, kept as written (e.g. `search_method`).
    pub extra: Vec<(String, Param)>,
    /// Search spaces of `train {}` keys given as `HPO(…)` or a list (`batch_size: [16, 32]`);
    /// the fields above hold the first choice / lower bound.
    pub hpo: Vec<(String, HpoSpace)>,
}

/// One model input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// Set for named inputs (`input: { image: (…) }`).
    pub name: Option<String>,
    pub shape: Shape,
}

/// The whole checked model.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub name: String,
    pub inputs: Vec<Input>,
    pub layers: Vec<Layer>,
    pub loss: Call,
    pub optimizer: Optimizer,
    pub metrics: Vec<String>,
    pub training: Training,
    /// `execution { device: … }`, if given.
    pub device: Option<String>,
    pub totals: ParamCount,
}

impl Model {
    /// The shape the last layer produces (the input shape when there are no layers).
    pub fn output_shape(&self) -> &Shape {
        self.layers
            .last()
            .map(|l| &l.output_shape)
            .unwrap_or_else(|| &self.inputs[0].shape)
    }
}
