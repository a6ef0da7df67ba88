//! Tolerant reader for cargo build output in any mix (JSON messages, human stderr, build-script blocks, loader errors).
//!
//! People paste build output from everywhere: a terminal, a CI job with
//! timestamps, an issue thread quoted with `>`, cargo's JSON stream (where a
//! failing build script's output still arrives as plain text), or a server's
//! loader error. The reader turns any of it into numbered lines of plain text
//! that rules can match, and finds the `failed to run custom build command`
//! blocks with their stdout/stderr sections. It never fails: what it cannot
//! read is kept as text and listed in [`CargoLog::skipped`].

mod blocks;
mod clean;
mod json;

pub use blocks::BuildScriptFailure;
pub use json::package_of;

/// Where a line's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A line of plain text output.
    Text,
    /// A line of a JSON diagnostic's `rendered` text.
    JsonRendered,
    /// A JSON message kept as it was (artifacts, build-script results).
    Json,
}

/// One line of text as cargo (or the tool) printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// 1-based line number in the input; the lines of a JSON diagnostic's
    /// rendered text share the number of the JSON line.
    pub number: u32,
    /// The text without colour, carriage returns or CI prefixes; indented
    /// as it was.
    pub text: String,
    pub origin: Origin,
    /// Crate name and version, when the line came from a JSON diagnostic.
    pub package: Option<(String, String)>,
}

impl LogLine {
    /// The text without indentation and quoting (`>`, `|`, `=`): what rules
    /// match against.
    pub fn content(&self) -> &str {
        clean::content_of(&self.text)
    }

    /// Leading whitespace width after markdown quoting, for block structure.
    pub fn indent(&self) -> usize {
        // Markdown quoting starts at column 0; a `>` after indentation is
        // text (pkg-config-rs prints `  > pkg-config --libs …`).
        let mut rest = self.text.as_str();
        while let Some(after) = rest.strip_prefix('>') {
            rest = after.strip_prefix(' ').unwrap_or(after);
        }
        rest.len() - rest.trim_start().len()
    }
}

/// A line the reader could not interpret (it is still in `lines` as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: u32,
    pub reason: String,
}

/// A whole log, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CargoLog {
    pub lines: Vec<LogLine>,
    /// The `failed to run custom build command` blocks, in order.
    pub build_scripts: Vec<BuildScriptFailure>,
    pub skipped: Vec<Skipped>,
}

impl CargoLog {
    /// The build-script block a line (index into `lines`) belongs to.
    pub fn build_script_at(&self, index: usize) -> Option<&BuildScriptFailure> {
        // Blocks are in order and do not overlap.
        let after = self
            .build_scripts
            .partition_point(|block| block.lines.start <= index);
        let block = self.build_scripts.get(after.checked_sub(1)?)?;
        block.lines.contains(&index).then_some(block)
    }

    /// The original 1-based line number of a line index (saturating at the end).
    pub fn number_of(&self, index: usize) -> u32 {
        self.lines
            .get(index.min(self.lines.len().saturating_sub(1)))
            .map_or(0, |line| line.number)
    }
}

/// Reads a log of any shape. Invalid UTF-8 is replaced, never rejected.
pub fn read(input: &[u8]) -> CargoLog {
    let mut log = CargoLog::default();
    let mut number: u32 = 0;
    let numbered = has_paste_line_numbers(input);
    for raw in split_lines(input) {
        number = number.saturating_add(1);
        let raw = if numbered {
            strip_paste_line_number(raw)
        } else {
            raw
        };
        push_line(&mut log, number, raw);
    }
    log.build_scripts = blocks::find_build_scripts(&log.lines);
    log
}

/// A paste site's or an editor's line number before every line (`  12 | `,
/// `12: `, `12\t`).
static PASTE_LINE_NUMBER: std::sync::LazyLock<regex::bytes::Regex> =
    std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"^[ \t]{0,8}([0-9]{1,6})(?:[ \t]?\|[ \t]?|:[ \t]|:$|\t)")
            .expect("a valid literal")
    });

