//! Diagnostics follow the editor's buffers, not the files on disk: an
//! unsaved dependency line is analysed (after a pause in typing), undoing
//! it clears the diagnostic, closing the document goes back to the saved
//! file, and a fix offered for one version of a buffer is refused for
//! another. Also: a finding is published in one place only.
//!
//! The fixture is `lsp-openssl` with its `openssl` line removed on disk; the
//! test types it into the buffer. Real server, real cargo metadata.

use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostics::{fixture_copy, with_c_compiler};
use crate::support::{Client, file_uri};

const DEPENDENCY_LINE: u32 = 7;

/// The fixture with no dependency on disk: `[dependencies]` is line 6.
fn without_openssl(root: &Path) -> String {
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let saved = text.replace("openssl = \"0.10\"\n", "");
    assert_eq!(
        saved.lines().nth(DEPENDENCY_LINE as usize - 1),
        Some("[dependencies]")
    );
    std::fs::write(&manifest, &saved).expect("write manifest");
    saved
}

fn open(client: &mut Client, path: &Path, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(path), "languageId": "toml", "version": 1, "text": text } }),
    );
}

/// An incremental change: `text` replaces the range.
fn change(client: &mut Client, path: &Path, version: i32, range: Value, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": file_uri(path), "version": version },
            "contentChanges": [{ "range": range, "text": text }]
        }),
    );
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": { "line": start.0, "character": start.1 },
        "end": { "line": end.0, "character": end.1 }
    })
}

/// The next diagnostics published for `path` that `accept` takes.
fn published(client: &mut Client, path: &Path, mut accept: impl FnMut(&Value) -> bool) -> Value {
    let uri = json!(file_uri(path));
    client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["uri"] == uri
            && accept(&m["params"])
    })
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

fn has(code: &str) -> impl Fn(&Value) -> bool + '_ {
    move |params| codes(params).iter().any(|c| c == code)
}

