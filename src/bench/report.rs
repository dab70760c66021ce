//! `benchmark_report.md`: environment, compile overhead, per-model tables, aggregate,
//! targets, verdict, failed runs and the list of every run, all from [`BenchResults`].

use crate::bench::results::{BenchResults, Comparison, Epoch, Metrics, Outcome, Run, Side};
use crate::bench::stats;
use crate::bench::targets::{self, Check};
use std::fmt::Write;

/// File name of the chart the report links to.
pub const CHART_FILE: &str = "benchmark_chart.svg";

/// Renders the whole report.
pub fn render(results: &BenchResults) -> String {
    let checks = targets::checks(results);
    let mut md = String::new();
    header(&mut md, results);
    let _ = writeln!(md, "## Verdict\n\n{}\n", results.verdict);
    let _ = writeln!(
        md,
        "![Training time and peak memory, generated vs hand-written]({CHART_FILE})\n"
    );
    environment(&mut md, results);
    compile(&mut md, results);
    per_model(&mut md, results);
    aggregate(&mut md, results);
    target_table(&mut md, &checks);
    failures(&mut md, results);
    run_list(&mut md, results);
    md
}

/// `1.004`, or `–` for a missing or undefined value.
fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "–".to_string()
    }
}

/// `225034` → `225,034`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as `0.0123 %`, or `–`.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "–".to_string(),
        |s| format!("{} %", targets::significant(s * 100.0)),
    )
}

fn signed(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:+.digits$}")
    } else {
        "–".to_string()
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "–".to_string(), |v| num(v, digits))
}

fn header(md: &mut String, r: &BenchResults) {
    let s = &r.settings;
    let _ = writeln!(
        md,
        "# neuralc benchmark: generated vs hand-written training scripts\n"
    );
    let _ = writeln!(
        md,
        "Measured {} to {} ({:.1} min) by neuralc {}. Every figure below is measured; nothing is \
         estimated.\n",
        r.started_at,
        r.finished_at,
        r.wall_seconds / 60.0,
        r.neuralc_version
    );
    let env = if s.process_env.is_empty() {
        String::new()
    } else {
        let vars: Vec<String> = s.process_env.iter().map(|v| format!("`{v}`")).collect();
        format!(
            " Every training process, on both sides, ran with {}.",
            vars.join(", ")
        )
    };
    let limit = s
        .limit
        .map(|n| format!("first {n} training and {n} test samples of MNIST"))
        .unwrap_or_else(|| {
            "full MNIST (60,000 training images, of which 20 % validation; 10,000 test)".into()
        });
    let _ = writeln!(
        md,
        "Settings: {} epoch{} per run; {} A/B pair{} per model and backend, run one at a time in the order \
         generated, hand-written, generated, …; seed {}{}; `--threads {}` on both sides; device `{}`; {limit}.{env}\n",
        s.epochs,
        if s.epochs == 1 { "" } else { "s" },
        s.repeat,
        if s.repeat == 1 { "" } else { "s" },
        s.seed,
        if s.deterministic {
            ", `--deterministic`"
        } else {
            ""
        },
        s.threads,
        s.device
    );
}

fn environment(md: &mut String, r: &BenchResults) {
    let e = &r.environment;
    let gpus = if e.gpus.is_empty() {
        "none".to_string()
    } else {
        e.gpus.join(", ")
    };
    let _ = writeln!(md, "## Environment\n\n| | |\n|---|---|");
    let _ = writeln!(
        md,
        "| CPU | {} ({} logical cores) |",
        e.cpu_model, e.cpu_cores
    );
    if let Some(gib) = e.memory_gib {
        let _ = writeln!(md, "| Memory | {gib:.1} GiB |");
    }
    let _ = writeln!(md, "| GPU | {gpus} |");
    let _ = writeln!(md, "| OS | {} |", e.os);
    let _ = writeln!(
        md,
        "| Python | {} (numpy {}) |",
        e.python_version, e.numpy_version
    );
    if let Some(v) = &e.torch_version {
        let _ = writeln!(md, "| PyTorch | {v} |");
    }
    if let Some(v) = &e.tensorflow_version {
        let keras = e.keras_version.as_deref().unwrap_or("?");
        let _ = writeln!(md, "| TensorFlow / Keras | {v} / {keras} |");
    }
    let _ = writeln!(md);
}

