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
    let mut lexical_errors = Vec::new();
    let mut dropped = 0usize;
    // Tokens are handed to the parser as they are lexed, never collected: the tree is
    // the only thing that grows with the file.
    let give_up = std::cell::Cell::new(false);
    let tokens = lexer::Lexer::new(src)
        .take_while(|_| !give_up.get())
        .filter_map(|t| {
            t.map_err(|e| {
                if e.kind != token::LexErrorKind::InvalidCharacter {
                    cutoff = cutoff.min(e.start);
                }
                if lexical_errors.len() < actions::MAX_SYNTAX_ERRORS {
                    lexical_errors.push(error::from_lex(&e, src));
                } else {
                    dropped += 1;
                }
            })
            .ok()
            .map(Ok::<_, lexer::LexError>)
        });
    let result = grammar::FileParser::new().parse(&mut recovered, &mut diags, &give_up, tokens);
    let mut out = lexical_errors;
    out.append(&mut diags);
    if give_up.get() {
        dropped += 1;
    }
    out.extend(recovered.iter().map(|r| error::from_parse(&r.error, src)));
    let file = match result {
        Ok(file) => Some(file),
        // The end of the stream after giving up is not where the file ends.
        Err(_) if give_up.get() => None,
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
    if dropped > 0 || out.len() > actions::MAX_SYNTAX_ERRORS {
        out.truncate(actions::MAX_SYNTAX_ERRORS);
        if let Some(last) = out.last_mut() {
            last.notes.push(format!(
                "neuralc stops reporting after {} syntax errors; fix these and check again",
                actions::MAX_SYNTAX_ERRORS
            ));
        }
    }
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
