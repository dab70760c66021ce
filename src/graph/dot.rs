//! The graph as Graphviz DOT (`dot -Tsvg`): one node per layer, clusters for residual
//! blocks, wrappers, macro uses and repeats, and a residual block's skip edge.

use super::{Graph, Item, Node};
use crate::commands::shapes::grouped;
use std::fmt::Write as _;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

struct Writer {
    out: String,
    next: usize,
    /// The node the next edge starts from.
    prev: Option<String>,
}

impl Writer {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn edge_to(&mut self, id: &str, indent: &str) {
        if let Some(prev) = &self.prev {
            let _ = writeln!(self.out, "{indent}{prev} -> {id};");
        }
        self.prev = Some(id.to_string());
    }

    fn node(&mut self, n: &Node, indent: &str) -> String {
        let color = n.family.color();
        match &n.wrapped {
            Some(inner) => {
                let cluster = self.id("cluster_w");
                let _ = writeln!(self.out, "{indent}subgraph {cluster} {{");
                let _ = writeln!(
                    self.out,
                    "{indent}  label={}; style=rounded; color={};",
                    quote(&format!("{}\n{}", n.head(), n.tail())),
                    quote(color)
                );
                let id = self.node(inner, &format!("{indent}  "));
                let _ = writeln!(self.out, "{indent}}}");
                id
            }
            None => {
                let id = self.id("l");
                let _ = writeln!(
                    self.out,
                    "{indent}{id} [label={}, color={}, fillcolor={}];",
                    quote(&format!("{}\n{}", n.head(), n.tail())),
                    quote(color),
                    quote(&format!("{color}29"))
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
                    let cluster = self.id("cluster_g");
                    let _ = writeln!(self.out, "{indent}subgraph {cluster} {{");
                    let _ = writeln!(
                        self.out,
                        "{indent}  label={}; style=dashed; color=\"#999999\";",
                        quote(label)
                    );
                    self.items(items, &format!("{indent}  "));
                    let _ = writeln!(self.out, "{indent}}}");
                }
                Item::Residual { items, params } => {
                    let skip_from = self.prev.clone();
                    let cluster = self.id("cluster_r");
                    let _ = writeln!(self.out, "{indent}subgraph {cluster} {{");
                    let _ = writeln!(
                        self.out,
                        "{indent}  label={}; color=\"#ff9da7\";",
                        quote(&format!("ResidualConnection · {} params", grouped(*params)))
                    );
                    self.items(items, &format!("{indent}  "));
                    let _ = writeln!(self.out, "{indent}}}");
                    let add = self.id("add");
                    let _ = writeln!(
                        self.out,
                        "{indent}{add} [label=\"+\", shape=circle, style=solid];"
                    );
                    self.edge_to(&add, indent);
                    if let Some(from) = skip_from {
                        let _ = writeln!(self.out, "{indent}{from} -> {add} [style=dashed];");
                    }
                }
            }
        }
    }
}

/// The DOT text. Deterministic.
pub fn render(g: &Graph) -> String {
    let mut w = Writer {
        out: String::new(),
        next: 0,
        prev: None,
    };
    let _ = writeln!(w.out, "digraph {} {{", quote(&g.name));
    let _ = writeln!(
        w.out,
        "  label={}; labelloc=t; rankdir=TB;",
        quote(&format!(
            "{} · {} parameters",
            g.name,
            grouped(g.totals.keras)
        ))
    );
    w.out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans Mono\", fontsize=11];\n",
    );
    w.out
        .push_str("  graph [fontname=\"DejaVu Sans Mono\", fontsize=11];\n");
    w.items(&[Item::Layer(g.input.clone())], "  ");
    w.items(&g.items, "  ");
    w.out.push_str("}\n");
    w.out
}
