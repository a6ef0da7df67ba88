//! Zero-copy reader for deb822 paragraphs (Release, InRelease, Packages, .sources).
//!
//! Debian's control-file syntax is the base of every index a sysroot reads.
//! A Packages file holds ~60k paragraphs, so the reader borrows field names
//! and values from the input and allocates only the small field list of each
//! paragraph. Multi-line values (the SHA256 list of a Release file) stay
//! available as raw text; [`Paragraph::lines`] walks them line by line.
//!
//! Tolerant by design: a malformed line is reported with its line number and
//! skipped; the rest of the paragraph and of the file are still read.
//! PGP clearsign armor is not handled here (see `inrelease`).

use std::fmt;

/// One `Name: value` field of a paragraph, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field name as written (compare it case-insensitively).
    pub name: &'a str,
    /// The raw value: the text after the colon on the first line, plus any
    /// continuation lines (with their leading whitespace and the newlines
    /// between them), trimmed at both ends.
    pub value: &'a str,
    /// 1-based line number of the field name.
    pub line: usize,
    /// 1-based line number where `value` starts: the next line when the
    /// field's own line has nothing after the colon (a SHA256 list).
    pub value_line: usize,
}

/// One paragraph (stanza): fields in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph<'a> {
    fields: Vec<Field<'a>>,
    /// 1-based line number of the paragraph's first field.
    pub line: usize,
}

impl<'a> Paragraph<'a> {
    /// The raw value of a field (case-insensitive name), trimmed.
    ///
    /// For a multi-line field the continuation lines are included as
    /// written; use [`Paragraph::lines`] to walk them, or
    /// [`Paragraph::get_folded`] for a single-line form.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.field(name).map(|field| field.value)
    }

    /// The whole field (name, raw value, line number).
    pub fn field(&self, name: &str) -> Option<&Field<'a>> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }

    /// The value's lines, each trimmed, empty lines dropped. The first item
    /// is the text on the field's own line when it has any.
    ///
    /// A comment line inside a multi-line value (`#` in the first column,
    /// which a continuation line never has) is skipped, as apt does.
    pub fn lines(&self, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.get(name)
            .unwrap_or("")
            .split('\n')
            .enumerate()
            // The first piece is the text after the colon, never a comment.
            .filter(|(index, line)| *index == 0 || !line.starts_with('#'))
            .map(|(_, line)| line.trim())
            .filter(|line| !line.is_empty())
    }

    /// The value folded to one line: lines joined by single spaces (how a
    /// folded field such as Depends reads when it was wrapped).
    pub fn get_folded(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|_| self.lines(name).collect::<Vec<_>>().join(" "))
    }

    /// The fields in file order.
    pub fn fields(&self) -> &[Field<'a>] {
        &self.fields
    }

    /// True when the paragraph has no field at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// What was wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deb822ErrorKind {
    /// A line that is neither `Name: value`, a continuation, a comment nor blank.
    MissingColon,
    /// A continuation line (starts with whitespace) before any field.
    ContinuationWithoutField,
    /// `: value` with nothing before the colon, or a name with whitespace.
    BadFieldName,
}

/// A malformed line; the parser skipped it and went on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct Deb822Error {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub kind: Deb822ErrorKind,
}

impl fmt::Display for Deb822ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingColon => "expected `Field: value`",
            Self::ContinuationWithoutField => "continuation line outside a field",
            Self::BadFieldName => "invalid field name",
        })
    }
}

/// Iterator over the paragraphs of a deb822 text. Errors for malformed lines
/// come before the paragraph they were found in.
#[derive(Debug, Clone)]
pub struct Paragraphs<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    pending: Vec<Deb822Error>,
    ready: Option<Paragraph<'a>>,
}

/// Reads the paragraphs of `text` lazily.
pub fn paragraphs(text: &str) -> Paragraphs<'_> {
    Paragraphs {
        text,
        pos: 0,
        line: 0,
        pending: Vec::new(),
        ready: None,
    }
}

/// Reads every paragraph of `text`, returning the readable ones and the errors.
pub fn parse_all(text: &str) -> (Vec<Paragraph<'_>>, Vec<Deb822Error>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for item in paragraphs(text) {
        match item {
            Ok(paragraph) => found.push(paragraph),
            Err(error) => errors.push(error),
        }
    }
    (found, errors)
}

impl<'a> Paragraphs<'a> {
    /// The next physical line (without `\n` or a trailing `\r`), or None.
    fn next_line(&mut self) -> Option<(&'a str, usize, usize)> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let len = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let start = self.pos;
        self.pos += len + 1;
        self.line += 1;
        let line = &rest[..len];
        let line = line.strip_suffix('\r').unwrap_or(line);
        Some((line, start, self.line))
    }

