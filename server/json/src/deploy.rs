//! `crossport deploy --format json`.

use std::path::Path;

use crossport_driver::ssh::DeployOutcome;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::path_text;

/// The Dockerfile `--dockerfile` wrote.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Dockerfile {
    pub path: String,
    /// The name the binary has in the image (put it beside the Dockerfile).
    pub binary_name: String,
}

/// What `--to` shipped.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Deployed {
    /// `ssh://host/path` or `dokku://host/app`.
    pub destination: String,
    /// Bytes sent.
    pub bytes: u64,
    /// What the remote side printed (Dokku's build log, the restart command).
    pub remote_output: String,
}

/// One document for the whole run: a Dockerfile, a deploy, or both.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Deploy {
    pub dockerfile: Option<Dockerfile>,
    pub deployed: Option<Deployed>,
}

impl Dockerfile {
    pub fn new(path: &Path, binary_name: &str) -> Self {
        Dockerfile {
            path: path_text(path),
            binary_name: binary_name.to_owned(),
        }
    }
}

impl From<&DeployOutcome> for Deployed {
    fn from(outcome: &DeployOutcome) -> Self {
        Deployed {
            destination: outcome.destination.clone(),
            bytes: outcome.bytes,
            remote_output: outcome.remote_output.clone(),
        }
    }
}
