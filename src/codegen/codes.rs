//! Diagnostic codes of code generation: E0200–E0299.

use crate::diagnostic::Code;

pub const NO_BACKEND_MAPPING: Code = Code::new(
    "E0200",
    "a layer or layer setting the chosen backend cannot express yet",
);
pub const UNSUPPORTED_LOSS: Code = Code::new(
    "E0201",
    "a loss the generated training loop does not implement",
);
pub const UNSUPPORTED_OPTIMIZER: Code = Code::new(
    "E0202",
    "an optimizer or schedule with no mapping for the chosen backend",
);
pub const UNSUPPORTED_OUTPUT: Code = Code::new(
    "E0203",
    "a model output that does not fit its loss (e.g. not one value per class)",
);
pub const UNSUPPORTED_INPUT: Code = Code::new(
    "E0204",
    "a symbolic input size, which the script cannot generate or load data for",
);
pub const UNSUPPORTED_HPO: Code = Code::new(
    "E0205",
    "an HPO parameter that `compile --hpo` cannot sample per trial",
);
