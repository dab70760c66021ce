//! In-process compilation of the benchmark models with separate, repeated timings of
//! parsing, validation and code generation (medians, microseconds).

use crate::backend::Backend;
use crate::bench::models::BenchModel;
use crate::bench::results::CompileTiming;
use crate::bench::stats::median;
use crate::codegen::Options;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::sema::CheckOptions;
use std::hint::black_box;
use std::time::Instant;

/// Timed repetitions per model and backend (after one untimed warm-up).
pub const SAMPLES: u32 = 200;

/// A compiled model: the generated script and how long each phase took.
pub struct Compiled {
    pub script: String,
    pub timing: CompileTiming,
}

/// Compiles `model` for `backend` once to get the script, then `samples` more times to time it.
pub fn compile(model: BenchModel, backend: Backend, samples: u32) -> Result<Compiled, String> {
    let source = model.source();
    let script = compile_once(model, backend, source)?.script;
    let mut parse = Vec::with_capacity(samples as usize);
    let mut validate = Vec::with_capacity(samples as usize);
    let mut codegen = Vec::with_capacity(samples as usize);
    let mut total = Vec::with_capacity(samples as usize);
    for _ in 0..samples {
        let phases = compile_once(model, backend, black_box(source))?;
        black_box(&phases.script);
        parse.push(phases.parse_us);
        validate.push(phases.validate_us);
        codegen.push(phases.codegen_us);
        total.push(phases.parse_us + phases.validate_us + phases.codegen_us);
    }
    let med = |v: &[f64]| median(v).unwrap_or(f64::NAN);
    Ok(Compiled {
        timing: CompileTiming {
            model: model.name().to_string(),
            backend: backend.name().to_string(),
            parse_us: med(&parse),
            validate_us: med(&validate),
            codegen_us: med(&codegen),
            total_us: med(&total),
            samples,
            source_bytes: source.len() as u64,
            script_bytes: script.len() as u64,
        },
        script,
    })
}

struct Phases {
    script: String,
    parse_us: f64,
    validate_us: f64,
    codegen_us: f64,
}

fn micros(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e6
}

/// Runs the three phases once, timing each.
fn compile_once(model: BenchModel, backend: Backend, source: &str) -> Result<Phases, String> {
    let path = format!("golden/bench/{}.neural", model.name());
    let failed = |phase: &str, diags: &[Diagnostic]| {
        let first = diags
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone())
            .unwrap_or_else(|| "no model".to_string());
        format!("{path} fails {phase} (a neuralc bug): {first}")
    };

    let start = Instant::now();
    let (program, diags) = crate::syntax::parse_program(source);
    let parse_us = micros(start);
    let program = match program {
        Some(p) if !has_errors(&diags) => p,
        _ => return Err(failed("to parse", &diags)),
    };

    let start = Instant::now();
    let (mut models, diags) = crate::sema::check_program(&program, &CheckOptions::new(source));
    let validate_us = micros(start);
    if has_errors(&diags) || models.len() != 1 {
        return Err(failed("validation", &diags));
    }
    let checked = models.remove(0);

    let script_name = format!("{}.py", model.name());
    let opts = Options {
        source: &path,
        script: &script_name,
    };
    let start = Instant::now();
    let generated = crate::codegen::generate(&checked, backend, &opts);
    let codegen_us = micros(start);
    let script = generated.map_err(|diags| failed("code generation", &diags))?;
    Ok(Phases {
        script,
        parse_us,
        validate_us,
        codegen_us,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_benchmark_model_compiles_for_every_backend_with_timings() {
        for model in BenchModel::ALL {
            for backend in Backend::ALL {
                let compiled = compile(model, backend, 3).unwrap();
                let t = &compiled.timing;
                assert_eq!(
                    (t.model.as_str(), t.backend.as_str()),
                    (model.name(), backend.name())
                );
                assert_eq!(t.samples, 3);
                assert!(t.parse_us > 0.0 && t.validate_us > 0.0 && t.codegen_us > 0.0);
                assert_eq!(t.script_bytes, compiled.script.len() as u64);
                assert!(
                    compiled.script.contains("--metrics-out"),
                    "{}",
                    model.name()
                );
            }
        }
    }
}
