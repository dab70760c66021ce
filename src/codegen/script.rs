//! The askama templates of the two training scripts and the values they render.

use askama::Template;

/// Custom filters, resolved by askama as `filters::NAME` next to the template structs.
mod filters {
    pub use crate::codegen::filters::py_str;
}

/// Values shared by both scripts (the `common/*.py` includes read these).
pub struct Common {
    pub version: &'static str,
    /// The source path as given on the command line.
    pub source: String,
    /// The source file's name alone.
    pub source_file: String,
    /// The script's file name in usage examples.
    pub script: String,
    pub model_name: String,
    /// The PyTorch model class: `model_name`, mangled where it would shadow a name.
    pub class_name: String,
    pub input_shape: String,
    pub classes: u64,
    pub vocabulary: Option<u64>,
    /// Images or volumes (input rank 3 or more, not token ids): float inputs must be
    /// scaled to [0, 1] already.
    pub image_input: bool,
    pub epochs: u64,
    pub batch_size: u64,
    pub validation_split: String,
    pub learning_rate: String,
    pub binary: bool,
    pub one_hot: bool,
    /// `--hpo`: the script random-searches `SEARCH_SPACE`.
    pub hpo: bool,
    /// `build_model(hp)` reads layer values from `hp`.
    pub hpo_layers: bool,
    /// The model has HPO parameters, fixed to their first choice / lower bound.
    pub hpo_note: bool,
    /// `SEARCH_SPACE = {…}` and `DEFAULTS = {…}` lines (`--hpo`).
    pub hpo_constants: Vec<String>,
    /// `  # first choice of HPO …` after `EPOCHS`, `BATCH_SIZE`, `LEARNING_RATE`.
    pub epochs_note: String,
    pub batch_size_note: String,
    pub learning_rate_note: String,
    /// Float targets of shape `output_shape`; no accuracy (reported as `null`).
    pub regression: bool,
    /// The synthetic targets' statements (`y_train = rng.…`).
    pub synthetic_y_train: String,
    pub synthetic_y_test: String,
    /// The output shape as a Python tuple (`OUTPUT_SHAPE`, regression only).
    pub output_shape: String,
}

#[derive(Template)]
#[template(path = "pytorch.py")]
pub struct PyTorchScript<'a> {
    pub common: &'a Common,
    pub keras: bool,
    pub framework_title: &'static str,
    pub layout_doc: String,
    pub init: Vec<String>,
    pub forward: Vec<String>,
    /// The activation the loss applies (`predict_proba` re-applies it).
    pub proba: Option<&'static str>,
    /// `torch.softmax(self(x), dim=1)`: the probabilities `predict_proba` returns.
    pub proba_expr: &'static str,
    /// `(0, 3, 1, 2)` when batches are handed over channels-first.
    pub permutation: Option<String>,
    pub schedule: Option<crate::codegen::training::Schedule>,
    pub torch_criterion: String,
    pub torch_eval_loss: String,
    pub torch_optimizer: String,
    /// The script defines `KerasRMSprop`.
    pub keras_rmsprop: bool,
    /// The script defines the `keras_epsilon` optimizer hook.
    pub keras_epsilon: bool,
    /// The script defines the `keras_momentum` optimizer hook.
    pub keras_momentum: bool,
    /// `KERAS_WEIGHTS = (…)` lines.
    pub keras_weights: Vec<String>,
}

#[derive(Template)]
#[template(path = "tensorflow.py")]
pub struct KerasScript<'a> {
    pub common: &'a Common,
    pub keras: bool,
    pub framework_title: &'static str,
    pub transformer: bool,
    pub keras_body: Vec<String>,
    pub keras_setup: Vec<String>,
    pub keras_loss: String,
    pub keras_metric: Option<String>,
}

impl<'a> std::ops::Deref for PyTorchScript<'a> {
    type Target = Common;
    fn deref(&self) -> &Common {
        self.common
    }
}

impl<'a> std::ops::Deref for KerasScript<'a> {
    type Target = Common;
    fn deref(&self) -> &Common {
        self.common
    }
}
