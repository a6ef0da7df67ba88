//! Benchmarks of the language server, printed, never asserted:
//! `CROSSPORT_BENCH=1 cargo test --release -p crossport --test lsp bench -- --nocapture`.
//! Numbers go to docs/performance.md.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::diagnostics::fixture_copy;
use crate::support::{Client, file_uri};

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} median={:.2?} p99={:.2?} max={:.2?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

#[test]
fn bench_language_server() {
    if std::env::var_os("CROSSPORT_BENCH").is_none_or(|v| v != "1") {
        return;
    }
    let (_dir, root) = fixture_copy();
    let manifest = root.join("Cargo.toml");
    let uri = json!(file_uri(&manifest));
    let mut client = Client::spawn(&root);
    client.initialize(&root, Value::Null);
    std::thread::sleep(Duration::from_millis(500));
    println!("idle RSS after initialize: {} KiB", rss_kib(client.pid()));

    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let started = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
    );
    let first = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
    });
    println!("first diagnostics after didOpen: {:.2?}", started.elapsed());
    let diagnostic = first["params"]["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == json!("openssl_not_found")))
        .cloned()
        .expect("openssl_not_found");

    let mut saves = Vec::new();
    for _ in 0..20 {
        client.seen.clear();
        let started = Instant::now();
        client.notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": uri } }),
        );
        client.wait_for(|m| {
            m["method"] == json!("textDocument/publishDiagnostics") && m["params"]["uri"] == uri
        });
        saves.push(started.elapsed());
    }
    summary("diagnostics after didSave (cargo metadata cached)", saves);

    let params = json!({
        "textDocument": { "uri": uri },
        "range": diagnostic["range"],
        "context": { "diagnostics": [diagnostic] }
    });
    let mut actions = Vec::new();
    for _ in 0..300 {
        client.seen.clear();
        let started = Instant::now();
        let response = client.request("textDocument/codeAction", params.clone());
        actions.push(started.elapsed());
        assert_eq!(
            response["result"].as_array().map(Vec::len),
            Some(2),
            "{response}"
        );
    }
    summary("codeAction round trip", actions);
    std::thread::sleep(Duration::from_millis(500));
    println!("RSS after the runs: {} KiB", rss_kib(client.pid()));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}
