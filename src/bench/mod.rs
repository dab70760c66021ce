//! `neuralc bench`: compiles the benchmark models in-process, trains each generated script and
//! its hand-written reference alternately (A B A B, never two at once), compares the metrics
//! and writes `benchmark_results.json`, `benchmark_report.md` and `benchmark_chart.svg`.

pub mod chart;
pub mod compile;
pub mod env;
pub mod models;
pub mod progress;
pub mod references;
pub mod report;
pub mod results;
pub mod runner;
pub mod stats;
pub mod targets;
pub mod verdict;

use crate::backend::Backend;
use crate::bench::models::BenchModel;
use crate::bench::progress::Progress;
use crate::bench::results::{BenchResults, CompileTiming, Outcome, Run, SCHEMA, Settings, Side};
use crate::bench::runner::{Job, ScriptArgs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// File names written into the output directory.
pub const RESULTS_FILE: &str = "benchmark_results.json";
pub const REPORT_FILE: &str = "benchmark_report.md";

/// Everything one benchmark needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub models: Vec<BenchModel>,
    pub backends: Vec<Backend>,
    pub epochs: u32,
    pub repeat: u32,
    pub seed: i64,
    pub deterministic: bool,
    pub threads: u32,
    pub device: String,
    pub limit: Option<u64>,
    /// Per-run limit; `None` = [`default_timeout`].
    pub timeout: Option<Duration>,
    pub python: PathBuf,
    pub data: PathBuf,
    pub output: PathBuf,
    /// In-process compile repetitions.
    pub compile_samples: u32,
}

