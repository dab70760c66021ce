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
    let mut recovered = Vec::new();
    let mut diags = Vec::new();
    let result =
        grammar::FileParser::new().parse(&mut recovered, &mut diags, lexer::Lexer::new(src));
    let mut out: Vec<Diagnostic> = recovered
        .iter()
        .map(|r| error::from_parse(&r.error, src))
        .collect();
    out.append(&mut diags);
    let file = match result {
        Ok(file) => Some(file),
        Err(err) => {
            out.push(error::from_parse(&err, src));
            None
        }
    };
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
