//! `initialize`, `initialized` and `shutdown`.

use std::future::Future;
use std::sync::atomic::Ordering;

use async_lsp::ResponseError;
use async_lsp::lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, ExecuteCommandOptions,
    InitializeParams, InitializeResult, PositionEncodingKind, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, WorkDoneProgressOptions,
};

use crate::settings::Settings;
use crate::state::{ClientCaps, ServerState};

pub fn initialize(
    state: &mut ServerState,
    params: InitializeParams,
) -> impl Future<Output = Result<InitializeResult, ResponseError>> + use<> {
    crate::client_log::connect(Some(state.client.clone()));
    state.caps = client_caps(&params);
    if let Some(options) = &params.initialization_options {
        apply_settings(state, options);
    }
    tracing::info!(
        client = params.client_info.as_ref().map_or("unknown", |info| info.name.as_str()),
        targets = ?state.settings.targets,
        "initializing"
    );
    std::future::ready(Ok(initialize_result()))
}

/// Reads settings a client sent, logging what was wrong with them.
pub fn apply_settings(state: &mut ServerState, value: &serde_json::Value) {
    let (settings, warnings) = Settings::from_json(value);
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    state.settings = settings;
}

fn client_caps(params: &InitializeParams) -> ClientCaps {
    let capabilities = &params.capabilities;
    let workspace_edit = capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.workspace_edit.as_ref());
    ClientCaps {
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false),
        document_changes: workspace_edit
            .and_then(|edit| edit.document_changes)
            .unwrap_or(false),
        create_files: workspace_edit
            .and_then(|edit| edit.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&async_lsp::lsp_types::ResourceOperationKind::Create)),
    }
}

pub fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                resolve_provider: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: crate::commands::ALL
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "crossport".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

pub fn initialized(state: &mut ServerState) {
    tracing::info!("client initialized");
    // Documents opened before `initialized` get their diagnostics now.
    crate::handlers::diagnostics::schedule_all(state);
}

pub fn shutdown(
    state: &mut ServerState,
    (): (),
) -> impl Future<Output = Result<(), ResponseError>> + use<> {
    state.shutdown_requested.store(true, Ordering::SeqCst);
    for token in state.progress.values() {
        token.cancel();
    }
    std::future::ready(Ok(()))
}
