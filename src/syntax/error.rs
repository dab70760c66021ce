//! Turns lexer and LALRPOP errors into diagnostics, naming what was expected in words.

use super::ast::Span;
use super::codes;
use super::lexer::LexError;
use super::token::{LexErrorKind, Token};
use crate::diagnostic::Diagnostic;
use lalrpop_util::ParseError;

pub type RawError = ParseError<usize, Token, LexError>;

const SECTION_KEYWORDS: [&str; 10] = [
    "\"input\"",
    "\"layers\"",
    "\"loss\"",
    "\"optimizer\"",
    "\"lr_schedule\"",
    "\"metrics\"",
    "\"train\"",
    "\"training_config\"",
    "\"execution\"",
    "\"execute\"",
];
const VALUE_STARTS: [&str; 9] = [
    "\"integer\"",
    "\"float\"",
    "\"string\"",
    "\"boolean\"",
    "\"None\"",
    "\"$parameter\"",
    "\"(\"",
    "\"[\"",
    "\"identifier\"",
];

pub fn from_lex(err: &LexError, src: &str) -> Diagnostic {
    let span = Span::new(err.start, err.end);
    match err.kind {
        LexErrorKind::InvalidCharacter => {
            let letter = src
                .get(err.start..err.end)
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_alphabetic);
            Diagnostic::error(codes::INVALID_CHARACTER, "unrecognised character")
                .label(span, "no token starts with this character")
                .help(if letter {
                    "names are made of ASCII letters, digits and `_`; other characters belong in strings and comments"
                } else {
                    "comments start with `#`, `//` or `/*`; strings are quoted with `\"` or `'`"
                })
        }
        LexErrorKind::UnterminatedString => {
            Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string literal")
                .label(span, "this string is not closed before the end of the line")
                .help(
                    "add the closing quote; strings cannot span lines (write `\\n` for a newline)",
                )
        }
        LexErrorKind::UnterminatedComment => {
            Diagnostic::error(codes::UNTERMINATED_COMMENT, "unterminated block comment")
                .label(
                    Span::new(err.start, err.start + 2),
                    "this comment is never closed",
                )
                .help("close it with `*/`")
        }
        LexErrorKind::IntegerTooLarge => {
            Diagnostic::error(codes::INTEGER_TOO_LARGE, "integer literal too large")
                .label(span, "does not fit in a 64-bit integer")
        }
    }
}

/// Nesting past [`super::lexer::MAX_NESTING`]; the file is not parsed.
pub fn too_deep(span: Span) -> Diagnostic {
    let max = super::lexer::MAX_NESTING;
    Diagnostic::error(codes::TOO_DEEP, format!("nesting deeper than {max} levels"))
        .label(span, "too deeply nested")
        .note(format!(
            "brackets, braces, parentheses and `*`/`/` operators may nest at most {max} levels"
        ))
        .help("flatten it")
}

/// Converts one parse error. `src_len` places end-of-input errors.
pub fn from_parse(err: &RawError, src: &str) -> Diagnostic {
    match err {
        ParseError::User { error } => from_lex(error, src),
        ParseError::InvalidToken { location } => {
            Diagnostic::error(codes::INVALID_CHARACTER, "unrecognised character")
                .label(Span::new(*location, *location + 1), "not valid here")
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let at = (*location).min(src.len());
            let mut d = Diagnostic::error(codes::UNEXPECTED_EOF, "unexpected end of file")
                .label(Span::new(at, at), "the file ends here");
            if let Some(words) = expected_in_words(expected) {
                d = d.help(format!("expected {words}"));
            }
            d
        }
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            let mut d = Diagnostic::error(codes::UNEXPECTED_TOKEN, format!("unexpected {tok}"));
            let label = match expected_in_words(expected) {
                Some(words) => format!("expected {words}"),
                None => "not expected here".to_string(),
            };
            d = d.label(Span::new(*l, *r), label);
            if let Some(help) = hint_for(tok, expected) {
                d = d.help(help);
            }
            d
        }
        ParseError::ExtraToken { token: (l, tok, r) } => {
            Diagnostic::error(codes::UNEXPECTED_TOKEN, format!("unexpected {tok}"))
                .label(Span::new(*l, *r), "nothing may follow here")
        }
    }
}

