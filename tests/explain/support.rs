//! Runs the real `crossport` binary and reads what it printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (the workspace that holds fixtures/).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

pub fn fixture_logs_dir() -> PathBuf {
    repo_root().join("fixtures/logs")
}

/// `crossport <args>` with `stdin` fed to it, colour off unless asked.
pub fn crossport(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossport"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crossport starts");
    let mut child_stdin = child.stdin.take().expect("stdin is piped");
    // A closed pipe (the program did not read everything) is not our error.
    let _ = child_stdin.write_all(stdin);
    drop(child_stdin);
    child.wait_with_output().expect("crossport runs to the end")
}

/// `crossport explain --format json` on a file; the parsed document.
pub fn explain_json_file(path: &Path, extra: &[&str]) -> serde_json::Value {
    let path = path.to_str().expect("fixture paths are UTF-8");
    let mut args = vec!["explain", path, "--format", "json"];
    args.extend_from_slice(extra);
    let output = crossport(&args, b"");
    assert_success(&output);
    parse_json(&output)
}

/// `crossport explain - --format json` on bytes given on stdin.
pub fn explain_json_stdin(input: &[u8], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["explain", "-", "--format", "json"];
    args.extend_from_slice(extra);
    let output = crossport(&args, input);
    assert_success(&output);
    parse_json(&output)
}

pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "crossport failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn parse_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The `kind` of every finding, in order.
pub fn kinds(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|finding| {
            finding["kind"]
                .as_str()
                .expect("kind is a string")
                .to_owned()
        })
        .collect()
}
