//! The graph as Graphviz DOT (`dot -Tsvg`): one node per layer, clusters for residual
//! blocks, wrappers, macro uses and repeats, and a residual block's skip edge.

use super::text::{self, Frame, Syntax};
use super::{Graph, Node};
use crate::commands::shapes::grouped;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

struct Dot;

impl Syntax for Dot {
    const FRAME_IDS: [&'static str; 3] = ["cluster_w", "cluster_g", "cluster_r"];

    fn node(&self, id: &str, n: &Node, indent: &str) -> String {
        let color = n.family.color();
        format!(
            "{indent}{id} [label={}, color={}, fillcolor={}];\n",
            quote(&format!("{}\n{}", n.head(), n.tail())),
            quote(color),
            quote(&format!("{color}29"))
        )
    }

    fn open(&self, id: &str, frame: &Frame<'_>, indent: &str) -> String {
        let style = match frame {
            Frame::Wrapper(n) => format!(
                "label={}; style=rounded; color={};",
                quote(&format!("{}\n{}", n.head(), n.tail())),
                quote(n.family.color())
            ),
            Frame::Group(label) => {
                format!("label={}; style=dashed; color=\"#999999\";", quote(label))
            }
            Frame::Residual(params) => format!(
                "label={}; color=\"#ff9da7\";",
                quote(&format!("ResidualConnection · {} params", grouped(*params)))
            ),
        };
        format!("{indent}subgraph {id} {{\n{indent}  {style}\n")
    }

    fn close(&self, indent: &str) -> String {
        format!("{indent}}}\n")
    }

    fn add(&self, id: &str, indent: &str) -> String {
        format!("{indent}{id} [label=\"+\", shape=circle, style=solid];\n")
    }

    fn edge(&self, from: &str, to: &str, skip: bool, indent: &str) -> String {
        let style = if skip { " [style=dashed]" } else { "" };
        format!("{indent}{from} -> {to}{style};\n")
    }
}

/// The DOT text. Deterministic.
pub fn render(g: &Graph) -> String {
    let title = format!("{} · {} parameters", g.name, grouped(g.totals.keras));
    format!(
        concat!(
            "digraph {} {{\n",
            "  label={}; labelloc=t; rankdir=TB;\n",
            "  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans Mono\", fontsize=11];\n",
            "  graph [fontname=\"DejaVu Sans Mono\", fontsize=11];\n",
            "{}}}\n"
        ),
        quote(&g.name),
        quote(&title),
        text::body(&Dot, g)
    )
}
