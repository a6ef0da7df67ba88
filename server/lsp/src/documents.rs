//! The document store: which files crossport keeps, their buffers and
//! versions, and the snapshot of them an analysis or a fix reads.
//!
//! Only `Cargo.toml`, `Cargo.lock` and cargo config files are kept; the
//! handlers of `textDocument/did*` feed this module and the diagnostics
//! and code actions read from it (neither depends on the other).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_lsp::lsp_types::{TextDocumentContentChangeEvent, Url};

use crate::engine::{Overlay, Project};
use crate::line_index::LineIndex;

/// An open document: its latest text and that text's line index.
#[derive(Debug, Clone)]
pub struct Document {
    pub version: i32,
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
}

impl Document {
    pub fn new(version: i32, text: String) -> Self {
        let index = Arc::new(LineIndex::new(&text));
        Document {
            version,
            text: text.into(),
            index,
        }
    }

    /// The text after `didChange` events, full or incremental, in order.
    pub fn changed(&self, changes: Vec<TextDocumentContentChangeEvent>) -> String {
        let mut text = self.text.to_string();
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(&text);
                    let start = index.offset(&text, range.start);
                    let end = index.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => text = change.text,
            }
        }
        text
    }
}

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

/// The open buffers at one moment: their texts (what the engine reads
/// instead of the files) and versions (what an edit computed from them
/// must name).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub buffers: Overlay,
    pub versions: BTreeMap<Url, i32>,
}

impl Snapshot {
    pub fn of(docs: &HashMap<Url, Document>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (uri, doc) in docs {
            let Ok(path) = uri.to_file_path() else {
                continue;
            };
            snapshot.buffers.insert(path, doc.text.to_string());
            snapshot.versions.insert(uri.clone(), doc.version);
        }
        snapshot
    }

    /// The snapshot's text of a file, if it was open.
    pub fn text(&self, uri: &Url) -> Option<String> {
        let path = uri.to_file_path().ok()?;
        self.buffers.get(&path).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use async_lsp::lsp_types::{Position, Range};

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_and_full_changes_apply_in_order() {
        let doc = Document::new(1, "[dependencies]\n".to_owned());
        let typed = doc.changed(vec![
            change(Some(((1, 0), (1, 0))), "openssl = \"0.10\"\n"),
            change(Some(((1, 11), (1, 15))), "0.10.1"),
        ]);
        assert_eq!(typed, "[dependencies]\nopenssl = \"0.10.1\"\n");
        let replaced = doc.changed(vec![change(None, "[package]\n")]);
        assert_eq!(replaced, "[package]\n");
        let utf16 = Document::new(1, "a = \"é😀\"\n".to_owned())
            .changed(vec![change(Some(((0, 5), (0, 8))), "x")]);
        assert_eq!(utf16, "a = \"x\"\n", "positions count UTF-16 units");
    }

    #[test]
    fn watches_manifests_and_cargo_configs_only() {
        let uri = |p: &str| Url::from_file_path(p).expect("absolute");
        assert!(is_watched(&uri("/p/Cargo.toml")));
        assert!(is_watched(&uri("/p/.cargo/config.toml")));
        assert!(is_watched(&uri("/p/.cargo/config")));
        assert!(!is_watched(&uri("/p/config.toml")));
        assert!(!is_watched(&uri("/p/src/main.rs")));
    }
}
