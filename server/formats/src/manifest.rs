//! Cargo.toml: dependency declarations read with spans and edited (features, default-features).
//!
//! Preflight points its findings at the `reqwest = …` line that pulls a
//! native library in, and the "change the dependency instead" fixes
//! (openssl `vendored`, reqwest's rustls backend, rusqlite `bundled`) edit
//! that declaration in place: a `"0.10"` shorthand becomes an inline table,
//! an inline table or `[dependencies.x]` table gains keys, and everything
//! else in the file stays byte for byte.

use std::ops::Range;

use toml_edit::{Array, DocumentMut, InlineTable, Item, TableLike, Value};

/// Why a manifest could not be read or edited.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("invalid TOML: {message}")]
    Parse {
        message: String,
        span: Option<Range<usize>>,
    },
    #[error("no dependency `{name}` is declared in {table}")]
    NoSuchDependency { name: String, table: String },
    #[error("`{table}` is not a table")]
    NotATable { table: String },
}

/// Which section declares a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DependencyKind {
    Normal,
    Dev,
    Build,
}

/// One dependency declaration of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DependencyDecl {
    /// The key it is declared under (the name the code uses).
    pub key: String,
    /// The package it refers to (`package = "…"` or the key).
    pub package: String,
    pub kind: DependencyKind,
    /// The table path, e.g. `["dependencies"]` or
    /// `["target", "cfg(unix)", "dependencies"]`, `["workspace", "dependencies"]`.
    pub table: Vec<String>,
    pub version: Option<String>,
    pub features: Vec<String>,
    pub default_features: Option<bool>,
    /// `workspace = true`: the declaration lives in the workspace root.
    pub inherited: bool,
    /// From the start of the key to the end of its value (or of its table).
    pub span: Option<Range<usize>>,
}

/// A parsed manifest that remembers where each declaration is.
#[derive(Debug)]
pub struct Manifest {
    document: toml_edit::Document<String>,
}

const SECTIONS: [(&str, DependencyKind); 3] = [
    ("dependencies", DependencyKind::Normal),
    ("dev-dependencies", DependencyKind::Dev),
    ("build-dependencies", DependencyKind::Build),
];

impl Manifest {
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let document = toml_edit::Document::parse(text.to_owned()).map_err(parse_error)?;
        Ok(Manifest { document })
    }

    /// `[package] name`, when this is a package manifest.
    pub fn package_name(&self) -> Option<&str> {
        self.document.get("package")?.get("name")?.as_str()
    }

    /// Every dependency declaration, in section order.
    pub fn dependencies(&self) -> Vec<DependencyDecl> {
        let root = self.document.as_table();
        let mut out = Vec::new();
        for (section, kind) in SECTIONS {
            collect_section(root, &[section], kind, &mut out);
        }
        if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
            for (cfg, item) in targets.iter() {
                let Some(target) = item.as_table_like() else {
                    continue;
                };
                for (section, kind) in SECTIONS {
                    collect_section(target, &["target", cfg, section], kind, &mut out);
                }
            }
        }
        if let Some(workspace) = root.get("workspace").and_then(Item::as_table_like) {
            collect_section(
                workspace,
                &["workspace", "dependencies"],
                DependencyKind::Normal,
                &mut out,
            );
        }
        out
    }

    /// The declaration of a package, preferring normal dependencies.
    pub fn find_dependency(&self, package: &str) -> Option<DependencyDecl> {
        self.dependencies()
            .into_iter()
            .filter(|dep| {
                dep.package == package && dep.table.first().map(String::as_str) != Some("workspace")
            })
            .min_by_key(|dep| match dep.kind {
                DependencyKind::Normal => 0,
                DependencyKind::Build => 1,
                DependencyKind::Dev => 2,
            })
    }
}

fn parse_error(err: toml_edit::TomlError) -> ManifestError {
    ManifestError::Parse {
        message: err.message().trim_end().to_owned(),
        span: err.span(),
    }
}

fn collect_section(
    parent: &dyn TableLike,
    path: &[&str],
    kind: DependencyKind,
    out: &mut Vec<DependencyDecl>,
) {
    let Some(section_name) = path.last() else {
        return;
    };
    let Some(section) = parent.get(section_name).and_then(Item::as_table_like) else {
        return;
    };
    for (key, item) in section.iter() {
        let key_span = section.key(key).and_then(|k| k.span());
        let value_span = item.span();
        let span = match (key_span, value_span) {
            (Some(k), Some(v)) => Some(k.start.min(v.start)..k.end.max(v.end)),
            (k, v) => v.or(k),
        };
        out.push(declaration(key, item, kind, path, span));
    }
}

