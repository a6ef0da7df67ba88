//! `textDocument/didOpen`, `didChange`, `didSave` and `didClose`.
//!
//! Only the files crossport diagnoses are kept (see [`crate::documents`]);
//! anything else a client sends is accepted and forgotten. Diagnostics
//! follow the buffers: an open or a save analyses at once, a change after
//! a pause (typing does not start a run per key), and a close goes back to
//! the file on disk.

use async_lsp::lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams,
};

use std::ops::ControlFlow;

use async_lsp::lsp_types::Url;

use crate::documents::{Document, is_watched};
use crate::engine::FileEdit;
use crate::handlers::diagnostics;
use crate::state::ServerState;

pub fn did_open(state: &mut ServerState, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    if !is_watched(&document.uri) {
        return;
    }
    state.docs.insert(
        document.uri.clone(),
        Document::new(document.version, document.text),
    );
    diagnostics::schedule_for(state, &document.uri);
}

pub fn did_change(state: &mut ServerState, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some(document) = state.docs.get(&uri) else {
        return;
    };
    let text = document.changed(params.content_changes);
    state.docs.insert(
        uri.clone(),
        Document::new(params.text_document.version, text),
    );
    diagnostics::schedule_debounced(state, &uri);
}

pub fn did_save(state: &mut ServerState, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    if let (Some(text), Some(document)) = (params.text, state.docs.get(&uri)) {
        let version = document.version;
        state.docs.insert(uri.clone(), Document::new(version, text));
    }
    if is_watched(&uri) {
        diagnostics::schedule_for(state, &uri);
    }
}

pub fn did_close(state: &mut ServerState, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    if state.docs.remove(&uri).is_some() {
        // The saved file is what counts again.
        diagnostics::schedule_for(state, &uri);
    }
}

/// Files the server wrote for a fix (`crossport.applyFix`).
pub struct FilesWritten {
    pub edits: Vec<FileEdit>,
}

/// An open buffer that held a written file's old text now holds its new
/// text, at the same version: that is what the editor shows once it
/// reloads the file (its `didChange` then carries the same text).
pub fn on_files_written(
    state: &mut ServerState,
    event: FilesWritten,
) -> ControlFlow<async_lsp::Result<()>> {
    for edit in event.edits {
        let Ok(uri) = Url::from_file_path(&edit.path) else {
            continue;
        };
        if let Some(doc) = state.docs.get(&uri)
            && edit.old.as_deref() == Some(&*doc.text)
        {
            let version = doc.version;
            state.docs.insert(uri, Document::new(version, edit.new));
        }
    }
    ControlFlow::Continue(())
}
