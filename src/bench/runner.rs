//! Running one training script as a Python process through duct: fixed arguments, a time
//! limit, stdout/stderr kept as log files, the metrics file read back into a [`Run`].

use crate::bench::progress::Progress;
use crate::bench::results::{Metrics, Outcome, Run, Side};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a running script's stdout log is looked at for epoch lines.
const POLL: Duration = Duration::from_millis(500);
/// Lines of stderr kept in the results for a failed run.
const STDERR_TAIL_LINES: usize = 15;

/// Environment variables every training process gets, on both sides alike (recorded in the
/// results' settings).
///
/// No malloc settings: every script tunes glibc's malloc itself at start-up
/// (scripts/TRAINING_CONTRACT.md §2.1), so the benchmark times exactly what a plain
/// `python model.py` does; a `MALLOC_*_` variable here would replace the scripts' own tuning.
pub const PROCESS_ENV: &[(&str, &str)] = &[
    ("TF_CPP_MIN_LOG_LEVEL", "2"),
    ("PYTHONUNBUFFERED", "1"),
    ("PYTHONHASHSEED", "0"),
];

/// Arguments every script of one benchmark gets (scripts/TRAINING_CONTRACT.md §1).
#[derive(Debug, Clone)]
pub struct ScriptArgs {
    pub data: PathBuf,
    pub epochs: u32,
    pub seed: i64,
    pub deterministic: bool,
    pub threads: u32,
    pub device: String,
    pub limit: Option<u64>,
}

/// One training process to run.
#[derive(Debug, Clone)]
pub struct Job {
    pub model: String,
    pub backend: String,
    pub side: Side,
    pub pair: u32,
    pub sequence: u32,
    /// The script, relative to the output directory.
    pub script: String,
    pub timeout: Duration,
}

impl Job {
    /// File-name stem of this run's logs and metrics: `03-cnn-pytorch-generated-pair1`.
    pub fn stem(&self) -> String {
        format!(
            "{:02}-{}-{}-{:?}-pair{}",
            self.sequence, self.model, self.backend, self.side, self.pair
        )
        .to_lowercase()
    }
}

