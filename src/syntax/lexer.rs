//! Wraps the logos token stream into the `(start, token, end)` triples LALRPOP consumes.

use super::token::{LexErrorKind, Token};
use logos::{Logos, SpannedIter};

/// A lexical error with the byte span it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub start: usize,
    pub end: usize,
}

/// `(start, token, end)` as consumed by the generated parser.
pub type Spanned = Result<(usize, Token, usize), LexError>;

/// The lexer handed to the parser. Errors are yielded, never swallowed, so the
/// parser can report them at their span and keep going.
pub struct Lexer<'src> {
    inner: SpannedIter<'src, Token>,
}

impl<'src> Lexer<'src> {
    pub fn new(src: &'src str) -> Self {
        Self {
            inner: Token::lexer(src).spanned(),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Spanned;

    fn next(&mut self) -> Option<Self::Item> {
        let (result, span) = self.inner.next()?;
        Some(match result {
            Ok(token) => Ok((span.start, token, span.end)),
            Err(kind) => Err(LexError {
                kind,
                start: span.start,
                end: span.end,
            }),
        })
    }
}

/// Deepest nesting the front end accepts, counting brackets, braces, parentheses
/// and the operators of `a * b / c` chains (each makes the syntax tree one level
/// deeper). The tree and every phase after the parser (expansion, analysis, code
/// generation, JSON, even dropping the tree) recurse over it, so the bound keeps
/// them all within the stack. Real models nest fewer than ten levels.
pub const MAX_NESTING: usize = 64;

/// The span of the first token that nests deeper than [`MAX_NESTING`], if any.
pub fn too_deep(src: &str) -> Option<(usize, usize)> {
    // `chains[i]`: operators of the operand chain running at bracket level `i`.
    let mut chains: Vec<usize> = vec![0];
    let mut depth = 0;
    let mut after_op = false;
    for (token, span) in Token::lexer(src).spanned() {
        let Ok(token) = token else { continue };
        match token {
            Token::RParen | Token::RBracket | Token::RBrace => {
                if chains.len() > 1 {
                    depth -= 1 + chains.pop().unwrap_or_default();
                }
            }
            Token::Star | Token::Slash => {
                if let Some(chain) = chains.last_mut() {
                    *chain += 1;
                }
                depth += 1;
            }
            _ => {
                // Not an operand after `*`/`/`: the chain at this level has ended.
                if !after_op && let Some(chain) = chains.last_mut() {
                    depth -= std::mem::take(chain);
                }
                if matches!(token, Token::LParen | Token::LBracket | Token::LBrace) {
                    chains.push(0);
                    depth += 1;
                }
            }
        }
        after_op = matches!(token, Token::Star | Token::Slash);
        if depth > MAX_NESTING {
            return Some((span.start, span.end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<Token> {
        Lexer::new(src).map(|t| t.unwrap().1).collect()
    }

    #[test]
    fn numbers_with_sign_and_exponent() {
        assert_eq!(
            tokens("1e-4 .5 -3 +2 0.25 10"),
            vec![
                Token::Float(1e-4),
                Token::Float(0.5),
                Token::Int(-3),
                Token::Int(2),
                Token::Float(0.25),
                Token::Int(10)
            ]
        );
    }

    #[test]
    fn strings_in_both_quotes_with_escapes() {
        assert_eq!(
            tokens(r#""a\"b" 'c\'d' "x\\y\n""#),
            vec![
                Token::Str("a\"b".into()),
                Token::Str("c'd".into()),
                Token::Str("x\\y\n".into())
            ]
        );
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            tokens("# a\n// b\n/* c\n * d */ Dense"),
            vec![Token::Ident("Dense".into())]
        );
    }

    #[test]
    fn bools_and_none_in_any_case() {
        assert_eq!(
            tokens("True FALSE none NONE"),
            vec![
                Token::Bool(true),
                Token::Bool(false),
                Token::None,
                Token::None
            ]
        );
    }

    #[test]
    fn errors_carry_their_span() {
        let err = Lexer::new("Dense(\"abc\n)").nth(2).unwrap().unwrap_err();
        assert_eq!(err.kind, LexErrorKind::UnterminatedString);
        assert_eq!((err.start, err.end), (6, 10));
        let err = Lexer::new("a ¤ b").nth(1).unwrap().unwrap_err();
        assert_eq!(err.kind, LexErrorKind::InvalidCharacter);
        assert_eq!((err.start, err.end), (2, 4));
    }
}
