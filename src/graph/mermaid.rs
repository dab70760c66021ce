//! The graph as a Mermaid flowchart, for Markdown that renders Mermaid (GitHub, GitLab):
//! one node per layer, subgraphs for residual blocks, wrappers, macro uses and repeats,
//! and a residual block's skip edge. Colours per family via `classDef`.

use super::text::{self, Frame, Syntax};
use super::{Family, Graph, Node};
use crate::commands::shapes::grouped;
use std::fmt::Write as _;

fn text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn class(f: Family) -> String {
    f.name()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("layer")
        .to_string()
}

struct Mermaid;

impl Syntax for Mermaid {
    const FRAME_IDS: [&'static str; 3] = ["w", "g", "r"];

    fn node(&self, id: &str, n: &Node, indent: &str) -> String {
        format!(
            "{indent}{id}[\"{}<br/>{}\"]:::{}\n",
            text(&n.head()),
            text(&n.tail()),
            class(n.family)
        )
    }

    fn open(&self, id: &str, frame: &Frame<'_>, indent: &str) -> String {
        let label = match frame {
            Frame::Wrapper(n) => format!("{}<br/>{}", text(&n.head()), text(&n.tail())),
            Frame::Group(label) => text(label),
            Frame::Residual(params) => format!("ResidualConnection · {} params", grouped(*params)),
        };
        format!("{indent}subgraph {id} [\"{label}\"]\n")
    }

    fn close(&self, indent: &str) -> String {
        format!("{indent}end\n")
    }

    fn add(&self, id: &str, indent: &str) -> String {
        format!("{indent}{id}((+))\n")
    }

    fn edge(&self, from: &str, to: &str, skip: bool, indent: &str) -> String {
        let arrow = if skip { "-.->" } else { "-->" };
        format!("{indent}{from} {arrow} {to}\n")
    }
}

/// The Mermaid text. Deterministic.
pub fn render(g: &Graph) -> String {
    let mut out = format!(
        "---\ntitle: \"{} · {} parameters\"\n---\nflowchart TD\n",
        text(&g.name),
        grouped(g.totals.keras)
    );
    out += &text::body(&Mermaid, g);
    for f in g.families() {
        let c = f.color();
        let _ = writeln!(
            out,
            "  classDef {} fill:{c}29,stroke:{c},color:#222",
            class(f)
        );
    }
    out
}
