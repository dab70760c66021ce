//! The syntax tree produced by the parser. Every node carries the byte span it came from.

use serde::Serialize;
use std::ops::Range;

/// Half-open byte range `[start, end)` into the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Self {
        span.start..span.end
    }
}

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole source file: macro definitions, at most one network, research blocks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
pub enum Item {
    Define(MacroDef),
    Network(Network),
    Research(Research),
}

/// `define Name[(a, b)] { layers }`.
#[derive(Debug, Clone, Serialize)]
pub struct MacroDef {
    pub name: Ident,
    pub params: Vec<Ident>,
    pub body: Vec<Layer>,
    pub span: Span,
}

/// `network Name { sections }`.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    pub name: Ident,
    pub sections: Vec<Section>,
    pub span: Span,
}

/// `research Name { block { key: value … } … }` (`.rnr` files).
#[derive(Debug, Clone, Serialize)]
pub struct Research {
    pub name: Ident,
    pub blocks: Vec<(Ident, Vec<Entry>)>,
    pub span: Span,
}

/// One network section; `keyword` spans the section's keyword as written.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub keyword: Ident,
    pub body: SectionBody,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum SectionBody {
    Input(InputSpec),
    Layers(Vec<Layer>),
    Loss(Value),
    Optimizer(Value),
    /// A learning-rate schedule given beside the optimizer (`lr_schedule: StepDecay(…)`).
    LrSchedule(Value),
    Metrics(Value),
    Train(Vec<Entry>),
    Execution(Vec<Entry>),
}

/// What `input:` declares.
#[derive(Debug, Clone, Serialize)]
pub enum InputSpec {
    /// One or more positional shapes: `(28, 28, 1)` or `(10,), (5,)`.
    Shapes(Vec<Value>),
    /// Named inputs: `{ image: (28, 28, 1), meta: (10,) }`.
    Named(Vec<(Ident, Value)>),
}

/// `key: value` inside `train {}`, `execution {}` and research blocks.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

/// `Name(args) [@ device] [{ block }] [* N]`; `args` is `None` for a bare `Name`.
#[derive(Debug, Clone, Serialize)]
pub struct Layer {
    pub name: Ident,
    pub args: Option<Vec<Arg>>,
    pub device: Option<Value>,
    pub block: Option<Vec<Layer>>,
    pub repeat: Option<(u64, Span)>,
    pub span: Span,
    /// For a layer that came out of a macro: the macro reference in the layer list
    /// it was expanded from (the outermost one, for nested macros).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expanded_from: Option<Span>,
}

/// A positional (`name == None`) or named (`name=value`, `name: value`) argument.
#[derive(Debug, Clone, Serialize)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ValueKind {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    Ident(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// `Name(args)`: a schedule, a loss or optimizer with parameters, a wrapped layer.
    Call {
        name: Ident,
        args: Vec<Arg>,
    },
    /// `HPO(choice(…) | range(…) | log_range(…))`.
    Hpo(Hpo),
    /// `a * b` or `a / b` that could not be computed yet (it involves `$params`).
    BinOp {
        op: char,
        lhs: Box<Value>,
        rhs: Box<Value>,
    },
    /// `$name` inside a macro body, substituted on expansion.
    Param(String),
    /// Placeholder left where a syntax error was recovered from.
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub enum Hpo {
    Choice(Vec<Value>),
    Range {
        start: Box<Value>,
        end: Box<Value>,
        step: Option<Box<Value>>,
    },
    LogRange {
        start: Box<Value>,
        end: Box<Value>,
    },
}

impl Value {
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// A number as `f64`, for ints and floats alike.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            ValueKind::Int(n) => Some(n as f64),
            ValueKind::Float(x) => Some(x),
            _ => None,
        }
    }

    /// A string or bare identifier (`loss: mse` and `loss: "mse"` mean the same).
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) | ValueKind::Ident(s) => Some(s),
            _ => None,
        }
    }
}
