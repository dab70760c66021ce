//! The `benchmark_results.json` schema (`neuralc-bench/1`) and the training scripts'
//! metrics JSON (`neuralc-metrics/1`, scripts/TRAINING_CONTRACT.md §3) as serde types.
//!
//! Layout of `benchmark_results.json`:
//!
//! ```text
//! { "schema": "neuralc-bench/1", "neuralc_version", "started_at", "finished_at", "wall_seconds",
//!   "settings":    { models, backends, epochs, repeat, seed, deterministic, threads, device, limit,
//!                    timeout_seconds, process_env, python, data, output },
//!   "environment": { os, cpu_model, cpu_cores, memory_gib, gpus, python_version, numpy_version,
//!                    torch_version, tensorflow_version, keras_version, cuda_available },
//!   "compile":     [ { model, backend, parse_us, validate_us, codegen_us, total_us, samples,
//!                      source_bytes, script_bytes } ],
//!   "runs":        [ { model, backend, side, pair, sequence, script, command, stdout_log,
//!                      stderr_log, wall_seconds, exit_code, outcome, error, stderr_tail,
//!                      metrics: <neuralc-metrics/1 object or null> } ],
//!   "comparisons": [ { model, backend, pairs: [PairComparison], summary: Summary } ],
//!   "aggregate":   [ { scope, pairs, train_time_ratio, epoch_time_ratio, epoch_cpu_ratio,
//!                      peak_rss_ratio, peak_accelerator_ratio, max_abs_accuracy_diff, params_equal,
//!                      losses_identical } ],
//!   "failures", "verdict" }
//! ```
//!
//! Ratios are generated / hand-written; differences are generated − hand-written. The
//! training-time target is judged on `epoch_time_ratio`: the median over the paired epochs
//! (epoch `i` of a generated run over epoch `i` of the hand-written run of the same pair).

use serde::{Deserialize, Serialize};

/// Version tag of `benchmark_results.json`.
pub const SCHEMA: &str = "neuralc-bench/1";
/// Version tag of a training script's metrics file.
pub const METRICS_SCHEMA: &str = "neuralc-metrics/1";

/// Which implementation of a (model, backend) a run used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The script `neuralc compile` produced.
    Generated,
    /// The reference in `scripts/reference/`.
    Handwritten,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Generated => "generated",
            Side::Handwritten => "hand-written",
        }
    }
}

/// How a training process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Exit status 0 and a valid metrics file.
    Ok,
    /// Non-zero exit status, or it could not be started.
    Failed,
    /// Killed after the run's time limit.
    Timeout,
    /// Exit status 0 but the metrics file is missing or does not follow the contract.
    InvalidMetrics,
}

/// Everything the run was configured with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub models: Vec<String>,
    pub backends: Vec<String>,
    pub epochs: u32,
    /// Number of A/B pairs per (model, backend).
    pub repeat: u32,
    pub seed: i64,
    /// `--deterministic` passed to every script.
    pub deterministic: bool,
    /// `--threads` passed to every script (torch intra/interop, TF intra/inter).
    pub threads: u32,
    pub device: String,
    /// `--limit` passed to every script (first N training and test samples).
    pub limit: Option<u64>,
    pub timeout_seconds: u64,
    /// Environment variables set for every training process (`NAME=value`).
    #[serde(default)]
    pub process_env: Vec<String>,
    pub python: String,
    pub data: String,
    pub output: String,
}

/// The machine and the Python stack the numbers were measured on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub os: String,
    pub cpu_model: String,
    /// Logical CPUs available to this process.
    pub cpu_cores: u32,
    pub memory_gib: Option<f64>,
    pub gpus: Vec<String>,
    pub python_version: String,
    pub numpy_version: String,
    pub torch_version: Option<String>,
    pub tensorflow_version: Option<String>,
    pub keras_version: Option<String>,
    pub cuda_available: bool,
}

/// In-process compile timings of one model for one backend (medians, microseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompileTiming {
    pub model: String,
    pub backend: String,
    pub parse_us: f64,
    pub validate_us: f64,
    pub codegen_us: f64,
    /// Median of the per-sample sums (not the sum of the medians).
    pub total_us: f64,
    /// Number of timed repetitions each median is taken over.
    pub samples: u32,
    pub source_bytes: u64,
    pub script_bytes: u64,
}

