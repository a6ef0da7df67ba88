//! Black-box tests of `crossport doctor`, `fix` and `build`.
//!
//! `edits`: every directory under `fixtures/doctor/` is a case: `args` (the
//! command line after `crossport`), `in/` (the project before) and `out/`
//! (the project after), compared whole. The command runs with a PATH that
//! holds only cargo/rustc and stand-ins for clang and ld.lld, so the plan
//! does not depend on what else this machine has installed. Set
//! `UPDATE_EXPECT=1` to rewrite the `out/` folders.
//!
//! `end_to_end` (CROSSPORT_SLOW=1 and CROSSPORT_LIVE=1): the openssl-sqlite
//! fixture crate is diagnosed, fixed for x86_64 against Debian bullseye
//! with a real sysroot, built and run through the configured runner.

#[path = "../common/gate.rs"]
mod gate;
mod support;

use std::path::Path;

use support::{TreeDiff, crossport, fixtures_dir, run_case};

#[test]
fn edits() {
    let cases = fixtures_dir().join("doctor");
    let mut entries: Vec<_> = std::fs::read_dir(&cases)
        .expect("fixtures/doctor exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("args").is_file())
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 5,
        "expected the edit cases, found {entries:?}"
    );
    let mut failures = Vec::new();
    for case in &entries {
        match run_case(case) {
            TreeDiff::Same => {}
            diff => failures.push(format!("{}: {diff}", case.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "cases differ:\n{}",
        failures.join("\n")
    );
}

#[test]
fn doctor_points_at_the_dependency_that_pulls_a_native_library_in() {
    let project = support::copy_fixture_crate("openssl-sqlite");
    let output = crossport(project.path())
        .args([
            "doctor",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--format",
            "json",
        ])
        .output()
        .expect("crossport runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json output");
    let findings = json["findings"].as_array().expect("findings");
    let openssl = findings
        .iter()
        .find(|f| f["kind"] == "openssl_not_found")
        .expect("openssl reported");
    assert_eq!(openssl["severity"], "error");
    assert_eq!(
        openssl["facts"]["dependency_path"],
        serde_json::json!(["openssl-sqlite", "openssl", "openssl-sys"])
    );
    let span = &openssl["evidence"]["file"];
    let manifest = std::fs::read_to_string(project.path().join("Cargo.toml")).expect("manifest");
    let (start, end) = (
        span["start"].as_u64().unwrap_or(0) as usize,
        span["end"].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(&manifest[start..end], "openssl = \"0.10\"");
    assert!(findings.iter().any(
        |f| f["kind"] == "pkg_config_cross" && f["facts"]["debian_package"] == "libsqlite3-dev"
    ));
}

#[test]
fn fix_refuses_unknown_fixes_and_releases() {
    let project = support::copy_fixture_crate("openssl-sqlite");
    for args in [
        &["fix", "--only", "make_it_work"][..],
        &["fix", "--release", "sid"][..],
    ] {
        let output = crossport(project.path())
            .args(args)
            .output()
            .expect("crossport runs");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn outside_a_project_doctor_says_how_to_name_one() {
    let empty = tempfile::tempdir().expect("tempdir");
    let output = crossport(empty.path())
        .arg("doctor")
        .output()
        .expect("crossport runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no Cargo.toml in"), "{stderr}");
    assert!(stderr.contains("--manifest-path"), "{stderr}");
}

#[test]
fn a_broken_config_is_reported_with_its_line_and_left_alone() {
    let project = support::copy_fixture_crate("openssl-sqlite");
    let config = project.path().join(".cargo/config.toml");
    std::fs::create_dir_all(project.path().join(".cargo")).expect("mkdir");
    let broken = "# ours\n[target.aarch64-unknown-linux-gnu\nlinker = \"x\"\n";
    std::fs::write(&config, broken).expect("write");
    let output = crossport(project.path())
        .args([
            "fix",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--apply",
            "--edits-only",
        ])
        .output()
        .expect("crossport runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".cargo/config.toml:2:"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&config).ok().as_deref(),
        Some(broken)
    );
}

#[test]
fn fix_is_a_dry_run_by_default() {
    let project = support::copy_fixture_crate("openssl-sqlite");
    let output = crossport(project.path())
        .args([
            "fix",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--release",
            "bullseye",
        ])
        .output()
        .expect("crossport runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("--- /dev/null\n+++ b/.cargo/config.toml\n"),
        "{stdout}"
    );
    assert!(stdout.contains("libssl-dev libsqlite3-dev"), "{stdout}");
    assert!(stdout.contains("this was a dry run"), "{stdout}");
    assert!(
        !project.path().join(".cargo").exists(),
        "a dry run wrote files"
    );
}

#[test]
fn build_explains_a_failed_link() {
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(project.path().join("src")).expect("mkdir");
    std::fs::write(
        project.path().join("Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("write");
    std::fs::write(project.path().join("src/main.rs"), "fn main() {}\n").expect("write");
    let host = support::host_triple();
    let linker_var = format!(
        "CARGO_TARGET_{}_LINKER",
        host.to_uppercase().replace('-', "_")
    );
    let output = crossport(project.path())
        .args(["build", "--target", &host, "--format", "json"])
        .env(linker_var, "crossport-no-such-linker")
        .output()
        .expect("crossport runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json output");
    assert_eq!(json["success"], false);
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"linker_not_found"), "{json:#}");
    // The whole log is kept, and the finding's lines are shown from it.
    let log = json["log"].as_str().expect("a log path");
    let text = std::fs::read_to_string(log).expect("the log exists");
    assert!(text.contains("crossport-no-such-linker"), "{text}");
    let evidence = json["evidence"][0].to_string();
    assert!(evidence.contains("crossport-no-such-linker"), "{json:#}");

    // For people: cargo's own lines stream to stderr (not a terminal here),
    // and each finding shows its log lines.
    let output = crossport(project.path())
        .args(["build", "--target", &host])
        .env(
            format!(
                "CARGO_TARGET_{}_LINKER",
                host.to_uppercase().replace('-', "_")
            ),
            "crossport-no-such-linker",
        )
        .output()
        .expect("crossport runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("Compiling tiny"), "{stderr}");
    assert!(stdout.contains("error[linker_not_found]"), "{stdout}");
    assert!(stdout.contains("   | "), "{stdout}");
    assert!(stdout.contains(&format!("full log: {log}")), "{stdout}");
}

#[test]
fn end_to_end() {
    if !gate::open("end_to_end", &[gate::Gate::Slow, gate::Gate::Live]) {
        return;
    }
    support::end_to_end(Path::new("x86_64-unknown-linux-gnu"));
}

/// rust-std for foreign targets cannot be installed here, so the foreign
/// wiring is checked one level down: the wrapper compiler that `fix` writes
/// for aarch64 links a C program against the fetched bookworm sysroot's
/// OpenSSL, and the runner it writes runs it under qemu.
#[test]
fn foreign_wiring_links_and_runs_c() {
    if !gate::open(
        "foreign_wiring_links_and_runs_c",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    support::foreign_c_check("aarch64-unknown-linux-gnu", "bookworm", "OpenSSL 3.0");
    support::foreign_c_check("armv7-unknown-linux-gnueabihf", "bullseye", "OpenSSL 1.1.1");
}