/// Runs the job with `python` from inside `out_dir` and reports how it went; never fails:
/// problems become the run's outcome and error line.
pub fn run(
    job: &Job,
    python: &Path,
    args: &ScriptArgs,
    out_dir: &Path,
    progress: &Progress,
) -> Run {
    let stem = job.stem();
    let stdout_log = format!("runs/{stem}.stdout.log");
    let stderr_log = format!("runs/{stem}.stderr.log");
    let metrics_file = format!("runs/{stem}.metrics.json");
    let metrics_path = out_dir.join(&metrics_file);
    let _ = std::fs::remove_file(&metrics_path);
    let mut command = vec![
        python.display().to_string(),
        job.script.clone(),
        "--data".into(),
        args.data.display().to_string(),
        "--epochs".into(),
        args.epochs.to_string(),
        "--seed".into(),
        args.seed.to_string(),
        "--threads".into(),
        args.threads.to_string(),
        "--device".into(),
        args.device.clone(),
        "--metrics-out".into(),
        metrics_file.clone(),
    ];
    if args.deterministic {
        command.push("--deterministic".into());
    }
    if let Some(limit) = args.limit {
        command.extend(["--limit".into(), limit.to_string()]);
    }
    let mut run = Run {
        model: job.model.clone(),
        backend: job.backend.clone(),
        side: job.side,
        pair: job.pair,
        sequence: job.sequence,
        script: job.script.clone(),
        command: command.clone(),
        stdout_log: stdout_log.clone(),
        stderr_log: stderr_log.clone(),
        wall_seconds: 0.0,
        exit_code: None,
        outcome: Outcome::Failed,
        error: None,
        stderr_tail: None,
        metrics: None,
    };
    let expression = PROCESS_ENV
        .iter()
        .fold(
            duct::cmd(&command[0], &command[1..]),
            |cmd, (name, value)| cmd.env(name, value),
        )
        .dir(out_dir)
        .stdin_null()
        .stdout_path(out_dir.join(&stdout_log))
        .stderr_path(out_dir.join(&stderr_log))
        .unchecked();
    let started = Instant::now();
    let handle = match expression.start() {
        Ok(h) => h,
        Err(e) => {
            run.error = Some(format!("cannot start `{}`: {e}", command[0]));
            return run;
        }
    };
    let deadline = started + job.timeout;
    let mut epochs_seen = 0;
    let status = loop {
        match handle.wait_timeout(POLL) {
            Ok(Some(output)) => break Ok(output.status),
            Ok(None) => {}
            Err(e) => break Err(e.to_string()),
        }
        let seen = epochs_logged(&out_dir.join(&stdout_log));
        if seen != epochs_seen {
            epochs_seen = seen;
            progress.epoch(seen, args.epochs);
        }
        if Instant::now() >= deadline {
            let _ = handle.kill();
            let _ = handle.wait();
            run.wall_seconds = started.elapsed().as_secs_f64();
            run.outcome = Outcome::Timeout;
            run.error = Some(format!(
                "killed after the time limit of {} s (after {epochs_seen} of {} epochs)",
                job.timeout.as_secs(),
                args.epochs
            ));
            run.stderr_tail = stderr_tail(&out_dir.join(&stderr_log));
            return run;
        }
    };
    run.wall_seconds = started.elapsed().as_secs_f64();
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            run.error = Some(format!("waiting for the script failed: {e}"));
            return run;
        }
    };
    run.exit_code = status.code();
    if !status.success() {
        run.error = Some(match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "killed by a signal".to_string(),
        });
        run.stderr_tail = stderr_tail(&out_dir.join(&stderr_log));
        return run;
    }
    match std::fs::read_to_string(&metrics_path)
        .map_err(|e| format!("no metrics file `{metrics_file}`: {e}"))
        .and_then(|text| Metrics::parse(&text))
    {
        Ok(metrics) => {
            run.outcome = Outcome::Ok;
            run.metrics = Some(metrics);
        }
        Err(e) => {
            run.outcome = Outcome::InvalidMetrics;
            run.error = Some(e);
            run.stderr_tail = stderr_tail(&out_dir.join(&stderr_log));
        }
    }
    run
}

/// Number of `epoch k/n` lines a script has printed so far.
fn epochs_logged(stdout_log: &Path) -> u32 {
    std::fs::read_to_string(stdout_log)
        .map(|text| text.lines().filter(|l| l.starts_with("epoch ")).count() as u32)
        .unwrap_or(0)
}

/// The last non-empty lines of a stderr log, or `None` when it is empty.
pub fn stderr_tail(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n");
    (!tail.is_empty()).then_some(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_name_sequence_model_backend_side_and_pair() {
        let job = Job {
            model: "cnn".into(),
            backend: "pytorch".into(),
            side: Side::Handwritten,
            pair: 2,
            sequence: 7,
            script: "scripts/handwritten/pytorch/cnn.py".into(),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(job.stem(), "07-cnn-pytorch-handwritten-pair2");
    }

    #[test]
    fn stderr_tail_keeps_the_last_non_empty_lines() {
        let path = std::env::temp_dir().join(format!("neuralc-tail-{}.log", std::process::id()));
        let text: String = (1..=20).map(|i| format!("line {i}\n\n")).collect();
        std::fs::write(&path, text).unwrap();
        let tail = stderr_tail(&path).unwrap();
        assert_eq!(tail.lines().count(), STDERR_TAIL_LINES);
        assert!(tail.starts_with("line 6\n") && tail.ends_with("line 20"));
        std::fs::write(&path, "\n \n").unwrap();
        assert_eq!(stderr_tail(&path), None);
        let _ = std::fs::remove_file(&path);
    }
}
