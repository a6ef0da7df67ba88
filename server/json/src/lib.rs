//! The public JSON documents crossport prints and publishes.
//!
//! `crossport <command> --format json` and the language server's
//! `Diagnostic.data` are a contract with scripts and editors. The analysis
//! and driver types are free to change; the types here are not: each has
//! stable, documented field names, every command's document carries a
//! top-level `schema_version`, and the shells convert to these types at the
//! edge (`From<&internal>`) instead of serialising internal types.
//!
//! `docs/json.md` documents the fields and the versioning policy;
//! `docs/json-schema/*.json` are generated from these types by `schemars`
//! ([`schemas`]) and a test fails when the committed files drift from them.
//!
//! Versioning: adding a field keeps [`SCHEMA_VERSION`]; renaming or
//! removing one, or changing its type or meaning, bumps it.

pub mod build;
pub mod deploy;
pub mod doctor;
pub mod finding;
pub mod fix;
pub mod inspect;
pub mod lsp;
pub mod sysroot;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of every document's shape. See the policy in docs/json.md.
pub const SCHEMA_VERSION: u32 = 1;

/// The `schema_version` field: always [`SCHEMA_VERSION`] when written, and
/// only that version is accepted when read back (the language server reads
/// its own `Diagnostic.data` from a client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(SCHEMA_VERSION)
    }
}

impl<'de> Deserialize<'de> for SchemaVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = u32::deserialize(deserializer)?;
        if version == SCHEMA_VERSION {
            Ok(SchemaVersion)
        } else {
            Err(serde::de::Error::custom(format!(
                "schema_version {version} is not supported (this crossport reads {SCHEMA_VERSION})"
            )))
        }
    }
}

impl JsonSchema for SchemaVersion {
    fn schema_name() -> Cow<'static, str> {
        "SchemaVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The version of this document's shape (docs/json.md): adding a field keeps it, renaming or removing one bumps it.",
            "type": "integer",
            "const": SCHEMA_VERSION,
        })
    }
}

/// One command's whole document: `schema_version` beside the body's fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Document<T> {
    pub schema_version: SchemaVersion,
    #[serde(flatten)]
    pub body: T,
}

impl<T> Document<T> {
    pub fn new(body: T) -> Self {
        Document {
            schema_version: SchemaVersion,
            body,
        }
    }
}

/// The body of a command's document. Only the types of this crate are
/// bodies, so a shell cannot print an internal type by mistake.
pub trait Body: Serialize + JsonSchema {}

impl Body for finding::Explain {}
impl Body for doctor::Doctor {}
impl Body for fix::Fix {}
impl Body for build::Build {}
impl Body for inspect::Inspect {}
impl Body for inspect::Probe {}
impl Body for sysroot::Fetch {}
impl Body for sysroot::SysrootPath {}
impl Body for sysroot::List {}
impl Body for sysroot::Verify {}
impl Body for sysroot::Clean {}
impl Body for deploy::Deploy {}

/// A path as the documents print it: UTF-8, lossily when it is not.
pub(crate) fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Every document, by the name of its schema file under
/// `docs/json-schema/` (`<name>.json`), with the commands that print it.
pub fn schemas() -> Vec<(&'static str, &'static str, Schema)> {
    fn root<T: JsonSchema>(title: &str) -> Schema {
        let mut schema = SchemaGenerator::default().into_root_schema_for::<T>();
        schema.insert("title".to_owned(), title.into());
        schema
    }
    vec![
        (
            "explain",
            "crossport explain --format json",
            root::<Document<finding::Explain>>("explain"),
        ),
        (
            "doctor",
            "crossport doctor --format json",
            root::<Document<doctor::Doctor>>("doctor"),
        ),
        (
            "fix",
            "crossport fix --format json",
            root::<Document<fix::Fix>>("fix"),
        ),
        (
            "build",
            "crossport build --format json",
            root::<Document<build::Build>>("build"),
        ),
        (
            "inspect",
            "crossport inspect --format json",
            root::<Document<inspect::Inspect>>("inspect"),
        ),
        (
            "probe",
            "crossport probe --format json",
            root::<Document<inspect::Probe>>("probe"),
        ),
        (
            "sysroot-fetch",
            "crossport sysroot fetch|sync --format json",
            root::<Document<sysroot::Fetch>>("sysroot-fetch"),
        ),
        (
            "sysroot-path",
            "crossport sysroot path --format json",
            root::<Document<sysroot::SysrootPath>>("sysroot-path"),
        ),
        (
            "sysroot-list",
            "crossport sysroot list --format json",
            root::<Document<sysroot::List>>("sysroot-list"),
        ),
        (
            "sysroot-verify",
            "crossport sysroot verify --format json",
            root::<Document<sysroot::Verify>>("sysroot-verify"),
        ),
        (
            "sysroot-clean",
            "crossport sysroot clean --format json",
            root::<Document<sysroot::Clean>>("sysroot-clean"),
        ),
        (
            "deploy",
            "crossport deploy --format json",
            root::<Document<deploy::Deploy>>("deploy"),
        ),
        (
            "diagnostic-data",
            "the language server's Diagnostic.data",
            root::<lsp::DiagnosticData>("diagnostic-data"),
        ),
    ]
}