/// Why a benchmark could not start (nothing was trained).
#[derive(Debug, Clone, PartialEq)]
pub enum SetupError {
    /// Python, a framework or the data is missing or unusable.
    Environment(String),
    /// The output directory or a file in it cannot be written.
    Output(String),
    /// A benchmark model does not compile (a neuralc bug).
    Compile(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Environment(m) | SetupError::Output(m) | SetupError::Compile(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Time limit of one training run. It catches hangs, not slowness, so it is generous even for
/// a contended 2-core machine (a torch CNN epoch takes ~12 s alone, ~45 s beside one busy
/// process and minutes beside several).
pub fn default_timeout(model: BenchModel, epochs: u32) -> Duration {
    let per_epoch = match model {
        BenchModel::Cnn => 300,
        BenchModel::SimpleMlp | BenchModel::DeepMlp => 120,
    };
    Duration::from_secs(300 + per_epoch * u64::from(epochs))
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> SetupError {
    SetupError::Output(format!("cannot {what} `{}`: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), SetupError> {
    std::fs::write(path, text).map_err(|e| io_error("write", path, e))
}

/// Runs the benchmark. Failed or timed-out runs are recorded in the results (and counted in
/// `failures`), never an error; an error means nothing could be measured.
pub fn run(config: &Config, progress: &Progress) -> Result<BenchResults, SetupError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let backends: Vec<String> = config
        .backends
        .iter()
        .map(|b| b.name().to_string())
        .collect();
    let references_dir =
        references::locate(&config.models, &config.backends).map_err(SetupError::Environment)?;
    progress.note(&format!(
        "checking Python environment `{}`",
        config.python.display()
    ));
    let environment =
        env::probe(&config.python, &backends, &config.data).map_err(SetupError::Environment)?;
    if config.device == "cuda" && !environment.cuda_available {
        return Err(SetupError::Environment(
            "--device cuda was requested but neither torch nor TensorFlow sees a CUDA GPU"
                .to_string(),
        ));
    }

    let out = &config.output;
    for dir in ["runs", "scripts/generated"] {
        let path = out.join(dir);
        std::fs::create_dir_all(&path).map_err(|e| io_error("create", &path, e))?;
    }
    let handwritten = out.join("scripts/handwritten");
    references::copy_tree(&references_dir, &handwritten)
        .map_err(|e| io_error("copy the reference scripts to", &handwritten, e))?;
    let compile = compile_all(config, progress)?;

    let args = ScriptArgs {
        data: config.data.clone(),
        epochs: config.epochs,
        seed: config.seed,
        deterministic: config.deterministic,
        threads: config.threads,
        device: config.device.clone(),
        limit: config.limit,
    };
    let jobs = plan(config);
    let mut runs: Vec<Run> = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let label = format!(
            "{} {} {} (pair {}/{})",
            job.model,
            job.backend,
            job.side.label(),
            job.pair,
            config.repeat
        );
        progress.start_run(&label);
        let run = runner::run(job, &config.python, &args, out, progress);
        progress.finish_run(&run_line(&run));
        runs.push(run);
    }

    let mut comparisons = Vec::new();
    for model in &config.models {
        for backend in &config.backends {
            comparisons.push(stats::compare(&runs, model.name(), backend.name()));
        }
    }
    let aggregate = stats::aggregates(&comparisons, &backends);
    let failures = runs.iter().filter(|r| r.outcome != Outcome::Ok).count() as u32;
    let mut results = BenchResults {
        schema: SCHEMA.to_string(),
        neuralc_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: env::utc_timestamp(started_at),
        finished_at: env::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        settings: Settings {
            models: config.models.iter().map(|m| m.name().to_string()).collect(),
            backends,
            epochs: config.epochs,
            repeat: config.repeat,
            seed: config.seed,
            deterministic: config.deterministic,
            threads: config.threads,
            device: config.device.clone(),
            limit: config.limit,
            timeout_seconds: jobs.iter().map(|j| j.timeout.as_secs()).max().unwrap_or(0),
            process_env: runner::PROCESS_ENV
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect(),
            python: config.python.display().to_string(),
            data: config.data.display().to_string(),
            output: out.display().to_string(),
        },
        environment,
        compile,
        runs,
        comparisons,
        aggregate,
        failures,
        verdict: String::new(),
    };
    results.verdict = verdict::verdict(&results, &targets::checks(&results));
    write_outputs(&results, out)?;
    Ok(results)
}

/// Compiles every model for every backend, timing the phases, and writes the generated and
/// the hand-written scripts into the output directory.
fn compile_all(config: &Config, progress: &Progress) -> Result<Vec<CompileTiming>, SetupError> {
    let out = &config.output;
    let mut compile = Vec::new();
    for &model in &config.models {
        for &backend in &config.backends {
            let compiled = compile::compile(model, backend, config.compile_samples)
                .map_err(SetupError::Compile)?;
            let dir = out.join(script_dir(Side::Generated, backend));
            std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
            write(&dir.join(format!("{}.py", model.name())), &compiled.script)?;
            progress.note(&format!(
                "compiled {} for {} in {:.1} µs (median of {})",
                model.name(),
                backend.name(),
                compiled.timing.total_us,
                compiled.timing.samples
            ));
            compile.push(compiled.timing);
        }
    }
    Ok(compile)
}

/// Writes the results JSON, the report and the chart.
pub fn write_outputs(results: &BenchResults, out: &Path) -> Result<(), SetupError> {
    let json =
        serde_json::to_string_pretty(results).map_err(|e| SetupError::Output(e.to_string()))?;
    write(&out.join(RESULTS_FILE), &(json + "\n"))?;
    write(&out.join(REPORT_FILE), &report::render(results))?;
    write(&out.join(report::CHART_FILE), &chart::render(results))
}

fn script_dir(side: Side, backend: Backend) -> String {
    let side = match side {
        Side::Generated => "generated",
        Side::Handwritten => "handwritten",
    };
    format!("scripts/{side}/{}", backend.name())
}

/// The runs in execution order: per model and backend, pairs of generated then hand-written.
fn plan(config: &Config) -> Vec<Job> {
    let mut jobs = Vec::new();
    for &model in &config.models {
        for &backend in &config.backends {
            for pair in 1..=config.repeat {
                for side in [Side::Generated, Side::Handwritten] {
                    jobs.push(Job {
                        model: model.name().to_string(),
                        backend: backend.name().to_string(),
                        side,
                        pair,
                        sequence: jobs.len() as u32 + 1,
                        script: format!("{}/{}.py", script_dir(side, backend), model.name()),
                        timeout: config
                            .timeout
                            .unwrap_or_else(|| default_timeout(model, config.epochs)),
                    });
                }
            }
        }
    }
    jobs
}

/// One line on how a run went.
fn run_line(run: &Run) -> String {
    match (&run.metrics, run.outcome) {
        (Some(m), Outcome::Ok) => format!(
            "training {:.2} s, process {:.1} s, test accuracy {:.4}, peak RSS {:.0} MB",
            m.train_seconds, run.wall_seconds, m.test.accuracy, m.peak_rss_mb
        ),
        _ => format!(
            "FAILED: {} (stderr: {})",
            run.error.as_deref().unwrap_or("failed"),
            run.stderr_log
        ),
    }
}
