//! workspace/executeCommand: applyFix through the command path, progress,
//! cancellation, and fresh diagnostics afterwards.

use expect_test::expect;
use serde_json::{Value, json};

use crate::diagnostics::{fixture_copy, with_c_compiler};
use crate::support::{Client, file_uri, pretty};

fn progress_kinds(client: &Client) -> Vec<String> {
    client
        .seen
        .iter()
        .filter(|m| m["method"] == json!("$/progress"))
        .map(|m| {
            m["params"]["value"]["kind"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

#[test]
fn apply_fix_writes_the_edit_reports_progress_and_refreshes_diagnostics() {
    let (_dir, root) = fixture_copy();
    // With a C compiler configured the vendored fix only edits Cargo.toml.
    with_c_compiler(&root);
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&manifest), "languageId": "toml", "version": 1, "text": text } }),
    );
    let uri = json!(file_uri(&manifest));
    let published = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    let diagnostic = published["params"]["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == json!("openssl_not_found")))
        .cloned()
        .unwrap_or_else(|| panic!("no openssl_not_found: {published:#}"));
    let data = &diagnostic["data"];
    let response = client.request(
        "workspace/executeCommand",
        json!({
            "command": "crossport.applyFix",
            "arguments": [{ "manifest": data["manifest"], "finding": data["finding"], "fix": "use_vendored_openssl" }]
        }),
    );
    let anonymised = pretty(&response).replace(&root.display().to_string(), "$ROOT");
    expect![[r#"
        {
          "id": 2,
          "jsonrpc": "2.0",
          "result": {
            "edited": [
              "$ROOT/Cargo.toml"
            ],
            "fix": "use_vendored_openssl",
            "steps": []
          }
        }"#]]
    .assert_eq(&anonymised);
    let written = std::fs::read_to_string(&manifest).expect("manifest");
    assert!(
        written.contains("openssl = { version = \"0.10\", features = [\"vendored\"] }"),
        "{written}"
    );
    let refreshed = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    let codes: Vec<_> = refreshed["params"]["diagnostics"]
        .as_array()
        .map(|all| all.iter().map(|d| d["code"].clone()).collect())
        .unwrap_or_default();
    assert!(
        !codes.contains(&json!("openssl_not_found")),
        "{refreshed:#}"
    );
    assert_eq!(progress_kinds(&client), ["begin", "end"]);
    // The plan's note (openssl-src compiles C for the target), then the result.
    let note = client.wait_for(|m| m["method"] == json!("window/showMessage"));
    assert!(
        note["params"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("openssl-src")),
        "{note}"
    );
    let done = client.wait_for(|m| m["method"] == json!("window/showMessage"));
    assert!(
        done["params"]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with(": done")),
        "{done}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_build_is_cancelled_from_its_progress_and_the_request_says_so() {
    let (_dir, root) = fixture_copy();
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    client.send(&json!({
        "jsonrpc": "2.0", "id": "build", "method": "workspace/executeCommand",
        "params": { "command": "crossport.build", "arguments": [{ "manifest": root.join("Cargo.toml") }] }
    }));
    let begin = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("begin")
    });
    assert_eq!(
        begin["params"]["value"]["cancellable"],
        json!(true),
        "{begin}"
    );
    assert_eq!(
        begin["params"]["value"]["title"],
        json!("cargo build --target aarch64-unknown-linux-gnu")
    );
    client.notify(
        "window/workDoneProgress/cancel",
        json!({ "token": begin["params"]["token"] }),
    );
    let response = client.response_str("build");
    expect![[r#"
        {
          "error": {
            "code": -32800,
            "data": null,
            "message": "the build was cancelled"
          },
          "id": "build",
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&response));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_failed_build_comes_back_as_diagnostics() {
    if !crate::gate::slow("a_failed_build_comes_back_as_diagnostics") {
        return;
    }
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.build", "arguments": [{ "manifest": manifest }] }),
    );
    // Without a configured cross toolchain the aarch64 build cannot succeed
    // (missing std here; a missing linker or OpenSSL on a host that has std).
    assert_eq!(response["result"]["success"], json!(false), "{response:#}");
    let count = response["result"]["findings"].as_u64().unwrap_or(0);
    assert!(count >= 1, "{response:#}");
    let published = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    });
    let first = &published["params"]["diagnostics"][0];
    assert_eq!(first["source"], json!("crossport"), "{published:#}");
    assert!(first["code"].is_string(), "{published:#}");
    let end = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("end")
    });
    assert!(
        end["params"]["value"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("failed")),
        "{end}"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn doctor_answers_with_the_findings_and_republishes() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.doctor", "arguments": [{ "uri": file_uri(&manifest) }] }),
    );
    let kinds: Vec<_> = response["result"]["findings"]
        .as_array()
        .map(|all| all.iter().map(|f| f["kind"].clone()).collect())
        .unwrap_or_default();
    assert!(kinds.contains(&json!("openssl_not_found")), "{response:#}");
    let uri = json!(file_uri(&manifest));
    client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn doctor_checks_a_target_named_twice_once() {
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let mut client = Client::spawn(&root);
    let target = "aarch64-unknown-linux-gnu";
    client.initialize(&root, json!({ "crossport": { "targets": [target] } }));
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.doctor", "arguments": [{ "uri": file_uri(&manifest), "target": target }] }),
    );
    let openssl = response["result"]["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|f| f["kind"] == json!("openssl_not_found"))
                .count()
        })
        .unwrap_or_default();
    assert_eq!(openssl, 1, "{response:#}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_failing_sysroot_fetch_reports_the_engine_error() {
    let (dir, root) = fixture_copy();
    // A mirror nobody listens on: the fetch fails fast, without network.
    let mirror = std::path::Path::new("http://127.0.0.1:9/debian");
    let cache = dir.path().join("cache");
    let mut client = Client::spawn_with_env(
        &root,
        &[("CROSSPORT_MIRROR", mirror), ("XDG_CACHE_HOME", &cache)],
    );
    client.initialize(&root, Value::Null);
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.fetchSysroot", "arguments": [{ "manifest": root.join("Cargo.toml") }] }),
    );
    assert_eq!(response["error"]["code"], json!(-32803), "{response:#}");
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .starts_with("fetch a Debian bookworm sysroot for aarch64-unknown-linux-gnu failed: "),
        "{message}"
    );
    assert!(
        message.contains("127.0.0.1:9"),
        "the engine's own error is passed on: {message}"
    );
    assert_eq!(
        progress_kinds(&client).first().map(String::as_str),
        Some("begin")
    );
    // async-lsp may send the response before the queued `end`.
    let end = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("end")
    });
    assert_eq!(end["params"]["value"]["message"], json!("failed"));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn a_fix_whose_sysroot_fetch_fails_leaves_the_project_untouched() {
    let (dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let config = root.join(".cargo/config.toml");
    let before = (
        std::fs::read_to_string(&manifest).expect("manifest"),
        std::fs::read_to_string(&config).expect("config"),
    );
    // No C compiler for aarch64 is configured: the vendored fix fetches a
    // sysroot, from a mirror nobody listens on, so the fetch fails fast.
    let mirror = std::path::Path::new("http://127.0.0.1:9/debian");
    let cache = dir.path().join("cache");
    let mut client = Client::spawn_with_env(
        &root,
        &[("CROSSPORT_MIRROR", mirror), ("XDG_CACHE_HOME", &cache)],
    );
    client.initialize(&root, Value::Null);
    let text = before.0.clone();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&manifest), "languageId": "toml", "version": 1, "text": text } }),
    );
    let uri = json!(file_uri(&manifest));
    let published = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    let diagnostic = published["params"]["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == json!("openssl_not_found")))
        .cloned()
        .unwrap_or_else(|| panic!("no openssl_not_found: {published:#}"));
    let data = &diagnostic["data"];
    let response = client.request(
        "workspace/executeCommand",
        json!({
            "command": "crossport.applyFix",
            "arguments": [{ "manifest": data["manifest"], "finding": data["finding"], "fix": "use_vendored_openssl" }]
        }),
    );
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .starts_with("fetch a Debian bookworm sysroot for aarch64-unknown-linux-gnu failed: "),
        "{response:#}"
    );
    let after = (
        std::fs::read_to_string(&manifest).expect("manifest"),
        std::fs::read_to_string(&config).expect("config"),
    );
    assert_eq!(after, before, "nothing is written when a step fails");
    assert!(
        !root.join(".cargo/crossport").exists(),
        "no wrapper scripts for a sysroot that never arrived"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn add_target_asks_the_toolchain_cargo_uses_and_names_debians_std_package() {
    let name = "add_target_asks_the_toolchain_cargo_uses_and_names_debians_std_package";
    let rustc = std::path::Path::new("/usr/bin/rustc");
    if !rustc.is_file() || !std::path::Path::new("/usr/lib/rustlib").is_dir() {
        crate::gate::skipped(name, "needs Debian's rustc (scripts/install-test-deps.sh)");
        return;
    }
    let (_dir, root) = fixture_copy();
    let mut client = Client::spawn(&root);
    // The editor builds with Debian's rustc: its std is a package, and
    // `rustup target add` would change another toolchain.
    client.initialize(
        &root,
        json!({ "crossport": { "extraEnv": { "RUSTC": rustc } } }),
    );
    let target = "riscv64gc-unknown-linux-gnu";
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.addTarget", "arguments": [{ "manifest": root.join("Cargo.toml"), "target": target }] }),
    );
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("apt-get install libstd-rust-web-dev:riscv64")
            && !message.contains("rustup target add"),
        "{response:#}"
    );
    assert!(
        !client
            .seen
            .iter()
            .any(|m| m["method"] == json!("$/progress")),
        "nothing ran: {:#?}",
        client.seen
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

/// A mirror that accepts the sysroot engine's first request and never
/// answers; the receiver hears when that connection is closed (the engine
/// dropped its download), or that no connection came within the wait.
fn silent_mirror() -> (String, std::sync::mpsc::Receiver<&'static str>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/debian", listener.local_addr().expect("addr"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut connection, _)) = listener.accept() else {
            return;
        };
        let mut buffer = [0u8; 4096];
        // Reads the request, then waits: a read of 0 is the client hanging up.
        while matches!(connection.read(&mut buffer), Ok(n) if n > 0) {}
        let _ = tx.send("closed");
    });
    (url, rx)
}

