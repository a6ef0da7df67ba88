//! Converts between byte offsets (what findings and edits carry) and LSP
//! positions (line + UTF-16 code unit, what every editor speaks).
//!
//! The server advertises UTF-16 only: it is the one encoding every client
//! must support, and Neovim 0.7 and VS Code both default to it.

use async_lsp::lsp_types::{Position, Range};

/// The start offset of every line of one text, for fast conversions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (offset, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(offset + 1);
            }
        }
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// The LSP position of a byte offset; offsets past the end or inside a
    /// UTF-8 sequence are clamped to the nearest valid place before them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let character = text[line_start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(
            self.position(text, start),
            self.position(text, end.max(start)),
        )
    }

    /// The byte offset of an LSP position. A line past the end maps to the
    /// end of the text; a character past the end of its line maps to the
    /// end of that line (the spec asks servers to clamp like this).
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&line_start) = self.line_starts.get(position.line as usize) else {
            return self.len;
        };
        let line_end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(self.len, |next| next - 1);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let mut units = 0u32;
        for (index, ch) in line.char_indices() {
            if units >= position.character {
                return line_start + index;
            }
            units += ch.len_utf16() as u32;
        }
        line_start + line.len()
    }

    /// The range covering the whole text.
    pub fn full_range(&self, text: &str) -> Range {
        Range::new(Position::new(0, 0), self.position(text, self.len))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_positions_round_trip() {
        let text = "[package]\nname = \"x\"\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 10), Position::new(1, 0));
        assert_eq!(index.position(text, 14), Position::new(1, 4));
        assert_eq!(index.offset(text, Position::new(1, 4)), 14);
        assert_eq!(index.position(text, text.len()), Position::new(2, 0));
    }

    #[test]
    fn utf16_counts_surrogate_pairs_and_multibyte_chars() {
        // "é" is 2 bytes and 1 UTF-16 unit; "🦀" is 4 bytes and 2 units.
        let text = "a = \"é🦀\" # x\n";
        let index = LineIndex::new(text);
        let hash = text.find('#').expect("fixture has a hash");
        assert_eq!(index.position(text, hash), Position::new(0, 10));
        assert_eq!(index.offset(text, Position::new(0, 10)), hash);
    }

    #[test]
    fn out_of_range_inputs_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(0, 99)), 2);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(index.position(text, 999), Position::new(1, 2));
        let crab = "🦀";
        assert_eq!(LineIndex::new(crab).position(crab, 2), Position::new(0, 0));
        assert_eq!(index.full_range(text).end, Position::new(1, 2));
    }
}
