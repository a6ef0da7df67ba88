//! Every user setting, declared once.
//!
//! The VS Code extension's `contributes.configuration` and docs/settings.md
//! are generated from [`SETTINGS`] (a test fails when either drifts), and
//! the server reads the same names from `initializationOptions` and
//! `workspace/didChangeConfiguration`.

use std::collections::BTreeMap;

use crossport_driver::toolchain::EnvOverlay;
use serde_json::{Map, Value, json};

/// Who reads a setting: the server, or only the VS Code extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Server,
    Extension,
}

/// The JSON type of a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingType {
    Boolean,
    String,
    NullableString,
    StringArray,
    /// An object of strings (or `null`), e.g. environment variables.
    StringMap,
    OneOf(&'static [&'static str]),
}

/// One setting: its full dotted name, type, default and description.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub ty: SettingType,
    /// The default as JSON text.
    pub default: &'static str,
    pub description: &'static str,
    pub reader: Reader,
}

pub const TARGETS: &str = "crossport.targets";
pub const DIAGNOSTICS_ENABLE: &str = "crossport.diagnostics.enable";
pub const SYSROOT_RELEASE: &str = "crossport.sysroot.release";
pub const EXTRA_ENV: &str = "crossport.extraEnv";

pub const SETTINGS: &[Setting] = &[
    Setting {
        name: TARGETS,
        ty: SettingType::StringArray,
        default: "[]",
        description: "Target triples to diagnose, e.g. `[\"aarch64-unknown-linux-gnu\"]`. \
            When empty, the `[build] target` of the project's cargo config is used.",
        reader: Reader::Server,
    },
    Setting {
        name: DIAGNOSTICS_ENABLE,
        ty: SettingType::Boolean,
        default: "true",
        description: "Show preflight diagnostics on `Cargo.toml` and `.cargo/config.toml`.",
        reader: Reader::Server,
    },
    Setting {
        name: SYSROOT_RELEASE,
        ty: SettingType::OneOf(crossport_formats::distro::RELEASE_NAMES),
        default: "\"bookworm\"",
        description: "The Debian or Ubuntu release a fetched sysroot comes from: pick the \
            release of the machine the binary will run on, so it links against that glibc.",
        reader: Reader::Server,
    },
    Setting {
        name: EXTRA_ENV,
        ty: SettingType::StringMap,
        default: "{}",
        description: "Environment variables for every cargo, rustc and rustup the server runs \
            (diagnostics, fixes, builds), like rust-analyzer's `cargo.extraEnv`; `null` unsets one. \
            It also decides which toolchain counts: e.g. `{\"RUSTC\": \"/usr/bin/rustc\"}` \
            makes the server check and build with Debian's rustc (package `rustc-web`) and the std packaged for it.",
        reader: Reader::Server,
    },
    Setting {
        name: "crossport.server.path",
        ty: SettingType::NullableString,
        default: "null",
        description: "Path of the `crossport` binary to run as the language server. \
            When unset, the bundled binary is used, then `crossport` on `PATH`.",
        reader: Reader::Extension,
    },
    Setting {
        name: "crossport.trace.server",
        ty: SettingType::OneOf(&["off", "messages", "verbose"]),
        default: "\"off\"",
        description: "Log the messages between VS Code and the language server in the \
            output panel.",
        reader: Reader::Extension,
    },
];

