//! The graph as a Mermaid flowchart, for Markdown that renders Mermaid (GitHub, GitLab):
//! one node per layer, subgraphs for residual blocks, wrappers, macro uses and repeats,
//! and a residual block's skip edge. Colours per family via `classDef`.

use super::{Family, Graph, Item, Node};
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

struct Writer {
    out: String,
    next: usize,
    prev: Option<String>,
}

impl Writer {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn edge_to(&mut self, id: &str, indent: &str) {
        if let Some(prev) = &self.prev {
            let _ = writeln!(self.out, "{indent}{prev} --> {id}");
        }
        self.prev = Some(id.to_string());
    }

    fn node(&mut self, n: &Node, indent: &str) -> String {
        match &n.wrapped {
            Some(inner) => {
                let sub = self.id("w");
                let _ = writeln!(
                    self.out,
                    "{indent}subgraph {sub} [\"{}<br/>{}\"]",
                    text(&n.head()),
                    text(&n.tail())
                );
                let id = self.node(inner, &format!("{indent}  "));
                let _ = writeln!(self.out, "{indent}end");
                id
            }
            None => {
                let id = self.id("l");
                let _ = writeln!(
                    self.out,
                    "{indent}{id}[\"{}<br/>{}\"]:::{}",
                    text(&n.head()),
                    text(&n.tail()),
                    class(n.family)
                );
                id
            }
        }
    }

    fn items(&mut self, items: &[Item], indent: &str) {
        for item in items {
            match item {
                Item::Layer(n) => {
                    let id = self.node(n, indent);
                    self.edge_to(&id, indent);
                }
                Item::Group { label, items } => {
                    let sub = self.id("g");
                    let _ = writeln!(self.out, "{indent}subgraph {sub} [\"{}\"]", text(label));
                    self.items(items, &format!("{indent}  "));
                    let _ = writeln!(self.out, "{indent}end");
                }
                Item::Residual { items, params } => {
                    let skip_from = self.prev.clone();
                    let sub = self.id("r");
                    let _ = writeln!(
                        self.out,
                        "{indent}subgraph {sub} [\"ResidualConnection · {} params\"]",
                        grouped(*params)
                    );
                    self.items(items, &format!("{indent}  "));
                    let _ = writeln!(self.out, "{indent}end");
                    let add = self.id("add");
                    let _ = writeln!(self.out, "{indent}{add}((+))");
                    self.edge_to(&add, indent);
                    if let Some(from) = skip_from {
                        let _ = writeln!(self.out, "{indent}{from} -.-> {add}");
                    }
                }
            }
        }
    }
}

/// The Mermaid text. Deterministic.
pub fn render(g: &Graph) -> String {
    let mut w = Writer {
        out: String::new(),
        next: 0,
        prev: None,
    };
    let _ = writeln!(
        w.out,
        "---\ntitle: \"{} · {} parameters\"\n---\nflowchart TD",
        text(&g.name),
        grouped(g.totals.keras)
    );
    w.items(&[Item::Layer(g.input.clone())], "  ");
    w.items(&g.items, "  ");
    for f in g.families() {
        let c = f.color();
        let _ = writeln!(
            w.out,
            "  classDef {} fill:{c}29,stroke:{c},color:#222",
            class(f)
        );
    }
    w.out
}
