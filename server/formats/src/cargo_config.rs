//! Cargo config files read with spans and edited with toml_edit, comments kept.
//!
//! Reading flattens a `.cargo/config.toml` (or legacy `.cargo/config`) into
//! dotted keys with the byte span of each value, so a finding can point at
//! the line that set a linker and a fix can edit the file that set it.
//! Editing works on the parsed document in place, the way `cargo add`
//! edits manifests: existing keys keep their decor (comments, spacing), new
//! keys go after the last key of their table, and a missing table is
//! inserted as a real `[table]` at the end of the file rather than as an
//! inline table above the user's comments.

use std::ops::Range;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// Why a cargo config could not be read or edited.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid TOML: {message}")]
    Parse {
        message: String,
        span: Option<Range<usize>>,
    },
    #[error("`{key}` is not a table, so `{child}` cannot be set under it")]
    NotATable { key: String, child: String },
}

/// A parsed cargo config file that remembers where each value is.
#[derive(Debug)]
pub struct CargoConfig {
    document: toml_edit::Document<String>,
}

/// One leaf value of a config file with its dotted key and byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigEntry {
    /// The key path, e.g. `["target", "aarch64-unknown-linux-gnu", "linker"]`.
    pub key: Vec<String>,
    pub value: serde_json::Value,
    /// From the start of the key to the end of the value.
    pub span: Option<Range<usize>>,
}

impl ConfigEntry {
    /// The key path joined with dots, as cargo prints it.
    pub fn dotted_key(&self) -> String {
        self.key.join(".")
    }
}

impl CargoConfig {
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let document = toml_edit::Document::parse(text.to_owned()).map_err(parse_error)?;
        Ok(CargoConfig { document })
    }

    /// Every leaf value in document order (arrays and `[env]` inline
    /// tables are flattened to their own keys: `env.FOO.value`).
    pub fn entries(&self) -> Vec<ConfigEntry> {
        let mut entries = Vec::new();
        collect_entries(self.document.as_table(), &mut Vec::new(), &mut entries);
        entries
    }

    /// The entry at a key path, if the file sets it.
    pub fn get(&self, key: &[&str]) -> Option<ConfigEntry> {
        self.entries()
            .into_iter()
            .find(|entry| entry.key.iter().map(String::as_str).eq(key.iter().copied()))
    }

    /// The value and span of `[env] NAME`, whether written as a string or
    /// as `{ value = …, relative = … }`.
    pub fn env_value(&self, name: &str) -> Option<ConfigEntry> {
        self.get(&["env", name])
            .or_else(|| self.get(&["env", name, "value"]))
    }
}

fn parse_error(err: toml_edit::TomlError) -> ConfigError {
    ConfigError::Parse {
        message: err.message().trim_end().to_owned(),
        span: err.span(),
    }
}

fn collect_entries(table: &dyn TableLike, path: &mut Vec<String>, out: &mut Vec<ConfigEntry>) {
    for (key, item) in table.iter() {
        path.push(key.to_owned());
        match item {
            Item::Table(child) => collect_entries(child, path, out),
            Item::Value(Value::InlineTable(child)) => collect_entries(child, path, out),
            Item::Value(value) => {
                let key_span = table.key(key).and_then(|k| k.span());
                let span = match (key_span, value.span()) {
                    (Some(k), Some(v)) => Some(k.start.min(v.start)..v.end),
                    (_, v) => v,
                };
                out.push(ConfigEntry {
                    key: path.clone(),
                    value: value_to_json(value),
                    span,
                });
            }
            Item::ArrayOfTables(_) | Item::None => {}
        }
        path.pop();
    }
}

fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::String(s) => s.value().clone().into(),
        Value::Integer(i) => (*i.value()).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f.value())
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Boolean(b) => (*b.value()).into(),
        Value::Datetime(d) => d.value().to_string().into(),
        Value::Array(array) => array.iter().map(value_to_json).collect(),
        Value::InlineTable(table) => table
            .iter()
            .map(|(k, v)| (k.to_owned(), value_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

/// A value a fix writes: a string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum EditValue {
    String(String),
    List(Vec<String>),
}

/// One change to a cargo config file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum ConfigEdit {
    /// `[target.<triple>] <key> = value`, replacing what is there.
    SetTarget {
        triple: String,
        key: String,
        value: EditValue,
    },
    /// `[target.<triple>] <key>`: append the flags it does not have yet to
    /// the existing list (for `rustflags`), or create it.
    AppendTargetFlags {
        triple: String,
        key: String,
        flags: Vec<String>,
    },
    /// `[env] NAME = "value"`, or `{ value, relative = true }` for a path
    /// relative to the directory that holds `.cargo/`.
    SetEnv {
        name: String,
        value: String,
        relative: bool,
    },
    /// `[build] target = …`.
    SetBuildTarget { value: EditValue },
}

impl ConfigEdit {
    /// The key path this edit writes.
    pub fn key(&self) -> Vec<String> {
        match self {
            ConfigEdit::SetTarget { triple, key, .. }
            | ConfigEdit::AppendTargetFlags { triple, key, .. } => {
                vec!["target".into(), triple.clone(), key.clone()]
            }
            ConfigEdit::SetEnv { name, .. } => vec!["env".into(), name.clone()],
            ConfigEdit::SetBuildTarget { .. } => vec!["build".into(), "target".into()],
        }
    }
}