/// A targeted hint for common mistakes.
fn hint_for(tok: &Token, expected: &[String]) -> Option<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    match tok {
        Token::Ident(name) if name == "network" || name == "Network" => None,
        Token::Ident(name)
            if has("\"layers\"")
                && SECTION_KEYWORDS
                    .iter()
                    .any(|k| k.trim_matches('"').eq_ignore_ascii_case(name)) =>
        {
            Some(format!(
                "section names are lower case: write `{}:`",
                name.to_ascii_lowercase()
            ))
        }
        Token::Ident(name) if has("\"layers\"") && !has("\"identifier\"") => {
            let sections = SECTION_KEYWORDS.iter().map(|k| k.trim_matches('"'));
            Some(match crate::diagnostic::did_you_mean(name, sections) {
                Some(s) => format!("`{name}` is not a section; did you mean `{s}:`?"),
                None => format!(
                    "`{name}` is not a section; a network has `input:`, `layers:`, `loss:`, `optimizer:`, `lr_schedule:`, `metrics:`, `train {{…}}` and `execution {{…}}`"
                ),
            })
        }
        Token::Colon if has("\"(\"") && has("\"layers\"") => {
            Some("a layer's arguments go in parentheses: `Dense(units=64)`".to_string())
        }
        Token::Int(_) | Token::Float(_) if has("\"identifier\"") && has("\"layers\"") => {
            Some("layers are written `Name(arguments)`, e.g. `Dense(64)`".to_string())
        }
        _ => None,
    }
}

/// "a layer, such as `Dense(64)`, or `}`" from LALRPOP's terminal names.
pub fn expected_in_words(expected: &[String]) -> Option<String> {
    if expected.is_empty() {
        return None;
    }
    let has = |t: &str| expected.iter().any(|e| e == t);
    let mut words: Vec<String> = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    let sections = SECTION_KEYWORDS.iter().filter(|k| has(k)).count();
    let values = VALUE_STARTS.iter().filter(|k| has(k)).count();
    // The most specific reading wins: inside an argument list only values matter,
    // even though after error recovery LALRPOP may list outer alternatives too.
    if values >= 6 {
        words.push("a value (a number, string, tuple, list or name)".into());
        covered.extend(VALUE_STARTS);
        covered.extend(SECTION_KEYWORDS);
        covered.extend([
            "\"network\"",
            "\"define\"",
            "\"research\"",
            "\"{\"",
            "\"}\"",
            "\"@\"",
            "\"*\"",
            "\"/\"",
        ]);
    } else if has("\"identifier\"") && (sections >= 3 || has("\"[\"")) {
        words.push("a layer, such as `Dense(64)`".into());
        covered.push("\"identifier\"");
    } else if has("\"identifier\"") && has("\"string\"") && expected.len() == 2 {
        words.push("a device such as `\"cuda:0\"`".into());
        covered.extend(["\"identifier\"", "\"string\""]);
    }
    if sections >= 3 && values < 6 {
        words.push("a section such as `loss:` or `train {`".into());
        covered.extend(SECTION_KEYWORDS);
    }
    if has("\"network\"") && has("\"define\"") && sections < 3 && values < 6 {
        words.push("`network`, `define` or `research`".into());
        covered.extend(["\"network\"", "\"define\"", "\"research\""]);
    }
    // Between layers and sections `,`/`;` are optional separators: noise there.
    let optional_separators = sections >= 3;
    for e in expected {
        if covered.contains(&e.as_str()) || (optional_separators && (e == "\",\"" || e == "\";\""))
        {
            continue;
        }
        if (e == "\"*\"" || e == "\"/\"") && has("\")\"") {
            continue;
        }
        words.push(match e.as_str() {
            "\"identifier\"" => "a name".to_string(),
            "\"integer\"" => "an integer".to_string(),
            "\"float\"" => "a number".to_string(),
            "\"string\"" => "a string".to_string(),
            "\"boolean\"" => "`true` or `false`".to_string(),
            "\"$parameter\"" => "a `$parameter`".to_string(),
            other => format!("`{}`", other.trim_matches('"')),
        });
    }
    Some(match words.len() {
        1 => words.remove(0),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{}, or {last}", words.join(", "))
        }
    })
}
