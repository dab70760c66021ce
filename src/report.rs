//! Renders diagnostics as text with ariadne. The only module that knows about ariadne.

use crate::diagnostic::{Diagnostic, Severity};
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

    fn char_offset(&self, byte: usize) -> usize {
        self.text[..floor_char_boundary(self.text, byte)]
            .chars()
            .count()
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
    // Spans are byte offsets; ariadne is given char offsets so columns are right on
    // non-ASCII input.
    let to_chars = |span: crate::syntax::ast::Span| {
        let start = file.char_offset(span.start);
        let end = file.char_offset(span.end).max(start);
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
        .write((file.path, Source::from(file.text)), &mut out)
        .expect("writing to a Vec cannot fail");
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders all diagnostics of a file, in order.
pub fn render_all(diags: &[Diagnostic], file: &SourceFile<'_>, color: bool) -> String {
    diags.iter().map(|d| render(d, file, color)).collect()
}
