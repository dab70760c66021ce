//! Diagnostic codes of the front end (lexing, parsing, sections, macros): E0001–E0099.

use crate::diagnostic::Code;

pub const INVALID_CHARACTER: Code = Code::new("E0001", "a character that starts no token");
pub const UNTERMINATED_STRING: Code = Code::new("E0002", "a string literal not closed on its line");
pub const UNTERMINATED_COMMENT: Code = Code::new("E0003", "a `/*` comment never closed");
pub const INTEGER_TOO_LARGE: Code = Code::new("E0004", "an integer literal beyond 64 bits");
pub const UNEXPECTED_TOKEN: Code =
    Code::new("E0005", "a token where the grammar expects something else");
pub const UNEXPECTED_EOF: Code = Code::new("E0006", "the file ends in the middle of a construct");
pub const MALFORMED_HPO: Code =
    Code::new("E0007", "an `HPO(…)` that is not choice/range/log_range");
pub const BAD_REPEAT: Code = Code::new("E0008", "a negative `* N` repeat count");
pub const DUPLICATE_SECTION: Code = Code::new("E0009", "a network section given twice");
pub const DUPLICATE_NETWORK: Code =
    Code::new("E0010", "two networks with the same name in one file");
pub const NO_NETWORK: Code = Code::new("E0011", "a file without a `network` block");
pub const MISSING_SECTION: Code = Code::new("E0012", "a network without `input:` or `layers:`");
pub const UNKNOWN_MACRO_PARAM: Code =
    Code::new("E0013", "`$name` that is not a parameter of its macro");
pub const MACRO_ARITY: Code = Code::new("E0014", "a macro used with the wrong number of arguments");
pub const RECURSIVE_MACRO: Code = Code::new("E0015", "a macro that expands into itself");
pub const DUPLICATE_MACRO: Code = Code::new("E0016", "two macros with the same name");
pub const PARAM_OUTSIDE_MACRO: Code = Code::new("E0017", "`$name` used outside a macro body");
pub const UNKNOWN_MACRO_ARG: Code =
    Code::new("E0018", "a named macro argument that is no parameter");
pub const MACRO_BLOCK: Code = Code::new(
    "E0019",
    "a `{ … }` block or `@` device after a macro reference",
);
pub const BAD_INPUT_SHAPE: Code = Code::new("E0020", "an input shape that is not a tuple of sizes");
pub const EMPTY_LAYERS: Code = Code::new("E0021", "a network whose layer list expands to nothing");
pub const DUPLICATE_ENTRY: Code =
    Code::new("E0022", "a key given twice in `train {}` or `execution {}`");
pub const TOO_DEEP: Code = Code::new("E0023", "brackets or `*`/`/` chains nested too deeply");
pub const EXPANSION_TOO_LARGE: Code = Code::new("E0024", "macros too deep or repeats too large");
