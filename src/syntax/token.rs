//! The token set of the Neural DSL, recognised by logos. Spans are byte offsets.

use logos::Logos;
use std::fmt;

/// Why a slice of input could not become a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LexErrorKind {
    /// No token rule matches this character.
    #[default]
    InvalidCharacter,
    /// A string literal runs to the end of the line.
    UnterminatedString,
    /// A `/* … */` comment is never closed.
    UnterminatedComment,
    /// An integer literal does not fit in 64 bits.
    IntegerTooLarge,
}

/// A token of the DSL. Keywords are case-sensitive, as in the original language;
/// `true`/`false`/`None` are accepted in any case.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(error = LexErrorKind)]
#[logos(skip r"[ \t\r\n\f\u{feff}]+")]
#[logos(skip(r"(#|//)[^\n]*", allow_greedy = true))]
#[logos(skip r"/\*([^*]|\*+[^*/])*\*+/")]
pub enum Token {
    #[token("network")]
    Network,
    #[token("research")]
    Research,
    #[token("define")]
    Define,
    #[token("input")]
    Input,
    #[token("layers")]
    Layers,
    #[token("loss")]
    Loss,
    #[token("optimizer")]
    Optimizer,
    #[token("lr_schedule")]
    LrSchedule,
    #[token("metrics")]
    Metrics,
    #[token("train")]
    Train,
    #[token("training_config")]
    TrainingConfig,
    #[token("execution")]
    Execution,
    #[token("execute")]
    Execute,

    #[regex(r"(?i:true)", |_| true)]
    #[regex(r"(?i:false)", |_| false)]
    Bool(bool),
    #[regex(r"(?i:none)")]
    None,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_string(), priority = 1)]
    Ident(String),
    #[regex(r"\$[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice()[1..].to_string())]
    Param(String),
    #[regex(r"[+-]?[0-9]+", parse_int)]
    Int(i64),
    #[regex(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", parse_float)]
    #[regex(r"[+-]?[0-9]+[eE][+-]?[0-9]+", parse_float)]
    Float(f64),
    #[regex(r#""([^"\\\n]|\\[^\n])*""#, unescape)]
    #[regex(r#"'([^'\\\n]|\\[^\n])*'"#, unescape)]
    Str(String),
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, unterminated_string)]
    #[regex(r#"'([^'\\\n]|\\[^\n])*"#, unterminated_string)]
    UnterminatedString,
    #[regex(r"/\*([^*]|\*+[^*/])*\**", unterminated_comment)]
    UnterminatedComment,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("=")]
    Eq,
    #[token("@")]
    At,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
}

fn parse_int(lex: &mut logos::Lexer<Token>) -> Result<i64, LexErrorKind> {
    lex.slice()
        .trim_start_matches('+')
        .parse()
        .map_err(|_| LexErrorKind::IntegerTooLarge)
}

fn unterminated_string(_: &mut logos::Lexer<Token>) -> Result<(), LexErrorKind> {
    Err(LexErrorKind::UnterminatedString)
}

fn unterminated_comment(_: &mut logos::Lexer<Token>) -> Result<(), LexErrorKind> {
    Err(LexErrorKind::UnterminatedComment)
}

fn parse_float(lex: &mut logos::Lexer<Token>) -> Option<f64> {
    lex.slice().trim_start_matches('+').parse().ok()
}

/// Strips the quotes and resolves `\"`, `\'`, `\\`, `\n`, `\t`; other escapes stay as written.
fn unescape(lex: &mut logos::Lexer<Token>) -> String {
    let slice = lex.slice();
    let body = &slice[1..slice.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(q @ ('"' | '\'' | '\\')) => out.push(q),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl fmt::Display for Token {
    /// How the token is named to the user in "unexpected …" messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(name) => write!(f, "identifier `{name}`"),
            Token::Param(name) => write!(f, "macro parameter `${name}`"),
            Token::Int(n) => write!(f, "integer `{n}`"),
            Token::Float(x) => write!(f, "number `{x}`"),
            Token::Str(s) => write!(f, "string {s:?}"),
            Token::Bool(b) => write!(f, "`{}`", if *b { "true" } else { "false" }),
            other => write!(f, "`{}`", other.text()),
        }
    }
}

impl Token {
    /// The literal text of a fixed token (keywords and punctuation).
    pub fn text(&self) -> &'static str {
        match self {
            Token::Network => "network",
            Token::Research => "research",
            Token::Define => "define",
            Token::Input => "input",
            Token::Layers => "layers",
            Token::Loss => "loss",
            Token::Optimizer => "optimizer",
            Token::LrSchedule => "lr_schedule",
            Token::Metrics => "metrics",
            Token::Train => "train",
            Token::TrainingConfig => "training_config",
            Token::Execution => "execution",
            Token::Execute => "execute",
            Token::None => "None",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Comma => ",",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Eq => "=",
            Token::At => "@",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Bool(true) => "true",
            Token::Bool(false) => "false",
            _ => "",
        }
    }
}
