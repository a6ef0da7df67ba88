//! What a rule sees: the parsed log, the build's target, and helpers that
//! give every finding the same facts (crate, target, env vars, evidence).

use crossport_formats::cargo_log::{BuildScriptFailure, CargoLog};

use super::targets;
use crate::finding::{Evidence, Finding, Kind, Severity};

/// A log being explained.
pub struct Context<'a> {
    pub log: &'a CargoLog,
    /// The target the log names most often, else the caller's hint.
    pub target: Option<String>,
    /// Indices of `error: linking with` lines and of `error: could not
    /// compile` lines, ascending: rules look these up for every hit, so a
    /// log with thousands of hits must not rescan for them each time.
    linking_headers: Vec<usize>,
    could_not_compile: Vec<usize>,
    /// Whether cargo printed `Finished …`: the build (or part of it) succeeded.
    finished: bool,
    /// Per rule, the lines its triggers matched: scanned once, on first use.
    triggered: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl<'a> Context<'a> {
    pub fn new(log: &'a CargoLog, target_hint: Option<&str>) -> Self {
        let target = targets::detect_target(log, 0..log.lines.len())
            .or_else(|| target_hint.map(str::to_owned));
        let mut linking_headers = Vec::new();
        let mut could_not_compile = Vec::new();
        let mut finished = false;
        for (index, line) in log.lines.iter().enumerate() {
            let content = line.content();
            if content.starts_with("error: linking with `") {
                linking_headers.push(index);
            } else if content.starts_with("error: could not compile `") {
                could_not_compile.push(index);
            } else if content.starts_with("Finished ") {
                finished = true;
            }
        }
        Context {
            log,
            target,
            linking_headers,
            could_not_compile,
            finished,
            triggered: std::sync::OnceLock::new(),
        }
    }

    /// For each rule (by index into [`super::RULES`]), the lines its
    /// triggers matched, ascending. The log is scanned once per context, so
    /// a rule asking "does any other rule see something here?" costs a
    /// lookup, not another pass of the whole trigger set.
    pub fn triggered(&self) -> &[Vec<usize>] {
        self.triggered.get_or_init(|| super::scan_triggers(self))
    }

    /// Whether cargo said `Finished`: then a build script's env lines (its
    /// probe, printed by every successful `-vv` build) are no failure.
    pub fn build_finished(&self) -> bool {
        self.finished
    }

    /// The content (no indentation, no quoting) of a line.
    pub fn content(&self, index: usize) -> &'a str {
        self.log.lines.get(index).map_or("", |line| line.content())
    }

    pub fn block(&self, index: usize) -> Option<&'a BuildScriptFailure> {
        self.log.build_script_at(index)
    }

    /// The target for a line: the one its build-script block names (cc-rs
    /// and openssl-sys print it), else the log's.
    pub fn target_at(&self, index: usize) -> Option<String> {
        self.block(index)
            .and_then(|block| targets::detect_target(self.log, block.lines.clone()))
            .or_else(|| self.target.clone())
    }

    /// The crate a line is about: its build-script block, the JSON
    /// diagnostic's package, or the `could not compile` line that follows.
    pub fn crate_at(&self, index: usize) -> Option<(String, Option<String>)> {
        if let Some(block) = self.block(index) {
            return Some((block.crate_name.clone(), block.crate_version.clone()));
        }
        if let Some((name, version)) = self.log.lines.get(index).and_then(|l| l.package.clone()) {
            return Some((name, Some(version)));
        }
        let warning = super::regex!(r"^warning: ([A-Za-z0-9_-]+)@([0-9][\w.+-]*): ");
        if let Some(captures) = warning.captures(self.content(index)) {
            return Some((captures[1].to_owned(), Some(captures[2].to_owned())));
        }
        let pattern = super::regex!(r"^error: could not compile `([^`]+)`");
        let next = self.could_not_compile[self.could_not_compile.partition_point(|&i| i < index)..]
            .first()
            .copied()
            .filter(|&i| i < index + 400)?;
        let captures = pattern.captures(self.content(next))?;
        Some((captures[1].to_owned(), None))
    }

    /// The nearest line at or before `index` (at most `reach` lines back)
    /// whose content satisfies `is_header`.
    pub fn header_before(
        &self,
        index: usize,
        reach: usize,
        is_header: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        (index.saturating_sub(reach)..=index)
            .rev()
            .find(|&i| is_header(self.content(i)))
    }

    /// The `error: linking with `X` failed` line a linker message belongs to,
    /// and the linker it names.
    pub fn linking_error(&self, index: usize) -> Option<(usize, String)> {
        let pattern = super::regex!(r"^error: linking with `([^`]+)` failed");
        let before = self.linking_headers.partition_point(|&i| i <= index);
        let header = *self.linking_headers.get(before.checked_sub(1)?)?;
        if index - header > 300 {
            return None;
        }
        let linker = pattern.captures(self.content(header))?[1].to_owned();
        Some((header, linker))
    }

    /// The start of the evidence for a line: its build-script block's
    /// header, else the line itself.
    pub fn evidence_start(&self, index: usize) -> usize {
        self.block(index).map_or(index, |block| block.lines.start)
    }

    /// A finding with evidence `first..=last`, the target, the crate and the
    /// env vars its build script consulted already filled in.
    pub fn finding(
        &self,
        kind: Kind,
        message: impl Into<String>,
        first: usize,
        last: usize,
    ) -> Finding {
        let mut finding = Finding::new(kind, Severity::Error, message);
        finding.target = self.target_at(last);
        finding.evidence = Evidence {
            lines: Some([self.log.number_of(first), self.log.number_of(last)]),
            ..Evidence::default()
        };
        if let Some((name, version)) = self.crate_at(last) {
            finding = finding
                .with_fact("crate", serde_json::Value::String(name))
                .with_fact("crate_version", version.map(serde_json::Value::String));
        }
        if let Some(block) = self.block(last).filter(|block| !block.env_vars.is_empty()) {
            finding = finding.with_fact("env_vars", serde_json::json!(block.env_vars));
        }
        finding
    }

    /// " for <target>" or "" — for messages.
    pub fn for_target(&self, finding: &Finding) -> String {
        finding
            .target
            .as_deref()
            .map_or_else(String::new, |target| format!(" for {target}"))
    }
}

