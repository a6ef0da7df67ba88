//! crossport.inspect and crossport.deploy: the same answers as the CLI's
//! `inspect` and `deploy`, clear errors for bad arguments and unreachable
//! servers.

use std::path::Path;
use std::process::Command;

use expect_test::expect;
use serde_json::{Value, json};

use crate::diagnostics::fixture_copy;
use crate::support::{Client, pretty};

/// The loopback OpenSSH server of the ssh tests, shared as it is.
#[path = "../ssh/sshd.rs"]
#[allow(dead_code)]
mod sshd;

const CROSSPORT: &str = env!("CARGO_BIN_EXE_crossport");

fn cli_inspect(binary: &Path) -> Value {
    let output = Command::new(CROSSPORT)
        .args(["inspect", "--format", "json"])
        .arg(binary)
        .output()
        .expect("crossport inspect runs");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("inspect prints JSON")
}

fn execute(client: &mut Client, command: &str, argument: Value) -> Value {
    client.request(
        "workspace/executeCommand",
        json!({ "command": command, "arguments": [argument] }),
    )
}

fn shown(client: &mut Client) -> String {
    let message = client.wait_for(|m| m["method"] == json!("window/showMessage"));
    message["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn inspect_answers_what_the_cli_prints_and_says_where_it_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let binary = Path::new(CROSSPORT);
    let response = execute(
        &mut client,
        "crossport.inspect",
        json!({ "binary": binary }),
    );
    let result = &response["result"];
    let cli = cli_inspect(binary);
    for field in [
        "class",
        "machine",
        "linkage",
        "interpreter",
        "needed",
        "glibc_required",
        "releases",
        "verdicts",
        "libraries",
    ] {
        assert_eq!(result[field], cli[field], "{field}: {response:#}");
    }
    assert_eq!(result["path"], json!(binary), "{response:#}");
    let message = shown(&mut client);
    let runs_on: Vec<&str> = cli["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .filter(|v| v["runs"] == json!(true))
        .filter_map(|v| v["against"].as_str())
        .collect();
    assert!(!runs_on.is_empty(), "{cli:#}");
    assert!(message.starts_with("crossport: crossport "), "{message}");
    assert!(
        message.contains(&format!("runs on {}", runs_on.join(", "))),
        "{message}"
    );
    if let Some(glibc) = cli["glibc_required"].as_str()
        && cli["releases"]["bullseye"] == json!(false)
    {
        assert!(
            message.contains(&format!("needs glibc {glibc}: does not run on bullseye")),
            "{message}"
        );
    }
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn inspect_with_a_release_judges_that_release_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let response = execute(
        &mut client,
        "crossport.inspect",
        json!({ "binary": CROSSPORT, "release": "trixie" }),
    );
    assert_eq!(
        response["result"]["target"],
        json!({ "against": "trixie", "runs": true, "problems": [] }),
        "{response:#}"
    );
    let message = shown(&mut client);
    assert!(message.ends_with("; trixie: runs"), "{message}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn inspect_finds_the_projects_binary_built_for_the_configured_target() {
    let (_dir, root) = fixture_copy();
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let manifest = root.join("Cargo.toml");
    // Not built yet: the error says what was looked for.
    let missing = execute(
        &mut client,
        "crossport.inspect",
        json!({ "manifest": manifest }),
    );
    let anonymised = pretty(&missing).replace(&root.display().to_string(), "$ROOT");
    expect![[r#"
        {
          "error": {
            "code": -32803,
            "data": null,
            "message": "lsp-openssl is not built for aarch64-unknown-linux-gnu: no lsp-openssl in $ROOT/target/aarch64-unknown-linux-gnu/debug or release; build it first (crossport.build)"
          },
          "id": 2,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&anonymised);
    // The fixture's cargo config builds for aarch64; a file standing in for
    // the build output is found where cargo would put it.
    let built = root.join("target/aarch64-unknown-linux-gnu/debug");
    std::fs::create_dir_all(&built).expect("target dir");
    std::fs::copy(CROSSPORT, built.join("lsp-openssl")).expect("copy");
    let response = execute(
        &mut client,
        "crossport.inspect",
        json!({ "manifest": manifest }),
    );
    let expected_path = built.join("lsp-openssl");
    assert_eq!(
        response["result"]["path"],
        json!(expected_path),
        "{response:#}"
    );
    assert_eq!(
        response["result"]["needed"],
        cli_inspect(Path::new(CROSSPORT))["needed"]
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn inspect_of_a_file_that_is_not_elf_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a program\n").expect("write");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let response = execute(&mut client, "crossport.inspect", json!({ "binary": text }));
    assert_eq!(response["error"]["code"], json!(-32803), "{response:#}");
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("notes.txt"), "{message}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn deploy_without_a_destination_or_dockerfile_is_a_bad_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let response = execute(
        &mut client,
        "crossport.deploy",
        json!({ "binary": CROSSPORT }),
    );
    expect![[r#"
        {
          "error": {
            "code": -32602,
            "data": null,
            "message": "deploy needs `to` (ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app) or `dockerfile`"
          },
          "id": 2,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&response));
    let bad = execute(
        &mut client,
        "crossport.deploy",
        json!({ "binary": CROSSPORT, "to": "ssh://-oProxyCommand=x/tmp/a" }),
    );
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad:#}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn deploy_to_an_unreachable_server_says_so_and_ends_its_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let response = execute(
        &mut client,
        "crossport.deploy",
        json!({ "binary": CROSSPORT, "to": "ssh://root@127.0.0.1:9/tmp/x" }),
    );
    assert_eq!(response["error"]["code"], json!(-32803), "{response:#}");
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("cannot check ") && message.contains("cannot reach root@127.0.0.1:9"),
        "{message}"
    );
    let begin = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("begin")
    });
    assert_eq!(
        begin["params"]["value"]["title"],
        json!(format!(
            "deploy {CROSSPORT} to ssh://root@127.0.0.1:9/tmp/x"
        ))
    );
    let end = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("end")
    });
    assert_eq!(end["params"]["value"]["message"], json!("failed"));
    let shown = shown(&mut client);
    assert!(shown.contains("cannot reach"), "{shown}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn deploy_with_a_dockerfile_writes_it_in_the_project() {
    let (_dir, root) = fixture_copy();
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let response = execute(
        &mut client,
        "crossport.deploy",
        json!({ "binary": CROSSPORT, "manifest": root.join("Cargo.toml"), "dockerfile": "Dockerfile" }),
    );
    let written = root.join("Dockerfile");
    assert_eq!(
        response["result"],
        json!({ "binary": CROSSPORT, "dockerfile": written, "binary_name": "crossport" }),
        "{response:#}"
    );
    let text = std::fs::read_to_string(&written).expect("Dockerfile written");
    // The newest release the binary runs on is the image's base.
    let cli = cli_inspect(Path::new(CROSSPORT));
    let newest = ["trixie", "bookworm", "bullseye"]
        .into_iter()
        .find(|r| cli["releases"][r] == json!(true))
        .expect("runs somewhere");
    assert!(
        text.contains(&format!("FROM debian:{newest}-slim")),
        "{text}"
    );
    assert!(text.contains("crossport"), "{text}");
    let message = shown(&mut client);
    assert_eq!(message, format!("crossport: wrote {}", written.display()));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn deploy_refuses_a_release_the_binary_does_not_run_on_unless_forced() {
    let cli = cli_inspect(Path::new(CROSSPORT));
    assert_eq!(
        cli["releases"]["bullseye"],
        json!(false),
        "this test needs a crossport binary that asks for a newer glibc than bullseye's: {cli:#}"
    );
    let (_dir, root) = fixture_copy();
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    let written = root.join("Dockerfile");
    let argument = json!({
        "binary": CROSSPORT, "manifest": root.join("Cargo.toml"),
        "dockerfile": "Dockerfile", "release": "bullseye",
    });
    let refused = execute(&mut client, "crossport.deploy", argument.clone());
    assert_eq!(refused["error"]["code"], json!(-32803), "{refused:#}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("would not run on bullseye: needs glibc")
            && message.ends_with("(pass `force: true` to ship it anyway)"),
        "{message}"
    );
    assert!(!written.exists(), "nothing is written when refused");
    let mut forced = argument;
    forced["force"] = json!(true);
    let response = execute(&mut client, "crossport.deploy", forced);
    assert_eq!(
        response["result"]["dockerfile"],
        json!(written),
        "{response:#}"
    );
    let text = std::fs::read_to_string(&written).expect("Dockerfile written");
    assert!(text.contains("FROM debian:bullseye-slim"), "{text}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

/// Processes whose command line is exactly `words`.
fn processes_running(words: &[&str]) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .filter(|cmdline| {
            let args: Vec<&[u8]> = cmdline
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .collect();
            args.len() == words.len() && args.iter().zip(words).all(|(a, w)| *a == w.as_bytes())
        })
        .count()
}

fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

/// Starts a deploy whose ssh hangs in a proxy, cancels it with `cancel`
/// once the proxy runs, and returns the response; the proxy must be gone.
fn cancelled_deploy(cancel: impl FnOnce(&mut Client, &Value)) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    // A proxy that never answers stands in for a slow server; a duration
    // no other process uses tells it apart.
    let id = std::process::id();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let nth = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let pause = format!("{}.{}{nth}", 40 + id % 50, id % 997);
    let sleep = ["sleep", pause.as_str()];
    client.send(&json!({
        "jsonrpc": "2.0", "id": "deploy", "method": "workspace/executeCommand",
        "params": { "command": "crossport.deploy", "arguments": [{
            "binary": CROSSPORT,
            "to": "ssh://nobody@192.0.2.1/tmp/x",
            "sshOptions": [format!("ProxyCommand=sleep {pause}")],
        }] }
    }));
    let begin = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("begin")
    });
    assert!(
        wait_until(|| processes_running(&sleep) == 1),
        "the proxy never started"
    );
    cancel(&mut client, &begin["params"]["token"]);
    let response = client.response_str("deploy");
    assert!(
        wait_until(|| processes_running(&sleep) == 0),
        "ssh's proxy outlived the cancelled deploy"
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
    response
}

#[test]
fn a_deploy_cancelled_from_its_progress_ends_ssh_too() {
    let response = cancelled_deploy(|client, token| {
        client.notify("window/workDoneProgress/cancel", json!({ "token": token }));
    });
    expect![[r#"
        {
          "error": {
            "code": -32800,
            "data": null,
            "message": "the deploy was cancelled"
          },
          "id": "deploy",
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&response));
}

#[test]
fn a_deploy_cancelled_as_a_request_ends_ssh_too() {
    let response = cancelled_deploy(|client, _| {
        client.notify("$/cancelRequest", json!({ "id": "deploy" }));
    });
    assert_eq!(response["error"]["code"], json!(-32800), "{response:#}");
}

#[test]
fn deploy_over_real_ssh_lands_the_binary_and_runs_the_restart_command() {
    if !crate::gate::slow("deploy_over_real_ssh_lands_the_binary_and_runs_the_restart_command") {
        return;
    }
    let sshd = sshd::Sshd::start();
    let deploy_dir = sshd.path("srv");
    std::fs::create_dir(&deploy_dir).expect("deploy dir");
    let destination = deploy_dir.join("app");
    let marker = sshd.path("restarted");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let to = format!("ssh://{}{}", sshd.authority(), destination.display());
    let response = execute(
        &mut client,
        "crossport.deploy",
        json!({
            "binary": CROSSPORT,
            "to": to,
            "restart": format!("echo restarted > {}", marker.display()),
            "identity": sshd.path("client_key"),
            "sshConfig": "/dev/null",
            "sshOptions": [
                format!("UserKnownHostsFile={}", sshd.path("known_hosts").display()),
                "StrictHostKeyChecking=yes",
                "IdentitiesOnly=yes",
                "IdentityAgent=none",
            ],
        }),
    );
    let size = std::fs::metadata(CROSSPORT).expect("binary").len();
    assert_eq!(response["result"]["destination"], json!(to), "{response:#}");
    assert_eq!(response["result"]["bytes"], json!(size), "{response:#}");
    assert_eq!(
        std::fs::read(&destination).expect("deployed"),
        std::fs::read(CROSSPORT).expect("binary")
    );
    assert_eq!(
        std::fs::read_to_string(&marker).expect("restart ran"),
        "restarted\n"
    );
    let message = shown(&mut client);
    assert_eq!(message, format!("crossport: deployed {CROSSPORT} to {to}"));
    let end = client.wait_for(|m| {
        m["method"] == json!("$/progress") && m["params"]["value"]["kind"] == json!("end")
    });
    assert_eq!(
        end["params"]["value"]["message"],
        json!(format!("deployed {CROSSPORT} to {to}"))
    );
    assert_eq!(client.shutdown_and_exit(), Some(0));
}