#[test]
fn an_unsaved_dependency_line_gets_its_diagnostic_and_undo_clears_it() {
    let (_dir, root) = fixture_copy();
    // A C compiler for the target is configured: the vendored fix is a
    // Cargo.toml edit, the sysroot fix still a command.
    with_c_compiler(&root);
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let saved = without_openssl(&root);
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &manifest, &saved);
    // The saved file has no native dependency: preflight only has config findings.
    let first = published(&mut client, &config, |_| true);
    assert!(
        !codes(&first["params"]).is_empty(),
        "the config carries the target's findings: {first:#}"
    );
    assert!(
        !client
            .seen
            .iter()
            .any(|m| has("openssl_not_found")(&m["params"])),
        "{:#?}",
        client.seen
    );

    // Type the line, in two keystrokes' worth of changes, without saving.
    let at = (DEPENDENCY_LINE, 0);
    change(
        &mut client,
        &manifest,
        2,
        range(at, at),
        "openssl = \"0.1\"\n",
    );
    change(
        &mut client,
        &manifest,
        3,
        range((DEPENDENCY_LINE, 14), (DEPENDENCY_LINE, 14)),
        "0",
    );
    let typed = published(&mut client, &manifest, has("openssl_not_found"));
    assert_eq!(
        typed["params"]["version"],
        json!(3),
        "published for the buffer version it analysed: {typed:#}"
    );
    let diagnostic = typed["params"]["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == json!("openssl_not_found")))
        .cloned()
        .expect("the openssl diagnostic");
    assert_eq!(
        diagnostic["range"]["start"]["line"],
        json!(DEPENDENCY_LINE),
        "on the typed line: {diagnostic:#}"
    );
    assert_eq!(
        std::fs::read_to_string(&manifest).expect("manifest"),
        saved,
        "nothing was written to the project"
    );

    // The quick fix is computed from the buffer and names its version.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file_uri(&manifest) },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] }
        }),
    );
    let vendored = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["edit"].is_object())
        .cloned()
        .unwrap_or_else(|| panic!("no edit action: {actions:#}"));
    let document_change = &vendored["edit"]["documentChanges"][0];
    assert_eq!(
        document_change["textDocument"],
        json!({ "uri": file_uri(&manifest), "version": 3 }),
        "{vendored:#}"
    );
    assert_eq!(
        document_change["edits"][0]["range"],
        range((DEPENDENCY_LINE, 10), (DEPENDENCY_LINE, 16)),
        "the edit replaces the typed version string: {vendored:#}"
    );

    // A fix that runs commands, offered for version 3, is refused at version 4.
    let command = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|a| a["command"].as_object().cloned())
        .unwrap_or_else(|| panic!("no command action: {actions:#}"));
    assert_eq!(
        command["arguments"][0]["versions"],
        json!({ file_uri(&manifest): 3 }),
        "{command:#?}"
    );
    change(&mut client, &manifest, 4, range((0, 0), (0, 0)), "");
    let refused = client.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("changed since this fix was offered (version 3, now 4)")
            && message.contains("ask for the quick fix again"),
        "{refused:#}"
    );

    // Undo the typing: the diagnostic goes, still without a save.
    change(
        &mut client,
        &manifest,
        5,
        range((DEPENDENCY_LINE, 0), (DEPENDENCY_LINE + 1, 0)),
        "",
    );
    let undone = published(&mut client, &manifest, |p| p["version"] == json!(5));
    assert!(!has("openssl_not_found")(&undone["params"]), "{undone:#}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn closing_an_unsaved_buffer_goes_back_to_the_saved_file() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let saved = std::fs::read_to_string(&manifest).expect("manifest");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    // The buffer drops the dependency the saved file has.
    let edited = saved.replace("openssl = \"0.10\"\n", "");
    open(&mut client, &manifest, &edited);
    let config = root.join(".cargo/config.toml");
    published(&mut client, &config, |_| true);
    assert!(
        !client
            .seen
            .iter()
            .any(|m| has("openssl_not_found")(&m["params"])),
        "the buffer has no openssl: {:#?}",
        client.seen
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": file_uri(&manifest) } }),
    );
    let back = published(&mut client, &manifest, has("openssl_not_found"));
    assert_eq!(back["params"]["version"], Value::Null, "{back:#}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn an_unsaved_config_buffer_decides_the_target() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let text = std::fs::read_to_string(&config).expect("config");
    open(&mut client, &config, &text);
    open(
        &mut client,
        &manifest,
        &std::fs::read_to_string(&manifest).expect("manifest"),
    );
    let aarch64 = published(&mut client, &manifest, has("openssl_not_found"));
    assert!(
        aarch64.to_string().contains("aarch64-unknown-linux-gnu"),
        "{aarch64:#}"
    );
    // Point the unsaved config at the host: no cross-compilation, no finding.
    let version = String::from_utf8(
        std::process::Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc runs")
            .stdout,
    )
    .expect("utf-8");
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let line = text
        .lines()
        .position(|l| l.starts_with("target"))
        .expect("target line") as u32;
    let width = text.lines().nth(line as usize).expect("line").len() as u32;
    change(
        &mut client,
        &config,
        2,
        range((line, 0), (line, width)),
        &format!("target = \"{}\"", host.trim()),
    );
    // The saved config still says aarch64; the buffer's target wins.
    let native = published(&mut client, &manifest, |p| {
        !p.to_string().contains("aarch64-unknown-linux-gnu")
    });
    assert!(
        !has("openssl_not_found")(&native["params"]) || native.to_string().contains(host),
        "{native:#}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_finding_of_preflight_and_of_the_build_is_published_once() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let saved = without_openssl(&root);
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &manifest, &saved);
    let preflight = published(&mut client, &config, has("target_not_installed"));
    assert!(has("target_not_installed")(&preflight["params"]));
    // Without the aarch64 std, cargo fails at once with E0463 (no crate to build first).
    let build = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.build", "arguments": [{ "manifest": manifest }] }),
    );
    assert_eq!(build["result"]["success"], json!(false), "{build:#}");
    // A request the main loop answers after it handled the build's findings.
    client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file_uri(&config) },
            "range": range((0, 0), (0, 0)),
            "context": { "diagnostics": [] }
        }),
    );
    let mut latest: std::collections::BTreeMap<String, Value> = Default::default();
    latest.insert(file_uri(&config), preflight["params"].clone());
    for message in &client.seen {
        if message["method"] == json!("textDocument/publishDiagnostics") {
            let uri = message["params"]["uri"].as_str().unwrap_or_default();
            latest.insert(uri.to_owned(), message["params"].clone());
        }
    }
    let homes: Vec<&String> = latest
        .iter()
        .flat_map(|(uri, params)| {
            codes(params)
                .into_iter()
                .filter(|c| c == "target_not_installed")
                .map(move |_| uri)
        })
        .collect();
    assert_eq!(homes, [&file_uri(&config)], "{latest:#?}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn crossport_targets_answers_the_toolchains_targets_as_preflight_sees_them() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let saved = without_openssl(&root);
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    open(&mut client, &manifest, &saved);
    let preflight = published(&mut client, &config, |_| true);
    let response = client.request("crossport/targets", json!({ "uri": file_uri(&manifest) }));
    let result = &response["result"];
    assert_eq!(
        result["configured"],
        json!(["aarch64-unknown-linux-gnu"]),
        "{response:#}"
    );
    let row = |triple: &str| {
        result["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["triple"] == json!(triple))
            .cloned()
            .unwrap_or_else(|| panic!("no {triple} in {response:#}"))
    };
    let host = result["host"].as_str().expect("host").to_owned();
    assert_eq!(row(&host)["installed"], json!(true), "{response:#}");
    let aarch64 = row("aarch64-unknown-linux-gnu");
    assert_eq!(aarch64["tier"], json!(1), "{aarch64:#}");
    // The same answer preflight gave: not installed <=> target_not_installed.
    assert_eq!(
        aarch64["installed"] == json!(false),
        has("target_not_installed")(&preflight["params"]),
        "{aarch64:#} vs {preflight:#}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

/// Debian's rustc (scripts/install-test-deps.sh installs it with the arm64 std).
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

#[test]
fn extra_env_picks_the_toolchain_for_diagnostics_targets_and_builds() {
    let name = "extra_env_picks_the_toolchain_for_diagnostics_targets_and_builds";
    let std = Path::new("/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib");
    if !Path::new(DEBIAN_RUSTC).is_file() || !std.is_dir() {
        crate::gate::skipped(
            name,
            "needs Debian's rustc with the arm64 std (scripts/install-test-deps.sh)",
        );
        return;
    }
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let saved = without_openssl(&root);
    let mut client = Client::spawn(&root);
    client.initialize(
        &root,
        json!({ "crossport": { "extraEnv": { "RUSTC": DEBIAN_RUSTC } } }),
    );
    open(&mut client, &manifest, &saved);
    let preflight = published(&mut client, &config, |_| true);
    assert!(
        !has("target_not_installed")(&preflight["params"]),
        "Debian's rustc has the aarch64 std: {preflight:#}"
    );
    let targets = client.request("crossport/targets", json!({ "manifest": manifest }));
    let aarch64 = targets["result"]["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["triple"] == json!("aarch64-unknown-linux-gnu"))
        .cloned()
        .unwrap_or_else(|| panic!("{targets:#}"));
    assert_eq!(aarch64["installed"], json!(true), "{targets:#}");
    // cargo runs with RUSTC too: the build gets past the missing std and
    // stops at the link (no aarch64 linker configured), not at E0463.
    let build = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.build", "arguments": [{ "manifest": manifest }] }),
    );
    assert_eq!(build["result"]["success"], json!(false), "{build:#}");
    client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file_uri(&config) },
            "range": range((0, 0), (0, 0)),
            "context": { "diagnostics": [] }
        }),
    );
    let build_codes: Vec<String> = client
        .seen
        .iter()
        .filter(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .flat_map(|m| codes(&m["params"]))
        .collect();
    assert!(
        !build_codes.iter().any(|c| c == "target_not_installed"),
        "{build_codes:?}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_successful_build_reports_the_artifact_and_where_it_runs() {
    if !crate::gate::slow("a_successful_build_reports_the_artifact_and_where_it_runs") {
        return;
    }
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    without_openssl(&root);
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("write main.rs");
    let verbose = std::process::Command::new("rustc")
        .arg("-vV")
        .current_dir(&root)
        .output()
        .expect("rustc runs");
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    let host = verbose
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned();
    let mut client = Client::spawn(&root);
    client.initialize(&root, json!({ "crossport": { "targets": [host] } }));
    let build = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.build", "arguments": [{ "manifest": manifest }] }),
    );
    let result = &build["result"];
    assert_eq!(result["success"], json!(true), "{build:#}");
    let artifact = result["artifact"].as_str().unwrap_or_default();
    assert!(
        artifact.ends_with("/debug/lsp-openssl") && Path::new(artifact).is_file(),
        "{build:#}"
    );
    let verdict = result["verdict"].as_str().unwrap_or_default();
    // e.g. "lsp-openssl needs glibc 2.34: does not run on bullseye; runs on bookworm, trixie; bookworm: runs"
    assert!(
        verdict.starts_with("lsp-openssl ") && verdict.contains("bookworm: "),
        "the verdict for crossport.sysroot.release comes with it: {build:#}"
    );
    assert!(result["inspect"]["verdicts"].is_array(), "{build:#}");
    let shown = client.wait_for(|m| {
        m["method"] == json!("window/showMessage")
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("the build succeeded"))
    });
    let text = shown["params"]["message"].as_str().unwrap_or_default();
    assert!(
        text.contains(artifact) && text.contains(verdict),
        "the notification names the artifact and the verdict: {text}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}
