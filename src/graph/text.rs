//! The walk shared by the text formats (DOT, Mermaid): node ids, the chain's edges,
//! frames around wrappers, groups and residual blocks, and a residual block's `+` with
//! its skip edge. A format only says how each part is spelt ([`Syntax`]).

use super::{Graph, Item, Node};

/// A frame around some nodes.
pub enum Frame<'a> {
    /// A `Bidirectional`/`TimeDistributed` layer around the one it wraps.
    Wrapper(&'a Node),
    /// A macro use or a `* N` repeat, with its label.
    Group(&'a str),
    /// A residual block, with its parameter count.
    Residual(u64),
}

/// How a text format spells each part; every method returns whole lines.
pub trait Syntax {
    /// Id prefixes of wrapper, group and residual frames (DOT's clusters must start
    /// with `cluster`).
    const FRAME_IDS: [&'static str; 3];
    fn node(&self, id: &str, n: &Node, indent: &str) -> String;
    fn open(&self, id: &str, frame: &Frame<'_>, indent: &str) -> String;
    fn close(&self, indent: &str) -> String;
    /// A residual block's `+`.
    fn add(&self, id: &str, indent: &str) -> String;
    /// An edge of the chain, or (`skip`) a residual block's skip edge.
    fn edge(&self, from: &str, to: &str, skip: bool, indent: &str) -> String;
}

struct Walker<'s, S: Syntax> {
    syntax: &'s S,
    out: String,
    next: usize,
    /// The node the next edge starts from.
    prev: Option<String>,
}

impl<S: Syntax> Walker<'_, S> {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn edge_to(&mut self, id: &str, indent: &str) {
        if let Some(prev) = &self.prev {
            self.out += &self.syntax.edge(prev, id, false, indent);
        }
        self.prev = Some(id.to_string());
    }

    /// Writes a node (a wrapper as a frame around its inner node); returns its id.
    fn node(&mut self, n: &Node, indent: &str) -> String {
        match &n.wrapped {
            Some(inner) => {
                let frame = self.id(S::FRAME_IDS[0]);
                self.out += &self.syntax.open(&frame, &Frame::Wrapper(n), indent);
                let id = self.node(inner, &format!("{indent}  "));
                self.out += &self.syntax.close(indent);
                id
            }
            None => {
                let id = self.id("l");
                self.out += &self.syntax.node(&id, n, indent);
                id
            }
        }
    }

    fn items(&mut self, items: &[Item], indent: &str) {
        let inner = format!("{indent}  ");
        for item in items {
            match item {
                Item::Layer(n) => {
                    let id = self.node(n, indent);
                    self.edge_to(&id, indent);
                }
                Item::Group { label, items } => {
                    let frame = self.id(S::FRAME_IDS[1]);
                    self.out += &self.syntax.open(&frame, &Frame::Group(label), indent);
                    self.items(items, &inner);
                    self.out += &self.syntax.close(indent);
                }
                Item::Residual { items, params } => {
                    let skip_from = self.prev.clone();
                    let frame = self.id(S::FRAME_IDS[2]);
                    self.out += &self.syntax.open(&frame, &Frame::Residual(*params), indent);
                    self.items(items, &inner);
                    self.out += &self.syntax.close(indent);
                    let add = self.id("add");
                    self.out += &self.syntax.add(&add, indent);
                    self.edge_to(&add, indent);
                    if let Some(from) = skip_from {
                        self.out += &self.syntax.edge(&from, &add, true, indent);
                    }
                }
            }
        }
    }
}

/// The input and the chain of `g` in `syntax`, indented by two spaces.
pub fn body<S: Syntax>(syntax: &S, g: &Graph) -> String {
    let mut w = Walker {
        syntax,
        out: String::new(),
        next: 0,
        prev: None,
    };
    w.items(&[Item::Layer(g.input.clone())], "  ");
    w.items(&g.items, "  ");
    w.out
}
