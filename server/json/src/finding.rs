//! A finding as scripts and editors see it, and `explain`'s document.
//!
//! The same shape is in `explain`, `doctor`, `build` and the language
//! server's `Diagnostic.data`. It converts both ways: the language server
//! reads a finding back from a client's code action request.

use std::collections::BTreeMap;

use crossport_analysis::finding as internal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The public, stable names of what crossport can find (DESIGN.md lists
/// what each means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    OpensslNotFound,
    PkgConfigCross,
    LinkerNotFound,
    WrongLinkerFlavor,
    HostLinkerUsed,
    TargetNotInstalled,
    StdUnavailableForTarget,
    CcToolNotFound,
    CcToolchainBroken,
    WrongCcForTarget,
    MissingHeader,
    MissingLibraryAtLink,
    WrongArchLibrary,
    GlibcTooNew,
    RuntimeMissingSharedLib,
    MuslStatic,
    VendoredOpensslPerl,
    ZigbuildError,
    /// A failed log that no other rule recognises.
    UnrecognisedFailure,
}

/// Both directions are exhaustive matches, so a kind added to the analysis
/// does not compile until it is part of the contract.
macro_rules! kinds {
    ($($name:ident),* $(,)?) => {
        impl From<internal::Kind> for Kind {
            fn from(kind: internal::Kind) -> Self {
                match kind {
                    $(internal::Kind::$name => Kind::$name,)*
                }
            }
        }

        impl From<Kind> for internal::Kind {
            fn from(kind: Kind) -> Self {
                match kind {
                    $(Kind::$name => internal::Kind::$name,)*
                }
            }
        }
    };
}

kinds!(
    OpensslNotFound,
    PkgConfigCross,
    LinkerNotFound,
    WrongLinkerFlavor,
    HostLinkerUsed,
    TargetNotInstalled,
    StdUnavailableForTarget,
    CcToolNotFound,
    CcToolchainBroken,
    WrongCcForTarget,
    MissingHeader,
    MissingLibraryAtLink,
    WrongArchLibrary,
    GlibcTooNew,
    RuntimeMissingSharedLib,
    MuslStatic,
    VendoredOpensslPerl,
    ZigbuildError,
    UnrecognisedFailure,
);

/// How bad a finding is: errors stop the build or the program, warnings are
/// likely to bite later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl From<internal::Severity> for Severity {
    fn from(severity: internal::Severity) -> Self {
        match severity {
            internal::Severity::Error => Severity::Error,
            internal::Severity::Warning => Severity::Warning,
            internal::Severity::Info => Severity::Info,
        }
    }
}

impl From<Severity> for internal::Severity {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => internal::Severity::Error,
            Severity::Warning => internal::Severity::Warning,
            Severity::Info => internal::Severity::Info,
        }
    }
}

/// A byte range in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileSpan {
    /// The file, usually absolute.
    pub path: String,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
}

/// A note that points elsewhere, e.g. the dependency path that pulls a
/// native library in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RelatedNote {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileSpan>,
    /// First and last log line (1-based, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
}

/// Where a finding was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// First and last line (1-based, inclusive) of the log that show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    /// A file and byte range, for findings about files (Cargo.toml, config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileSpan>,
    /// Further places that explain the finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedNote>,
}

/// A fix that could make the finding go away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FixSuggestion {
    /// Stable id (`add_target`, `configure_linker`, `fetch_sysroot_and_wire`, `use_vendored_openssl` …).
    pub id: String,
    /// A title for people.
    pub title: String,
    /// The exact command that makes the fix, when `explain` knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// One thing crossport found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    /// One sentence a user understands, no trailing period.
    pub message: String,
    /// The target triple, when the evidence reveals it.
    pub target: Option<String>,
    /// The facts a fix needs, by stable snake_case name (docs/json.md lists them).
    pub facts: BTreeMap<String, serde_json::Value>,
    pub evidence: Evidence,
    pub fixes: Vec<FixSuggestion>,
}

