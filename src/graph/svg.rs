//! The graph as SVG, laid out by hand: one column of boxes joined by arrows (a chain
//! needs no layout engine), frames around residual blocks, macro uses and repeats, a
//! skip arc from a residual block's input to its `+`, a legend and the totals. Text is
//! monospace, so box widths follow from character counts and text never overflows.

use super::{Graph, Item, Node};
use crate::commands::shapes::grouped;
use std::fmt::Write as _;

/// Advance of one character of 12 px DejaVu Sans Mono (0.602 em), rounded up.
const CHAR_W: f64 = 7.3;
const PAD_X: f64 = 12.0;
const BOX_H: f64 = 40.0;
const GAP: f64 = 24.0;
/// A wrapper's inner box sits this far inside it, below a header line.
const INSET: f64 = 10.0;
const WRAP_HEAD: f64 = 20.0;
/// Frames (groups, residual blocks): margin per nesting level and label height.
const FRAME: f64 = 10.0;
const FRAME_LABEL: f64 = 18.0;
const SKIP_STEP: f64 = 16.0;

fn text_w(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_W
}

/// Width a node's box needs (wrappers: their inner box plus insets).
fn node_w(n: &Node) -> f64 {
    let own = text_w(&n.head()).max(text_w(&n.tail())) + 2.0 * PAD_X;
    match &n.wrapped {
        Some(inner) => own.max(node_w(inner) + 2.0 * INSET),
        None => own,
    }
}

fn node_h(n: &Node) -> f64 {
    match &n.wrapped {
        Some(inner) => BOX_H + WRAP_HEAD + node_h(inner) - 4.0,
        None => BOX_H,
    }
}

