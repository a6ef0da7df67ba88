//! Why a sysroot's package set cannot be resolved.
//!
//! Its own module so the closure and the base set, which both fail this
//! way, depend on it and not on each other.

use crossport_formats::debrelation::RelationError;

/// Why there is no closure. `path` is the chain of package names from a
/// requested package to the one whose dependency failed (empty for a
/// requested package itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("unknown package `{name}` for {arch}{}{}", via(path), did_you_mean(suggestion.as_deref()))]
    UnknownPackage {
        name: String,
        arch: String,
        path: Vec<String>,
        /// For a requested package: an existing package the user probably
        /// meant (`openssl` → `libssl-dev`).
        suggestion: Option<String>,
    },
    #[error("cannot satisfy `{relation}` for {arch}{}: {reason}", via(path))]
    Unsatisfiable {
        relation: String,
        arch: String,
        path: Vec<String>,
        reason: String,
    },
    #[error("bad {field} of package `{package}`: {source}")]
    BadRelation {
        package: String,
        field: &'static str,
        source: RelationError,
    },
    #[error("bad requested package `{root}`: {source}")]
    BadRoot { root: String, source: RelationError },
    #[error("the index has no libgcc-N-dev and libstdc++-N-dev pair for {arch}")]
    NoCompilerRuntime { arch: String },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

pub(super) fn via(path: &[String]) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (needed by {})", path.join(" → "))
    }
}