/// The settings the server acts on, with defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub targets: Vec<String>,
    pub diagnostics_enable: bool,
    pub sysroot_release: String,
    /// `crossport.extraEnv`: a value of `None` unsets the variable.
    pub extra_env: BTreeMap<String, Option<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            targets: Vec::new(),
            diagnostics_enable: true,
            sysroot_release: crossport_formats::distro::DEFAULT_RELEASE.into(),
            extra_env: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Reads settings from what a client sent. Clients nest them
    /// differently (`{"crossport": {"targets": …}}`, `{"targets": …}` or
    /// `{"crossport.targets": …}`), so all three are accepted. Values of the
    /// wrong type keep their default and yield a warning.
    pub fn from_json(value: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let read = |name: &str| lookup(value, name);
        if let Some(targets) = read(TARGETS) {
            match string_array(targets) {
                Some(targets) => settings.targets = targets,
                None => warnings.push(format!("`{TARGETS}` must be an array of strings")),
            }
        }
        if let Some(enable) = read(DIAGNOSTICS_ENABLE) {
            match enable.as_bool() {
                Some(enable) => settings.diagnostics_enable = enable,
                None => warnings.push(format!("`{DIAGNOSTICS_ENABLE}` must be a boolean")),
            }
        }
        if let Some(release) = read(SYSROOT_RELEASE) {
            match release.as_str() {
                Some(release) => settings.sysroot_release = release.to_owned(),
                None => warnings.push(format!("`{SYSROOT_RELEASE}` must be a string")),
            }
        }
        if let Some(env) = read(EXTRA_ENV) {
            match string_map(env) {
                Some(env) => settings.extra_env = env,
                None => warnings.push(format!(
                    "`{EXTRA_ENV}` must be an object of strings (or null to unset one)"
                )),
            }
        }
        (settings, warnings)
    }

    /// The environment the server's processes and toolchain questions use
    /// on top of its own.
    pub fn env(&self) -> EnvOverlay {
        let mut env = EnvOverlay::new();
        for (name, value) in &self.extra_env {
            match value {
                Some(value) => env.set(name, value),
                None => env.unset(name),
            };
        }
        env
    }
}

fn string_map(value: &Value) -> Option<BTreeMap<String, Option<String>>> {
    value
        .as_object()?
        .iter()
        .map(|(name, value)| match value {
            _ if name.is_empty() || name.contains(['=', '\0']) => None,
            Value::String(value) => Some((name.clone(), Some(value.clone()))),
            Value::Null => Some((name.clone(), None)),
            _ => None,
        })
        .collect()
}

fn lookup<'a>(value: &'a Value, dotted: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    let unprefixed = dotted.strip_prefix("crossport.").unwrap_or(dotted);
    object
        .get(dotted)
        .or_else(|| walk(object, dotted))
        .or_else(|| object.get(unprefixed))
        .or_else(|| walk(object, unprefixed))
}

fn walk<'a>(root: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut current = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let value = current.get(part)?;
        if parts.peek().is_none() {
            return Some(value);
        }
        current = value.as_object()?;
    }
    None
}

fn string_array(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(|s| s.trim().to_owned()))
        .filter(|item| item.as_ref().is_none_or(|s| !s.is_empty()))
        .collect()
}

impl Setting {
    /// The JSON-schema property VS Code's `contributes.configuration` wants.
    pub fn schema(&self) -> Value {
        let default: Value = serde_json::from_str(self.default).unwrap_or(Value::Null);
        let mut schema = match self.ty {
            SettingType::Boolean => json!({ "type": "boolean" }),
            SettingType::String => json!({ "type": "string" }),
            SettingType::NullableString => json!({ "type": ["string", "null"] }),
            SettingType::StringArray => json!({ "type": "array", "items": { "type": "string" } }),
            SettingType::StringMap => json!({
                "type": "object",
                "additionalProperties": { "type": ["string", "null"] }
            }),
            SettingType::OneOf(values) => json!({ "type": "string", "enum": values }),
        };
        schema["default"] = default;
        schema["markdownDescription"] = json!(self.description);
        schema
    }

    fn type_name(&self) -> String {
        match self.ty {
            SettingType::Boolean => "boolean".into(),
            SettingType::String => "string".into(),
            SettingType::NullableString => "string or null".into(),
            SettingType::StringArray => "array of strings".into(),
            SettingType::StringMap => "object of strings".into(),
            SettingType::OneOf(values) => values
                .iter()
                .map(|v| format!("`\"{v}\"`"))
                .collect::<Vec<_>>()
                .join(" \\| "),
        }
    }
}

/// `contributes.configuration.properties` for the VS Code extension.
pub fn vscode_properties() -> Value {
    let properties: Map<String, Value> = SETTINGS
        .iter()
        .map(|setting| (setting.name.to_owned(), setting.schema()))
        .collect();
    Value::Object(properties)
}

