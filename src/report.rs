//! Renders diagnostics as text with ariadne. The only module that knows about ariadne.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::LineIndex;
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

/// A source file as the user named it.
pub struct SourceFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl SourceFile<'_> {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Renders one diagnostic. `color = false` gives stable text for golden files.
pub fn render(diag: &Diagnostic, file: &SourceFile<'_>, color: bool) -> String {
    render_in(
        diag,
        file,
        &Index::new(file.text, std::slice::from_ref(diag)),
        color,
    )
}

/// A file's line indexes, built once per file: rebuilding them per diagnostic made
/// rendering many diagnostics quadratic in the file size.
struct Index<'a> {
    /// ariadne's index (~50 bytes a line) of the file up to the last line a label of
    /// the rendered diagnostics is on. (ariadne 0.6 numbers the gutter from the start
    /// of the `Source` it is given, so it cannot be handed a window further down.)
    source: Source<&'a str>,
    lines: LineIndex,
}

impl<'a> Index<'a> {
    fn new(text: &'a str, rendered: &[Diagnostic]) -> Self {
        let lines = LineIndex::new(text);
        let end = rendered
            .iter()
            .flat_map(|d| d.labels.iter().map(|l| l.span.end))
            .max()
            .unwrap_or(0)
            .min(text.len());
        // One line more: ariadne draws a label that ends a line differently when the
        // source ends right there.
        let line = lines.line(end);
        let prefix = lines.bounds(line.saturating_add(1).min(lines.count())).end;
        Self {
            source: Source::from(&text[..floor_char_boundary(text, prefix)]),
            lines,
        }
    }
}

/// Char offset of a byte offset (floored to a char boundary), counting only within
/// its line: O(line), not O(file), per span.
fn char_offset(source: &Source<&str>, text: &str, byte: usize) -> usize {
    let byte = floor_char_boundary(text, byte);
    match source.get_byte_line(byte) {
        Some((line, _, col)) => line.offset() + text[byte - col..byte].chars().count(),
        None => text[..byte].chars().count(),
    }
}

fn render_in(diag: &Diagnostic, file: &SourceFile<'_>, index: &Index<'_>, color: bool) -> String {
    if let Some(text) = render_without_source(diag, file, &index.lines) {
        return text;
    }
    let source = &index.source;
    // Spans are byte offsets; ariadne is given char offsets so columns are right on
    // non-ASCII input.
    let to_chars = |span: crate::syntax::ast::Span| {
        let start = char_offset(source, file.text, span.start);
        let end = char_offset(source, file.text, span.end).max(start);
        start..end
    };
    let primary = to_chars(diag.primary_span());
    let (kind, accent) = match diag.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Char);
    let mut report = Report::build(kind, (file.path, primary))
        .with_config(config)
        .with_code(diag.code.id)
        .with_message(&diag.message);
    for (i, label) in diag.labels.iter().enumerate() {
        let color = if i == 0 { accent } else { Color::Blue };
        report = report.with_label(
            Label::new((file.path, to_chars(label.span)))
                .with_message(&label.message)
                .with_color(color)
                .with_order(i32::try_from(i).unwrap_or(i32::MAX)),
        );
    }
    for note in &diag.notes {
        report = report.with_note(note);
    }
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    report
        .finish()
        .write((file.path, source), &mut out)
        .expect("writing to a Vec cannot fail");
    String::from_utf8_lossy(&out).into_owned()
}

/// Source lines longer than this many characters are not printed under a diagnostic:
/// ariadne prints a labelled line whole, and a hostile one-line file of megabytes would
/// be printed once per error.
pub const MAX_SHOWN_LINE: usize = 500;

/// The diagnostic without its source lines, when one of its labels sits on a line longer
/// than [`MAX_SHOWN_LINE`]: the code, message, `path:line:col` of each label, notes, help.
fn render_without_source(
    diag: &Diagnostic,
    file: &SourceFile<'_>,
    lines: &LineIndex,
) -> Option<String> {
    let long = |byte: usize| lines.bounds(lines.line(byte)).len() > MAX_SHOWN_LINE;
    if !diag.labels.iter().any(|l| long(l.span.start)) {
        return None;
    }
    let kind = match diag.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let mut out = format!("[{}] {kind}: {}\n", diag.code.id, diag.message);
    for label in &diag.labels {
        let (line, col) = file.line_col(label.span.start);
        out += &format!(
            "   --> {}:{line}:{col}: {} (the line is too long to show)\n",
            file.path, label.message
        );
    }
    for note in &diag.notes {
        out += &format!("   Note: {note}\n");
    }
    if let Some(help) = &diag.help {
        out += &format!("   Help: {help}\n");
    }
    Some(out)
}

/// At most this many diagnostics of one file are rendered. Each one prints its
/// source lines, so without a bound a long line with thousands of errors on it
/// renders to gigabytes.
pub const MAX_RENDERED: usize = 100;

/// Renders the diagnostics of a file, in order: the first [`MAX_RENDERED`], then
/// a line counting the rest.
pub fn render_all(diags: &[Diagnostic], file: &SourceFile<'_>, color: bool) -> String {
    let shown = &diags[..diags.len().min(MAX_RENDERED)];
    let index = Index::new(file.text, shown);
    let mut out: String = shown
        .iter()
        .map(|d| render_in(d, file, &index, color))
        .collect();
    if let Some(rest) = diags.len().checked_sub(MAX_RENDERED).filter(|&n| n > 0) {
        out += &format!(
            "... and {rest} more diagnostics, not shown (the first {MAX_RENDERED} are above)\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_stops_after_the_limit() {
        // One long line with thousands of errors rendered to hundreds of megabytes.
        let text = "¤\n".repeat(5_000);
        let diags: Vec<_> = (0..5_000)
            .map(|i| {
                Diagnostic::error(crate::syntax::codes::INVALID_CHARACTER, "x")
                    .label(crate::syntax::ast::Span::new(3 * i, 3 * i + 2), "here")
            })
            .collect();
        let file = SourceFile {
            path: "x.neural",
            text: &text,
        };
        let out = render_all(&diags, &file, false);
        assert_eq!(out.matches("[E0001]").count(), MAX_RENDERED);
        assert!(
            out.ends_with("... and 4900 more diagnostics, not shown (the first 100 are above)\n")
        );
        assert!(out.len() < 10_000_000, "{} bytes", out.len());
    }

    #[test]
    fn long_lines_are_not_printed() {
        let text = format!("network N {{ {} }}", "¤".repeat(10_000));
        let (_, diags) = crate::syntax::parse_program(&text);
        let file = SourceFile {
            path: "x.neural",
            text: &text,
        };
        let out = render_all(&diags, &file, false);
        assert!(out.len() < 100 * 400, "{} bytes", out.len());
        assert!(out.contains("x.neural:1:13: "), "{out}");
        assert!(
            out.contains("stops reporting after 100 syntax errors"),
            "{out}"
        );
    }

    #[test]
    fn char_offsets_match_counting_from_the_start() {
        let text = "a\r\nbé\u{2028}c\u{85}d\u{b}\u{c}\r\r\n¤x\n\n€";
        let source = Source::from(text);
        for byte in 0..=text.len() + 2 {
            let floored = floor_char_boundary(text, byte);
            assert_eq!(
                char_offset(&source, text, byte),
                text[..floored].chars().count(),
                "byte {byte}"
            );
        }
    }
}