/// One training process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub model: String,
    pub backend: String,
    pub side: Side,
    /// 1-based pair number.
    pub pair: u32,
    /// 1-based position of this run in the whole benchmark (runs never overlap).
    pub sequence: u32,
    /// The script that ran, relative to the output directory.
    pub script: String,
    pub command: Vec<String>,
    /// Logs relative to the output directory.
    pub stdout_log: String,
    pub stderr_log: String,
    /// Process wall time as seen by neuralc (start-up, imports, data, training, test).
    pub wall_seconds: f64,
    pub exit_code: Option<i32>,
    pub outcome: Outcome,
    /// One line explaining a failure.
    pub error: Option<String>,
    /// The last lines of stderr for a failed run.
    pub stderr_tail: Option<String>,
    pub metrics: Option<Metrics>,
}

/// A training script's metrics file (scripts/TRAINING_CONTRACT.md §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub schema: String,
    pub model: String,
    pub framework: String,
    pub framework_version: String,
    pub python_version: String,
    pub device: String,
    pub threads: Threads,
    pub seed: i64,
    pub deterministic: bool,
    pub params: u64,
    pub data: DataCounts,
    pub epochs: Vec<Epoch>,
    pub train_seconds: f64,
    pub import_seconds: f64,
    pub data_seconds: f64,
    pub test: TestResult,
    pub peak_rss_mb: f64,
    pub peak_accelerator_mb: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Threads {
    pub intra: i64,
    pub inter: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataCounts {
    pub source: String,
    pub train: u64,
    pub val: u64,
    pub test: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epoch {
    pub epoch: u32,
    /// `null` in the metrics when training diverged (non-finite), read as NaN.
    #[serde(deserialize_with = "nan_if_null")]
    pub loss: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub accuracy: f64,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub seconds: f64,
    /// Process CPU time (all threads) over the same span as `seconds`; absent in metrics
    /// written before it was part of the contract.
    #[serde(default)]
    pub cpu_seconds: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    #[serde(deserialize_with = "nan_if_null")]
    pub loss: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub accuracy: f64,
}

/// Generated vs hand-written for one A/B pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairComparison {
    pub pair: u32,
    pub generated_train_seconds: f64,
    pub handwritten_train_seconds: f64,
    pub train_time_ratio: f64,
    /// Epoch `i` of the generated run over epoch `i` of the hand-written run, for every
    /// epoch both runs completed.
    #[serde(default)]
    pub epoch_time_ratios: Vec<f64>,
    /// The same for the epochs' CPU time, where both runs report it.
    #[serde(default)]
    pub epoch_cpu_ratios: Vec<f64>,
    pub generated_peak_rss_mb: f64,
    pub handwritten_peak_rss_mb: f64,
    pub peak_rss_ratio: f64,
    /// Only when both sides report accelerator memory.
    pub peak_accelerator_ratio: Option<f64>,
    pub generated_test_accuracy: f64,
    pub handwritten_test_accuracy: f64,
    pub test_accuracy_diff: f64,
    pub test_loss_diff: f64,
    pub generated_params: u64,
    pub handwritten_params: u64,
    pub params_equal: bool,
    /// Every epoch's training loss equal bit for bit.
    pub losses_identical: bool,
    /// First epoch (1-based) whose training losses differ.
    pub first_differing_epoch: Option<u32>,
    /// Largest |generated − hand-written| over the epochs' training losses.
    pub max_abs_loss_diff: f64,
}

/// Medians over the pairs of one (model, backend).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub pairs: u32,
    pub train_time_ratio: f64,
    pub train_time_ratio_min: f64,
    pub train_time_ratio_max: f64,
    /// Median of the paired epoch ratios of every pair (the training-time target statistic:
    /// a spike in one epoch moves one sample, not a whole run).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_time_ratio: f64,
    /// First and third quartile of the paired epoch ratios.
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_time_ratio_q1: f64,
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_time_ratio_q3: f64,
    /// Number of paired epoch ratios.
    #[serde(default)]
    pub epoch_time_samples: u32,
    /// Median and quartiles of the paired epoch CPU-time ratios (NaN where the runs did not
    /// report CPU time).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_cpu_ratio: f64,
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_cpu_ratio_q1: f64,
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_cpu_ratio_q3: f64,
    pub peak_rss_ratio: f64,
    pub peak_accelerator_ratio: Option<f64>,
    pub generated_train_seconds: f64,
    pub handwritten_train_seconds: f64,
    pub generated_peak_rss_mb: f64,
    pub handwritten_peak_rss_mb: f64,
    pub generated_test_accuracy: f64,
    pub handwritten_test_accuracy: f64,
    pub test_accuracy_diff: f64,
    pub test_loss_diff: f64,
    pub params: u64,
    pub params_equal: bool,
    pub losses_identical: bool,
    /// Whether every rerun of the same script (across pairs) gave bit-identical per-epoch
    /// losses; `None` with a single pair.
    pub reruns_identical: Option<bool>,
    /// Median seconds of one training epoch (hand-written side), for the compile-overhead share.
    pub epoch_seconds: f64,
}

