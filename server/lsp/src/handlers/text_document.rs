//! `textDocument/didOpen`, `didChange`, `didSave` and `didClose`.
//!
//! Only the files crossport diagnoses are kept: `Cargo.toml` and cargo
//! config files. Anything else a client sends is accepted and forgotten.

use async_lsp::lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Url,
};

use crate::engine::Project;
use crate::handlers::diagnostics;
use crate::state::{Document, ServerState};

/// Whether crossport has anything to say about this file.
pub fn is_watched(uri: &Url) -> bool {
    let Ok(path) = uri.to_file_path() else {
        return false;
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_dot_cargo = path
        .parent()
        .and_then(|dir| dir.file_name())
        .is_some_and(|dir| dir == ".cargo");
    name == "Cargo.toml"
        || name == "Cargo.lock"
        || (in_dot_cargo && matches!(name, "config.toml" | "config"))
}

pub fn project_of(uri: &Url) -> Option<Project> {
    Project::containing(&uri.to_file_path().ok()?)
}

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
    let mut text = document.text.to_string();
    for change in params.content_changes {
        match change.range {
            Some(range) => {
                let index = crate::line_index::LineIndex::new(&text);
                let start = index.offset(&text, range.start);
                let end = index.offset(&text, range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
            None => text = change.text,
        }
    }
    state
        .docs
        .insert(uri, Document::new(params.text_document.version, text));
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
    state.docs.remove(&params.text_document.uri);
}
