//! Converts crossport's data into protocol types, at the edge.
//!
//! Findings carry byte spans; edits carry whole old and new texts. Both
//! become UTF-16 ranges here, through a [`LineIndex`] of the text the span
//! or edit was computed against.

use std::collections::HashMap;
use std::path::Path;

use async_lsp::lsp_types::{
    CreateFile, CreateFileOptions, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentChangeOperation, DocumentChanges, Location, NumberOrString,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit,
    TextEdit, Url, WorkspaceEdit,
};
use crossport_analysis::finding::{Finding, Severity};

use crate::engine::{FileEdit, Project};
use crate::line_index::LineIndex;
use crate::state::ClientCaps;

pub const SOURCE: &str = "crossport";

/// What a diagnostic's `data` carries: all a code action needs, in the
/// public, versioned shape of docs/json.md (not the analysis types).
pub use crossport_json::lsp::DiagnosticData;

/// The file text a span points into, read once per file.
pub struct FileTexts<'a> {
    /// Open documents take precedence over the disk.
    pub open: &'a dyn Fn(&Url) -> Option<String>,
    cache: HashMap<Url, (String, LineIndex)>,
}

impl<'a> FileTexts<'a> {
    pub fn new(open: &'a dyn Fn(&Url) -> Option<String>) -> Self {
        FileTexts {
            open,
            cache: HashMap::new(),
        }
    }

    pub fn range(&mut self, uri: &Url, start: usize, end: usize) -> Range {
        let (text, index) = self.cache.entry(uri.clone()).or_insert_with(|| {
            let text = (self.open)(uri)
                .or_else(|| std::fs::read_to_string(uri.to_file_path().ok()?).ok())
                .unwrap_or_default();
            let index = LineIndex::new(&text);
            (text, index)
        });
        index.range(text, start, end)
    }
}

pub fn file_uri(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// The file a finding is shown on and the diagnostic itself.
pub fn diagnostic(
    finding: &Finding,
    project: &Project,
    texts: &mut FileTexts,
) -> (Url, Diagnostic) {
    let (uri, range) = match &finding.evidence.file {
        Some(span) => match file_uri(Path::new(&span.path)) {
            Some(uri) => {
                let range = texts.range(&uri, span.start, span.end);
                (uri, range)
            }
            None => manifest_start(project),
        },
        None => manifest_start(project),
    };
    let related = related_information(finding, &uri, range, texts);
    let data = DiagnosticData::new(project.manifest.clone(), finding);
    let diagnostic = Diagnostic {
        range,
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.kind.as_str().to_owned())),
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        data: serde_json::to_value(data).ok(),
        ..Diagnostic::default()
    };
    (uri, diagnostic)
}

fn manifest_start(project: &Project) -> (Url, Range) {
    let uri = file_uri(&project.manifest).unwrap_or_else(|| {
        Url::parse("file:///Cargo.toml").unwrap_or_else(|_| unreachable!("constant url parses"))
    });
    (uri, Range::new(Position::new(0, 0), Position::new(0, 0)))
}

fn related_information(
    finding: &Finding,
    uri: &Url,
    range: Range,
    texts: &mut FileTexts,
) -> Vec<DiagnosticRelatedInformation> {
    finding
        .evidence
        .related
        .iter()
        .map(|note| {
            let location = note
                .file
                .as_ref()
                .and_then(|span| {
                    let uri = file_uri(Path::new(&span.path))?;
                    let range = texts.range(&uri, span.start, span.end);
                    Some(Location::new(uri, range))
                })
                .unwrap_or_else(|| Location::new(uri.clone(), range));
            DiagnosticRelatedInformation {
                location,
                message: note.message.clone(),
            }
        })
        .collect()
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The smallest single edit that turns `old` into `new`.
pub fn text_edit(old: &str, new: &str) -> TextEdit {
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let index = LineIndex::new(old);
    let range = index.range(old, prefix, old.len() - suffix);
    TextEdit::new(range, new[prefix..new.len() - suffix].to_owned())
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut len = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(len) || !b.is_char_boundary(len) {
        len -= 1;
    }
    len
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut len = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(a.len() - len) || !b.is_char_boundary(b.len() - len) {
        len -= 1;
    }
    len
}

/// A workspace edit for a plan's file edits. Files that do not exist yet
/// are created first when the client supports it. `versions` gives the
/// open documents' versions so a stale edit is refused by the editor.
pub fn workspace_edit(
    edits: &[FileEdit],
    caps: ClientCaps,
    versions: &dyn Fn(&Url) -> Option<i32>,
) -> anyhow::Result<WorkspaceEdit> {
    let mut changes = HashMap::new();
    let mut operations = Vec::new();
    for edit in edits {
        let path = Path::new(&edit.path);
        let uri = file_uri(path)
            .ok_or_else(|| anyhow::anyhow!("{} is not an absolute path", edit.path))?;
        let text_edit = text_edit(edit.old.as_deref().unwrap_or(""), &edit.new);
        if caps.document_changes {
            if edit.old.is_none() && caps.create_files {
                operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
            }
            operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    version: versions(&uri),
                    uri,
                },
                edits: vec![async_lsp::lsp_types::OneOf::Left(text_edit)],
            }));
        } else {
            changes.entry(uri).or_insert_with(Vec::new).push(text_edit);
        }
    }
    Ok(if caps.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_edit_is_minimal_and_utf16() {
        let old = "[dependencies]\nopenssl = \"0.10\" # é\n";
        let new =
            "[dependencies]\nopenssl = { version = \"0.10\", features = [\"vendored\"] } # é\n";
        let edit = text_edit(old, new);
        assert_eq!(edit.range.start, Position::new(1, 10));
        assert_eq!(edit.range.end, Position::new(1, 16));
        assert_eq!(
            edit.new_text,
            "{ version = \"0.10\", features = [\"vendored\"] }"
        );
    }

    #[test]
    fn text_edit_handles_creation_and_identical_text() {
        let edit = text_edit("", "[build]\n");
        assert_eq!(edit.range, Range::default());
        assert_eq!(edit.new_text, "[build]\n");
        let same = text_edit("ab", "ab");
        assert_eq!(
            same.range,
            Range::new(Position::new(0, 2), Position::new(0, 2))
        );
        // Multibyte characters sharing a first byte must not split.
        let edit = text_edit("é", "è");
        assert_eq!(edit.new_text, "è");
    }
}
