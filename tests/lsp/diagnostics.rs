//! Preflight diagnostics, code actions and their refresh on the
//! `lsp-openssl` fixture: a crate depending on `openssl` whose cargo config
//! selects aarch64-unknown-linux-gnu. Runs the real engine (cargo metadata,
//! rustc), in a copy of the fixture.

use std::path::{Path, PathBuf};

use expect_test::expect;
use serde_json::{Value, json};

use crate::support::{Client, file_uri, pretty};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

pub fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("lsp-openssl");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/crates/lsp-openssl");
    copy_dir(&fixture, &root);
    (dir, root)
}

/// Gives the fixture copy a C compiler for aarch64 in its cargo config, as
/// a user with a GNU cross gcc has it (or after `fetch_sysroot_and_wire`).
/// A fix that compiles C (openssl `vendored`) then only edits `Cargo.toml`;
/// without it, the fix also brings the compiler and a sysroot to fetch.
pub fn with_c_compiler(root: &Path) {
    let config = root.join(".cargo/config.toml");
    let mut text = std::fs::read_to_string(&config).expect("fixture config");
    text.push_str("\n[env]\nCC_aarch64-unknown-linux-gnu = \"aarch64-linux-gnu-gcc\"\n");
    std::fs::write(&config, text).expect("write fixture config");
}

fn open(client: &mut Client, path: &Path) {
    let text = std::fs::read_to_string(path).expect("fixture file");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(path), "languageId": "toml", "version": 1, "text": text } }),
    );
}

