//! `workspace/didChangeConfiguration`: new settings, new diagnostics.

use async_lsp::lsp_types::DidChangeConfigurationParams;

use crate::handlers::{diagnostics, lifecycle};
use crate::state::ServerState;

pub fn did_change_configuration(state: &mut ServerState, params: DidChangeConfigurationParams) {
    // Pull-model clients send `null` here and expect the server to ask;
    // crossport reads settings only when they are pushed.
    if params.settings.is_null() {
        return;
    }
    lifecycle::apply_settings(state, &params.settings);
    tracing::info!(targets = ?state.settings.targets, "settings changed");
    diagnostics::schedule_all(state);
}
