//! The commands the server runs for `workspace/executeCommand`.
//!
//! Each takes one JSON object argument; docs/lsp-extensions.md lists them.
//! The names are the same in the VS Code extension's command palette.

use std::collections::BTreeMap;
use std::path::PathBuf;

use async_lsp::lsp_types::Url;

use serde::Deserialize;

pub const BUILD: &str = "crossport.build";
pub const FETCH_SYSROOT: &str = "crossport.fetchSysroot";
pub const ADD_TARGET: &str = "crossport.addTarget";
pub const APPLY_FIX: &str = "crossport.applyFix";
pub const DOCTOR: &str = "crossport.doctor";
pub const INSPECT: &str = "crossport.inspect";
pub const DEPLOY: &str = "crossport.deploy";

/// Every command, in the order the server advertises them.
pub const ALL: [&str; 7] = [
    BUILD,
    FETCH_SYSROOT,
    ADD_TARGET,
    APPLY_FIX,
    DOCTOR,
    INSPECT,
    DEPLOY,
];

/// `crossport.applyFix`: a finding (as in a diagnostic's `data`) and the
/// id of one of its fixes, with the versions of the open documents the fix
/// was offered for (a fix for an older version is refused).
#[derive(Debug, Clone, Deserialize)]
pub struct ApplyFixArgs {
    pub manifest: PathBuf,
    /// In the public shape of docs/json.md, as in `Diagnostic.data`.
    pub finding: crossport_json::finding::Finding,
    pub fix: String,
    #[serde(default)]
    pub versions: BTreeMap<Url, i32>,
}

/// Arguments of `crossport.build`, `crossport.doctor`, `crossport.addTarget`
/// and `crossport.fetchSysroot`. Either `manifest` or `uri` (any file of the
/// project) names the project; without a target the configured ones apply.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectArgs {
    pub manifest: Option<PathBuf>,
    pub uri: Option<async_lsp::lsp_types::Url>,
    pub target: Option<String>,
    pub release: Option<String>,
}

/// `crossport.inspect`: a binary (default: the project's, built for the
/// target), judged against every Debian release and, with `release`,
/// `glibc` or `sysroot`, against that one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InspectArgs {
    pub binary: Option<PathBuf>,
    #[serde(flatten)]
    pub project: ProjectArgs,
    pub glibc: Option<String>,
    pub sysroot: Option<PathBuf>,
}

/// `crossport.deploy`: ship a binary to `to` (`ssh://host/path` or
/// `dokku://host/app`) and/or write a Dockerfile, as `crossport deploy` does.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployArgs {
    pub binary: Option<PathBuf>,
    #[serde(flatten)]
    pub project: ProjectArgs,
    pub to: Option<String>,
    pub restart: Option<String>,
    #[serde(default)]
    pub force: bool,
    pub dockerfile: Option<PathBuf>,
    pub sysroot: Option<PathBuf>,
    pub identity: Option<PathBuf>,
    pub ssh_config: Option<PathBuf>,
    #[serde(default)]
    pub ssh_options: Vec<String>,
}