/// The next diagnostics published for `path`.
fn diagnostics_for(client: &mut Client, path: &Path) -> Vec<Value> {
    let uri = json!(file_uri(path));
    let message = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    message["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn with_code<'a>(diagnostics: &'a [Value], code: &str) -> Option<&'a Value> {
    diagnostics.iter().find(|d| d["code"] == json!(code))
}

fn anonymise(text: String, root: &Path) -> String {
    text.replace(&root.display().to_string(), "$ROOT")
}

#[test]
fn openssl_diagnostic_sits_on_the_dependency_line_and_its_fix_edits_cargo_toml() {
    let (_dir, root) = fixture_copy();
    with_c_compiler(&root);
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &manifest);
    let diagnostics = diagnostics_for(&mut client, &manifest);
    let openssl = with_code(&diagnostics, "openssl_not_found")
        .unwrap_or_else(|| panic!("no openssl_not_found in {diagnostics:#?}"))
        .clone();
    expect![[r#"
        {
          "code": "openssl_not_found",
          "data": {
            "finding": {
              "evidence": {
                "file": {
                  "end": 114,
                  "path": "$ROOT/Cargo.toml",
                  "start": 98
                },
                "related": [
                  {
                    "message": "dependency path: lsp-openssl → openssl → openssl-sys"
                  }
                ]
              },
              "facts": {
                "crate": "openssl-sys",
                "crate_version": "0.9.118",
                "debian_package": "libssl-dev",
                "debian_packages": [
                  "libssl-dev"
                ],
                "dependency_path": [
                  "lsp-openssl",
                  "openssl",
                  "openssl-sys"
                ],
                "direct_dependency": "openssl",
                "library": "openssl"
              },
              "fixes": [
                {
                  "id": "fetch_sysroot_and_wire",
                  "title": "fetch a Debian sysroot with libssl-dev and wire it into .cargo/config.toml"
                },
                {
                  "id": "use_vendored_openssl",
                  "title": "build OpenSSL from source (openssl `vendored`)"
                }
              ],
              "kind": "openssl_not_found",
              "message": "openssl-sys (via openssl → openssl-sys) needs OpenSSL for aarch64-unknown-linux-gnu; none is configured",
              "severity": "error",
              "target": "aarch64-unknown-linux-gnu"
            },
            "manifest": "$ROOT/Cargo.toml",
            "schema_version": 1
          },
          "message": "openssl-sys (via openssl → openssl-sys) needs OpenSSL for aarch64-unknown-linux-gnu; none is configured",
          "range": {
            "end": {
              "character": 16,
              "line": 7
            },
            "start": {
              "character": 0,
              "line": 7
            }
          },
          "relatedInformation": [
            {
              "location": {
                "range": {
                  "end": {
                    "character": 16,
                    "line": 7
                  },
                  "start": {
                    "character": 0,
                    "line": 7
                  }
                },
                "uri": "file://$ROOT/Cargo.toml"
              },
              "message": "dependency path: lsp-openssl → openssl → openssl-sys"
            }
          ],
          "severity": 1,
          "source": "crossport"
        }"#]]
    .assert_eq(&anonymise(pretty(&openssl), &root));
    // `data` is the documented, versioned shape (docs/json.md).
    crate::schema::assert_valid("diagnostic-data", &openssl["data"]);

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file_uri(&manifest) },
            "range": openssl["range"],
            "context": { "diagnostics": [openssl] }
        }),
    );
    let actions = actions["result"].as_array().cloned().unwrap_or_default();
    let titles: Vec<_> = actions.iter().map(|a| a["title"].clone()).collect();
    assert_eq!(
        titles,
        [
            json!(
                "fetch a Debian bookworm sysroot for aarch64-unknown-linux-gnu with libssl-dev and wire it into the cargo config"
            ),
            json!("build OpenSSL from source for the target (openssl `vendored`)"),
        ],
        "{actions:#?}"
    );
    assert_eq!(
        actions[0]["command"]["command"],
        json!("crossport.applyFix"),
        "{:#}",
        actions[0]
    );
    let mut vendored = actions[1].clone();
    vendored["diagnostics"] = json!("<the diagnostic above>");
    expect![[r#"
        {
          "diagnostics": "<the diagnostic above>",
          "edit": {
            "documentChanges": [
              {
                "edits": [
                  {
                    "newText": "{ version = \"0.10\", features = [\"vendored\"] }",
                    "range": {
                      "end": {
                        "character": 16,
                        "line": 7
                      },
                      "start": {
                        "character": 10,
                        "line": 7
                      }
                    }
                  }
                ],
                "textDocument": {
                  "uri": "file://$ROOT/Cargo.toml",
                  "version": 1
                }
              }
            ]
          },
          "isPreferred": false,
          "kind": "quickfix",
          "title": "build OpenSSL from source for the target (openssl `vendored`)"
        }"#]]
    .assert_eq(&anonymise(pretty(&vendored), &root));

    // The editor applies the edit and saves: the diagnostic goes away.
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let fixed = text.replace(
        "openssl = \"0.10\"",
        "openssl = { version = \"0.10\", features = [\"vendored\"] }",
    );
    std::fs::write(&manifest, &fixed).expect("write manifest");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&manifest), "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": file_uri(&manifest) } }),
    );
    let after = diagnostics_for(&mut client, &manifest);
    assert!(
        with_code(&after, "openssl_not_found").is_none(),
        "{after:#?}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn without_a_c_compiler_for_the_target_the_vendored_fix_is_a_command_that_brings_one() {
    // openssl-src compiles C for aarch64: on a project with no C compiler
    // for it, the fix also fetches a base sysroot and writes the compiler
    // wrappers (executable scripts), which a WorkspaceEdit cannot do.
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &manifest);
    let diagnostics = diagnostics_for(&mut client, &manifest);
    let openssl = with_code(&diagnostics, "openssl_not_found")
        .unwrap_or_else(|| panic!("no openssl_not_found in {diagnostics:#?}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file_uri(&manifest) },
            "range": openssl["range"],
            "context": { "diagnostics": [openssl] }
        }),
    );
    let vendored = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["title"] == json!("build OpenSSL from source for the target (openssl `vendored`)")
        })
        .cloned()
        .unwrap_or_else(|| panic!("no vendored fix: {actions:#}"));
    assert!(vendored["edit"].is_null(), "{vendored:#}");
    assert_eq!(
        vendored["command"]["command"],
        json!("crossport.applyFix"),
        "{vendored:#}"
    );
    assert_eq!(
        vendored["command"]["arguments"][0]["fix"],
        json!("use_vendored_openssl"),
        "{vendored:#}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn config_findings_sit_on_the_build_target_key_and_settings_switch_them_off() {
    let (_dir, root) = fixture_copy();
    let config = root.join(".cargo/config.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &config);
    let diagnostics = diagnostics_for(&mut client, &config);
    // Which linker findings show depends on the host's tools; every finding
    // without a file of its own points at `target = "…"` on line 2.
    assert!(!diagnostics.is_empty(), "no diagnostics on the config");
    for diagnostic in &diagnostics {
        assert_eq!(
            diagnostic["range"]["start"]["line"],
            json!(1),
            "{diagnostic:#}"
        );
    }
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "crossport": { "diagnostics": { "enable": false } } } }),
    );
    let cleared = diagnostics_for(&mut client, &config);
    assert_eq!(cleared, Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn targets_from_initialization_options_and_configuration_win_over_the_cargo_config() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    let options = json!({ "crossport": { "targets": ["riscv64gc-unknown-linux-gnu"] } });
    client.initialize(&root, options);
    open(&mut client, &manifest);
    let diagnostics = diagnostics_for(&mut client, &manifest);
    let openssl = with_code(&diagnostics, "openssl_not_found").expect("openssl_not_found");
    assert_eq!(
        openssl["data"]["finding"]["target"],
        json!("riscv64gc-unknown-linux-gnu")
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "crossport": { "targets": ["armv7-unknown-linux-gnueabihf"] } } }),
    );
    let diagnostics = diagnostics_for(&mut client, &manifest);
    let openssl = with_code(&diagnostics, "openssl_not_found").expect("openssl_not_found");
    assert_eq!(
        openssl["data"]["finding"]["target"],
        json!("armv7-unknown-linux-gnueabihf")
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}
