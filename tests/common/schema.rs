//! Checks a document the binary printed against its committed JSON Schema
//! (`docs/json-schema/<name>.json`, the contract docs/json.md describes).
//!
//! Include it with `#[path = "../common/schema.rs"] mod schema;`.

#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;

/// Panics, naming every violation, unless `document` is valid against the
/// schema `name`.
pub fn assert_valid(name: &str, document: &Value) {
    if let Err(message) = validate(name, document) {
        panic!("{message}\ndocument:\n{document:#}");
    }
}

/// Validates `document` against `docs/json-schema/<name>.json`.
pub fn validate(name: &str, document: &Value) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/json-schema")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("schema {}: {err}", path.display()));
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("schema {} is not JSON: {err}", path.display()));
    let url = format!("urn:crossport:{name}");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(&url, schema)
        .unwrap_or_else(|err| panic!("schema {}: {err}", path.display()));
    let index = compiler
        .compile(&url, &mut schemas)
        .unwrap_or_else(|err| panic!("schema {} does not compile: {err}", path.display()));
    schemas
        .validate(document, index)
        .map_err(|err| format!("not a valid `{name}` document: {err:#}"))
}