/// Applies edits to a config file's text and returns the new text.
/// An empty input is a new file. Edits that change nothing leave the text
/// byte for byte as it was.
pub fn edit_config(text: &str, edits: &[ConfigEdit]) -> Result<String, ConfigError> {
    let mut document: DocumentMut = text.parse().map_err(parse_error)?;
    keep_leading_comments_first(&mut document);
    for edit in edits {
        apply_edit(&mut document, edit)?;
    }
    Ok(document.to_string())
}

/// In a file of only comments the comments are the document's trailing
/// text, which toml_edit prints after every table: move them to the front
/// so the new tables go below them.
fn keep_leading_comments_first(document: &mut DocumentMut) {
    if !document.as_table().is_empty() {
        return;
    }
    let trailing = document.trailing().as_str().unwrap_or("").to_owned();
    if trailing.trim().is_empty() {
        return;
    }
    let separator = if trailing.ends_with("\n\n") { "" } else { "\n" };
    document
        .decor_mut()
        .set_prefix(format!("{trailing}{separator}"));
    document.set_trailing("");
}

fn apply_edit(document: &mut DocumentMut, edit: &ConfigEdit) -> Result<(), ConfigError> {
    match edit {
        ConfigEdit::SetTarget { triple, key, value } => {
            let table = table_at(document, &["target", triple])?;
            set_value(table, key, edit_value(value));
        }
        ConfigEdit::AppendTargetFlags { triple, key, flags } => {
            let table = table_at(document, &["target", triple])?;
            append_flags(table, key, flags);
        }
        ConfigEdit::SetEnv {
            name,
            value,
            relative,
        } => {
            let table = table_at(document, &["env"])?;
            set_env(table, name, value, *relative);
        }
        ConfigEdit::SetBuildTarget { value } => {
            let table = table_at(document, &["build"])?;
            set_value(table, "target", edit_value(value));
        }
    }
    Ok(())
}

fn edit_value(value: &EditValue) -> Value {
    match value {
        EditValue::String(s) => Value::from(s.as_str()),
        EditValue::List(items) => Value::Array(items.iter().map(String::as_str).collect()),
    }
}

/// The table at a key path, creating missing tables as `[a.b]` headers
/// placed after every existing table.
fn table_at<'d>(
    document: &'d mut DocumentMut,
    path: &[&str],
) -> Result<&'d mut dyn TableLike, ConfigError> {
    let next_position = last_table_position(document.as_table()) + 1;
    let mut current: &mut dyn TableLike = document.as_table_mut();
    for (depth, segment) in path.iter().enumerate() {
        if !current.contains_key(segment) {
            let mut table = Table::new();
            let is_leaf = depth + 1 == path.len();
            table.set_implicit(!is_leaf);
            if is_leaf {
                table.set_position(Some(next_position));
            }
            current.insert(segment, Item::Table(table));
        }
        let parent_key = path[..=depth].join(".");
        let item = current
            .get_mut(segment)
            .ok_or_else(|| ConfigError::NotATable {
                key: parent_key.clone(),
                child: path.join("."),
            })?;
        current = item
            .as_table_like_mut()
            .ok_or_else(|| ConfigError::NotATable {
                key: parent_key,
                child: path.join("."),
            })?;
    }
    Ok(current)
}

fn last_table_position(table: &Table) -> isize {
    let mut last = table.position().unwrap_or(0);
    for (_, item) in table.iter() {
        if let Item::Table(child) = item {
            last = last.max(last_table_position(child));
        }
    }
    last
}

/// Sets `key = value`, keeping the old value's surrounding whitespace and
/// comments when the key exists.
fn set_value(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            if same_value(old, &value) {
                return;
            }
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    value_to_json(a) == value_to_json(b)
}

fn append_flags(table: &mut dyn TableLike, key: &str, flags: &[String]) {
    if let Some(Item::Value(Value::Array(existing))) = table.get_mut(key) {
        let present: Vec<String> = existing
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        for flag in flags {
            if !present.contains(flag) {
                push_like_siblings(existing, flag);
            }
        }
        return;
    }
    set_value(
        table,
        key,
        Value::Array(flags.iter().map(String::as_str).collect()),
    );
}

/// Appends to an array, copying the last element's decor so a one-per-line
/// array stays one per line.
fn push_like_siblings(array: &mut Array, flag: &str) {
    let multiline = array.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    match array.iter().last().map(|v| v.decor().clone()) {
        Some(decor) if multiline => {
            let mut value = Value::from(flag);
            *value.decor_mut() = decor;
            array.push_formatted(value);
        }
        _ => array.push(flag),
    }
}

