//! The language server's `Diagnostic.data`.
//!
//! A client hands it back in `textDocument/codeAction` and as the argument
//! of `crossport.applyFix`, so it converts both ways.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::SchemaVersion;
use crate::finding::Finding;

/// All a code action needs: the project and the finding.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DiagnosticData {
    pub schema_version: SchemaVersion,
    /// The project's `Cargo.toml`.
    pub manifest: PathBuf,
    pub finding: Finding,
}

impl DiagnosticData {
    pub fn new(manifest: PathBuf, finding: &crossport_analysis::finding::Finding) -> Self {
        DiagnosticData {
            schema_version: SchemaVersion,
            manifest,
            finding: finding.into(),
        }
    }
}
