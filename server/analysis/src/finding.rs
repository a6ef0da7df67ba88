//! The finding: what crossport says about a build, a project or a binary.
//!
//! `explain`, `doctor` and the language server all report `Finding`s. A
//! finding carries its evidence (which log lines, or which file and byte
//! range) so both shells can show it, and the facts a fix needs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The public, stable names of what crossport can find (see DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Kind {
    /// Every kind, in the order DESIGN.md lists them.
    pub const ALL: [Kind; 19] = [
        Kind::OpensslNotFound,
        Kind::PkgConfigCross,
        Kind::LinkerNotFound,
        Kind::WrongLinkerFlavor,
        Kind::HostLinkerUsed,
        Kind::TargetNotInstalled,
        Kind::StdUnavailableForTarget,
        Kind::CcToolNotFound,
        Kind::CcToolchainBroken,
        Kind::WrongCcForTarget,
        Kind::MissingHeader,
        Kind::MissingLibraryAtLink,
        Kind::WrongArchLibrary,
        Kind::GlibcTooNew,
        Kind::RuntimeMissingSharedLib,
        Kind::MuslStatic,
        Kind::VendoredOpensslPerl,
        Kind::ZigbuildError,
        Kind::UnrecognisedFailure,
    ];

    /// The stable snake_case name, as in JSON output and LSP diagnostic codes.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OpensslNotFound => "openssl_not_found",
            Kind::PkgConfigCross => "pkg_config_cross",
            Kind::LinkerNotFound => "linker_not_found",
            Kind::WrongLinkerFlavor => "wrong_linker_flavor",
            Kind::HostLinkerUsed => "host_linker_used",
            Kind::TargetNotInstalled => "target_not_installed",
            Kind::StdUnavailableForTarget => "std_unavailable_for_target",
            Kind::CcToolNotFound => "cc_tool_not_found",
            Kind::CcToolchainBroken => "cc_toolchain_broken",
            Kind::WrongCcForTarget => "wrong_cc_for_target",
            Kind::MissingHeader => "missing_header",
            Kind::MissingLibraryAtLink => "missing_library_at_link",
            Kind::WrongArchLibrary => "wrong_arch_library",
            Kind::GlibcTooNew => "glibc_too_new",
            Kind::RuntimeMissingSharedLib => "runtime_missing_shared_lib",
            Kind::MuslStatic => "musl_static",
            Kind::VendoredOpensslPerl => "vendored_openssl_perl",
            Kind::ZigbuildError => "zigbuild_error",
            Kind::UnrecognisedFailure => "unrecognised_failure",
        }
    }

    /// Parses a stable name back into a kind.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is. Errors stop the build or the program; warnings
/// are likely to bite later (at link time, or on the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Where a finding was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// First and last line (1-based, inclusive) of the log that show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    /// A file and byte range, for findings about files (Cargo.toml, config).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileSpan>,
    /// Further places that explain the finding, e.g. the dependency path
    /// `reqwest → native-tls → openssl-sys`, as short labelled notes.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related: Vec<RelatedNote>,
}

/// A byte range in a file. The path is as the caller gave it (usually
/// absolute); `start`/`end` are byte offsets into the file's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSpan {
    pub path: String,
    pub start: usize,
    pub end: usize,
}

/// A note that points elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedNote {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
}

/// A fix that could make the finding go away. Applying it is the fix
/// engine's job; here it is a stable id and a title for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixSuggestion {
    /// Stable id, e.g. `add_target`, `configure_linker`,
    /// `fetch_sysroot_and_wire`, `use_vendored_openssl`.
    pub id: String,
    pub title: String,
    /// The exact command that makes the fix, e.g. `crossport fix --target
    /// aarch64-unknown-linux-gnu --only add_target`; `explain` fills it in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub command: Option<String>,
}

impl FixSuggestion {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        FixSuggestion {
            id: id.into(),
            title: title.into(),
            command: None,
        }
    }
}

/// The facts a fix needs, as far as the evidence shows them. Keys are
/// stable snake_case names (`crate`, `crate_version`, `library`, `header`,
/// `tool`, `linker`, `glibc_required`, `glibc_available`, `env_vars`, …).
pub type Facts = BTreeMap<String, serde_json::Value>;

/// One thing crossport found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    /// One sentence a user understands, no trailing period.
    pub message: String,
    /// The target triple, when the evidence reveals it.
    pub target: Option<String>,
    pub facts: Facts,
    pub evidence: Evidence,
    pub fixes: Vec<FixSuggestion>,
}

impl Finding {
    /// A finding with no target, facts, evidence or fixes yet.
    pub fn new(kind: Kind, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            kind,
            severity,
            message: message.into(),
            target: None,
            facts: Facts::new(),
            evidence: Evidence::default(),
            fixes: Vec::new(),
        }
    }

    /// Records a fact; `None` values are skipped so callers can pass what
    /// they parsed without checking.
    pub fn with_fact(mut self, key: &str, value: impl Into<Option<serde_json::Value>>) -> Self {
        if let Some(value) = value.into() {
            self.facts.insert(key.to_owned(), value);
        }
        self
    }

    pub fn with_fix(mut self, id: &str, title: impl Into<String>) -> Self {
        self.fixes.push(FixSuggestion::new(id, title));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip_and_match_serde() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).expect("kind serializes");
            assert_eq!(json, serde_json::Value::String(kind.as_str().to_owned()));
        }
    }
}
