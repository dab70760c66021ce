//! `benchmark_chart.svg`: grouped bars of training time and peak memory, generated vs
//! hand-written, one group per model and backend (medians over the pairs).

use crate::bench::results::{BenchResults, Summary};
use std::fmt::Write;

const PANEL_W: f64 = 460.0;
const PANEL_H: f64 = 300.0;
const MARGIN_L: f64 = 60.0;
const MARGIN_T: f64 = 50.0;
const MARGIN_B: f64 = 60.0;
const GENERATED: &str = "#1f77b4";
const HANDWRITTEN: &str = "#ff7f0e";

/// One panel's data: a label per group and the (generated, hand-written) values.
struct Panel<'a> {
    title: &'a str,
    unit: &'a str,
    groups: Vec<(String, f64, f64)>,
}

/// Renders the chart; groups without a completed pair are left out.
pub fn render(results: &BenchResults) -> String {
    let summaries: Vec<(String, &Summary)> = results
        .comparisons
        .iter()
        .filter_map(|c| Some((format!("{} / {}", c.model, c.backend), c.summary.as_ref()?)))
        .collect();
    let group = |f: fn(&Summary) -> (f64, f64)| -> Vec<(String, f64, f64)> {
        summaries
            .iter()
            .map(|(label, s)| (label.clone(), f(s).0, f(s).1))
            .collect()
    };
    let panels = [
        Panel {
            title: "Training time",
            unit: "s",
            groups: group(|s| (s.generated_train_seconds, s.handwritten_train_seconds)),
        },
        Panel {
            title: "Peak RSS",
            unit: "MB",
            groups: group(|s| (s.generated_peak_rss_mb, s.handwritten_peak_rss_mb)),
        },
    ];
    let width = MARGIN_L + 2.0 * (PANEL_W + MARGIN_L);
    let height = MARGIN_T + PANEL_H + MARGIN_B + 30.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="20" font-size="14" text-anchor="middle">neuralc bench: generated vs hand-written ({} epoch{}, {})</text>"#,
        width / 2.0,
        results.settings.epochs,
        if results.settings.epochs == 1 {
            ""
        } else {
            "s"
        },
        escape(&results.started_at)
    );
    if summaries.is_empty() {
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">no completed pair of runs</text>"#,
            width / 2.0,
            height / 2.0
        );
    }
    for (i, panel) in panels.iter().enumerate() {
        let x0 = MARGIN_L + i as f64 * (PANEL_W + MARGIN_L);
        draw_panel(&mut svg, panel, x0);
    }
    legend(&mut svg, MARGIN_L, height - 18.0);
    svg.push_str("</svg>\n");
    svg
}

fn draw_panel(svg: &mut String, panel: &Panel, x0: f64) {
    let y_base = MARGIN_T + PANEL_H;
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-size="13" text-anchor="middle">{}, {} (median of pairs)</text>"#,
        x0 + PANEL_W / 2.0,
        MARGIN_T - 12.0,
        escape(panel.title),
        panel.unit
    );
    let max = panel
        .groups
        .iter()
        .flat_map(|(_, g, h)| [*g, *h])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (top, step) = nice_axis(max);
    let scale = |v: f64| if top > 0.0 { v / top * PANEL_H } else { 0.0 };
    let mut tick = 0.0;
    while tick <= top + step * 1e-9 {
        let y = y_base - scale(tick);
        let _ = writeln!(
            svg,
            "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 + PANEL_W,
            x0 - 6.0,
            y + 4.0,
            tick_label(tick, step)
        );
        tick += step;
    }
    let _ = writeln!(
        svg,
        r#"<line x1="{x0}" y1="{y_base}" x2="{:.1}" y2="{y_base}" stroke="black"/>"#,
        x0 + PANEL_W
    );
    let n = panel.groups.len().max(1) as f64;
    let group_w = PANEL_W / n;
    let bar_w = (group_w * 0.35).min(40.0);
    for (i, (label, generated, handwritten)) in panel.groups.iter().enumerate() {
        let cx = x0 + group_w * (i as f64 + 0.5);
        for (k, (value, color)) in [(*generated, GENERATED), (*handwritten, HANDWRITTEN)]
            .into_iter()
            .enumerate()
        {
            if !value.is_finite() {
                continue;
            }
            let x = cx - bar_w + k as f64 * bar_w;
            let h = scale(value);
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{color}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="9">{}</text>"#,
                y_base - h,
                bar_w - 2.0,
                x + bar_w / 2.0 - 1.0,
                y_base - h - 3.0,
                value_label(value)
            );
        }
        let (model, backend) = label.split_once(" / ").unwrap_or((label, ""));
        let _ = writeln!(
            svg,
            r##"<text x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
            y_base + 15.0,
            escape(model),
            y_base + 28.0,
            escape(backend)
        );
    }
}

fn legend(svg: &mut String, x: f64, y: f64) {
    for (i, (name, color)) in [("generated", GENERATED), ("hand-written", HANDWRITTEN)]
        .iter()
        .enumerate()
    {
        let lx = x + i as f64 * 120.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{color}"/><text x="{:.1}" y="{y}">{name}</text>"#,
            y - 10.0,
            lx + 16.0
        );
    }
}

/// An axis top and tick step (1, 2 or 5 × 10^k) covering `max` in at most about 8 ticks.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.2);
    }
    let raw = max / 8.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.*}", (-step.log10().floor()) as usize)
    }
}

fn value_label(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::nice_axis;

    #[test]
    fn axes_are_round_and_cover_the_maximum() {
        assert_eq!(nice_axis(12.3), (14.0, 2.0));
        assert_eq!(nice_axis(1040.0), (1200.0, 200.0));
        assert_eq!(nice_axis(0.9), (1.0, 0.2));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
    }
}
