//! Diagnostic codes of semantic checking (layers, parameters, shapes, training): E0100–E0199.

use crate::diagnostic::Code;

pub const UNKNOWN_LAYER: Code = Code::new("E0100", "a layer name the catalog does not know");
pub const TOO_MANY_POSITIONAL: Code =
    Code::new("E0101", "more positional arguments than the layer takes");
pub const UNKNOWN_PARAM: Code = Code::new("E0102", "a named argument the layer does not take");
pub const DUPLICATE_PARAM: Code = Code::new("E0103", "a parameter given twice");
pub const MISSING_PARAM: Code = Code::new("E0104", "a required parameter not given");
pub const PARAM_TYPE: Code = Code::new("E0105", "a value of the wrong type for its parameter");
pub const PARAM_RANGE: Code = Code::new("E0106", "a number outside the parameter's range");
pub const BAD_CHOICE: Code = Code::new(
    "E0107",
    "a string that is not one of the parameter's choices",
);
pub const UNRESOLVED_VALUE: Code =
    Code::new("E0108", "a name or expression where a value is needed");
pub const BAD_HPO: Code = Code::new("E0109", "an empty or inverted HPO search space");
pub const SHAPE_RANK: Code = Code::new("E0110", "a layer given an input of the wrong rank");
pub const SHAPE_TOO_SMALL: Code =
    Code::new("E0111", "a kernel or pool window larger than its input");
pub const SHAPE_MISMATCH: Code = Code::new(
    "E0112",
    "shapes that must agree do not (Reshape, residual block)",
);
pub const SYMBOLIC_SIZE: Code = Code::new(
    "E0113",
    "a layer needing a known size gets a `None` dimension",
);
pub const MERGE_IN_CHAIN: Code = Code::new(
    "E0114",
    "a merge layer (Add, Concatenate…) in a linear layer list",
);
pub const UNEXPECTED_BLOCK: Code = Code::new("E0115", "a `{ … }` block on a layer that takes none");
pub const MISSING_BLOCK: Code = Code::new("E0116", "`ResidualConnection` without a block");
pub const BAD_WRAPPED: Code = Code::new(
    "E0117",
    "a wrapper around something that is not a suitable layer",
);
pub const UNKNOWN_LOSS: Code = Code::new("E0118", "an unknown loss function");
pub const UNKNOWN_OPTIMIZER: Code = Code::new("E0119", "an unknown optimizer");
pub const UNKNOWN_SCHEDULE: Code = Code::new("E0120", "an unknown learning-rate schedule");
pub const UNKNOWN_METRIC: Code = Code::new("E0121", "an unknown metric");
pub const BAD_TRAIN_ENTRY: Code = Code::new("E0122", "an invalid `train {}` entry");
pub const BAD_DEVICE: Code = Code::new("E0123", "a device that is not cpu/cuda/gpu/tpu/mps");
pub const MULTIPLE_INPUTS: Code = Code::new("E0124", "several inputs feeding a linear layer list");
pub const DIVISIBILITY: Code = Code::new("E0125", "a size that must divide another does not");
pub const EMBEDDING_NOT_FIRST: Code =
    Code::new("E0126", "an `Embedding` that does not receive token ids");
pub const UNKNOWN_ENTRY: Code = Code::new(
    "E0127",
    "warning: a `train {}`/`execution {}` key neuralc ignores",
);
pub const SOFTMAX_ONE_UNIT: Code =
    Code::new("E0129", "warning: softmax over one unit always outputs 1");
pub const LOSS_MISMATCH: Code = Code::new(
    "E0130",
    "warning: a loss that does not fit the output layer",
);
pub const SIZE_TOO_LARGE: Code = Code::new(
    "E0131",
    "a size or parameter count past int64, or a layer that stands for over 100,000 layers",
);