/// Whether the log was pasted with line numbers: its first lines (up to 20
/// that are not blank) all start with a number, and the numbers rise.
/// rustc's own `12 |` source lines follow the error that quotes them, so
/// they never make up a whole log's start and are not taken for it.
fn has_paste_line_numbers(input: &[u8]) -> bool {
    let mut previous: Option<u64> = None;
    let mut seen = 0;
    for raw in split_lines(input)
        .filter(|raw| raw.iter().any(|b| !b.is_ascii_whitespace()))
        .take(20)
    {
        let Some(number) = PASTE_LINE_NUMBER
            .captures(raw)
            .and_then(|caps| std::str::from_utf8(&caps[1]).ok()?.parse::<u64>().ok())
        else {
            return false;
        };
        if previous.is_some_and(|before| number <= before) {
            return false;
        }
        previous = Some(number);
        seen += 1;
    }
    seen >= 1
}

fn strip_paste_line_number(raw: &[u8]) -> &[u8] {
    match PASTE_LINE_NUMBER.find(raw) {
        Some(found) => &raw[found.end()..],
        None => raw,
    }
}

/// Splits on `\n`, without a final empty line for a trailing newline.
fn split_lines(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    let trimmed = input.strip_suffix(b"\n").unwrap_or(input);
    let empty = input.is_empty();
    trimmed.split(|b| *b == b'\n').filter(move |_| !empty)
}

fn push_line(log: &mut CargoLog, number: u32, raw: &[u8]) {
    let text = clean::clean_line(raw);
    let trimmed = text.trim();
    if trimmed.starts_with('{') && trimmed.ends_with('}') {
        match json::read_json_line(trimmed) {
            Ok(json::JsonLine::Diagnostic { rendered, package }) => {
                for rendered_line in rendered.lines() {
                    log.lines.push(LogLine {
                        number,
                        text: clean::clean_line(rendered_line.as_bytes()),
                        origin: Origin::JsonRendered,
                        package: package.clone(),
                    });
                }
                return;
            }
            Ok(json::JsonLine::Other) => {
                log.lines.push(LogLine {
                    number,
                    text,
                    origin: Origin::Json,
                    package: None,
                });
                return;
            }
            Err(reason) => log.skipped.push(Skipped {
                line: number,
                reason,
            }),
        }
    }
    log.lines.push(LogLine {
        number,
        text,
        origin: Origin::Text,
        package: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_line_numbers_are_removed_when_every_line_has_one() {
        for input in [
            "  41 | error: linker `cc` not found\n  42 |   |\n  43 |   = note: No such file\n",
            "7: error: linker `cc` not found\n8:\n9:   = note: No such file\n",
        ] {
            let log = read(input.as_bytes());
            assert_eq!(log.lines[0].text, "error: linker `cc` not found", "{input}");
        }
        let log = read(b"    1 | error: x\n");
        assert_eq!(log.lines[0].text, "error: x");
        // rustc's source lines after its error keep their numbers.
        let log = read(b"error[E0425]: x\n12 | let a = b;\n13 | c();\n");
        assert_eq!(log.lines[1].text, "12 | let a = b;");
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert_eq!(read(b""), CargoLog::default());
        assert_eq!(read(b"\n").lines.len(), 1);
    }

    #[test]
    fn json_and_text_keep_original_line_numbers() {
        let input = concat!(
            "   Compiling app v0.1.0\n",
            r#"{"reason":"compiler-message","package_id":"app 0.1.0 (path+file:///w)","message":{"rendered":"error: linking with `cc` failed: exit status: 1\n  |\n  = note: /usr/bin/ld: cannot find -lssl\n"}}"#,
            "\n{\"reason\": broken}\n",
            "error: could not compile `app`\r\n",
        );
        let log = read(input.as_bytes());
        let numbered: Vec<(u32, &str)> = log
            .lines
            .iter()
            .map(|line| (line.number, line.content()))
            .collect();
        assert_eq!(
            numbered,
            [
                (1, "Compiling app v0.1.0"),
                (2, "error: linking with `cc` failed: exit status: 1"),
                (2, ""),
                (2, "note: /usr/bin/ld: cannot find -lssl"),
                (3, "{\"reason\": broken}"),
                (4, "error: could not compile `app`"),
            ]
        );
        assert_eq!(log.lines[1].package, Some(("app".into(), "0.1.0".into())));
        assert_eq!(log.skipped.len(), 1);
        assert_eq!(log.skipped[0].line, 3);
    }

    #[test]
    fn indent_ignores_markdown_quotes() {
        let line = |text: &str| LogLine {
            number: 1,
            text: text.to_owned(),
            origin: Origin::Text,
            package: None,
        };
        assert_eq!(line(">   --- stderr").indent(), 2);
        assert_eq!(line("    x").indent(), 4);
        assert_eq!(line("  > pkg-config").indent(), 2);
    }
}