fn set_env(table: &mut dyn TableLike, name: &str, value: &str, relative: bool) {
    if let Some(Item::Value(Value::InlineTable(existing))) = table.get_mut(name) {
        set_inline(existing, "value", Value::from(value));
        if relative || existing.contains_key("relative") {
            set_inline(existing, "relative", Value::from(relative));
        }
        return;
    }
    let new_value = if relative {
        let mut inline = InlineTable::new();
        inline.insert("value", Value::from(value));
        inline.insert("relative", Value::from(true));
        Value::InlineTable(inline)
    } else {
        Value::from(value)
    };
    set_value(table, name, new_value);
}

fn set_inline(table: &mut InlineTable, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(old) => {
            if !same_value(old, &value) {
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
        }
        None => {
            table.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn linker(triple: &str, value: &str) -> ConfigEdit {
        ConfigEdit::SetTarget {
            triple: triple.into(),
            key: "linker".into(),
            value: EditValue::String(value.into()),
        }
    }

    #[test]
    fn entries_carry_spans_of_key_and_value() {
        let text = "# mine\n[target.aarch64-unknown-linux-gnu]\nlinker = \"clang\"\n[env]\nCC_x = { value = \"a/b\", relative = true }\n";
        let config = CargoConfig::parse(text).expect("valid toml");
        let entry = config
            .get(&["target", "aarch64-unknown-linux-gnu", "linker"])
            .expect("linker is set");
        let span = entry.span.expect("parsed documents have spans");
        assert_eq!(&text[span], "linker = \"clang\"");
        let env = config.env_value("CC_x").expect("env is set");
        assert_eq!(env.value, "a/b");
    }

    #[test]
    fn missing_tables_become_headers_at_the_end() {
        let text = "# comment at the top\n[build]\njobs = 2 # two\n";
        let out = edit_config(text, &[linker("aarch64-unknown-linux-gnu", "clang")])
            .expect("edit applies");
        expect![[r#"
            # comment at the top
            [build]
            jobs = 2 # two

            [target.aarch64-unknown-linux-gnu]
            linker = "clang"
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn a_comment_only_file_keeps_its_comments_on_top() {
        let out = edit_config("# mine\n", &[linker("x", "clang")]).expect("edit applies");
        assert_eq!(out, "# mine\n\n[target.x]\nlinker = \"clang\"\n");
    }

    #[test]
    fn existing_values_keep_their_comments() {
        let text = "[target.x]\nlinker   =   \"cc\"   # old one\nrunner = \"r\"\n";
        let out = edit_config(text, &[linker("x", "clang")]).expect("edit applies");
        assert_eq!(
            out,
            "[target.x]\nlinker   =   \"clang\"   # old one\nrunner = \"r\"\n"
        );
    }

    #[test]
    fn unchanged_values_leave_the_text_alone() {
        let text = "[target.x]\nlinker='clang'\n";
        let out = edit_config(text, &[linker("x", "clang")]).expect("edit applies");
        assert_eq!(out, text);
    }

    #[test]
    fn flags_are_appended_once() {
        let text = "[target.x]\nrustflags = [\n    \"-Ctarget-cpu=native\",\n]\n";
        let edit = ConfigEdit::AppendTargetFlags {
            triple: "x".into(),
            key: "rustflags".into(),
            flags: vec![
                "-Ctarget-cpu=native".into(),
                "-Clink-arg=-fuse-ld=lld".into(),
            ],
        };
        let out = edit_config(text, &[edit.clone(), edit]).expect("edit applies");
        expect![[r#"
            [target.x]
            rustflags = [
                "-Ctarget-cpu=native",
                "-Clink-arg=-fuse-ld=lld",
            ]
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn env_paths_are_relative_inline_tables() {
        let edit = ConfigEdit::SetEnv {
            name: "CC_x".into(),
            value: ".cargo/crossport/x-cc".into(),
            relative: true,
        };
        let out = edit_config("", &[edit]).expect("edit applies");
        expect![[r#"
            [env]
            CC_x = { value = ".cargo/crossport/x-cc", relative = true }
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn dotted_keys_at_the_root_are_edited_in_place() {
        let text = "target.x.linker = \"cc\"\n";
        let out = edit_config(text, &[linker("x", "clang")]).expect("edit applies");
        assert_eq!(out, "target.x.linker = \"clang\"\n");
    }

    #[test]
    fn build_target_goes_into_an_existing_build_table() {
        let text = "[build]\njobs = 2\n\n[env]\nA = \"b\"\n";
        let edit = ConfigEdit::SetBuildTarget {
            value: EditValue::List(vec!["x".into(), "y".into()]),
        };
        let out = edit_config(text, &[edit]).expect("edit applies");
        assert_eq!(
            out,
            "[build]\njobs = 2\ntarget = [\"x\", \"y\"]\n\n[env]\nA = \"b\"\n"
        );
    }

    #[test]
    fn broken_toml_is_an_error_with_a_span() {
        let err = edit_config("[target\n", &[]).expect_err("invalid");
        assert!(matches!(err, ConfigError::Parse { span: Some(_), .. }));
    }

    #[test]
    fn a_string_where_a_table_is_needed_is_an_error() {
        let err = edit_config("target = \"x\"\n", &[linker("x", "cc")]).expect_err("invalid");
        assert!(err.to_string().contains("`target` is not a table"));
    }
}