/// Widest box, deepest frame nesting and residual nesting of a list.
fn measure(items: &[Item], depth: usize, m: &mut (f64, usize, usize, f64)) {
    for item in items {
        match item {
            Item::Layer(n) => m.0 = m.0.max(node_w(n)),
            Item::Group { label, items } => {
                m.1 = m.1.max(depth + 1);
                m.3 = m.3.max(text_w(label) + 2.0 * PAD_X);
                measure(items, depth + 1, m);
            }
            Item::Residual { items, .. } => {
                m.1 = m.1.max(depth + 1);
                m.2 = m.2.max(depth + 1);
                m.3 = m.3.max(text_w("ResidualConnection · 000,000,000 params"));
                measure(items, depth + 1, m);
            }
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The picture in layers, bottom to top: frames, edges, frame labels (over the edges
/// that cross them), boxes.
struct Canvas {
    back: String,
    edges: String,
    labels: String,
    front: String,
    x0: f64,
    w: f64,
    skip_x: f64,
    y: f64,
    /// Bottom of the last thing drawn, where the next arrow starts.
    prev: Option<f64>,
}

impl Canvas {
    fn cx(&self) -> f64 {
        self.x0 + self.w / 2.0
    }

    fn arrow_to(&mut self, y: f64) {
        if let Some(from) = self.prev {
            let cx = self.cx();
            let _ = writeln!(
                self.edges,
                r#"<line x1="{cx}" y1="{from}" x2="{cx}" y2="{}" class="edge" marker-end="url(#arrow)"/>"#,
                y - 1.0
            );
        }
    }

    fn node(&mut self, n: &Node, x: f64, w: f64, y: f64) {
        let h = node_h(n);
        let color = n.family.color();
        let _ = writeln!(
            self.front,
            r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{color}" fill-opacity="0.16" stroke="{color}"/>"#
        );
        let tx = x + PAD_X;
        let _ = writeln!(
            self.front,
            r#"<text x="{tx}" y="{}" class="head">{}</text>"#,
            y + 16.0,
            esc(&n.head())
        );
        match &n.wrapped {
            Some(inner) => {
                self.node(inner, x + INSET, w - 2.0 * INSET, y + WRAP_HEAD);
                let _ = writeln!(
                    self.front,
                    r#"<text x="{tx}" y="{}" class="tail">{}</text>"#,
                    y + h - 7.0,
                    esc(&n.tail())
                );
            }
            None => {
                let _ = writeln!(
                    self.front,
                    r#"<text x="{tx}" y="{}" class="tail">{}</text>"#,
                    y + 31.0,
                    esc(&n.tail())
                );
            }
        }
    }

    fn frame(&mut self, top: f64, bottom: f64, depth: usize, label: &str, class: &str) {
        let inset = FRAME * depth as f64;
        let x = self.x0 - inset;
        let w = self.w + 2.0 * inset;
        let _ = writeln!(
            self.back,
            r#"<rect x="{x}" y="{top}" width="{w}" height="{}" rx="8" class="{class}"/>"#,
            bottom - top
        );
        // On a patch of the frame's own fill, over any edge that crosses it.
        let _ = writeln!(
            self.labels,
            r#"<rect x="{}" y="{}" width="{}" height="14" class="{class}-label"/><text x="{}" y="{}" class="label">{}</text>"#,
            x + 5.0,
            top + 2.0,
            (text_w(label) * 11.0 / 12.0 + 6.0).ceil(),
            x + 8.0,
            top + 13.0,
            esc(label)
        );
    }

    fn items(&mut self, items: &[Item], depth: usize, levels: usize) {
        for item in items {
            match item {
                Item::Layer(n) => {
                    if self.prev.is_some() {
                        self.y += GAP;
                    }
                    self.arrow_to(self.y);
                    let (x0, w, y) = (self.x0, self.w, self.y);
                    self.node(n, x0, w, y);
                    self.y += node_h(n);
                    self.prev = Some(self.y);
                }
                Item::Group { label, items } => {
                    self.y += GAP / 2.0;
                    let top = self.y;
                    self.y += FRAME_LABEL - GAP / 2.0;
                    self.items(items, depth + 1, levels);
                    self.y += FRAME / 2.0 + 4.0;
                    self.frame(top, self.y, levels - depth, label, "group");
                }
                Item::Residual { items, params } => {
                    self.y += GAP / 2.0;
                    let skip_from = self.y - GAP / 4.0;
                    let top = self.y;
                    self.y += FRAME_LABEL - GAP / 2.0;
                    self.items(items, depth + 1, levels);
                    self.y += FRAME / 2.0 + 4.0;
                    let label = format!("ResidualConnection · {} params", grouped(*params));
                    self.frame(top, self.y, levels - depth, &label, "residual");
                    // The `+`: block output plus block input.
                    self.y += GAP;
                    self.arrow_to(self.y);
                    let (cx, cy) = (self.cx(), self.y + 11.0);
                    let sx = self.skip_x + SKIP_STEP * depth as f64;
                    let _ = writeln!(
                        self.edges,
                        r#"<path d="M {cx} {skip_from} H {sx} V {cy} H {}" class="skip" marker-end="url(#arrow)"/>"#,
                        cx + 12.0
                    );
                    let _ = writeln!(
                        self.front,
                        r#"<circle cx="{cx}" cy="{cy}" r="11" class="add"/><text x="{cx}" y="{}" class="plus">+</text>"#,
                        cy + 5.0
                    );
                    self.y += 22.0;
                    self.prev = Some(self.y);
                }
            }
        }
    }
}

/// The SVG document. Deterministic: the same model gives the same bytes.
pub fn render(g: &Graph) -> String {
    let mut m = (node_w(&g.input), 0, 0, 0.0);
    measure(&g.items, 0, &mut m);
    let (box_w, levels, residuals, label_w) = m;
    let w = box_w.max(label_w).ceil();
    let x0 = 16.0 + FRAME * levels as f64;
    let skip_x = x0 + w + FRAME * levels as f64 + SKIP_STEP;
    let title = format!("{} · {} parameters", g.name, grouped(g.totals.keras));
    let mut c = Canvas {
        back: String::new(),
        edges: String::new(),
        labels: String::new(),
        front: String::new(),
        x0,
        w,
        skip_x,
        y: 44.0,
        prev: None,
    };
    c.items(&[Item::Layer(g.input.clone())], 0, levels);
    c.items(&g.items, 0, levels);

    // Totals and legend under the chain.
    let mut foot = String::new();
    let mut y = c.y + 30.0;
    let t = g.totals;
    let totals = format!(
        "Total params: {} (trainable {}, non-trainable {})",
        grouped(t.keras),
        grouped(t.trainable),
        grouped(t.non_trainable)
    );
    let _ = writeln!(
        foot,
        r#"<text x="16" y="{y}" class="tail">{}</text>"#,
        esc(&totals)
    );
    let mut legend_w: f64 = text_w(&totals);
    for family in g.families() {
        y += 20.0;
        let color = family.color();
        let _ = writeln!(
            foot,
            r#"<rect x="16" y="{}" width="12" height="12" rx="2" fill="{color}" fill-opacity="0.16" stroke="{color}"/><text x="36" y="{}" class="tail">{}</text>"#,
            y - 10.0,
            y,
            esc(family.name())
        );
        legend_w = legend_w.max(20.0 + text_w(family.name()));
    }
    let width = (skip_x + SKIP_STEP * residuals as f64 + 16.0)
        .max(32.0 + legend_w)
        .max(32.0 + text_w(&title) * 15.0 / 12.0)
        .ceil();
    let height = (y + 16.0).ceil();
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">"#
    );
    out.push_str(concat!(
        "<style>\n",
        ".head { font-size: 12px; font-weight: bold; fill: #222; }\n",
        ".tail { font-size: 12px; fill: #444; }\n",
        ".label { font-size: 11px; fill: #555; font-style: italic; }\n",
        ".title { font-size: 15px; font-weight: bold; fill: #222; }\n",
        ".edge, .skip { stroke: #555; stroke-width: 1.3; fill: none; }\n",
        ".skip { stroke-dasharray: 5 3; }\n",
        ".group { fill: #f6f6f6; stroke: #999; stroke-dasharray: 4 3; }\n",
        ".residual { fill: #fff4f5; stroke: #ff9da7; }\n",
        ".group-label { fill: #f6f6f6; }\n",
        ".residual-label { fill: #fff4f5; }\n",
        ".add { fill: #fff; stroke: #555; }\n",
        ".plus { font-size: 15px; text-anchor: middle; fill: #222; }\n",
        "</style>\n",
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" ",
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>",
        "</marker></defs>\n",
    ));
    let _ = writeln!(
        out,
        r##"<rect width="{width}" height="{height}" fill="#fff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="16" y="24" class="title">{}</text>"#,
        esc(&title)
    );
    out.push_str(&c.back);
    out.push_str(&c.edges);
    out.push_str(&c.labels);
    out.push_str(&c.front);
    out.push_str(&foot);
    out.push_str("</svg>\n");
    out
}