fn declaration(
    key: &str,
    item: &Item,
    kind: DependencyKind,
    path: &[&str],
    span: Option<Range<usize>>,
) -> DependencyDecl {
    let mut decl = DependencyDecl {
        key: key.to_owned(),
        package: key.to_owned(),
        kind,
        table: path.iter().map(|s| (*s).to_owned()).collect(),
        version: None,
        features: Vec::new(),
        default_features: None,
        inherited: false,
        span,
    };
    if let Some(version) = item.as_str() {
        decl.version = Some(version.to_owned());
    } else if let Some(table) = item.as_table_like() {
        let text = |name: &str| table.get(name).and_then(Item::as_str).map(str::to_owned);
        decl.version = text("version");
        if let Some(package) = text("package") {
            decl.package = package;
        }
        decl.features = table
            .get("features")
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        decl.default_features = table
            .get("default-features")
            .or_else(|| table.get("default_features"))
            .and_then(Item::as_bool);
        decl.inherited = table.get("workspace").and_then(Item::as_bool) == Some(true);
    }
    decl
}

/// One change to a manifest's dependency declarations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum ManifestEdit {
    /// Adds features to a declared dependency (found by its key in `table`).
    AddFeatures {
        table: Vec<String>,
        key: String,
        features: Vec<String>,
    },
    /// Removes features from a declared dependency, where present.
    RemoveFeatures {
        table: Vec<String>,
        key: String,
        features: Vec<String>,
    },
    /// Sets `default-features` on a declared dependency.
    SetDefaultFeatures {
        table: Vec<String>,
        key: String,
        enabled: bool,
    },
    /// Declares a new dependency in `table` (e.g. `openssl-sys` with
    /// `vendored`, to turn the feature on for the whole graph).
    AddDependency {
        table: Vec<String>,
        key: String,
        version: String,
        features: Vec<String>,
    },
}

/// Applies edits to a manifest's text and returns the new text.
pub fn edit_manifest(text: &str, edits: &[ManifestEdit]) -> Result<String, ManifestError> {
    let mut document: DocumentMut = text.parse().map_err(parse_error)?;
    for edit in edits {
        apply_edit(&mut document, edit)?;
    }
    Ok(document.to_string())
}

fn apply_edit(document: &mut DocumentMut, edit: &ManifestEdit) -> Result<(), ManifestError> {
    match edit {
        ManifestEdit::AddFeatures {
            table,
            key,
            features,
        } => {
            let section = section_mut(document, table)?;
            edit_dependency(section, table, key, |dep| add_features(dep, features))?;
        }
        ManifestEdit::RemoveFeatures {
            table,
            key,
            features,
        } => {
            let section = section_mut(document, table)?;
            edit_dependency(section, table, key, |dep| {
                if let Some(Item::Value(Value::Array(existing))) = dep.get_mut("features") {
                    existing
                        .retain(|v| !v.as_str().is_some_and(|f| features.iter().any(|r| r == f)));
                }
            })?;
        }
        ManifestEdit::SetDefaultFeatures {
            table,
            key,
            enabled,
        } => {
            let section = section_mut(document, table)?;
            edit_dependency(section, table, key, |dep| {
                let name = if dep.contains_key("default_features") {
                    "default_features"
                } else {
                    "default-features"
                };
                set_key(dep, name, Value::from(*enabled));
            })?;
        }
        ManifestEdit::AddDependency {
            table,
            key,
            version,
            features,
        } => {
            let section = section_mut(document, table)?;
            if section.contains_key(key) {
                edit_dependency(section, table, key, |dep| add_features(dep, features))?;
            } else {
                let mut inline = InlineTable::new();
                inline.insert("version", Value::from(version.as_str()));
                if !features.is_empty() {
                    inline.insert(
                        "features",
                        Value::Array(features.iter().map(String::as_str).collect()),
                    );
                }
                section.insert(key, Item::Value(Value::InlineTable(inline)));
            }
        }
    }
    Ok(())
}

fn section_mut<'d>(
    document: &'d mut DocumentMut,
    table: &[String],
) -> Result<&'d mut dyn TableLike, ManifestError> {
    let mut current: &mut dyn TableLike = document.as_table_mut();
    for segment in table {
        current = current
            .get_mut(segment)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| ManifestError::NotATable {
                table: table.join("."),
            })?;
    }
    Ok(current)
}

/// Runs `change` on a declaration as a table, turning `name = "1.0"` into
/// `name = { version = "1.0" }` first (keeping the line's decor). An
/// inline table that changed is re-spaced the way `cargo add` leaves it;
/// a `[dependencies.x]` table keeps the user's spacing.
fn edit_dependency(
    section: &mut dyn TableLike,
    table: &[String],
    key: &str,
    change: impl FnOnce(&mut dyn TableLike),
) -> Result<(), ManifestError> {
    let missing = || ManifestError::NoSuchDependency {
        name: key.to_owned(),
        table: table.join("."),
    };
    let item = section.get_mut(key).ok_or_else(missing)?;
    if let Item::Value(Value::String(version)) = item {
        let decor = version.decor().clone();
        let mut inline = InlineTable::new();
        inline.insert("version", Value::from(version.value().as_str()));
        let mut value = Value::InlineTable(inline);
        *value.decor_mut() = decor;
        *item = Item::Value(value);
    }
    let before = item.to_string();
    change(item.as_table_like_mut().ok_or_else(missing)?);
    if let Item::Value(Value::InlineTable(inline)) = item
        && item_changed(&before, inline)
    {
        inline.fmt();
    }
    Ok(())
}

