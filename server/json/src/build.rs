//! `crossport build --format json`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::inspect::Inspect;

/// One build (after the fixes `--fix` applied, if any).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Build {
    /// Whether cargo succeeded.
    pub success: bool,
    pub target: String,
    /// The built binary, when there is one.
    pub artifact: Option<String>,
    /// One line saying where the binary runs, when it was inspected.
    pub verdict: Option<String>,
    /// The binary's inspection, as `crossport inspect` prints it.
    pub inspect: Option<Inspect>,
    /// Why the binary could not be inspected.
    pub inspect_error: Option<String>,
    /// The saved build log.
    pub log: Option<String>,
    /// What went wrong, root cause first (empty on success).
    pub findings: Vec<Finding>,
    /// For each finding, in order, the log lines that show it.
    pub evidence: Vec<Vec<String>>,
    /// The fix ids `crossport fix --only` can apply for these findings.
    pub fixes: Vec<String>,
    /// The fixes `--fix` applied before this build.
    pub applied_fixes: Vec<String>,
}
