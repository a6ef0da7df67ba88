//! What the server remembers between messages.
//!
//! Notifications mutate [`ServerState`] in the order they arrive (async-lsp
//! runs them one by one with `&mut`); request handlers copy what they need
//! out of it first, so a code action always sees the text of the last
//! `didChange` before it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::documents::Snapshot;

use async_lsp::ClientSocket;
use async_lsp::lsp_types::{Diagnostic, NumberOrString, Url};
use crossport_analysis::finding::Finding;
use tokio_util::sync::CancellationToken;

use crate::engine::{Engine, Project};
use crate::settings::Settings;

pub use crate::documents::Document;

/// What the client said it can do, reduced to what the server asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientCaps {
    pub work_done_progress: bool,
    pub document_changes: bool,
    pub create_files: bool,
}

/// A diagnostic the server published, with the finding behind it, so a code
/// action can find the finding even when a client drops `data`.
#[derive(Debug, Clone)]
pub struct Published {
    pub diagnostic: Diagnostic,
    pub finding: Finding,
    pub project: Project,
}

/// The findings of one project, from preflight and from the last build.
#[derive(Debug, Default)]
pub struct ProjectDiagnostics {
    /// Bumped whenever a new preflight run starts; older results are dropped.
    pub generation: u64,
    /// Bumped by every `didChange`; a debounced run starts only if no
    /// newer change came while it waited.
    pub changes: u64,
    /// The buffer versions the published preflight diagnostics were computed from.
    pub versions: std::collections::BTreeMap<Url, i32>,
    pub preflight: HashMap<Url, Vec<Published>>,
    pub build: HashMap<Url, Vec<Published>>,
    /// Every file that got diagnostics, so they can be cleared later.
    pub files: BTreeSet<Url>,
}

pub struct ServerState {
    pub client: ClientSocket,
    pub engine: Arc<dyn Engine>,
    pub docs: HashMap<Url, Document>,
    pub settings: Settings,
    pub caps: ClientCaps,
    pub projects: HashMap<Project, ProjectDiagnostics>,
    /// Cancel handles of running commands, by progress token.
    pub progress: HashMap<NumberOrString, CancellationToken>,
    pub shutdown_requested: Arc<AtomicBool>,
    pub next_token: u64,
    /// Where the `crossport` binary is, for steps that run a subcommand.
    pub crossport_exe: PathBuf,
}

impl ServerState {
    pub fn new(client: ClientSocket, engine: Arc<dyn Engine>, shutdown: Arc<AtomicBool>) -> Self {
        ServerState {
            client,
            engine,
            docs: HashMap::new(),
            settings: Settings::default(),
            caps: ClientCaps::default(),
            projects: HashMap::new(),
            progress: HashMap::new(),
            shutdown_requested: shutdown,
            next_token: 0,
            crossport_exe: std::env::current_exe().unwrap_or_else(|_| "crossport".into()),
        }
    }

    /// The open buffers and their versions, as the engine should read them now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(&self.docs)
    }

    /// Every published diagnostic on a file, preflight and build.
    pub fn published_on(&self, uri: &Url) -> Vec<Published> {
        self.projects
            .values()
            .flat_map(|project| {
                let preflight = project.preflight.get(uri).into_iter().flatten();
                preflight.chain(project.build.get(uri).into_iter().flatten())
            })
            .cloned()
            .collect()
    }
}