/// The text of docs/settings.md.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Settings\n\n\
<!-- Generated from server/lsp/src/settings.rs by `cargo test -p crossport-lsp settings`; do not edit. -->\n\n\
Editors pass these to `crossport lsp` in `initializationOptions` and `workspace/didChangeConfiguration`.\n\
Nested (`{\"crossport\": {\"targets\": […]}}`), unprefixed (`{\"targets\": […]}`) and flat (`{\"crossport.targets\": […]}`) forms are all accepted.\n\
Settings read only by the VS Code extension are marked so.\n\n\
| setting | type | default | read by |\n|---|---|---|---|\n",
    );
    for setting in SETTINGS {
        let reader = match setting.reader {
            Reader::Server => "server",
            Reader::Extension => "VS Code extension",
        };
        out.push_str(&format!(
            "| [`{name}`](#{anchor}) | {ty} | `{default}` | {reader} |\n",
            name = setting.name,
            anchor = setting.name.replace('.', ""),
            ty = setting.type_name(),
            default = setting.default,
        ));
    }
    for setting in SETTINGS {
        out.push_str(&format!(
            "\n## {}\n\n{}\n",
            setting.name, setting.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_nesting_styles_are_read() {
        let expected = vec!["aarch64-unknown-linux-gnu".to_owned()];
        for value in [
            json!({ "crossport": { "targets": ["aarch64-unknown-linux-gnu"] } }),
            json!({ "targets": ["aarch64-unknown-linux-gnu"] }),
            json!({ "crossport.targets": ["aarch64-unknown-linux-gnu"] }),
        ] {
            let (settings, warnings) = Settings::from_json(&value);
            assert_eq!(settings.targets, expected, "{value}");
            assert!(warnings.is_empty());
        }
        let (settings, _) =
            Settings::from_json(&json!({ "crossport": { "diagnostics": { "enable": false } } }));
        assert!(!settings.diagnostics_enable);
    }

    #[test]
    fn extra_env_sets_and_unsets() {
        let (settings, warnings) = Settings::from_json(&json!({
            "crossport": { "extraEnv": { "RUSTC": "/usr/bin/rustc-web", "RUSTUP_TOOLCHAIN": null } }
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        let env = settings.env();
        let entries: Vec<_> = env.entries().collect();
        assert_eq!(
            entries,
            [
                ("RUSTC", Some("/usr/bin/rustc-web")),
                ("RUSTUP_TOOLCHAIN", None)
            ]
        );
        let (settings, warnings) =
            Settings::from_json(&json!({ "crossport": { "extraEnv": { "RUSTC": 1 } } }));
        assert!(settings.extra_env.is_empty());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn wrong_types_keep_defaults_and_warn() {
        let (settings, warnings) = Settings::from_json(
            &json!({ "crossport": { "targets": "x", "sysroot": { "release": 3 } } }),
        );
        assert_eq!(settings, Settings::default());
        assert_eq!(warnings.len(), 2);
        let (settings, warnings) = Settings::from_json(&json!(null));
        assert_eq!(settings, Settings::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn every_default_is_valid_json_of_its_type() {
        for setting in SETTINGS {
            let default: Value = serde_json::from_str(setting.default).expect(setting.name);
            let ok = match setting.ty {
                SettingType::Boolean => default.is_boolean(),
                SettingType::String => default.is_string(),
                SettingType::NullableString => default.is_null() || default.is_string(),
                SettingType::StringArray => default.is_array(),
                SettingType::StringMap => default.is_object(),
                SettingType::OneOf(values) => values.iter().any(|v| default == json!(v)),
            };
            assert!(ok, "{}", setting.name);
        }
    }

    #[test]
    fn release_setting_default_is_the_table_default() {
        let setting = SETTINGS
            .iter()
            .find(|setting| setting.name == SYSROOT_RELEASE)
            .expect("declared");
        let expected = format!("\"{}\"", crossport_formats::distro::DEFAULT_RELEASE);
        assert_eq!(setting.default, expected);
    }

    #[test]
    fn docs_settings_md_is_generated_from_the_declarations() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/settings.md");
        let expected = markdown();
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(path, &expected).expect("docs/settings.md is writable");
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/settings.md drifted from settings.rs: run `UPDATE_EXPECT=1 cargo test -p crossport-lsp settings`"
        );
    }
}
