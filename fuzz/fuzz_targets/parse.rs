//! Lexer + parser + macro expansion + diagnostic rendering on arbitrary bytes.
//! None of it may panic, overflow the stack or hang on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neuralc::report::{SourceFile, render_all};

fn check(text: &str) {
    let (_program, diags) = neuralc::syntax::parse_program(text);
    let file = SourceFile {
        path: "fuzz.neural",
        text,
    };
    // Both the plain (golden-file) and the coloured rendering.
    let _ = render_all(&diags, &file, false);
    let _ = render_all(&diags, &file, true);
}

fuzz_target!(|data: &[u8]| {
    match std::str::from_utf8(data) {
        Ok(text) => check(text),
        // Invalid UTF-8 (the driver rejects it): the lossy text still exercises
        // multi-byte U+FFFD replacement characters in spans and rendering.
        Err(_) => check(&String::from_utf8_lossy(data)),
    }
});
