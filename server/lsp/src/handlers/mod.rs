//! The routing table: one file per protocol method (or per family of
//! document notifications).
//!
//! Notifications are decoded here rather than by async-lsp's router, whose
//! default stops the session on a notification with bad params or an
//! unknown method; here such a notification is logged and skipped.

use std::ops::ControlFlow;

use async_lsp::lsp_types::notification::{self as notif, Notification};
use async_lsp::lsp_types::request;
use async_lsp::router::Router;
use async_lsp::{AnyNotification, ErrorCode, ResponseError};
use serde::de::DeserializeOwned;

use crate::state::ServerState;

pub mod code_action;
pub mod configuration;
pub mod diagnostics;
pub mod execute_command;
pub mod lifecycle;
pub mod text_document;

pub fn register(router: &mut Router<ServerState>) {
    router
        .request::<request::Initialize, _>(lifecycle::initialize)
        .request::<request::Shutdown, _>(lifecycle::shutdown)
        .request::<request::CodeActionRequest, _>(code_action::code_action)
        .request::<request::ExecuteCommand, _>(execute_command::execute_command)
        .request::<InvalidRequest, _>(|_, params| {
            let reason = params.reason;
            async move { Err(ResponseError::new(ErrorCode::INVALID_REQUEST, reason)) }
        })
        .unhandled_notification(dispatch_notification)
        .event::<diagnostics::DiagnosticsReady>(diagnostics::on_ready)
        .event::<text_document::FilesWritten>(text_document::on_files_written)
        .event::<diagnostics::Debounced>(diagnostics::on_debounced)
        .event::<diagnostics::Rediagnose>(diagnostics::on_rediagnose)
        .event::<diagnostics::BuildFindings>(diagnostics::on_build_findings)
        .event::<execute_command::TrackProgress>(execute_command::on_track_progress);
}

/// The request [`crate::framing`] substitutes for a malformed request.
enum InvalidRequest {}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct InvalidParams {
    reason: String,
}

impl request::Request for InvalidRequest {
    type Params = InvalidParams;
    type Result = ();
    const METHOD: &'static str = crate::framing::INVALID_REQUEST;
}

fn dispatch_notification(
    state: &mut ServerState,
    notification: AnyNotification,
) -> ControlFlow<async_lsp::Result<()>> {
    let method = notification.method.as_str();
    match method {
        notif::Initialized::METHOD => lifecycle::initialized(state),
        notif::Exit::METHOD => {}
        notif::DidOpenTextDocument::METHOD => with_params(notification, |params| {
            text_document::did_open(state, params)
        }),
        notif::DidChangeTextDocument::METHOD => with_params(notification, |params| {
            text_document::did_change(state, params)
        }),
        notif::DidSaveTextDocument::METHOD => with_params(notification, |params| {
            text_document::did_save(state, params)
        }),
        notif::DidCloseTextDocument::METHOD => with_params(notification, |params| {
            text_document::did_close(state, params)
        }),
        notif::DidChangeConfiguration::METHOD => with_params(notification, |params| {
            configuration::did_change_configuration(state, params)
        }),
        notif::WorkDoneProgressCancel::METHOD => with_params(notification, |params| {
            execute_command::cancel_progress(state, params)
        }),
        crate::framing::INVALID_MESSAGE => {
            tracing::warn!(params = %notification.params, "skipped an unreadable message");
        }
        _ => tracing::debug!(method, "ignored a notification the server does not handle"),
    }
    ControlFlow::Continue(())
}

fn with_params<P: DeserializeOwned>(notification: AnyNotification, handle: impl FnOnce(P)) {
    match serde_json::from_value::<P>(notification.params) {
        Ok(params) => handle(params),
        Err(error) => tracing::warn!(
            method = notification.method,
            %error,
            "skipped a notification with invalid params"
        ),
    }
}
