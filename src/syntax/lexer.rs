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
