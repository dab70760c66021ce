//! Checker and both code generators on every input that parses cleanly: semantic
//! analysis (with and without shape validation), the `shapes` table and JSON, and
//! `compile` / `compile --hpo` for PyTorch and TensorFlow. None of it may panic
//! (overflow checks are on in fuzz builds), overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neuralc::codegen::{self, Backend, Options};
use neuralc::diagnostic::has_errors;
use neuralc::sema::{self, CheckOptions};

fn compile_all(text: &str) {
    let (program, diags) = neuralc::syntax::parse_program(text);
    let Some(program) = program.filter(|_| !has_errors(&diags)) else {
        return;
    };
    for validate in [true, false] {
        let mut opts = CheckOptions::new(text);
        opts.validate_shapes = validate;
        for net in &program.networks {
            let (model, diags) = sema::check(net, &opts);
            let Some(model) = model.filter(|_| !has_errors(&diags)) else {
                continue;
            };
            let _ = neuralc::commands::shapes::model_json(&model);
            let _ = neuralc::commands::shapes::table(&model, text);
            let options = Options {
                source: "fuzz.neural",
                script: "fuzz.py",
            };
            for backend in [Backend::PyTorch, Backend::TensorFlow] {
                let _ = codegen::generate(&model, backend, &options);
                let _ = codegen::generate_hpo(&model, backend, &options);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        compile_all(text);
    }
});
