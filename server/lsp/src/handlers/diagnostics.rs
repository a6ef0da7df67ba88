//! Preflight diagnostics: when to run the engine, and publishing results.
//!
//! The engine runs on a blocking thread; its result comes back as an event,
//! which async-lsp handles in order with the notifications, so the spans
//! are converted against the latest document text and a result older than
//! the newest run is dropped.
//!
//! Each run reads a [`Snapshot`] of the open buffers taken when it starts;
//! its ranges are computed against those texts and published with their
//! versions. Typing schedules a run after [`DEBOUNCE`] without changes.

use std::collections::{BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::time::Duration;

use async_lsp::lsp_types::{PublishDiagnosticsParams, Url, notification::PublishDiagnostics};
use crossport_analysis::finding::Finding;

use crate::documents::{Snapshot, is_watched, project_of};
use crate::engine::Project;
use crate::state::{Published, ServerState};
use crate::to_proto::{FileTexts, diagnostic};

/// A finished preflight run.
pub struct DiagnosticsReady {
    pub project: Project,
    pub generation: u64,
    pub snapshot: Snapshot,
    pub result: Result<Vec<Finding>, String>,
}

/// How long the buffers must rest after a `didChange` before a run starts.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// A `didChange` whose pause is over.
pub struct Debounced {
    pub project: Project,
    pub change: u64,
}

/// Asks for a fresh preflight run (after a command changed the project).
pub struct Rediagnose {
    pub project: Option<Project>,
}

/// Findings from a `crossport.build` run, shown until the next build.
pub struct BuildFindings {
    pub project: Project,
    pub findings: Vec<Finding>,
}

pub fn schedule_for(state: &mut ServerState, uri: &Url) {
    match project_of(uri) {
        Some(project) => schedule(state, project),
        None => tracing::info!(%uri, "no Cargo.toml at or above this file; nothing to diagnose"),
    }
}

/// Schedules a run once the buffers of `uri`'s project have not changed
/// for [`DEBOUNCE`].
pub fn schedule_debounced(state: &mut ServerState, uri: &Url) {
    let Some(project) = project_of(uri) else {
        return;
    };
    let entry = state.projects.entry(project.clone()).or_default();
    entry.changes += 1;
    let change = entry.changes;
    let client = state.client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        let _ = client.emit(Debounced { project, change });
    });
}

pub fn on_debounced(
    state: &mut ServerState,
    event: Debounced,
) -> ControlFlow<async_lsp::Result<()>> {
    let latest = state.projects.get(&event.project).map(|p| p.changes);
    if latest == Some(event.change) {
        schedule(state, event.project);
    }
    ControlFlow::Continue(())
}

/// Runs preflight for every project with an open document.
pub fn schedule_all(state: &mut ServerState) {
    let projects: BTreeSet<Project> = state
        .docs
        .keys()
        .filter(|uri| is_watched(uri))
        .filter_map(project_of)
        .chain(state.projects.keys().cloned())
        .collect();
    for project in projects {
        schedule(state, project);
    }
}

pub fn schedule(state: &mut ServerState, project: Project) {
    let entry = state.projects.entry(project.clone()).or_default();
    entry.generation += 1;
    let generation = entry.generation;
    let snapshot = state.snapshot();
    if !state.settings.diagnostics_enable {
        let _ = state.client.emit(DiagnosticsReady {
            project,
            generation,
            snapshot,
            result: Ok(Vec::new()),
        });
        return;
    }
    let engine = state.engine.clone();
    let client = state.client.clone();
    let configured = state.settings.targets.clone();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let buffers = &snapshot.buffers;
            let targets = match configured.is_empty() {
                true => engine.configured_targets(&project, buffers)?,
                false => configured,
            };
            engine.diagnose(&project, &targets, buffers)
        }));
        let result = match result {
            Ok(Ok(findings)) => Ok(findings),
            Ok(Err(error)) => Err(crossport_driver::report::causes(error.chain()).join(": ")),
            Err(_) => Err("the preflight engine panicked".to_owned()),
        };
        tracing::debug!(elapsed = ?started.elapsed(), manifest = %project.manifest.display(), "preflight done");
        let _ = client.emit(DiagnosticsReady {
            project,
            generation,
            snapshot,
            result,
        });
    });
}

pub fn on_ready(
    state: &mut ServerState,
    ready: DiagnosticsReady,
) -> ControlFlow<async_lsp::Result<()>> {
    let current = state.projects.get(&ready.project).map(|p| p.generation);
    if current != Some(ready.generation) {
        return ControlFlow::Continue(());
    }
    let findings = ready.result.unwrap_or_else(|error| {
        tracing::warn!(manifest = %ready.project.manifest.display(), "preflight failed: {error}");
        Vec::new()
    });
    let by_file = to_published(&ready.snapshot, &ready.project, &findings);
    if let Some(entry) = state.projects.get_mut(&ready.project) {
        entry.preflight = by_file;
        entry.versions = ready.snapshot.versions;
    }
    publish(state, &ready.project);
    ControlFlow::Continue(())
}

