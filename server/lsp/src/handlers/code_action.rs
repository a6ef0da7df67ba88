//! `textDocument/codeAction`: the quick fixes of crossport's diagnostics.
//!
//! A fix that only edits files becomes a `WorkspaceEdit` the editor can
//! preview; a fix that runs something (rustup, a sysroot fetch) becomes
//! the `crossport.applyFix` command, which reports progress.

use std::collections::BTreeMap;
use std::future::Future;

use async_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, Command,
    Diagnostic, Range, Url,
};
use async_lsp::{ErrorCode, ResponseError};
use crossport_analysis::finding::Finding;
use serde_json::json;

use crate::commands::APPLY_FIX;
use crate::documents::project_of;
use crate::engine::{Engine, FixOptions, Project};
use crate::state::{ClientCaps, ServerState};
use crate::to_proto::{DiagnosticData, SOURCE, workspace_edit};

/// One diagnostic the client asked about, with the finding behind it.
struct Target {
    diagnostic: Diagnostic,
    finding: Finding,
    project: Project,
}

pub fn code_action(
    state: &mut ServerState,
    params: CodeActionParams,
) -> impl Future<Output = Result<Option<CodeActionResponse>, ResponseError>> + use<> {
    let wants_quickfix = params.context.only.as_ref().is_none_or(|only| {
        only.iter()
            .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
    });
    let targets = if wants_quickfix {
        targets(state, &params)
    } else {
        Vec::new()
    };
    let engine = state.engine.clone();
    let caps = state.caps;
    // The fixes are planned against the buffers as they are now, and their
    // edits name these versions: a client refuses them once the text moved on.
    let snapshot = state.snapshot();
    let options = FixOptions {
        sysroot_release: state.settings.sysroot_release.clone(),
        crossport_exe: state.crossport_exe.clone(),
        buffers: snapshot.buffers,
        env: state.settings.env(),
    };
    let versions = snapshot.versions;
    async move {
        if targets.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let actions = tokio::task::spawn_blocking(move || {
            actions(&*engine, &targets, caps, &options, &versions)
        })
        .await
        .map_err(|error| {
            ResponseError::new(
                ErrorCode::INTERNAL_ERROR,
                format!("code actions failed: {error}"),
            )
        })?;
        Ok(Some(actions))
    }
}

/// The diagnostics in the request, or failing that the published ones in
/// the range, paired with their findings.
fn targets(state: &ServerState, params: &CodeActionParams) -> Vec<Target> {
    let uri = &params.text_document.uri;
    let published = state.published_on(uri);
    let from_context: Vec<Target> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(SOURCE))
        .filter_map(|diagnostic| {
            if let Some(data) = diagnostic
                .data
                .clone()
                .and_then(|data| serde_json::from_value::<DiagnosticData>(data).ok())
            {
                return Some(Target {
                    diagnostic: diagnostic.clone(),
                    finding: data.finding.into(),
                    project: Project::new(data.manifest),
                });
            }
            // Some clients echo diagnostics without `data`: match by place and code.
            published
                .iter()
                .find(|p| {
                    p.diagnostic.range == diagnostic.range && p.diagnostic.code == diagnostic.code
                })
                .map(|p| Target {
                    diagnostic: p.diagnostic.clone(),
                    finding: p.finding.clone(),
                    project: p.project.clone(),
                })
        })
        .collect();
    if !from_context.is_empty() || !params.context.diagnostics.is_empty() {
        return from_context;
    }
    published
        .into_iter()
        .filter(|p| overlaps(p.diagnostic.range, params.range))
        .map(|p| Target {
            diagnostic: p.diagnostic,
            finding: p.finding,
            project: p.project,
        })
        .collect()
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn actions(
    engine: &dyn Engine,
    targets: &[Target],
    caps: ClientCaps,
    options: &FixOptions,
    versions: &BTreeMap<Url, i32>,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for target in targets {
        for (rank, fix) in target.finding.fixes.iter().enumerate() {
            let plan = match engine.plan_fix(&target.project, &target.finding, &fix.id, options) {
                Ok(plan) => plan,
                Err(error) => {
                    tracing::debug!(fix = fix.id, "no code action: {error:#}");
                    continue;
                }
            };
            let mut action = CodeAction {
                title: plan.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![target.diagnostic.clone()]),
                is_preferred: Some(rank == 0),
                ..CodeAction::default()
            };
            if plan.commands.is_empty()
                && !plan.edits.is_empty()
                && plan.edits.iter().all(|e| !e.executable)
            {
                let version = |uri: &Url| versions.get(uri).copied();
                match workspace_edit(&plan.edits, caps, &version) {
                    Ok(edit) => action.edit = Some(edit),
                    Err(error) => {
                        tracing::warn!(fix = fix.id, "no code action: {error:#}");
                        continue;
                    }
                }
            } else {
                // The project's open documents at the versions the fix was
                // planned from: the command refuses to run on newer ones.
                let offered: BTreeMap<Url, i32> = versions
                    .iter()
                    .filter(|(uri, _)| project_of(uri).as_ref() == Some(&target.project))
                    .map(|(uri, version)| (uri.clone(), *version))
                    .collect();
                action.command = Some(apply_fix_command(&plan.title, target, &fix.id, &offered));
            }
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    actions
}

fn apply_fix_command(
    title: &str,
    target: &Target,
    fix_id: &str,
    versions: &BTreeMap<Url, i32>,
) -> Command {
    Command {
        title: title.to_owned(),
        command: APPLY_FIX.to_owned(),
        arguments: Some(vec![json!({
            "manifest": target.project.manifest,
            "finding": crossport_json::finding::Finding::from(&target.finding),
            "fix": fix_id,
            "versions": versions,
        })]),
    }
}
