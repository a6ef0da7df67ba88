//! `crossport/targets`: every target the toolchain knows, whether its std
//! is installed (for the rustc cargo will use in the project, decided as
//! preflight decides it), its tier, and the targets crossport checks now.
//! Clients show this instead of probing rustc and rustup themselves.

use std::future::Future;
use std::path::PathBuf;

use async_lsp::lsp_types::{Url, request::Request};
use async_lsp::{ErrorCode, ResponseError};
use serde::{Deserialize, Serialize};

use crate::documents::project_of;
use crate::engine::Project;
use crate::state::ServerState;

pub enum TargetsRequest {}

/// Names the project by its manifest or any file in it; with neither, the
/// only project with open documents, else the server's directory.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct TargetsParams {
    pub manifest: Option<PathBuf>,
    pub uri: Option<Url>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TargetsResult {
    pub host: String,
    pub rustup: bool,
    /// The targets crossport diagnoses now: `crossport.targets`, else the
    /// cargo config's `[build] target` (open buffers included), else none.
    pub configured: Vec<String>,
    pub targets: Vec<serde_json::Value>,
}

impl Request for TargetsRequest {
    type Params = Option<TargetsParams>;
    type Result = TargetsResult;
    const METHOD: &'static str = "crossport/targets";
}

pub fn targets(
    state: &mut ServerState,
    params: Option<TargetsParams>,
) -> impl Future<Output = Result<TargetsResult, ResponseError>> + use<> {
    let params = params.unwrap_or_default();
    let project = match (&params.manifest, &params.uri) {
        (Some(manifest), _) => Some(Project::new(manifest.clone())),
        (None, Some(uri)) => project_of(uri),
        (None, None) => match state.projects.keys().collect::<Vec<_>>().as_slice() {
            [only] => Some((*only).clone()),
            _ => None,
        },
    };
    let engine = state.engine.clone();
    let settings_targets = state.settings.targets.clone();
    let buffers = state.snapshot().buffers;
    let env = state.settings.env();
    async move {
        let work = move || -> anyhow::Result<TargetsResult> {
            let dir = match &project {
                Some(project) => project.root().to_owned(),
                None => std::env::current_dir()?,
            };
            let configs = crossport_driver::config::discover_with(&dir, &buffers)?;
            let answer = crossport_driver::targets::targets(&dir, &configs, &env)?;
            let configured = match (&project, settings_targets.is_empty()) {
                (_, false) => settings_targets,
                (Some(project), true) => engine.configured_targets(project, &buffers)?,
                (None, true) => Vec::new(),
            };
            Ok(TargetsResult {
                host: answer.host,
                rustup: answer.rustup,
                configured,
                targets: answer
                    .targets
                    .iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?,
            })
        };
        match tokio::task::spawn_blocking(work).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(error)) => Err(ResponseError::new(
                ErrorCode::REQUEST_FAILED,
                format!("could not list the targets: {error:#}"),
            )),
            Err(error) => Err(ResponseError::new(
                ErrorCode::INTERNAL_ERROR,
                format!("{error}"),
            )),
        }
    }
}
