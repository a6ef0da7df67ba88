//! The corpus's tune logs that the rules get right must stay right when a
//! capturing tool wraps their lines, and when a user pastes only the lines
//! that show the failure. Only the tune part is read here: the held-out part
//! is scored, never tested on (fixtures/corpus/split.py). Every corpus's
//! tune part is read (fixtures/corpus, fixtures/corpus2, fixtures/corpus3,
//! fixtures/corpus4).

use std::path::{Path, PathBuf};

use crossport_analysis::explain::explain;
use crossport_analysis::finding::Finding;
use crossport_analysis::score::parse_table;

fn corpus_dirs() -> [PathBuf; 4] {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    [
        fixtures.join("corpus"),
        fixtures.join("corpus2"),
        fixtures.join("corpus3"),
        fixtures.join("corpus4"),
    ]
}

/// `(id, text, first finding)` of every tune log whose first finding is its
/// label.
fn tune_hits() -> Vec<(String, String, Finding)> {
    let mut hits = Vec::new();
    for dir in corpus_dirs() {
        let table = std::fs::read_to_string(dir.join("corpus.tsv")).expect("corpus.tsv");
        let rows = parse_table(&table).expect("corpus.tsv is well formed");
        for row in rows.into_iter().filter(|row| row.split == "tune") {
            let bytes =
                std::fs::read(dir.join("logs").join(format!("{}.log", row.id))).expect("tune log");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some(first) = explain(text.as_bytes(), None).into_iter().next()
                && first.kind.as_str() == row.kind
            {
                hits.push((row.id, text, first));
            }
        }
    }
    assert!(hits.len() > 150, "only {} tune hits", hits.len());
    hits
}

fn first_kind(text: &str) -> Option<&'static str> {
    explain(text.as_bytes(), None)
        .first()
        .map(|finding| finding.kind.as_str())
}

