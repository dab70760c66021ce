//! Byte offset → line lookups over a source text, built once per file and shared by the
//! checker (layer lines), `shapes` and the diagnostic renderer.

/// The byte offsets where the lines of a text start; 8 bytes per line.
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            starts,
            len: src.len(),
        }
    }

    /// The 1-based line of a byte offset (offsets past the end are on the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset).max(1)
    }

    /// How many lines the text has (an empty text and one ending in `\n` count the
    /// empty last line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn bounds(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line - 1];
        let end = self
            .starts
            .get(line)
            .map_or(self.len, |next| next.saturating_sub(1));
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_and_bounds() {
        let text = "ab\n\ncd\n";
        let lines = LineIndex::new(text);
        assert_eq!(
            (0..=text.len()).map(|b| lines.line(b)).collect::<Vec<_>>(),
            [1, 1, 1, 2, 3, 3, 3, 4]
        );
        assert_eq!(lines.bounds(1), 0..2);
        assert_eq!(lines.bounds(2), 3..3);
        assert_eq!(lines.bounds(3), 4..6);
        assert_eq!(lines.bounds(4), 7..7);
    }
}