/// Starts `crossport.fetchSysroot` against a silent mirror, cancels it
/// with `cancel` once the engine waits on the mirror, and returns the
/// response; the engine must have hung up on the mirror.
fn cancelled_fetch(cancel: impl FnOnce(&mut Client, &Value)) -> Value {
    let (dir, root) = fixture_copy();
    let (mirror, hung_up) = silent_mirror();
    let cache = dir.path().join("cache");
    let mut client = Client::spawn_with_env(
        &root,
        &[
            ("CROSSPORT_MIRROR", std::path::Path::new(&mirror)),
            ("XDG_CACHE_HOME", &cache),
        ],
    );
    client.initialize(&root, Value::Null);
    client.send(&json!({
        "jsonrpc": "2.0", "id": "fetch", "method": "workspace/executeCommand",
        "params": { "command": "crossport.fetchSysroot", "arguments": [{ "manifest": root.join("Cargo.toml") }] }
    }));
    let begin = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("begin")
    });
    // The engine reports the release phase, then asks the mirror for it.
    client.wait_for(|m| {
        m["method"] == json!("$/progress")
            && m["params"]["value"]["message"] == json!("sysroot: release")
    });
    cancel(&mut client, &begin["params"]["token"]);
    let response = client.response_str("fetch");
    assert_eq!(
        hung_up.recv_timeout(std::time::Duration::from_secs(20)),
        Ok("closed"),
        "the cancelled fetch kept its download open"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
    response
}

#[test]
fn a_sysroot_fetch_cancelled_from_its_progress_stops_its_download() {
    let response = cancelled_fetch(|client, token| {
        client.notify("window/workDoneProgress/cancel", json!({ "token": token }));
    });
    expect![[r#"
        {
          "error": {
            "code": -32800,
            "data": null,
            "message": "fetch a Debian bookworm sysroot for aarch64-unknown-linux-gnu was cancelled"
          },
          "id": "fetch",
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&response));
}

#[test]
fn a_sysroot_fetch_cancelled_as_a_request_stops_its_download() {
    let response = cancelled_fetch(|client, _| {
        client.notify("$/cancelRequest", json!({ "id": "fetch" }));
    });
    assert_eq!(response["error"]["code"], json!(-32800), "{response:#}");
}