/// All pairs of one (model, backend).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub model: String,
    pub backend: String,
    pub pairs: Vec<PairComparison>,
    /// `None` when no pair had two successful runs.
    pub summary: Option<Summary>,
}

/// Medians over every pair in a scope (`all`, or one backend).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub scope: String,
    pub pairs: u32,
    pub train_time_ratio: f64,
    /// Median of every paired epoch ratio in the scope.
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_time_ratio: f64,
    /// Median of every paired epoch CPU-time ratio in the scope.
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub epoch_cpu_ratio: f64,
    pub peak_rss_ratio: f64,
    pub peak_accelerator_ratio: Option<f64>,
    pub max_abs_accuracy_diff: f64,
    pub params_equal: bool,
    pub losses_identical: bool,
}

fn nan() -> f64 {
    f64::NAN
}

/// serde_json writes a NaN as `null`; read it back as NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

/// The whole `benchmark_results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResults {
    pub schema: String,
    pub neuralc_version: String,
    pub started_at: String,
    pub finished_at: String,
    pub wall_seconds: f64,
    pub settings: Settings,
    pub environment: Environment,
    pub compile: Vec<CompileTiming>,
    pub runs: Vec<Run>,
    pub comparisons: Vec<Comparison>,
    pub aggregate: Vec<Aggregate>,
    /// Runs that failed, timed out or wrote no valid metrics.
    pub failures: u32,
    pub verdict: String,
}

impl Metrics {
    /// Parses a metrics file and checks what the comparison relies on.
    pub fn parse(text: &str) -> Result<Metrics, String> {
        let metrics: Metrics =
            serde_json::from_str(text).map_err(|e| format!("metrics JSON does not parse: {e}"))?;
        if metrics.schema != METRICS_SCHEMA {
            return Err(format!(
                "metrics schema is `{}`, expected `{METRICS_SCHEMA}`",
                metrics.schema
            ));
        }
        if metrics.epochs.is_empty() {
            return Err("metrics contain no epochs".to_string());
        }
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::Aggregate;

    #[test]
    fn a_diverged_run_reads_back_with_nan_losses() {
        let epoch: super::Epoch = serde_json::from_str(
            r#"{"epoch": 1, "loss": null, "accuracy": 0.1, "val_loss": null,
                "val_accuracy": null, "seconds": 1.0}"#,
        )
        .expect("null loss");
        assert!(epoch.loss.is_nan());
        let test: super::TestResult =
            serde_json::from_str(r#"{"loss": null, "accuracy": null}"#).expect("null test");
        assert!(test.loss.is_nan() && test.accuracy.is_nan());
    }

    #[test]
    fn a_ratio_that_could_not_be_measured_round_trips_as_nan() {
        let aggregate = Aggregate {
            scope: "all".into(),
            pairs: 1,
            train_time_ratio: 1.0,
            epoch_time_ratio: 1.0,
            epoch_cpu_ratio: f64::NAN,
            peak_rss_ratio: 1.0,
            peak_accelerator_ratio: None,
            max_abs_accuracy_diff: 0.0,
            params_equal: true,
            losses_identical: true,
        };
        let json = serde_json::to_string(&aggregate).unwrap();
        assert!(json.contains("\"epoch_cpu_ratio\":null"), "{json}");
        let back: Aggregate = serde_json::from_str(&json).unwrap();
        assert!(back.epoch_cpu_ratio.is_nan());
        assert_eq!(back.epoch_time_ratio, 1.0);
        // Results written before the field existed still parse.
        let old = json.replace("\"epoch_cpu_ratio\":null,", "");
        let back: Aggregate = serde_json::from_str(&old).unwrap();
        assert!(back.epoch_cpu_ratio.is_nan());
    }
}