pub fn on_rediagnose(
    state: &mut ServerState,
    event: Rediagnose,
) -> ControlFlow<async_lsp::Result<()>> {
    match event.project {
        Some(project) => schedule(state, project),
        None => schedule_all(state),
    }
    ControlFlow::Continue(())
}

pub fn on_build_findings(
    state: &mut ServerState,
    event: BuildFindings,
) -> ControlFlow<async_lsp::Result<()>> {
    let findings: Vec<Finding> = event
        .findings
        .into_iter()
        .filter(|finding| !preflight_has(state, &event.project, finding))
        .map(|finding| anchor_like_preflight(state, &event.project, finding))
        .collect();
    let by_file = to_published(&state.snapshot(), &event.project, &findings);
    state
        .projects
        .entry(event.project.clone())
        .or_default()
        .build = by_file;
    publish(state, &event.project);
    ControlFlow::Continue(())
}

/// One home per finding: a build finding that preflight already shows
/// (same kind and target, and the same crate when both name one) is not published a second time, at
/// another place (a build log names no file, so it would land at the top
/// of `Cargo.toml`, beside preflight's finding on the config key).
fn preflight_has(state: &ServerState, project: &Project, finding: &Finding) -> bool {
    let same = |shown: &Finding| {
        shown.kind == finding.kind
            && (finding.target.is_none() || shown.target == finding.target)
            && match (shown.facts.get("crate"), finding.facts.get("crate")) {
                (Some(shown), Some(built)) => shown == built,
                // `target_not_installed` from a build names `core` or
                // `std`; preflight names no crate.
                _ => true,
            }
    };
    state
        .projects
        .get(project)
        .into_iter()
        .flat_map(|p| p.preflight.values().flatten())
        .any(|published| same(&published.finding))
}

/// A build log names crates, not manifest lines: a build finding about a
/// crate that preflight already placed (on the dependency that pulls it in)
/// is shown at the same place.
fn anchor_like_preflight(state: &ServerState, project: &Project, mut finding: Finding) -> Finding {
    if finding.evidence.file.is_some() {
        return finding;
    }
    let Some(krate) = finding.facts.get("crate").cloned() else {
        return finding;
    };
    let placed = state
        .projects
        .get(project)
        .into_iter()
        .flat_map(|p| p.preflight.values().flatten())
        .find(|p| {
            p.finding.facts.get("crate") == Some(&krate) && p.finding.evidence.file.is_some()
        });
    if let Some(placed) = placed {
        finding.evidence.file = placed.finding.evidence.file.clone();
        finding
            .evidence
            .related
            .extend(placed.finding.evidence.related.iter().cloned());
    }
    finding
}

/// Ranges are computed against the texts the findings came from: the
/// snapshot's buffers, else the files.
fn to_published(
    snapshot: &Snapshot,
    project: &Project,
    findings: &[Finding],
) -> HashMap<Url, Vec<Published>> {
    let open = |uri: &Url| snapshot.text(uri);
    let mut texts = FileTexts::new(&open);
    let mut by_file: HashMap<Url, Vec<Published>> = HashMap::new();
    for finding in findings {
        let (uri, diagnostic) = diagnostic(finding, project, &mut texts);
        by_file.entry(uri).or_default().push(Published {
            diagnostic,
            finding: finding.clone(),
            project: project.clone(),
        });
    }
    by_file
}

/// Publishes the current diagnostics of every file of a project, including
/// an empty list for files whose diagnostics are gone.
fn publish(state: &mut ServerState, project: &Project) {
    let Some(entry) = state.projects.get_mut(project) else {
        return;
    };
    let current: BTreeSet<Url> = entry
        .preflight
        .keys()
        .chain(entry.build.keys())
        .cloned()
        .collect();
    let files: Vec<Url> = entry.files.union(&current).cloned().collect();
    entry.files = current;
    let versions = entry.versions.clone();
    for uri in files {
        let diagnostics = state
            .projects
            .values()
            .flat_map(|p| {
                p.preflight
                    .get(&uri)
                    .into_iter()
                    .chain(p.build.get(&uri))
                    .flatten()
            })
            .map(|published| published.diagnostic.clone())
            .collect();
        let version = versions
            .get(&uri)
            .copied()
            .or_else(|| state.docs.get(&uri).map(|doc| doc.version));
        let _ = state
            .client
            .notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            });
    }
}
