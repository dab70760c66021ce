//! Python names derived from the DSL: layer attributes `conv1`, `dense2`, `output`.

use crate::sema::catalog::Rule;
use crate::sema::model::Layer;

/// Hands out numbered attribute names per layer kind, in source order.
#[derive(Default)]
pub struct Namer {
    counts: Vec<(&'static str, usize)>,
    outputs: usize,
}

impl Namer {
    /// A namer for `layers`; a single `Output` layer is called plain `output`.
    pub fn new(layers: &[Layer]) -> Self {
        Self {
            counts: Vec::new(),
            outputs: layers.iter().filter(|l| l.spec.name == "Output").count(),
        }
    }

    /// The next attribute name for a layer of this kind.
    pub fn next(&mut self, layer: &Layer) -> String {
        let prefix = prefix(layer);
        if prefix == "output" && self.outputs == 1 {
            return prefix.to_string();
        }
        self.numbered(prefix)
    }

    /// The next `prefix1`, `prefix2`, … for a prefix of the generator's own.
    pub fn numbered(&mut self, prefix: &'static str) -> String {
        let n = match self.counts.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((prefix, 1));
                1
            }
        };
        format!("{prefix}{n}")
    }
}

/// The attribute stem of a layer kind, following common PyTorch usage.
fn prefix(layer: &Layer) -> &'static str {
    let name = layer.spec.name;
    match layer.spec.rule {
        Rule::Dense if name == "Output" => "output",
        Rule::Dense => "dense",
        Rule::Conv { .. } => "conv",
        Rule::ConvTranspose { .. } => "deconv",
        Rule::DepthwiseConv { .. } => "depthwise",
        Rule::SeparableConv { .. } => "separable",
        Rule::Pool { .. } if name.starts_with("Average") => "avg_pool",
        Rule::Pool { .. } => "pool",
        Rule::GlobalPool { .. } => "global_pool",
        Rule::UpSampling { .. } => "upsample",
        Rule::ZeroPadding { .. } => "pad",
        Rule::BatchNorm => "batch_norm",
        Rule::Norm if name.starts_with("Group") => "group_norm",
        Rule::Norm => "layer_norm",
        Rule::Embedding => "embedding",
        Rule::Recurrent { .. } => match name {
            "LSTM" => "lstm",
            "GRU" => "gru",
            _ => "rnn",
        },
        Rule::Bidirectional => match layer.inner.first().map(|l| l.spec.name) {
            Some("LSTM") => "bi_lstm",
            Some("GRU") => "bi_gru",
            _ => "bi_rnn",
        },
        Rule::MultiHeadAttention => "attention",
        Rule::Transformer { causal: false } => "encoder",
        Rule::Transformer { causal: true } => "decoder",
        Rule::Flatten => "flatten",
        Rule::Same if name.contains("Dropout") => "dropout",
        Rule::Same if name == "GaussianNoise" => "noise",
        Rule::Residual => "skip",
        Rule::Same | Rule::Reshape | Rule::TimeDistributed | Rule::Merge => "layer",
    }
}

/// Python keywords, the builtins, and every name the script templates define or import
/// at module level: a model class (PyTorch) named like one of them would shadow it.
const RESERVED: &[&str] = &[
    // keywords and soft keywords
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "case",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "match",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "type",
    "while",
    "with",
    "yield",
    // builtins
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "vars",
    "zip",
    // the scripts' imports
    "argparse",
    "contextlib",
    "json",
    "keras",
    "layers",
    "math",
    "np",
    "os",
    "platform",
    "random",
    "resource",
    "sys",
    "tf",
    "time",
    "torch",
    "nn",
    "dist",
    "DistributedSampler",
    "zipfile",
    "ctypes",
    "re",
    "signal",
    // the scripts' own module-level names
    "BATCH_SIZE",
    "EPOCHS",
    "EVAL_BATCH_SIZE",
    "IMPORT_SECONDS",
    "INPUT_SHAPE",
    "KERAS_WEIGHTS",
    "LEARNING_RATE",
    "MODEL_NAME",
    "NPZ_KEYS",
    "NUM_CLASSES",
    "OUTPUT_SHAPE",
    "PROG",
    "VALIDATION_SPLIT",
    "VOCAB_SIZE",
    "SEARCH_SPACE",
    "TRIALS",
    "DataError",
    "EpochLogger",
    "KerasRMSprop",
    "TransformerEncoder",
    "build_model",
    "build_training",
    "keras_epsilon",
    "keras_momentum",
    "compile_model",
    "count_correct",
    "data_source",
    "evaluate",
    "format_epoch",
    "init_distributed",
    "load_data",
    "lr_factor",
    "main",
    "normalize",
    "parse_args",
    "read_npz",
    "run",
    "select_device",
    "synthetic_arrays",
    "to_tensors",
    "train_epoch",
    "write_metrics",
    "sample_trial",
    "search",
    "fit",
    "DEFAULTS",
    "check_numbers",
    "check_whole",
    "token_ids",
    "scale_inputs",
    "regression_targets",
    "class_labels",
    "check_writable",
    "finite_or_null",
    "M_TRIM_THRESHOLD",
    "M_MMAP_THRESHOLD",
    "tune_malloc",
    "STARTUP_NOISE",
    "startup_noise_filtered",
];

/// The Python class of the model: the DSL name, with a trailing underscore (PEP 8's
/// convention) when it would shadow a keyword, a builtin or one of the script's names.
pub fn class_name(model: &str) -> String {
    if RESERVED.contains(&model) {
        format!("{model}_")
    } else {
        model.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every module-level name of the templates is reserved, so no model class shadows it.
    #[test]
    fn template_names_are_reserved() {
        let templates = [
            include_str!("../../templates/pytorch.py"),
            include_str!("../../templates/tensorflow.py"),
            include_str!("../../templates/common/constants.py"),
            include_str!("../../templates/common/cli.py"),
            include_str!("../../templates/common/data.py"),
            include_str!("../../templates/common/report.py"),
            include_str!("../../templates/common/metrics.py"),
            include_str!("../../templates/common/main.py"),
            include_str!("../../templates/common/search.py"),
            include_str!("../../templates/hpo/pytorch.py"),
            include_str!("../../templates/hpo/tensorflow.py"),
            include_str!("../../templates/common/malloc.py"),
            include_str!("../../templates/startup/tensorflow.py"),
        ];
        let mut missing = Vec::new();
        for text in templates {
            for line in text.lines() {
                let name = if let Some(rest) = line
                    .strip_prefix("def ")
                    .or_else(|| line.strip_prefix("class "))
                {
                    rest.split(['(', ':']).next()
                } else if let Some(rest) = line.strip_prefix("import ") {
                    rest.split(" as ")
                        .last()
                        .map(|n| n.split('.').next().unwrap_or(n))
                } else if line.starts_with("from ") {
                    line.split(" import ").nth(1)
                } else if line.contains(" = ") && !line.starts_with([' ', '{', '#', '_']) {
                    line.split(" = ").next()
                } else {
                    None
                };
                if let Some(name) = name
                    .map(str::trim)
                    .filter(|n| !n.contains(['{', '.', '[']) && !RESERVED.contains(n))
                {
                    missing.push(name.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "not in RESERVED: {missing:?}");
    }

    #[test]
    fn clashing_model_names_are_mangled() {
        assert_eq!(class_name("DataError"), "DataError_");
        assert_eq!(class_name("range"), "range_");
        assert_eq!(class_name("MNISTClassifier"), "MNISTClassifier");
    }
}
