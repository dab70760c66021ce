//! The one-paragraph verdict, computed from the measured numbers.

use crate::bench::results::BenchResults;
use crate::bench::targets::{self, Check};

/// Writes the verdict for `results` (whose `verdict` field is ignored) and its target checks.
pub fn verdict(results: &BenchResults, checks: &[Check]) -> String {
    let combos: Vec<_> = results
        .comparisons
        .iter()
        .filter(|c| c.summary.is_some())
        .collect();
    let planned = results.comparisons.len();
    let mut parts = Vec::new();
    let Some(all) = results.aggregate.iter().find(|a| a.scope == "all") else {
        let mut text =
            "No pair of runs completed, so generated and hand-written scripts could not be \
                        compared"
                .to_string();
        if results.failures > 0 {
            text.push_str(&format!(
                "; {} of {} runs failed (see “Failed runs”).",
                results.failures,
                results.runs.len()
            ));
        } else {
            text.push('.');
        }
        return text;
    };
    let bases: Vec<(&str, f64)> = combos
        .iter()
        .filter_map(|c| targets::time_basis(results, c))
        .collect();
    let on_cpu_clock = bases.iter().all(|(basis, _)| *basis == "CPU");
    let headline: Vec<f64> = if on_cpu_clock {
        bases.iter().map(|b| b.1).collect()
    } else {
        combos
            .iter()
            .filter_map(|c| Some(c.summary.as_ref()?.epoch_time_ratio))
            .collect()
    };
    let lo = headline.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = headline.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let spread = if combos.len() > 1 {
        format!("median of paired epochs; {lo:.3}–{hi:.3} across combinations")
    } else {
        "median of paired epochs".to_string()
    };
    let time = if on_cpu_clock {
        format!(
            "{:.3}× the CPU time per epoch of the hand-written ones ({spread}), {:.3}× their \
             wall-clock epoch time and {:.3}× their whole-run training time",
            all.epoch_cpu_ratio, all.epoch_time_ratio, all.train_time_ratio
        )
    } else {
        format!(
            "{:.3}× the epoch time of the hand-written ones ({spread}; whole runs {:.3}×)",
            all.epoch_time_ratio, all.train_time_ratio
        )
    };
    parts.push(format!(
        "Over {} A/B pair{} on {} model/backend combination{}, the generated scripts needed {time}, \
         and {:.3}× their peak memory{}.",
        all.pairs,
        plural(all.pairs as usize),
        combos.len(),
        plural(combos.len()),
        all.peak_rss_ratio,
        all.peak_accelerator_ratio
            .map(|r| format!(" ({r:.3}× the accelerator memory)"))
            .unwrap_or_default()
    ));
    let params = if all.params_equal {
        "parameter counts were equal everywhere".to_string()
    } else {
        "parameter counts differed".to_string()
    };
    parts.push(format!(
        "Test accuracy differed by at most {:.4} and {params}.",
        all.max_abs_accuracy_diff
    ));
    let differing: Vec<String> = combos
        .iter()
        .filter(|c| c.summary.as_ref().is_some_and(|s| !s.losses_identical))
        .map(|c| format!("{}/{}", c.model, c.backend))
        .collect();
    parts.push(if differing.is_empty() {
        match combos.len() {
            1 => "Per-epoch training losses were bit-identical.".to_string(),
            2 => "Per-epoch training losses were bit-identical in both combinations.".to_string(),
            n => format!("Per-epoch training losses were bit-identical in all {n} combinations."),
        }
    } else {
        format!(
            "Per-epoch training losses were bit-identical in {} of {} combinations; they differ for {}.",
            combos.len() - differing.len(),
            combos.len(),
            differing.join(", ")
        )
    });
    let missed: Vec<&str> = checks
        .iter()
        .filter(|c| c.met == Some(false))
        .map(|c| c.target)
        .collect();
    parts.push(if missed.is_empty() {
        "Every measured target was met.".to_string()
    } else {
        format!("Targets missed: {}.", missed.join("; "))
    });
    let s = &results.settings;
    if s.epochs < 5 || s.limit.is_some() || s.repeat < 5 {
        parts.push(format!(
            "This was a short run ({} epoch{}{}, {} pair{}), so its timing ratios carry start-up and \
             scheduling noise; `neuralc bench --epochs 5 --repeat 9` gives firmer figures.",
            s.epochs,
            plural(s.epochs as usize),
            s.limit.map(|n| format!(", first {n} samples")).unwrap_or_default(),
            s.repeat,
            plural(s.repeat as usize)
        ));
    }
    if results.failures > 0 || combos.len() < planned {
        parts.push(format!(
            "{} of {} runs failed, leaving {} of {planned} combinations without a comparison.",
            results.failures,
            results.runs.len(),
            planned - combos.len()
        ));
    }
    parts.join(" ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
