//! `neuralc parse FILE --emit ast-json`: the parsed model in the original tool's layout.

use crate::cli::{Emit, ParseArgs};
use crate::driver::{self, EXIT_INVALID};

pub fn run(args: &ParseArgs, color: bool) -> u8 {
    let mut loaded = match driver::load(&args.file) {
        Ok(l) => l,
        Err(msg) => {
            crate::say!("{msg}");
            return EXIT_INVALID;
        }
    };
    loaded.print_diagnostics(color);
    if loaded.has_errors() {
        return EXIT_INVALID;
    }
    let Some(program) = &loaded.program else {
        return EXIT_INVALID;
    };
    match args.emit {
        Emit::AstJson => {
            let json = crate::dict::program_json(program);
            let mut text =
                serde_json::to_string_pretty(&json).expect("JSON values always serialise");
            text.push('\n');
            driver::print_result(&text)
        }
    }
}
