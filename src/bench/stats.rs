//! Statistics over recorded runs: per-pair comparisons, per-(model, backend) medians, aggregates.

use crate::bench::results::{
    Aggregate, Comparison, Metrics, Outcome, PairComparison, Run, Side, Summary,
};

/// Median of the values (mean of the middle two for an even count); `None` when empty.
/// NaNs sort last and so only matter when they are the majority.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// The `q`-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics
/// (numpy's default); `None` when empty.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// `generated / handwritten`; NaN when the denominator is not positive.
pub fn ratio(generated: f64, handwritten: f64) -> f64 {
    if handwritten > 0.0 {
        generated / handwritten
    } else {
        f64::NAN
    }
}

/// Compares the generated and the hand-written run of one pair.
pub fn compare_pair(pair: u32, generated: &Metrics, handwritten: &Metrics) -> PairComparison {
    let epochs = generated.epochs.len().max(handwritten.epochs.len());
    let mut first_differing_epoch = None;
    let mut max_abs_loss_diff: f64 = 0.0;
    for i in 0..epochs {
        match (generated.epochs.get(i), handwritten.epochs.get(i)) {
            (Some(g), Some(h)) => {
                if g.loss.to_bits() != h.loss.to_bits() && first_differing_epoch.is_none() {
                    first_differing_epoch = Some(i as u32 + 1);
                }
                max_abs_loss_diff = max_abs_loss_diff.max((g.loss - h.loss).abs());
            }
            _ => {
                if first_differing_epoch.is_none() {
                    first_differing_epoch = Some(i as u32 + 1);
                }
                max_abs_loss_diff = f64::INFINITY;
            }
        }
    }
    let accelerator = match (
        generated.peak_accelerator_mb,
        handwritten.peak_accelerator_mb,
    ) {
        (Some(g), Some(h)) => Some(ratio(g, h)),
        _ => None,
    };
    PairComparison {
        pair,
        generated_train_seconds: generated.train_seconds,
        handwritten_train_seconds: handwritten.train_seconds,
        train_time_ratio: ratio(generated.train_seconds, handwritten.train_seconds),
        epoch_time_ratios: generated
            .epochs
            .iter()
            .zip(&handwritten.epochs)
            .map(|(g, h)| ratio(g.seconds, h.seconds))
            .collect(),
        epoch_cpu_ratios: generated
            .epochs
            .iter()
            .zip(&handwritten.epochs)
            .filter_map(|(g, h)| Some(ratio(g.cpu_seconds?, h.cpu_seconds?)))
            .collect(),
        generated_peak_rss_mb: generated.peak_rss_mb,
        handwritten_peak_rss_mb: handwritten.peak_rss_mb,
        peak_rss_ratio: ratio(generated.peak_rss_mb, handwritten.peak_rss_mb),
        peak_accelerator_ratio: accelerator,
        generated_test_accuracy: generated.test.accuracy,
        handwritten_test_accuracy: handwritten.test.accuracy,
        test_accuracy_diff: generated.test.accuracy - handwritten.test.accuracy,
        test_loss_diff: generated.test.loss - handwritten.test.loss,
        generated_params: generated.params,
        handwritten_params: handwritten.params,
        params_equal: generated.params == handwritten.params,
        losses_identical: first_differing_epoch.is_none(),
        first_differing_epoch,
        max_abs_loss_diff,
    }
}

fn ok_metrics<'a>(
    runs: &'a [Run],
    model: &str,
    backend: &str,
    side: Side,
    pair: u32,
) -> Option<&'a Metrics> {
    runs.iter()
        .find(|r| r.model == model && r.backend == backend && r.side == side && r.pair == pair)
        .filter(|r| r.outcome == Outcome::Ok)
        .and_then(|r| r.metrics.as_ref())
}

/// Compares every pair of one (model, backend) whose two runs both succeeded, and summarises.
pub fn compare(runs: &[Run], model: &str, backend: &str) -> Comparison {
    let mut pair_numbers: Vec<u32> = runs
        .iter()
        .filter(|r| r.model == model && r.backend == backend)
        .map(|r| r.pair)
        .collect();
    pair_numbers.sort_unstable();
    pair_numbers.dedup();
    let mut pairs = Vec::new();
    let mut epoch_seconds = Vec::new();
    for pair in pair_numbers {
        let generated = ok_metrics(runs, model, backend, Side::Generated, pair);
        let handwritten = ok_metrics(runs, model, backend, Side::Handwritten, pair);
        if let (Some(g), Some(h)) = (generated, handwritten) {
            pairs.push(compare_pair(pair, g, h));
            epoch_seconds.extend(h.epochs.iter().map(|e| e.seconds));
        }
    }
    let reruns = [Side::Generated, Side::Handwritten].map(|side| {
        let losses: Vec<Vec<u64>> = runs
            .iter()
            .filter(|r| r.model == model && r.backend == backend && r.side == side)
            .filter(|r| r.outcome == Outcome::Ok)
            .filter_map(|r| r.metrics.as_ref())
            .map(|m| m.epochs.iter().map(|e| e.loss.to_bits()).collect())
            .collect();
        (losses.len() > 1).then(|| losses.iter().all(|l| *l == losses[0]))
    });
    let mut summary = summarize(&pairs, &epoch_seconds);
    if let Some(s) = &mut summary {
        s.reruns_identical = match reruns {
            [None, None] => None,
            [a, b] => Some(a.unwrap_or(true) && b.unwrap_or(true)),
        };
    }
    Comparison {
        model: model.to_string(),
        backend: backend.to_string(),
        pairs,
        summary,
    }
}

