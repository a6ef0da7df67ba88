//! The command-line contract of `crossport explain`: input sources, the JSON
//! shape, human output, `--target`, colour and exit codes.

use crate::support::{assert_success, crossport, explain_json_stdin, kinds};

const LINKER_MISSING: &str = "   Compiling nc v0.1.0 (/w/nc)
error: linker `aarch64-linux-gnu-gcc` not found
  |
  = note: No such file or directory (os error 2)

error: could not compile `nc` (bin \"nc\") due to 1 previous error
";

#[test]
fn json_has_exactly_the_documented_shape() {
    let report = explain_json_stdin(
        LINKER_MISSING.as_bytes(),
        &["--target", "aarch64-unknown-linux-gnu"],
    );
    let expected = serde_json::json!({
        "schema_version": 1,
        "findings": [{
            "kind": "linker_not_found",
            "severity": "error",
            "message": "the linker `aarch64-linux-gnu-gcc` for aarch64-unknown-linux-gnu is not installed or not on PATH",
            "target": "aarch64-unknown-linux-gnu",
            "facts": {
                "crate": "nc",
                "linker": "aarch64-linux-gnu-gcc",
                "tool": "aarch64-linux-gnu-gcc"
            },
            "evidence": { "lines": [2, 4] },
            "fixes": [
                {
                    "id": "configure_linker",
                    "title": "Configure a linker this machine has for the target in .cargo/config.toml",
                    "command": "crossport fix --target aarch64-unknown-linux-gnu --only configure_linker"
                },
                {
                    "id": "install_cc_tool",
                    "title": "Install `aarch64-linux-gnu-gcc`",
                    "command": "crossport fix --target aarch64-unknown-linux-gnu --only configure_linker"
                }
            ]
        }]
    });
    assert_eq!(report, expected);
}

#[test]
fn target_from_the_log_wins_over_the_hint() {
    let log = "error[E0463]: can't find crate for `core`\n  = note: the `armv7-unknown-linux-gnueabihf` target may not be installed\n";
    let report = explain_json_stdin(log.as_bytes(), &["--target", "aarch64-unknown-linux-gnu"]);
    assert_eq!(
        report["findings"][0]["target"],
        "armv7-unknown-linux-gnueabihf"
    );
    let bare = "error: linker `cc` not found\n";
    let without_hint = explain_json_stdin(bare.as_bytes(), &[]);
    assert_eq!(
        without_hint["findings"][0]["target"],
        serde_json::Value::Null
    );
    let with_hint = explain_json_stdin(
        bare.as_bytes(),
        &["--target", "riscv64gc-unknown-linux-gnu"],
    );
    assert_eq!(
        with_hint["findings"][0]["target"],
        "riscv64gc-unknown-linux-gnu"
    );
}

#[test]
fn reads_a_file_and_stdin_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("build.log");
    std::fs::write(&path, LINKER_MISSING).expect("write log");
    let from_file = crate::support::explain_json_file(&path, &[]);
    let output = crossport(&["explain", "--format", "json"], LINKER_MISSING.as_bytes());
    assert_success(&output);
    assert_eq!(from_file, crate::support::parse_json(&output));
}

#[test]
fn a_log_without_failures_is_not_an_error() {
    let log = "   Compiling app v0.1.0\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1.2s\n";
    let report = explain_json_stdin(log.as_bytes(), &[]);
    assert_eq!(
        report,
        serde_json::json!({ "schema_version": 1, "findings": [] })
    );
    let output = crossport(&["explain"], log.as_bytes());
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("no failure in this log"));
}

#[test]
fn a_failure_no_rule_knows_is_quoted_with_the_next_command() {
    let log = "#7 2.10    Compiling app v0.1.0 (/w)
#7 2.31 error[E0599]: no method named `frobnicate` found for struct `Thing` in the current scope
#7 2.31 error: could not compile `app` (bin \"app\") due to 1 previous error
";
    let report = explain_json_stdin(log.as_bytes(), &["--target", "aarch64-unknown-linux-gnu"]);
    assert_eq!(kinds(&report), ["unrecognised_failure"]);
    let finding = &report["findings"][0];
    assert_eq!(
        finding["facts"]["error_lines"][0],
        "error[E0599]: no method named `frobnicate` found for struct `Thing` in the current scope"
    );
    assert_eq!(
        finding["facts"]["next_step"],
        "crossport doctor --target aarch64-unknown-linux-gnu"
    );
    let output = crossport(&["--color", "never", "explain"], log.as_bytes());
    assert_success(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("error[unrecognised_failure]"), "{text}");
    assert!(
        text.contains("next: run crossport doctor --target <TRIPLE>"),
        "{text}"
    );
}

#[test]
fn an_unreadable_file_exits_with_2_and_names_it() {
    let output = crossport(&["explain", "/nonexistent/build.log"], b"");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/build.log"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_usage_exits_with_2() {
    let output = crossport(&["explain", "--format", "yaml"], b"");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn human_output_explains_quotes_evidence_and_names_fixes() {
    let output = crossport(
        &[
            "--color",
            "never",
            "explain",
            "--target",
            "aarch64-unknown-linux-gnu",
        ],
        LINKER_MISSING.as_bytes(),
    );
    assert_success(&output);
    let text = String::from_utf8(output.stdout).expect("human output is UTF-8");
    expect_test::expect![[r#"
        error[linker_not_found]: the linker `aarch64-linux-gnu-gcc` for aarch64-unknown-linux-gnu is not installed or not on PATH
          = rustc could not run the configured or default linker
          = target: aarch64-unknown-linux-gnu
          = crate: nc
          = linker: aarch64-linux-gnu-gcc
          = tool: aarch64-linux-gnu-gcc
          --> log lines 2-4
          2 | error: linker `aarch64-linux-gnu-gcc` not found
          3 |   |
          4 |   = note: No such file or directory (os error 2)
          fix: Configure a linker this machine has for the target in .cargo/config.toml (configure_linker)
               run: crossport fix --target aarch64-unknown-linux-gnu --only configure_linker
          fix: Install `aarch64-linux-gnu-gcc` (install_cc_tool)
               run: crossport fix --target aarch64-unknown-linux-gnu --only configure_linker
    "#]]
    .assert_eq(&text);
}

#[test]
fn colour_only_when_asked() {
    let plain = crossport(&["explain"], LINKER_MISSING.as_bytes());
    assert!(!plain.stdout.contains(&0x1b), "piped output has no escapes");
    let coloured = crossport(&["--color", "always", "explain"], LINKER_MISSING.as_bytes());
    assert!(coloured.stdout.contains(&0x1b), "--color always colours");
}

#[test]
fn findings_are_ordered_root_cause_first() {
    let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: skipping incompatible /usr/lib/x86_64-linux-gnu/libssl.so when searching for -lssl
          /usr/bin/ld: cannot find -lssl: No such file or directory
          /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.2-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)
";
    let report = explain_json_stdin(log.as_bytes(), &[]);
    assert_eq!(
        kinds(&report),
        [
            "host_linker_used",
            "wrong_arch_library",
            "missing_library_at_link"
        ]
    );
}

#[test]
fn unreadable_json_lines_are_read_as_text_and_mentioned() {
    let log = "{\"reason\":\"compiler-message\",\"message\":{\"rendered\":5}}\nerror: linker `cc` not found\n";
    let report = explain_json_stdin(log.as_bytes(), &[]);
    assert_eq!(kinds(&report), ["linker_not_found"]);
    let output = crossport(&["explain"], log.as_bytes());
    assert_success(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("1 line(s) looked like JSON messages but could not be read (first: line 1"),
        "{text}"
    );
}
