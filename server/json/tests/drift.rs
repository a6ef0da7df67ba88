//! The committed contract follows the Rust model: `docs/json-schema/*.json`
//! are the schemas `schemars` generates from `crossport_json`, and the field
//! tables in `docs/json.md` are generated from those schemas. A change to
//! the model without the files fails here; `UPDATE_EXPECT=1` rewrites them
//! (review with `git diff`, and bump `SCHEMA_VERSION` for a rename or a
//! removal, see docs/json.md).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

fn bless() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a schema serializes");
    text.push('\n');
    text
}

#[test]
fn schema_files_match_the_model() {
    let dir = docs_dir().join("json-schema");
    let mut stale = Vec::new();
    let mut expected = BTreeSet::new();
    for (name, _, schema) in crossport_json::schemas() {
        let path = dir.join(format!("{name}.json"));
        expected.insert(format!("{name}.json"));
        let generated = pretty(schema.as_value());
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            if bless() {
                std::fs::create_dir_all(&dir).expect("mkdir docs/json-schema");
                std::fs::write(&path, &generated).expect("write the schema");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !expected.contains(name))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        stale.is_empty(),
        "the JSON model changed but these schemas did not (run with UPDATE_EXPECT=1, \
         and see the versioning policy in docs/json.md): {stale:?}"
    );
    assert!(
        extra.is_empty(),
        "docs/json-schema has files no document uses: {extra:?}"
    );
}

#[test]
fn json_md_field_tables_match_the_schemas() {
    let path = docs_dir().join("json.md");
    let text = std::fs::read_to_string(&path).expect("docs/json.md exists");
    let mut updated = text.clone();
    let mut missing = Vec::new();
    for (name, _, schema) in crossport_json::schemas() {
        let begin = format!("<!-- fields: {name} -->\n");
        let end = "<!-- /fields -->";
        let Some(start) = updated.find(&begin) else {
            missing.push(name);
            continue;
        };
        let body_start = start + begin.len();
        let body_end = updated[body_start..]
            .find(end)
            .map(|offset| body_start + offset)
            .unwrap_or_else(|| panic!("docs/json.md: no {end} after {begin}"));
        updated.replace_range(body_start..body_end, &fields_table(schema.as_value()));
    }
    assert!(
        missing.is_empty(),
        "docs/json.md has no field table for {missing:?} (add `<!-- fields: NAME -->` … `<!-- /fields -->`)"
    );
    if updated != text {
        if bless() {
            std::fs::write(&path, updated).expect("write docs/json.md");
        } else {
            panic!(
                "docs/json.md's field tables are not those of the schemas: run with UPDATE_EXPECT=1"
            );
        }
    }
}

/// A Markdown table of every field, nested ones as `a.b[].c`.
fn fields_table(schema: &Value) -> String {
    let mut rows = Vec::new();
    walk(schema, schema, "", &mut rows, 0);
    let mut out = String::from("| field | type | description |\n|---|---|---|\n");
    for (field, kind, description) in rows {
        out.push_str(&format!("| `{field}` | {kind} | {description} |\n"));
    }
    out
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/$defs/");
            &root["$defs"][name]
        }
        None => schema,
    }
}

/// The schema's non-null alternatives (`Option<T>` is `anyOf [T, null]` or `type: [T, "null"]`).
fn alternatives<'a>(root: &'a Value, schema: &'a Value) -> (Vec<&'a Value>, bool) {
    let schema = resolve(root, schema);
    for key in ["anyOf", "oneOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            let nullable = items
                .iter()
                .any(|i| i.get("type") == Some(&Value::from("null")));
            let rest = items
                .iter()
                .filter(|i| i.get("type") != Some(&Value::from("null")))
                .map(|i| resolve(root, i))
                .collect();
            return (rest, nullable);
        }
    }
    let nullable = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.contains(&Value::from("null")));
    (vec![schema], nullable)
}

fn type_name(root: &Value, schema: &Value) -> String {
    let (alternatives, nullable) = alternatives(root, schema);
    let names: Vec<String> = alternatives
        .iter()
        .map(|alt| {
            if let Some(values) = alt.get("enum").and_then(Value::as_array) {
                return values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            if let Some(value) = alt.get("const") {
                return format!("`{value}`");
            }
            match alt.get("type") {
                Some(Value::String(t)) if t == "array" => {
                    format!("array of {}", type_name(root, &alt["items"]))
                }
                Some(Value::String(t)) => t.clone(),
                Some(Value::Array(types)) => types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect::<Vec<_>>()
                    .join(" or "),
                _ if alt.get("properties").is_some() => "object".to_owned(),
                _ => "any".to_owned(),
            }
        })
        .collect();
    let mut name = names.join(" or ");
    if nullable {
        name.push_str(" or null");
    }
    name
}

fn description(root: &Value, schema: &Value) -> String {
    let own = schema.get("description").and_then(Value::as_str);
    let text = own.or_else(|| {
        resolve(root, schema)
            .get("description")
            .and_then(Value::as_str)
    });
    text.unwrap_or("").replace('\n', " ").replace('|', "\\|")
}

fn walk(
    root: &Value,
    schema: &Value,
    prefix: &str,
    rows: &mut Vec<(String, String, String)>,
    depth: usize,
) {
    assert!(depth < 12, "schema nests too deep at {prefix}");
    let (alternatives, _) = alternatives(root, schema);
    for alt in alternatives {
        let tag_variants = alt.get("oneOf").and_then(Value::as_array);
        if let Some(variants) = tag_variants {
            for variant in variants {
                walk(root, variant, prefix, rows, depth + 1);
            }
        }
        if alt.get("type") == Some(&Value::from("array")) {
            walk(root, &alt["items"], &format!("{prefix}[]"), rows, depth + 1);
            continue;
        }
        let Some(properties) = alt.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let required: BTreeSet<&str> = alt
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (field, property) in properties {
            let path = if prefix.is_empty() {
                field.clone()
            } else {
                format!("{prefix}.{field}")
            };
            let mut kind = type_name(root, property);
            if !required.contains(field.as_str()) {
                kind.push_str(" (optional)");
            }
            let row = (path.clone(), kind, description(root, property));
            if !rows.contains(&row) {
                rows.push(row);
            }
            walk(root, property, &path, rows, depth + 1);
        }
    }
}

#[test]
fn json_md_examples_are_valid_documents() {
    let text = std::fs::read_to_string(docs_dir().join("json.md")).expect("docs/json.md exists");
    let mut missing = Vec::new();
    for (name, _, schema) in crossport_json::schemas() {
        let marker = format!("<!-- example: {name} -->\n```json\n");
        let Some(start) = text.find(&marker) else {
            missing.push(name);
            continue;
        };
        let body = &text[start + marker.len()..];
        let example = &body[..body.find("```").expect("the example's fence closes")];
        let example: Value = serde_json::from_str(example)
            .unwrap_or_else(|err| panic!("docs/json.md: the {name} example is not JSON: {err}"));
        let url = format!("urn:crossport:{name}");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(&url, schema.as_value().clone())
            .expect("the schema loads");
        let index = compiler
            .compile(&url, &mut schemas)
            .expect("the schema compiles");
        if let Err(err) = schemas.validate(&example, index) {
            panic!("docs/json.md: the {name} example is not a valid document: {err:#}");
        }
    }
    assert!(
        missing.is_empty(),
        "docs/json.md has no example for {missing:?}"
    );
}