impl From<&internal::FileSpan> for FileSpan {
    fn from(span: &internal::FileSpan) -> Self {
        FileSpan {
            path: span.path.clone(),
            start: span.start,
            end: span.end,
        }
    }
}

impl From<FileSpan> for internal::FileSpan {
    fn from(span: FileSpan) -> Self {
        internal::FileSpan {
            path: span.path,
            start: span.start,
            end: span.end,
        }
    }
}

impl From<&internal::Finding> for Finding {
    fn from(finding: &internal::Finding) -> Self {
        let evidence = &finding.evidence;
        Finding {
            kind: finding.kind.into(),
            severity: finding.severity.into(),
            message: finding.message.clone(),
            target: finding.target.clone(),
            facts: finding.facts.clone(),
            evidence: Evidence {
                lines: evidence.lines,
                file: evidence.file.as_ref().map(FileSpan::from),
                related: evidence
                    .related
                    .iter()
                    .map(|note| RelatedNote {
                        message: note.message.clone(),
                        file: note.file.as_ref().map(FileSpan::from),
                        lines: note.lines,
                    })
                    .collect(),
            },
            fixes: finding
                .fixes
                .iter()
                .map(|fix| FixSuggestion {
                    id: fix.id.clone(),
                    title: fix.title.clone(),
                    command: fix.command.clone(),
                })
                .collect(),
        }
    }
}

impl From<Finding> for internal::Finding {
    fn from(finding: Finding) -> Self {
        internal::Finding {
            kind: finding.kind.into(),
            severity: finding.severity.into(),
            message: finding.message,
            target: finding.target,
            facts: finding.facts,
            evidence: internal::Evidence {
                lines: finding.evidence.lines,
                file: finding.evidence.file.map(Into::into),
                related: finding
                    .evidence
                    .related
                    .into_iter()
                    .map(|note| internal::RelatedNote {
                        message: note.message,
                        file: note.file.map(Into::into),
                        lines: note.lines,
                    })
                    .collect(),
            },
            fixes: finding
                .fixes
                .into_iter()
                .map(|fix| internal::FixSuggestion {
                    id: fix.id,
                    title: fix.title,
                    command: fix.command,
                })
                .collect(),
        }
    }
}

/// Converts a list of findings, in order.
pub fn findings(findings: &[internal::Finding]) -> Vec<Finding> {
    findings.iter().map(Finding::from).collect()
}

/// `crossport explain --format json`: the findings of one log, root cause first.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Explain {
    pub findings: Vec<Finding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_keeps_its_stable_name() {
        for kind in internal::Kind::ALL {
            let public = serde_json::to_value(Kind::from(kind)).expect("kind serializes");
            assert_eq!(public, serde_json::Value::String(kind.as_str().to_owned()));
            assert_eq!(internal::Kind::from(Kind::from(kind)), kind);
        }
    }

    #[test]
    fn a_finding_round_trips_through_the_public_shape() {
        let mut finding = internal::Finding::new(
            internal::Kind::MissingHeader,
            internal::Severity::Warning,
            "no header",
        )
        .with_fact("header", Some(serde_json::json!("openssl/ssl.h")))
        .with_fix("use_vendored_openssl", "vendor it");
        finding.target = Some("aarch64-unknown-linux-gnu".into());
        finding.evidence.lines = Some([3, 4]);
        finding.evidence.related.push(internal::RelatedNote {
            message: "via reqwest".into(),
            file: Some(internal::FileSpan {
                path: "/p/Cargo.toml".into(),
                start: 1,
                end: 2,
            }),
            lines: None,
        });
        let text = serde_json::to_string(&Finding::from(&finding)).expect("serializes");
        let back: Finding = serde_json::from_str(&text).expect("parses");
        assert_eq!(internal::Finding::from(back), finding);
    }
}