fn item_changed(before: &str, inline: &InlineTable) -> bool {
    before != inline.to_string()
}

fn add_features(dep: &mut dyn TableLike, features: &[String]) {
    if let Some(Item::Value(Value::Array(existing))) = dep.get_mut("features") {
        for feature in features {
            if !existing.iter().any(|v| v.as_str() == Some(feature)) {
                push_feature(existing, feature);
            }
        }
        return;
    }
    set_key(
        dep,
        "features",
        Value::Array(features.iter().map(String::as_str).collect()),
    );
}

/// Appends to an array the way its elements are laid out: one per line
/// when they are, otherwise `, `-separated.
fn push_feature(array: &mut Array, feature: &str) {
    let multiline = array.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    let last_decor = array.iter().last().map(|v| v.decor().clone());
    match last_decor {
        Some(decor) if multiline => {
            let mut value = Value::from(feature);
            *value.decor_mut() = decor;
            array.push_formatted(value);
        }
        _ => array.push(feature),
    }
}

fn set_key(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    const MANIFEST: &str = r#"[package]
name = "app"
version = "0.1.0"

[dependencies]
# TLS through the system library
openssl = "0.10"   # keep me
reqwest = { version = "0.12", features = ["json"] }
db = { package = "rusqlite", version = "0.31" }

[dependencies.serde]
version = "1"

[target.'cfg(unix)'.dependencies]
libc = "0.2"
"#;

    fn deps() -> Vec<String> {
        vec!["dependencies".to_owned()]
    }

    #[test]
    fn declarations_with_renames_and_spans() {
        let manifest = Manifest::parse(MANIFEST).expect("valid manifest");
        let db = manifest
            .find_dependency("rusqlite")
            .expect("declared as db");
        assert_eq!(db.key, "db");
        let span = db.span.expect("spans");
        assert_eq!(
            &MANIFEST[span],
            "db = { package = \"rusqlite\", version = \"0.31\" }"
        );
        let libc = manifest.find_dependency("libc").expect("target-specific");
        assert_eq!(libc.table, ["target", "cfg(unix)", "dependencies"]);
        assert_eq!(manifest.package_name(), Some("app"));
    }

    #[test]
    fn features_turn_a_version_string_into_an_inline_table() {
        let edit = ManifestEdit::AddFeatures {
            table: deps(),
            key: "openssl".into(),
            features: vec!["vendored".into()],
        };
        let out = edit_manifest(MANIFEST, &[edit]).expect("edit applies");
        assert!(
            out.contains(
                "openssl = { version = \"0.10\", features = [\"vendored\"] }   # keep me\n"
            )
        );
    }

    #[test]
    fn default_features_off_and_rustls_on() {
        let edits = [
            ManifestEdit::SetDefaultFeatures {
                table: deps(),
                key: "reqwest".into(),
                enabled: false,
            },
            ManifestEdit::AddFeatures {
                table: deps(),
                key: "reqwest".into(),
                features: vec!["rustls-tls".into(), "json".into()],
            },
        ];
        let out = edit_manifest(MANIFEST, &edits).expect("edit applies");
        expect![[r#"reqwest = { version = "0.12", features = ["json", "rustls-tls"], default-features = false }"#]]
            .assert_eq(out.lines().find(|l| l.starts_with("reqwest")).unwrap_or_default());
    }

    #[test]
    fn new_dependency_goes_to_the_section_end() {
        let edit = ManifestEdit::AddDependency {
            table: deps(),
            key: "openssl-sys".into(),
            version: "0.9".into(),
            features: vec!["vendored".into()],
        };
        let out = edit_manifest("[dependencies]\nfoo = \"1\"\n\n[features]\n", &[edit])
            .expect("edit applies");
        expect![[r#"
            [dependencies]
            foo = "1"
            openssl-sys = { version = "0.9", features = ["vendored"] }

            [features]
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn table_form_gains_a_key() {
        let edit = ManifestEdit::AddFeatures {
            table: deps(),
            key: "serde".into(),
            features: vec!["derive".into()],
        };
        let out = edit_manifest(MANIFEST, &[edit]).expect("edit applies");
        assert!(out.contains("[dependencies.serde]\nversion = \"1\"\nfeatures = [\"derive\"]\n"));
    }

    #[test]
    fn a_missing_dependency_is_an_error() {
        let edit = ManifestEdit::AddFeatures {
            table: deps(),
            key: "nope".into(),
            features: vec![],
        };
        let err = edit_manifest(MANIFEST, &[edit]).expect_err("not declared");
        assert_eq!(
            err.to_string(),
            "no dependency `nope` is declared in dependencies"
        );
    }
}