fn compile(md: &mut String, r: &BenchResults) {
    let _ = writeln!(md, "## Compile overhead\n");
    if r.compile.is_empty() {
        let _ = writeln!(md, "Not measured.\n");
        return;
    }
    let samples = r.compile.iter().map(|c| c.samples).max().unwrap_or(0);
    let _ = writeln!(
        md,
        "In-process, median of {samples} repetitions each, microseconds. The share compares the total \
         with the median hand-written training epoch of the same model and backend.\n"
    );
    let _ = writeln!(
        md,
        "| model | backend | parse µs | validate µs | codegen µs | total µs | share of one epoch |\n\
         |---|---|---:|---:|---:|---:|---:|"
    );
    for c in &r.compile {
        let share = percent(targets::compile_share(r, c));
        let _ = writeln!(
            md,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {share} |",
            c.model, c.backend, c.parse_us, c.validate_us, c.codegen_us, c.total_us
        );
    }
    let _ = writeln!(md);
}

/// One value of every epoch of a run, where the epoch has it.
fn epoch_values(m: &Metrics, f: fn(&Epoch) -> Option<f64>) -> Vec<f64> {
    m.epochs.iter().filter_map(f).collect()
}

fn per_model(md: &mut String, r: &BenchResults) {
    let _ = writeln!(
        md,
        "## Per-model results\n\nOne table per model and backend: medians over the pairs (each value of a \
         side is the median of that side's runs; ratios and differences are medians of the per-pair \
         values, generated vs hand-written). The training-time target is judged on the epoch-time \
         ratio: the median over every paired epoch (epoch i of a generated run over epoch i of the \
         hand-written run of the same pair), shown with its quartiles (in bold: the clock the target is judged on), on the epochs' CPU time \
         when both sides trained on the CPU (wall-clock time on this kind of VM swings with \
         scheduling while CPU time follows the work), on wall-clock time otherwise.\n"
    );
    for c in &r.comparisons {
        let _ = writeln!(md, "### {} – {}\n", c.model, c.backend);
        let Some(s) = &c.summary else {
            let _ = writeln!(md, "No completed pair (see “Failed runs”).\n");
            continue;
        };
        let side = |side: Side, f: fn(&Metrics) -> Option<f64>| -> Option<f64> {
            let values: Vec<f64> = r
                .runs
                .iter()
                .filter(|run| run.model == c.model && run.backend == c.backend && run.side == side)
                .filter(|run| run.outcome == Outcome::Ok)
                .filter_map(|run| f(run.metrics.as_ref()?))
                .collect();
            stats::median(&values)
        };
        let both = |f: fn(&Metrics) -> Option<f64>, digits: usize| {
            (
                opt(side(Side::Generated, f), digits),
                opt(side(Side::Handwritten, f), digits),
            )
        };
        let _ = writeln!(
            md,
            "| | generated | hand-written | generated vs hand-written |\n|---|---:|---:|---:|"
        );
        if let Some(t) = r
            .compile
            .iter()
            .find(|t| t.model == c.model && t.backend == c.backend)
        {
            let _ = writeln!(
                md,
                "| compile overhead (parse + validate + codegen) | {:.1} µs | – | {} of one epoch |",
                t.total_us,
                percent(targets::compile_share(r, t))
            );
        }
        let range = if s.pairs > 1 {
            format!(
                " (range {}–{})",
                num(s.train_time_ratio_min, 3),
                num(s.train_time_ratio_max, 3)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "| training time, s | {} | {} | ratio {}{range} |",
            num(s.generated_train_seconds, 2),
            num(s.handwritten_train_seconds, 2),
            num(s.train_time_ratio, 3)
        );
        let judged = targets::time_basis(r, c).map(|(basis, _)| basis);
        let epoch_row =
            |md: &mut String, label: &str, basis: &str, per_side: (String, String), q: [f64; 3]| {
                let mark = if judged == Some(basis) { "**" } else { "" };
                let _ = writeln!(
                    md,
                    "| {label} | {} | {} | ratio {mark}{}{mark} (quartiles {}–{}) |",
                    per_side.0,
                    per_side.1,
                    num(q[1], 3),
                    num(q[0], 3),
                    num(q[2], 3)
                );
            };
        epoch_row(
            md,
            &format!(
                "epoch time, s (median of {} paired epochs)",
                s.epoch_time_samples
            ),
            "wall-clock",
            both(|m| stats::median(&epoch_values(m, |e| Some(e.seconds))), 2),
            [
                s.epoch_time_ratio_q1,
                s.epoch_time_ratio,
                s.epoch_time_ratio_q3,
            ],
        );
        if s.epoch_cpu_ratio.is_finite() {
            epoch_row(
                md,
                "epoch CPU time, s (all threads)",
                "CPU",
                both(|m| stats::median(&epoch_values(m, |e| e.cpu_seconds)), 2),
                [
                    s.epoch_cpu_ratio_q1,
                    s.epoch_cpu_ratio,
                    s.epoch_cpu_ratio_q3,
                ],
            );
        }
        if r.settings.epochs > 1 {
            let (g, h) = both(|m| Some(m.epochs.first()?.seconds), 2);
            let _ = writeln!(
                md,
                "| first epoch, s (Keras: includes tracing) | {g} | {h} | |"
            );
        }
        let (g, h) = both(|m| Some(m.import_seconds + m.data_seconds), 2);
        let _ = writeln!(md, "| imports + data preparation, s | {g} | {h} | |");
        let _ = writeln!(
            md,
            "| peak RSS, MB | {} | {} | ratio **{}** |",
            num(s.generated_peak_rss_mb, 1),
            num(s.handwritten_peak_rss_mb, 1),
            num(s.peak_rss_ratio, 3)
        );
        if s.peak_accelerator_ratio.is_some() {
            let (g, h) = both(|m| m.peak_accelerator_mb, 1);
            let _ = writeln!(
                md,
                "| peak accelerator memory, MB | {g} | {h} | ratio **{}** |",
                opt(s.peak_accelerator_ratio, 3)
            );
        }
        let _ = writeln!(
            md,
            "| test accuracy | {} | {} | **{}** |",
            num(s.generated_test_accuracy, 4),
            num(s.handwritten_test_accuracy, 4),
            signed(s.test_accuracy_diff, 4)
        );
        let (g, h) = both(|m| Some(m.test.loss), 4);
        let _ = writeln!(
            md,
            "| test loss | {g} | {h} | {} |",
            signed(s.test_loss_diff, 4)
        );
        let (g, h) = both(|m| Some(m.epochs.last()?.loss), 4);
        let _ = writeln!(
            md,
            "| final training loss | {g} | {h} | {} |",
            if s.losses_identical {
                "bit-identical every epoch"
            } else {
                "**differs**"
            }
        );
        let _ = writeln!(
            md,
            "| parameters | {} | {} | {} |\n",
            thousands(c.pairs[0].generated_params),
            thousands(c.pairs[0].handwritten_params),
            if s.params_equal {
                "equal"
            } else {
                "**differ**"
            }
        );
        if let Some(line) = loss_line(c) {
            let _ = writeln!(md, "Per-epoch training losses: {line}");
        }
        match s.reruns_identical {
            Some(true) => {
                let _ = writeln!(md, "Reruns of each script across the pairs: bit-identical.");
            }
            Some(false) => {
                let _ = writeln!(
                    md,
                    "Reruns of each script across the pairs: **not** bit-identical."
                );
            }
            None => {}
        }
        let _ = writeln!(md);
    }
}

/// Whether the per-epoch losses matched, in words.
fn loss_line(c: &Comparison) -> Option<String> {
    let s = c.summary.as_ref()?;
    if s.losses_identical {
        return Some(format!(
            "bit-identical in {} of {} pair{}.",
            c.pairs.len(),
            c.pairs.len(),
            if c.pairs.len() == 1 { "" } else { "s" }
        ));
    }
    let worst = c
        .pairs
        .iter()
        .map(|p| p.max_abs_loss_diff)
        .fold(0.0, f64::max);
    let first = c
        .pairs
        .iter()
        .filter_map(|p| p.first_differing_epoch)
        .min()
        .unwrap_or(1);
    let same = c.pairs.iter().filter(|p| p.losses_identical).count();
    Some(format!(
        "**differ** (identical in {same} of {} pairs; first difference at epoch {first}; largest \
         difference {worst:.3e}).",
        c.pairs.len()
    ))
}

fn aggregate(md: &mut String, r: &BenchResults) {
    let _ = writeln!(md, "## Aggregate\n");
    if r.aggregate.is_empty() {
        let _ = writeln!(md, "No completed pairs.\n");
        return;
    }
    let _ = writeln!(
        md,
        "Medians over every pair in scope (the epoch-time ratio: over every paired epoch); ratios \
         are generated / hand-written.\n\n\
         | scope | pairs | training-time ratio | epoch-time ratio | epoch CPU-time ratio | peak-RSS ratio | accel.-memory ratio | max abs test-accuracy diff | params equal | losses identical |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    );
    for a in &r.aggregate {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            a.scope,
            a.pairs,
            num(a.train_time_ratio, 3),
            num(a.epoch_time_ratio, 3),
            num(a.epoch_cpu_ratio, 3),
            num(a.peak_rss_ratio, 3),
            opt(a.peak_accelerator_ratio, 3),
            num(a.max_abs_accuracy_diff, 4),
            yes_no(a.params_equal),
            yes_no(a.losses_identical)
        );
    }
    let _ = writeln!(md);
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn target_table(md: &mut String, checks: &[Check]) {
    let _ = writeln!(
        md,
        "## Targets\n\n| target | required | measured | met |\n|---|---|---|---|"
    );
    for c in checks {
        let met = match c.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "not applicable",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {met} |",
            c.target, c.required, c.measured
        );
    }
    let _ = writeln!(md);
}

fn failures(md: &mut String, r: &BenchResults) {
    let failed: Vec<&Run> = r
        .runs
        .iter()
        .filter(|run| run.outcome != Outcome::Ok)
        .collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Failed runs\n");
    for run in failed {
        let _ = writeln!(
            md,
            "### Run {}: {} / {} / {}, pair {}\n\n{} (logs: `{}`, `{}`).\n",
            run.sequence,
            run.model,
            run.backend,
            run.side.label(),
            run.pair,
            run.error.as_deref().unwrap_or("failed"),
            run.stdout_log,
            run.stderr_log
        );
        if let Some(tail) = &run.stderr_tail {
            let _ = writeln!(md, "```text\n{tail}\n```\n");
        }
    }
}

fn run_list(md: &mut String, r: &BenchResults) {
    let _ = writeln!(
        md,
        "## All runs\n\nIn execution order; raw metrics of each run are in `benchmark_results.json`.\n\n\
         | # | model | backend | script | pair | threads (intra/inter) | process s | training s | epoch losses | test accuracy | peak RSS MB | outcome |\n\
         |---:|---|---|---|---:|---|---:|---:|---|---:|---:|---|"
    );
    for run in &r.runs {
        let m = run.metrics.as_ref();
        let losses = m.map_or_else(
            || "–".to_string(),
            |m| {
                m.epochs
                    .iter()
                    .map(|e| format!("{:.4}", e.loss))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        let outcome = match run.outcome {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Timeout => "timeout",
            Outcome::InvalidMetrics => "invalid metrics",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {:.1} | {} | {losses} | {} | {} | {outcome} |",
            run.sequence,
            run.model,
            run.backend,
            run.side.label(),
            run.pair,
            m.map_or_else(
                || "–".to_string(),
                |m| format!("{}/{}", m.threads.intra, m.threads.inter)
            ),
            run.wall_seconds,
            opt(m.map(|m| m.train_seconds), 2),
            opt(m.map(|m| m.test.accuracy), 4),
            opt(m.map(|m| m.peak_rss_mb), 1),
        );
    }
}