    fn read_paragraph(&mut self) -> Option<Paragraph<'a>> {
        // Packages stanzas have about 20 fields: one allocation each.
        let mut paragraph = Paragraph {
            fields: Vec::with_capacity(24),
            line: 0,
        };
        // Start (byte offset) of the current field's value and the end of
        // its last line, so the raw value is one slice of the input.
        let mut open: Option<(usize, usize)> = None;
        while let Some((line, start, number)) = self.next_line() {
            if line.trim().is_empty() {
                if paragraph.fields.is_empty() {
                    continue;
                }
                break;
            }
            if line.starts_with('#') {
                continue;
            }
            if line.starts_with([' ', '\t']) {
                match (&mut open, paragraph.fields.last_mut()) {
                    (Some((value_start, value_end)), Some(field)) => {
                        *value_end = start + line.len();
                        if field.value.is_empty() {
                            field.value_line = number;
                        }
                        field.value = self.text[*value_start..*value_end].trim();
                    }
                    _ => self.error(number, Deb822ErrorKind::ContinuationWithoutField),
                }
                continue;
            }
            let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
                open = None;
                self.error(number, Deb822ErrorKind::MissingColon);
                continue;
            };
            let name = &line[..colon];
            if name.is_empty() || name.contains([' ', '\t']) {
                open = None;
                self.error(number, Deb822ErrorKind::BadFieldName);
                continue;
            }
            let value_start = start + colon + 1;
            let value_end = start + line.len();
            open = Some((value_start, value_end));
            if paragraph.fields.is_empty() {
                paragraph.line = number;
            }
            paragraph.fields.push(Field {
                name,
                value: self.text[value_start..value_end].trim(),
                line: number,
                value_line: number,
            });
        }
        (!paragraph.fields.is_empty()).then_some(paragraph)
    }

    fn error(&mut self, line: usize, kind: Deb822ErrorKind) {
        self.pending.push(Deb822Error { line, kind });
    }
}

impl<'a> Iterator for Paragraphs<'a> {
    type Item = Result<Paragraph<'a>, Deb822Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pending.is_empty() && self.ready.is_none() {
            self.ready = self.read_paragraph();
            self.pending.reverse();
        }
        if let Some(error) = self.pending.pop() {
            return Some(Err(error));
        }
        self.ready.take().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_case_insensitively_with_line_numbers() {
        let text =
            "Package: libssl3\nVersion: 3.0.15-1~deb12u1\n\n\nPackage: zlib1g\nversion: 1:1.2.13\n";
        let (found, errors) = parse_all(text);
        assert!(errors.is_empty());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].get("package"), Some("libssl3"));
        assert_eq!(found[1].get("VERSION"), Some("1:1.2.13"));
        assert_eq!(found[1].line, 5);
        assert_eq!(found[1].field("Version").map(|f| f.line), Some(6));
        assert_eq!(found[0].get("Depends"), None);
    }

    #[test]
    fn keeps_multiline_values_as_raw_text() {
        let text = "Suite: bookworm\nSHA256:\n 0ed6 1234 main/Contents-all\n 9f2a 99 main/binary-arm64/Packages.xz\nCodename: bookworm\n";
        let (found, errors) = parse_all(text);
        assert!(errors.is_empty());
        let lines: Vec<_> = found[0].lines("sha256").collect();
        assert_eq!(
            lines,
            [
                "0ed6 1234 main/Contents-all",
                "9f2a 99 main/binary-arm64/Packages.xz"
            ]
        );
        assert!(found[0].get("SHA256").is_some_and(|v| v.contains('\n')));
        assert_eq!(found[0].get("Codename"), Some("bookworm"));
    }

    #[test]
    fn folds_wrapped_values() {
        let text = "Depends: libc6 (>= 2.34),\n  libssl3 (= 3.0.15)\nPackage: x\n";
        let (found, _) = parse_all(text);
        assert_eq!(
            found[0].get_folded("Depends").as_deref(),
            Some("libc6 (>= 2.34), libssl3 (= 3.0.15)")
        );
    }

    #[test]
    fn skips_comments_and_reports_bad_lines() {
        let text = "# a comment\n  stray continuation\nTypes: deb\n# inner comment\nthis is junk\nURIs: http://mirror.example/debian\r\n\n";
        let items: Vec<_> = paragraphs(text).collect();
        assert_eq!(
            items[0],
            Err(Deb822Error {
                line: 2,
                kind: Deb822ErrorKind::ContinuationWithoutField
            })
        );
        assert_eq!(
            items[1],
            Err(Deb822Error {
                line: 5,
                kind: Deb822ErrorKind::MissingColon
            })
        );
        let paragraph = items[2].as_ref().expect("paragraph after errors");
        assert_eq!(paragraph.get("Types"), Some("deb"));
        assert_eq!(paragraph.get("URIs"), Some("http://mirror.example/debian"));
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn comments_inside_a_multiline_value_are_skipped() {
        let text = "URIs: http://a.example/debian\n# http://old.example/debian\n http://b.example/debian\nSuites: bookworm\n";
        let (found, errors) = parse_all(text);
        assert!(errors.is_empty());
        let uris: Vec<_> = found[0].lines("URIs").collect();
        assert_eq!(uris, ["http://a.example/debian", "http://b.example/debian"]);
        assert_eq!(
            found[0].get_folded("URIs").as_deref(),
            Some("http://a.example/debian http://b.example/debian")
        );
        assert_eq!(found[0].get("Suites"), Some("bookworm"));
        let (hash_first, _) = parse_all("Description: #1 tool\n more\n");
        assert_eq!(hash_first[0].lines("Description").next(), Some("#1 tool"));
    }

    #[test]
    fn empty_and_blank_inputs_have_no_paragraphs() {
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("\n\n  \n").count(), 0);
        assert_eq!(paragraphs("# only a comment\n").count(), 0);
    }
}
