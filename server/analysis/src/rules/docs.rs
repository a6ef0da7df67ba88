//! docs/diagnostics.md, generated from the rules' `/// Diagnostic:` doc
//! comments so the reference cannot drift from the code. A test compares the
//! file with what this module renders and rewrites it with `UPDATE_EXPECT=1`.

use super::{RULES, Rule, regex};

/// The whole diagnostics reference as Markdown, one sentence per line.
pub fn diagnostics_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         <!-- Generated from the `/// Diagnostic:` doc comments in server/analysis/src/rules/.\n\
         Do not edit by hand: run `UPDATE_EXPECT=1 cargo test -p crossport-analysis diagnostics_doc`\n\
         (it keeps the hand-written \"Measured accuracy\" section at the end). -->\n\n\
         `crossport explain`, `crossport doctor` and the language server report findings of these kinds.\n\
         When several appear, the root cause comes first.\n\
         Each finding carries the facts a fix needs and fix suggestions; the ids below are stable.\n\
         `explain` shows with each fix the exact command that makes it: `crossport fix --target <triple> --only <id>` \
         (the target filled in when the log names it) for the fixes `crossport fix` plans, else the one command that does it.\n\
         A log that shows a failure no kind matches gets `unrecognised_failure` with its first error lines and the next command to run; \
         a log with no failure says \"no failure in this log\".\n\n\
         | kind | what it is |\n|---|---|\n",
    );
    for rule in &RULES {
        out.push_str(&format!(
            "| [`{kind}`](#{kind}) | {summary} |\n",
            kind = rule.kind,
            summary = rule.summary
        ));
    }
    for rule in &RULES {
        out.push('\n');
        out.push_str(&rule_section(rule));
    }
    out
}

fn rule_section(rule: &Rule) -> String {
    let mut out = format!("## {}\n\n_In short: {}._\n\n", rule.kind, rule.summary);
    for paragraph in doc_paragraphs(rule.source, rule.kind.as_str()) {
        for sentence in sentences(&paragraph) {
            out.push_str(&sentence);
            out.push('\n');
        }
        out.push('\n');
    }
    let fixes = fix_ids(rule.source);
    if !fixes.is_empty() {
        let list: Vec<String> = fixes.iter().map(|id| format!("`{id}`")).collect();
        out.push_str(&format!("Fix ids: {}.\n", list.join(", ")));
    }
    out
}

/// The paragraphs of the `/// Diagnostic: <kind>` comment, lines joined.
fn doc_paragraphs(source: &str, kind: &str) -> Vec<String> {
    let marker = format!("/// Diagnostic: {kind}");
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut inside = false;
    for line in source.lines() {
        let line = line.trim_start();
        if !inside {
            inside = line == marker;
            continue;
        }
        let Some(text) = line.strip_prefix("///") else {
            break;
        };
        let text = text.trim();
        if text.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(text);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Splits a paragraph after `. ` when a new sentence starts (a capital
/// letter or bold marker), outside backticks.
fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code && c == '.' && chars.peek() == Some(&' ') {
            let mut lookahead = chars.clone();
            lookahead.next();
            if lookahead
                .peek()
                .is_some_and(|next| next.is_uppercase() || *next == '*')
            {
                chars.next();
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// The fix ids a rule suggests, from its uses of `fix::CONSTANT`.
fn fix_ids(source: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    for captures in regex!(r"fix::([A-Z_]+)").captures_iter(code) {
        let id = captures[1].to_lowercase();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The heading of the hand-written part at the end of docs/diagnostics.md
/// (accuracy measured on the corpus), which regeneration keeps.
pub const MEASURED_HEADING: &str = "\n## Measured accuracy";

/// docs/diagnostics.md split into the generated reference and the
/// hand-written measurements after it.
pub fn split_measured(text: &str) -> (&str, &str) {
    match text.find(MEASURED_HEADING) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_doc_is_up_to_date() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
        let rendered = diagnostics_markdown();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        let (generated, measured) = split_measured(&current);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, format!("{rendered}{measured}"))
                .expect("docs/diagnostics.md is writable");
            return;
        }
        assert!(
            generated == rendered,
            "docs/diagnostics.md is out of date with the rules' doc comments; \
             run `UPDATE_EXPECT=1 cargo test -p crossport-analysis diagnostics_doc`"
        );
    }

    #[test]
    fn every_rule_has_what_why_and_how() {
        for rule in &RULES {
            let text = doc_paragraphs(rule.source, rule.kind.as_str()).join("\n");
            for heading in [
                "**What it means.**",
                "**Why it happens.**",
                "**How to fix.**",
            ] {
                assert!(text.contains(heading), "{} lacks {heading}", rule.kind);
            }
            // The catch-all names a command to run next instead of a fix.
            let catch_all = rule.kind == crate::finding::Kind::UnrecognisedFailure;
            assert!(
                catch_all || !fix_ids(rule.source).is_empty(),
                "{} suggests no fix",
                rule.kind
            );
        }
    }

    #[test]
    fn sentences_split_only_between_sentences() {
        assert_eq!(
            sentences("One `a. B` here, e.g. this. Two. **Three.** four"),
            ["One `a. B` here, e.g. this.", "Two.", "**Three.** four"]
        );
    }
}