/// One kind of paired epoch ratio (`epoch_time_ratios` or `epoch_cpu_ratios`) of every pair,
/// in order.
fn paired<'a>(
    pairs: impl IntoIterator<Item = &'a PairComparison>,
    ratios: fn(&PairComparison) -> &[f64],
) -> Vec<f64> {
    pairs
        .into_iter()
        .flat_map(|p| ratios(p).iter().copied())
        .collect()
}

fn wall(p: &PairComparison) -> &[f64] {
    &p.epoch_time_ratios
}

fn cpu(p: &PairComparison) -> &[f64] {
    &p.epoch_cpu_ratios
}

fn summarize(pairs: &[PairComparison], epoch_seconds: &[f64]) -> Option<Summary> {
    let of = |f: fn(&PairComparison) -> f64| -> f64 {
        median(&pairs.iter().map(f).collect::<Vec<_>>()).unwrap_or(f64::NAN)
    };
    let first = pairs.first()?;
    let time_ratios: Vec<f64> = pairs.iter().map(|p| p.train_time_ratio).collect();
    let (lo, hi) = min_max(&time_ratios);
    let accelerator: Vec<f64> = pairs
        .iter()
        .filter_map(|p| p.peak_accelerator_ratio)
        .collect();
    let epoch_ratios = paired(pairs, wall);
    let quartile = |q| quantile(&epoch_ratios, q).unwrap_or(f64::NAN);
    let cpu_ratios = paired(pairs, cpu);
    let cpu_quartile = |q| quantile(&cpu_ratios, q).unwrap_or(f64::NAN);
    Some(Summary {
        pairs: pairs.len() as u32,
        train_time_ratio: of(|p| p.train_time_ratio),
        train_time_ratio_min: lo,
        train_time_ratio_max: hi,
        epoch_time_ratio: quartile(0.5),
        epoch_time_ratio_q1: quartile(0.25),
        epoch_time_ratio_q3: quartile(0.75),
        epoch_time_samples: epoch_ratios.len() as u32,
        epoch_cpu_ratio: cpu_quartile(0.5),
        epoch_cpu_ratio_q1: cpu_quartile(0.25),
        epoch_cpu_ratio_q3: cpu_quartile(0.75),
        peak_rss_ratio: of(|p| p.peak_rss_ratio),
        peak_accelerator_ratio: median(&accelerator),
        generated_train_seconds: of(|p| p.generated_train_seconds),
        handwritten_train_seconds: of(|p| p.handwritten_train_seconds),
        generated_peak_rss_mb: of(|p| p.generated_peak_rss_mb),
        handwritten_peak_rss_mb: of(|p| p.handwritten_peak_rss_mb),
        generated_test_accuracy: of(|p| p.generated_test_accuracy),
        handwritten_test_accuracy: of(|p| p.handwritten_test_accuracy),
        test_accuracy_diff: of(|p| p.test_accuracy_diff),
        test_loss_diff: of(|p| p.test_loss_diff),
        params: first.handwritten_params,
        params_equal: pairs.iter().all(|p| p.params_equal),
        losses_identical: pairs.iter().all(|p| p.losses_identical),
        reruns_identical: None,
        epoch_seconds: median(epoch_seconds).unwrap_or(f64::NAN),
    })
}

/// Medians over every pair of the given comparisons; `None` when there are no pairs.
pub fn aggregate<'a>(
    scope: &str,
    comparisons: impl IntoIterator<Item = &'a Comparison>,
) -> Option<Aggregate> {
    let pairs: Vec<&PairComparison> = comparisons.into_iter().flat_map(|c| &c.pairs).collect();
    if pairs.is_empty() {
        return None;
    }
    let of = |f: fn(&PairComparison) -> f64| -> f64 {
        median(&pairs.iter().map(|p| f(p)).collect::<Vec<_>>()).unwrap_or(f64::NAN)
    };
    let accelerator: Vec<f64> = pairs
        .iter()
        .filter_map(|p| p.peak_accelerator_ratio)
        .collect();
    Some(Aggregate {
        scope: scope.to_string(),
        pairs: pairs.len() as u32,
        train_time_ratio: of(|p| p.train_time_ratio),
        epoch_time_ratio: median(&paired(pairs.iter().copied(), wall)).unwrap_or(f64::NAN),
        epoch_cpu_ratio: median(&paired(pairs.iter().copied(), cpu)).unwrap_or(f64::NAN),
        peak_rss_ratio: of(|p| p.peak_rss_ratio),
        peak_accelerator_ratio: median(&accelerator),
        max_abs_accuracy_diff: pairs
            .iter()
            .map(|p| p.test_accuracy_diff.abs())
            .fold(0.0, f64::max),
        params_equal: pairs.iter().all(|p| p.params_equal),
        losses_identical: pairs.iter().all(|p| p.losses_identical),
    })
}

/// The aggregates the report shows: one per backend (in the given order) and `all`.
pub fn aggregates(comparisons: &[Comparison], backends: &[String]) -> Vec<Aggregate> {
    let mut out: Vec<Aggregate> = backends
        .iter()
        .filter_map(|b| aggregate(b, comparisons.iter().filter(|c| &c.backend == b)))
        .collect();
    if let Some(all) = aggregate("all", comparisons) {
        out.push(all);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.5]), Some(7.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.25), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0], 0.25), Some(1.25));
        assert_eq!(quantile(&v, 1.0), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn ratio_guards_zero_denominator() {
        assert_eq!(ratio(3.0, 2.0), 1.5);
        assert!(ratio(1.0, 0.0).is_nan());
    }
}