/// One representative line per key (a tool, a library …): the first hit
/// inside a build-script block when there is one (it has the crate, the
/// target and the env vars), else the first hit. Keys keep first-seen order.
pub fn one_hit_per_key<K: PartialEq>(
    cx: &Context<'_>,
    hits: &[usize],
    key_of: impl Fn(usize) -> Option<K>,
) -> Vec<(K, usize)> {
    let mut chosen: Vec<(K, usize)> = Vec::new();
    for &index in hits {
        let Some(key) = key_of(index) else {
            continue;
        };
        match chosen.iter_mut().find(|(known, _)| *known == key) {
            Some((_, kept)) => {
                if cx.block(*kept).is_none() && cx.block(index).is_some() {
                    *kept = index;
                }
            }
            None => chosen.push((key, index)),
        }
    }
    chosen
}

/// Sets a string fact.
pub fn text_fact(finding: Finding, key: &str, value: Option<&str>) -> Finding {
    finding.with_fact(key, value.map(|v| serde_json::Value::String(v.to_owned())))
}

/// Whether the log shows `tool` (a name or a path) existing but unable to
/// run: `file`'s `ELF 32-bit … interpreter /lib/ld-linux.so.2` for it, or
/// `cannot execute binary file` / `Exec format error` naming it. Then a
/// shell's `not found` or an `os error 2` about it means a binary for
/// another machine (a broken toolchain), not a missing one.
pub fn tool_exists_but_cannot_run(cx: &Context<'_>, tool: &str) -> bool {
    let base = |path: &str| {
        let name = base_name(path).trim();
        name.strip_suffix(".exe").unwrap_or(name).to_owned()
    };
    let name = base(tool);
    if name.is_empty() {
        return false;
    }
    cx.log.lines.iter().any(|line| {
        let content = line.content();
        if let Some((path, rest)) = content.split_once(": ELF ") {
            return rest.contains("executable") && base(path) == name;
        }
        (content.contains("cannot execute binary file") || content.contains("Exec format error"))
            && content.contains(name.as_str())
    })
}

/// The last component of a Unix or Windows path.
pub fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