#[test]
fn tune_hits_keep_their_kind_under_capture_prefixes() {
    let prefixes = [
        "2024-03-01T10:00:00.1234567Z ",
        "#14 12.34 ",
        "app-0.1.0> ",
        "[build:release   ] ",
        "[2024-03-01T10:00:00.123Z] ",
        "remote: ",
        "api-1  | ",
        "npm ERR! ",
    ];
    let mut failures = Vec::new();
    for (id, text, expected) in tune_hits() {
        for prefix in prefixes {
            let wrapped: String = text
                .lines()
                .map(|line| format!("{prefix}{line}\n"))
                .collect();
            let got = first_kind(&wrapped);
            if got != Some(expected.kind.as_str()) {
                failures.push(format!(
                    "{id} with {prefix:?}: {} -> {got:?}",
                    expected.kind.as_str()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// rustc's colour forced on (`--color=always`): bold red `error`, yellow
/// `warning`, green `note`, the message bold.
fn rustc_colour(line: &str) -> String {
    for (word, colour) in [("error", "9"), ("warning", "11"), ("note", "10")] {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(word) {
            let indent = &line[..line.len() - trimmed.len()];
            return format!(
                "{indent}\x1b[0m\x1b[1m\x1b[38;5;{colour}m{word}\x1b[0m\x1b[0m\x1b[1m{rest}\x1b[0m"
            );
        }
    }
    line.to_owned()
}

/// gcc's and ld's colour: `\x1b[01;31m\x1b[Kerror:\x1b[m\x1b[K` wherever
/// the word is.
fn gcc_colour(line: &str) -> String {
    line.replace("error:", "\x1b[01;31m\x1b[Kerror:\x1b[m\x1b[K")
        .replace("warning:", "\x1b[01;35m\x1b[Kwarning:\x1b[m\x1b[K")
        .replace("note:", "\x1b[01;36m\x1b[Knote:\x1b[m\x1b[K")
}

/// The tune hits keep their kind when colour codes decorate their lines:
/// real escape bytes, the paste where the ESC byte was lost, and escapes
/// written out as text.
#[test]
fn tune_hits_keep_their_kind_under_colour() {
    type Colour = fn(&str) -> String;
    let colours: [(&str, Colour); 8] = [
        ("rustc", rustc_colour),
        ("gcc", gcc_colour),
        ("whole line", |line| format!("\x1b[31m{line}\x1b[0m")),
        ("rustc without ESC", |line| {
            rustc_colour(line).replace('\x1b', "")
        }),
        ("gcc without ESC", |line| {
            gcc_colour(line).replace('\x1b', "")
        }),
        ("written \\x1b", |line| {
            rustc_colour(line).replace('\x1b', "\\x1b")
        }),
        ("written \\u001b", |line| {
            gcc_colour(line).replace('\x1b', "\\u001b")
        }),
        ("caret", |line| {
            format!("\x1b[1m{line}\x1b[0m").replace('\x1b', "^[")
        }),
    ];
    let mut failures = Vec::new();
    for (id, text, expected) in tune_hits() {
        for (name, colour) in colours {
            let coloured: String = text
                .lines()
                .map(|line| format!("{}\n", colour(line)))
                .collect();
            let got = first_kind(&coloured);
            if got != Some(expected.kind.as_str()) {
                failures.push(format!(
                    "{id} with {name} colour: {} -> {got:?}",
                    expected.kind.as_str()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Windows line endings, and a progress bar that a `\r` overwrote before
/// each line, leave the kind alone.
#[test]
fn tune_hits_keep_their_kind_under_crlf_and_progress_bars() {
    let mut failures = Vec::new();
    for (id, text, expected) in tune_hits() {
        let crlf: String = text.lines().map(|line| format!("{line}\r\n")).collect();
        let progress: String = text
            .lines()
            .map(|line| {
                if line.trim().is_empty() {
                    format!("{line}\n")
                } else {
                    format!("    Building [=====>    ] 12/40: dep\r{line}\n")
                }
            })
            .collect();
        for (name, changed) in [("crlf", crlf), ("progress bar", progress)] {
            let got = first_kind(&changed);
            if got != Some(expected.kind.as_str()) {
                failures.push(format!(
                    "{id} with {name}: {} -> {got:?}",
                    expected.kind.as_str()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prefixes that pastes and other capture tools add: markdown quotes,
/// indentation, pastebin line numbers, GitHub's `##[error]`, BuildKit and
/// GitLab/Jenkins stamps.
#[test]
fn tune_hits_keep_their_kind_under_paste_prefixes() {
    type Prefix = fn(usize) -> String;
    let prefixes: [(&str, Prefix); 9] = [
        ("markdown quote", |_| "> ".to_owned()),
        ("nested quote", |_| ">> ".to_owned()),
        ("four spaces", |_| "    ".to_owned()),
        ("tab", |_| "\t".to_owned()),
        ("pastebin bar", |n| format!("{n:>5} | ")),
        ("line number colon", |n| format!("{n}: ")),
        ("github error", |_| "##[error]".to_owned()),
        ("buildkit", |n| format!("#12 {}.{:02} ", n / 10, n % 100)),
        ("jenkins", |_| "[2024-03-01T10:00:00.123Z] ".to_owned()),
    ];
    let mut failures = Vec::new();
    for (id, text, expected) in tune_hits() {
        for (name, prefix) in prefixes {
            let wrapped: String = text
                .lines()
                .enumerate()
                .map(|(index, line)| format!("{}{line}\n", prefix(index + 1)))
                .collect();
            let got = first_kind(&wrapped);
            if got != Some(expected.kind.as_str()) {
                failures.push(format!(
                    "{id} with {name}: {} -> {got:?}",
                    expected.kind.as_str()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether a line has `error` as a word of its own (`error:`, `Error`,
/// `error[E0463]`), not inside a name such as `SSL_load_error_strings`.
fn says_error(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    lower.match_indices("error").any(|(at, _)| {
        !word(lower[..at].chars().next_back()) && {
            let after = lower[at + "error".len()..].trim_start_matches('s');
            !word(after.chars().next())
        }
    })
}

/// Any single line of a finding's evidence that says `error` is a failure
/// excerpt on its own: explain must answer it with some finding, never
/// with nothing. (Its kind may differ: a pasted line alone often lacks the
/// target or tool that decided the kind.)
#[test]
fn every_error_line_of_the_evidence_alone_gets_a_finding() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, text, expected) in tune_hits() {
        let Some([first, last]) = expected.evidence.lines else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let end = (last as usize).min(lines.len());
        for line in &lines[first as usize - 1..end] {
            if !says_error(line) {
                continue;
            }
            checked += 1;
            if first_kind(&format!("{line}\n")).is_none() {
                failures.push(format!("{id}: {line:?}"));
            }
        }
    }
    assert!(checked > 100, "only {checked} evidence lines said error");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
