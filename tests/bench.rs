//! Tests of `neuralc bench`: statistics, report, chart and JSON on metrics files recorded
//! from real trainings (tests/data/bench); the binary itself is tested in `bench/cli.rs`.

use neuralc::bench::results::{
    BenchResults, Comparison, Environment, Metrics, Outcome, Run, SCHEMA, Settings, Side,
};
use neuralc::bench::{chart, report, stats, targets, verdict};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bench")
}

/// A recorded metrics file: `<backend>_simple_mlp_<variant>.metrics.json`
/// (2 epochs, first 3000 samples, `--threads 2`; `seed0_a`/`seed0_b` are reruns, `seed1` another seed).
fn recorded(backend: &str, variant: &str) -> Metrics {
    let path = data_dir().join(format!("{backend}_simple_mlp_{variant}.metrics.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Metrics::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(backend: &str, side: Side, pair: u32, metrics: Option<Metrics>) -> Run {
    let outcome = if metrics.is_some() {
        Outcome::Ok
    } else {
        Outcome::Failed
    };
    Run {
        model: "simple_mlp".into(),
        backend: backend.into(),
        side,
        pair,
        sequence: 0,
        script: format!("scripts/{side:?}/{backend}/simple_mlp.py").to_lowercase(),
        command: vec!["python".into()],
        stdout_log: "runs/x.stdout.log".into(),
        stderr_log: "runs/x.stderr.log".into(),
        wall_seconds: 5.0,
        exit_code: Some(if metrics.is_some() { 0 } else { 1 }),
        outcome,
        error: metrics
            .is_none()
            .then(|| "exited with status 1".to_string()),
        stderr_tail: metrics.is_none().then(|| {
            "Traceback (most recent call last):\nRuntimeError: recorded crash".to_string()
        }),
        metrics,
    }
}

/// Results as `bench::run` assembles them, from the given runs.
fn results(runs: Vec<Run>, backends: &[&str]) -> BenchResults {
    let mut runs = runs;
    for (i, r) in runs.iter_mut().enumerate() {
        r.sequence = i as u32 + 1;
    }
    let backends: Vec<String> = backends.iter().map(|b| b.to_string()).collect();
    let comparisons: Vec<Comparison> = backends
        .iter()
        .map(|b| stats::compare(&runs, "simple_mlp", b))
        .collect();
    let failures = runs.iter().filter(|r| r.outcome != Outcome::Ok).count() as u32;
    let mut results = BenchResults {
        schema: SCHEMA.into(),
        neuralc_version: "test".into(),
        started_at: "2026-11-27T16:40:14Z".into(),
        finished_at: "2026-11-27T16:41:14Z".into(),
        wall_seconds: 60.0,
        settings: Settings {
            models: vec!["simple_mlp".into()],
            backends: backends.clone(),
            epochs: 2,
            repeat: runs.iter().map(|r| r.pair).max().unwrap_or(1),
            seed: 0,
            deterministic: false,
            threads: 2,
            device: "cpu".into(),
            limit: Some(3000),
            timeout_seconds: 300,
            process_env: vec!["PYTHONHASHSEED=0".into()],
            python: "python".into(),
            data: "data/mnist.npz".into(),
            output: "out".into(),
        },
        environment: Environment {
            os: "linux (test)".into(),
            cpu_model: "Test CPU".into(),
            cpu_cores: 2,
            python_version: "3.11.7".into(),
            numpy_version: "2.4.6".into(),
            torch_version: Some("2.15.0+cu132".into()),
            tensorflow_version: Some("2.21.0".into()),
            keras_version: Some("3.15.1".into()),
            ..Environment::default()
        },
        compile: Vec::new(),
        aggregate: stats::aggregates(&comparisons, &backends),
        runs,
        comparisons,
        failures,
        verdict: String::new(),
    };
    results.verdict = verdict::verdict(&results, &targets::checks(&results));
    results
}

#[test]
fn reruns_with_the_same_seed_compare_as_identical() {
    for backend in ["pytorch", "tensorflow"] {
        let (a, b) = (recorded(backend, "seed0_a"), recorded(backend, "seed0_b"));
        let p = stats::compare_pair(1, &a, &b);
        assert!(p.losses_identical, "{backend}");
        assert_eq!(p.first_differing_epoch, None);
        assert_eq!(p.max_abs_loss_diff, 0.0);
        assert!(p.params_equal);
        assert_eq!(p.generated_params, 101_770);
        assert_eq!(p.test_accuracy_diff, 0.0);
        assert_eq!(p.train_time_ratio, a.train_seconds / b.train_seconds);
        assert_eq!(p.peak_rss_ratio, a.peak_rss_mb / b.peak_rss_mb);
        assert_eq!(p.peak_accelerator_ratio, None);
    }
}

#[test]
fn another_seed_differs_from_the_first_epoch() {
    for backend in ["pytorch", "tensorflow"] {
        let (g, h) = (recorded(backend, "seed1"), recorded(backend, "seed0_a"));
        let p = stats::compare_pair(1, &g, &h);
        assert!(!p.losses_identical, "{backend}");
        assert_eq!(p.first_differing_epoch, Some(1));
        let expected = g
            .epochs
            .iter()
            .zip(&h.epochs)
            .map(|(x, y)| (x.loss - y.loss).abs())
            .fold(0.0, f64::max);
        assert_eq!(p.max_abs_loss_diff, expected);
        assert!(p.max_abs_loss_diff > 0.0);
        assert_eq!(p.test_accuracy_diff, g.test.accuracy - h.test.accuracy);
        assert_eq!(p.test_loss_diff, g.test.loss - h.test.loss);
    }
}

#[test]
fn an_epoch_missing_on_one_side_counts_as_a_difference() {
    let h = recorded("pytorch", "seed0_a");
    let mut g = h.clone();
    g.epochs.pop();
    let p = stats::compare_pair(1, &g, &h);
    assert!(!p.losses_identical);
    assert_eq!(p.first_differing_epoch, Some(2));
}

#[test]
fn summaries_are_medians_over_the_pairs() {
    let (a, b, s1) = (
        recorded("pytorch", "seed0_a"),
        recorded("pytorch", "seed0_b"),
        recorded("pytorch", "seed1"),
    );
    let runs = vec![
        run("pytorch", Side::Generated, 1, Some(a.clone())),
        run("pytorch", Side::Handwritten, 1, Some(b.clone())),
        run("pytorch", Side::Generated, 2, Some(b.clone())),
        run("pytorch", Side::Handwritten, 2, Some(a.clone())),
        run("pytorch", Side::Generated, 3, Some(s1.clone())),
        run("pytorch", Side::Handwritten, 3, Some(a.clone())),
    ];
    let c = stats::compare(&runs, "simple_mlp", "pytorch");
    assert_eq!(c.pairs.len(), 3);
    let s = c.summary.expect("summary");
    let mut ratios = [
        a.train_seconds / b.train_seconds,
        b.train_seconds / a.train_seconds,
        s1.train_seconds / a.train_seconds,
    ];
    ratios.sort_by(f64::total_cmp);
    assert_eq!(s.train_time_ratio, ratios[1]);
    assert_eq!(s.train_time_ratio_min, ratios[0]);
    assert_eq!(s.train_time_ratio_max, ratios[2]);
    // The target statistic pairs epoch i with epoch i within each pair: 3 pairs × 2 epochs.
    let pairs = [(&a, &b), (&b, &a), (&s1, &a)];
    let mut epoch_ratios: Vec<f64> = pairs
        .iter()
        .flat_map(|(g, h)| {
            g.epochs
                .iter()
                .zip(&h.epochs)
                .map(|(g, h)| g.seconds / h.seconds)
        })
        .collect();
    assert_eq!(c.pairs[0].epoch_time_ratios, epoch_ratios[..2]);
    epoch_ratios.sort_by(f64::total_cmp);
    assert_eq!(s.epoch_time_samples, 6);
    assert_eq!(
        s.epoch_time_ratio,
        (epoch_ratios[2] + epoch_ratios[3]) / 2.0
    );
    assert_eq!(
        s.epoch_time_ratio_q1,
        epoch_ratios[1] + (epoch_ratios[2] - epoch_ratios[1]) * 0.25
    );
    assert!(!s.losses_identical, "pair 3 used another seed");
    assert_eq!(
        s.reruns_identical,
        Some(false),
        "generated run 3 used another seed"
    );
    let two_pairs = stats::compare(&runs[..4], "simple_mlp", "pytorch");
    assert_eq!(two_pairs.summary.unwrap().reruns_identical, Some(true));
    let one_pair = stats::compare(&runs[..2], "simple_mlp", "pytorch");
    assert_eq!(one_pair.summary.unwrap().reruns_identical, None);
    assert!(s.params_equal);
    let mut epochs: Vec<f64> = [&b, &a, &a]
        .iter()
        .flat_map(|m| m.epochs.iter().map(|e| e.seconds))
        .collect();
    epochs.sort_by(f64::total_cmp);
    assert_eq!(s.epoch_seconds, (epochs[2] + epochs[3]) / 2.0);
}

#[test]
fn pairs_with_a_failed_run_are_left_out() {
    let a = recorded("tensorflow", "seed0_a");
    let runs = vec![
        run("tensorflow", Side::Generated, 1, None),
        run("tensorflow", Side::Handwritten, 1, Some(a.clone())),
        run("tensorflow", Side::Generated, 2, Some(a.clone())),
        run(
            "tensorflow",
            Side::Handwritten,
            2,
            Some(recorded("tensorflow", "seed0_b")),
        ),
    ];
    let c = stats::compare(&runs, "simple_mlp", "tensorflow");
    assert_eq!(c.pairs.iter().map(|p| p.pair).collect::<Vec<_>>(), [2]);
    let only_failed = stats::compare(&runs[..2], "simple_mlp", "tensorflow");
    assert!(only_failed.pairs.is_empty() && only_failed.summary.is_none());
}

#[test]
fn aggregates_cover_each_backend_and_all() {
    let r = results(
        vec![
            run(
                "tensorflow",
                Side::Generated,
                1,
                Some(recorded("tensorflow", "seed0_a")),
            ),
            run(
                "tensorflow",
                Side::Handwritten,
                1,
                Some(recorded("tensorflow", "seed0_b")),
            ),
            run(
                "pytorch",
                Side::Generated,
                1,
                Some(recorded("pytorch", "seed1")),
            ),
            run(
                "pytorch",
                Side::Handwritten,
                1,
                Some(recorded("pytorch", "seed0_a")),
            ),
        ],
        &["tensorflow", "pytorch"],
    );
    let scopes: Vec<&str> = r.aggregate.iter().map(|a| a.scope.as_str()).collect();
    assert_eq!(scopes, ["tensorflow", "pytorch", "all"]);
    let all = &r.aggregate[2];
    assert_eq!(all.pairs, 2);
    assert!(!all.losses_identical);
    assert!(r.aggregate[0].losses_identical);
    let tf = &r.comparisons[0].pairs[0];
    let pt = &r.comparisons[1].pairs[0];
    assert_eq!(
        all.train_time_ratio,
        (tf.train_time_ratio + pt.train_time_ratio) / 2.0
    );
    let mut epochs: Vec<f64> = [tf, pt]
        .iter()
        .flat_map(|p| p.epoch_time_ratios.iter().copied())
        .collect();
    epochs.sort_by(f64::total_cmp);
    assert_eq!(epochs.len(), 4);
    assert_eq!(all.epoch_time_ratio, (epochs[1] + epochs[2]) / 2.0);
    assert_eq!(
        all.max_abs_accuracy_diff,
        pt.test_accuracy_diff.abs().max(tf.test_accuracy_diff.abs())
    );
}

#[test]
fn report_shows_environment_tables_verdict_and_failures() {
    let (a, b) = (
        recorded("pytorch", "seed0_a"),
        recorded("pytorch", "seed0_b"),
    );
    let r = results(
        vec![
            run("pytorch", Side::Generated, 1, Some(a.clone())),
            run("pytorch", Side::Handwritten, 1, Some(b.clone())),
            run("tensorflow", Side::Generated, 1, None),
            run(
                "tensorflow",
                Side::Handwritten,
                1,
                Some(recorded("tensorflow", "seed0_a")),
            ),
        ],
        &["pytorch", "tensorflow"],
    );
    let md = report::render(&r);
    assert!(md.contains("| CPU | Test CPU (2 logical cores) |"), "{md}");
    assert!(md.contains("| PyTorch | 2.15.0+cu132 |"));
    assert!(md.contains("| TensorFlow / Keras | 2.21.0 / 3.15.1 |"));
    assert!(md.contains("(benchmark_chart.svg)"));
    assert!(md.contains(&format!("## Verdict\n\n{}\n", r.verdict)));
    let time_row = format!(
        "| training time, s | {:.2} | {:.2} | ratio {:.3} ",
        a.train_seconds,
        b.train_seconds,
        a.train_seconds / b.train_seconds
    );
    assert!(md.contains(&time_row), "{md}");
    let mut epoch_ratios: Vec<f64> = a
        .epochs
        .iter()
        .zip(&b.epochs)
        .map(|(g, h)| g.seconds / h.seconds)
        .collect();
    epoch_ratios.sort_by(f64::total_cmp);
    let mean_epoch = |m: &Metrics| (m.epochs[0].seconds + m.epochs[1].seconds) / 2.0;
    // Both sides trained on the CPU and report CPU time: the CPU row is the judged (bold) one.
    let epoch_row = format!(
        "| epoch time, s (median of 2 paired epochs) | {:.2} | {:.2} | ratio {:.3} (quartiles {:.3}–{:.3}) |",
        mean_epoch(&a),
        mean_epoch(&b),
        (epoch_ratios[0] + epoch_ratios[1]) / 2.0,
        epoch_ratios[0] * 0.75 + epoch_ratios[1] * 0.25,
        epoch_ratios[0] * 0.25 + epoch_ratios[1] * 0.75,
    );
    assert!(md.contains(&epoch_row), "{md}");
    assert!(md.contains("`PYTHONHASHSEED=0`"), "{md}");
    let cpu = |m: &Metrics| {
        m.epochs
            .iter()
            .map(|e| e.cpu_seconds.unwrap())
            .collect::<Vec<_>>()
    };
    let cpu_row = format!(
        "| epoch CPU time, s (all threads) | {:.2} | {:.2} | ratio **{:.3}** ",
        (cpu(&a)[0] + cpu(&a)[1]) / 2.0,
        (cpu(&b)[0] + cpu(&b)[1]) / 2.0,
        r.comparisons[0].summary.as_ref().unwrap().epoch_cpu_ratio
    );
    assert!(md.contains(&cpu_row), "{md}");
    let rss_row = format!(
        "| peak RSS, MB | {:.1} | {:.1} | ratio **{:.3}** |",
        a.peak_rss_mb,
        b.peak_rss_mb,
        a.peak_rss_mb / b.peak_rss_mb
    );
    assert!(md.contains(&rss_row), "{md}");
    assert!(md.contains("Per-epoch training losses: bit-identical in 1 of 1 pair."));
    assert!(md.contains("### simple_mlp – tensorflow\n\nNo completed pair"));
    assert!(
        md.contains("| 1 | simple_mlp | pytorch | generated | 1 | 2/2 |"),
        "{md}"
    );
    assert!(md.contains("## Failed runs"));
    assert!(md.contains("RuntimeError: recorded crash"));
    assert!(md.contains("| parameters | 101,770 | 101,770 | equal |"));
    assert!(r.verdict.contains("1 of 4 runs failed"), "{}", r.verdict);
    assert!(r.verdict.contains("bit-identical"), "{}", r.verdict);
    // Every table row has as many cells as its header.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let cells: Vec<usize> = table.lines().map(|l| l.matches('|').count()).collect();
        assert!(
            cells.iter().all(|&c| c == cells[0]),
            "ragged table:\n{table}"
        );
    }
}

#[test]
fn verdict_reports_differing_losses_and_missed_targets() {
    let r = results(
        vec![
            run(
                "pytorch",
                Side::Generated,
                1,
                Some(recorded("pytorch", "seed1")),
            ),
            run(
                "pytorch",
                Side::Handwritten,
                1,
                Some(recorded("pytorch", "seed0_a")),
            ),
        ],
        &["pytorch"],
    );
    assert!(
        r.verdict.contains("they differ for simple_mlp/pytorch"),
        "{}",
        r.verdict
    );
    let p = &r.comparisons[0].pairs[0];
    assert!(
        r.verdict
            .contains(&format!("at most {:.4}", p.test_accuracy_diff.abs())),
        "{}",
        r.verdict
    );
    let checks = targets::checks(&r);
    let accuracy = checks
        .iter()
        .find(|c| c.target.contains("accuracy"))
        .unwrap();
    assert_eq!(
        accuracy.met,
        Some(p.test_accuracy_diff.abs() < targets::ACCURACY_DIFF)
    );
    let full = checks
        .iter()
        .find(|c| c.target.contains("full benchmark"))
        .unwrap();
    assert_eq!(
        full.met, None,
        "a 2-epoch run with --limit is not the full benchmark"
    );
}

/// Recorded metrics with five epochs of 1 s wall clock and 2 s CPU time, except the epochs
/// listed in `wall` (epoch, seconds) and `cpu` (epoch, CPU seconds).
fn five_epochs(device: &str, wall: &[(u32, f64)], cpu: Option<&[(u32, f64)]>) -> Metrics {
    let mut m = recorded("pytorch", "seed0_a");
    let template = m.epochs[0].clone();
    let pick = |list: &[(u32, f64)], i: u32, default: f64| {
        list.iter()
            .find(|(e, _)| *e == i)
            .map_or(default, |(_, s)| *s)
    };
    m.epochs = (1..=5)
        .map(|i| {
            let mut e = template.clone();
            e.epoch = i;
            e.seconds = pick(wall, i, 1.0);
            e.cpu_seconds = cpu.map(|c| pick(c, i, 2.0));
            e
        })
        .collect();
    m.train_seconds = m.epochs.iter().map(|e| e.seconds).sum();
    m.device = device.to_string();
    m
}

fn time_check(r: &BenchResults) -> targets::Check {
    targets::checks(r)
        .into_iter()
        .find(|c| c.target.starts_with("training time"))
        .unwrap()
}

#[test]
fn the_time_target_is_judged_on_paired_epochs_not_whole_runs() {
    // One 3× spike in the generated run: the whole-run ratio is 1.4, the median of the paired
    // epoch ratios stays 1.0. Without CPU times the wall clock is judged.
    let r = results(
        vec![
            run(
                "pytorch",
                Side::Generated,
                1,
                Some(five_epochs("cpu", &[(3, 3.0)], None)),
            ),
            run(
                "pytorch",
                Side::Handwritten,
                1,
                Some(five_epochs("cpu", &[], None)),
            ),
        ],
        &["pytorch"],
    );
    let s = r.comparisons[0].summary.as_ref().unwrap();
    assert_eq!(s.train_time_ratio, 1.4);
    assert_eq!(s.epoch_time_ratio, 1.0);
    assert!(s.epoch_cpu_ratio.is_nan());
    let time = time_check(&r);
    assert_eq!(time.met, Some(true));
    assert_eq!(time.measured, "1.000");
    assert!(r.verdict.contains("whole runs 1.400×"), "{}", r.verdict);
}

#[test]
fn on_the_cpu_the_time_target_is_judged_on_cpu_time() {
    // Three generated epochs stalled by scheduling (wall 2 s, CPU unchanged), and 4 % more CPU
    // work in every generated epoch: the wall clock says 2.0, CPU time says 1.04.
    let stalled: &[(u32, f64)] = &[(1, 2.0), (2, 2.0), (3, 2.0)];
    let more_work: &[(u32, f64)] = &[(1, 2.08), (2, 2.08), (3, 2.08), (4, 2.08), (5, 2.08)];
    let pair = |device: &str| {
        results(
            vec![
                run(
                    "pytorch",
                    Side::Generated,
                    1,
                    Some(five_epochs(device, stalled, Some(more_work))),
                ),
                run(
                    "pytorch",
                    Side::Handwritten,
                    1,
                    Some(five_epochs(device, &[], Some(&[]))),
                ),
            ],
            &["pytorch"],
        )
    };
    let r = pair("cpu");
    let s = r.comparisons[0].summary.as_ref().unwrap();
    assert_eq!(s.epoch_time_ratio, 2.0);
    assert!((s.epoch_cpu_ratio - 1.04).abs() < 1e-12);
    let time = time_check(&r);
    assert_eq!(time.met, Some(false), "1.04 is outside 0.97–1.03");
    assert_eq!(time.measured, "1.040 (CPU time; wall clock 2.000)");
    assert!(
        r.verdict.contains("1.040× the CPU time per epoch"),
        "{}",
        r.verdict
    );
    // On an accelerator, CPU time says little: the wall clock is judged.
    let gpu = pair("cuda:0");
    let time = time_check(&gpu);
    assert_eq!(time.measured, "2.000");
    assert!(
        gpu.verdict.contains("2.000× the epoch time"),
        "{}",
        gpu.verdict
    );
}

#[test]
fn accelerator_memory_is_compared_when_both_sides_report_it() {
    let mut g = recorded("pytorch", "seed0_a");
    let mut h = recorded("pytorch", "seed0_b");
    g.peak_accelerator_mb = Some(300.0);
    h.peak_accelerator_mb = Some(250.0);
    let r = results(
        vec![
            run("pytorch", Side::Generated, 1, Some(g)),
            run("pytorch", Side::Handwritten, 1, Some(h)),
        ],
        &["pytorch"],
    );
    let summary = r.comparisons[0].summary.as_ref().unwrap();
    assert_eq!(summary.peak_accelerator_ratio, Some(1.2));
    assert_eq!(r.aggregate[1].peak_accelerator_ratio, Some(1.2));
    let md = report::render(&r);
    assert!(
        md.contains("| peak accelerator memory, MB | 300.0 | 250.0 | ratio **1.200** |"),
        "{md}"
    );
    let accel = targets::checks(&r)
        .into_iter()
        .find(|c| c.target.contains("accelerator"))
        .unwrap();
    assert_eq!(accel.met, Some(false), "1.2 is outside 0.95–1.05");
    assert!(
        r.verdict.contains("1.200× the accelerator memory"),
        "{}",
        r.verdict
    );
}

#[test]
fn verdict_without_any_pair_says_so() {
    let r = results(vec![run("pytorch", Side::Generated, 1, None)], &["pytorch"]);
    assert!(
        r.verdict.starts_with("No pair of runs completed"),
        "{}",
        r.verdict
    );
    assert!(chart::render(&r).contains("no completed pair of runs"));
}

#[test]
fn chart_has_a_bar_per_side_and_group() {
    let r = results(
        vec![
            run(
                "tensorflow",
                Side::Generated,
                1,
                Some(recorded("tensorflow", "seed0_a")),
            ),
            run(
                "tensorflow",
                Side::Handwritten,
                1,
                Some(recorded("tensorflow", "seed0_b")),
            ),
            run(
                "pytorch",
                Side::Generated,
                1,
                Some(recorded("pytorch", "seed0_a")),
            ),
            run(
                "pytorch",
                Side::Handwritten,
                1,
                Some(recorded("pytorch", "seed0_b")),
            ),
        ],
        &["tensorflow", "pytorch"],
    );
    let svg = chart::render(&r);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // 2 panels × 2 groups × 2 bars, 2 legend swatches, 1 background.
    assert_eq!(svg.matches("<rect").count(), 8 + 2 + 1);
    assert_eq!(svg.matches(">simple_mlp<").count(), 4);
    let rss = recorded("pytorch", "seed0_a").peak_rss_mb;
    assert!(svg.contains(&format!(">{rss:.0}<")), "bar label for {rss}");
}

#[test]
fn results_json_round_trips_with_raw_metrics() {
    let a = recorded("tensorflow", "seed0_a");
    let r = results(
        vec![
            run("tensorflow", Side::Generated, 1, Some(a.clone())),
            run(
                "tensorflow",
                Side::Handwritten,
                1,
                Some(recorded("tensorflow", "seed0_b")),
            ),
        ],
        &["tensorflow"],
    );
    let json = serde_json::to_string_pretty(&r).unwrap();
    let back: BenchResults = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["schema"], "neuralc-bench/1");
    assert_eq!(value["runs"][0]["side"], "generated");
    assert_eq!(
        value["runs"][0]["metrics"]["epochs"][1]["loss"].as_f64(),
        Some(a.epochs[1].loss)
    );
}

#[test]
fn metrics_of_another_schema_or_without_epochs_are_rejected() {
    let text = std::fs::read_to_string(data_dir().join("pytorch_simple_mlp_seed0_a.metrics.json"))
        .unwrap();
    let other = text.replace("neuralc-metrics/1", "neuralc-metrics/0");
    assert!(
        Metrics::parse(&other)
            .unwrap_err()
            .contains("neuralc-metrics/0")
    );
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["epochs"] = serde_json::json!([]);
    assert!(
        Metrics::parse(&value.to_string())
            .unwrap_err()
            .contains("no epochs")
    );
    assert!(Metrics::parse("{").is_err());
}

/// Command-line errors and end-to-end runs of the binary.
#[path = "bench/cli.rs"]
mod cli;
