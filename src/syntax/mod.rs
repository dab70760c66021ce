//! The front end: source text → tokens (logos) → syntax tree (LALRPOP) → program with
//! macros expanded and sections checked. Errors come back as diagnostics, never panics.

pub mod actions;
pub mod ast;
pub mod codes;
pub mod error;
pub mod lexer;
pub mod macros;
pub mod program;
pub mod token;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, unused_imports)]
    grammar,
    "/neural.rs"
);

use crate::diagnostic::Diagnostic;

/// Parses a whole file. Returns the tree when the parser got to the end (possibly
/// after recovering from errors), and every diagnostic found on the way.
pub fn parse(src: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    if let Some((start, end)) = lexer::too_deep(src) {
        return (None, vec![error::too_deep(ast::Span::new(start, end))]);
    }
    let mut recovered = Vec::new();
    let mut diags = Vec::new();
    // Lexical errors are reported and the offending text skipped, so the parser sees
    // the rest of the file and can report further, independent mistakes. After an
    // unterminated string or comment, though, the rest of the file is garbled, and
    // syntax errors from there on would only be consequences.
    let mut cutoff = usize::MAX;
    let tokens: Vec<_> = lexer::Lexer::new(src)
        .filter_map(|t| {
            t.map_err(|e| {
                if e.kind != token::LexErrorKind::InvalidCharacter {
                    cutoff = cutoff.min(e.start);
                }
                diags.push(error::from_lex(&e, src));
            })
            .ok()
        })
        .map(Ok::<_, lexer::LexError>)
        .collect();
    let result = grammar::FileParser::new().parse(&mut recovered, &mut diags, tokens);
    let mut out = diags;
    out.extend(recovered.iter().map(|r| error::from_parse(&r.error, src)));
    let file = match result {
        Ok(file) => Some(file),
        Err(err) => {
            out.push(error::from_parse(&err, src));
            None
        }
    };
    let lexical = |d: &Diagnostic| d.code.id <= codes::INTEGER_TOO_LARGE.id;
    // An unexpected end of file is placed after the last token, before the cutoff.
    let garbled_end = |d: &Diagnostic| cutoff < usize::MAX && d.code == codes::UNEXPECTED_EOF;
    out.retain(|d| lexical(d) || (d.primary_span().start < cutoff && !garbled_end(d)));
    out.sort_by_key(|d| d.primary_span().start);
    out.dedup();
    (file, out)
}

/// Parses, expands macros and checks the sections: everything up to the layer catalog.
pub fn parse_program(src: &str) -> (Option<program::Program>, Vec<Diagnostic>) {
    let (file, mut diags) = parse(src);
    let Some(file) = file else {
        return (None, diags);
    };
    let complete = !crate::diagnostic::has_errors(&diags);
    let program = program::lower(file, complete, &mut diags);
    (Some(program), diags)
}
