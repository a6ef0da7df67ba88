//! The real binary's `--format json` documents against their committed
//! JSON Schemas (docs/json-schema/, described in docs/json.md).
//!
//! Each command runs on fixtures: every captured log for `explain`, the
//! fixture crates for `doctor` and `fix`, real binaries for `inspect`, a
//! scratch cache for `sysroot clean`, and (CROSSPORT_SLOW=1) a real cargo
//! build for `build`. The sysroot commands that need a signed repository
//! are checked in tests/sysroot, `probe` and `deploy` against a real sshd
//! in tests/ssh, and the language server's `Diagnostic.data` in tests/lsp.
//! The schemas themselves follow the Rust model: `crossport-json`'s drift
//! test fails when they do not.

#[path = "../common/fixture.rs"]
mod fixture;
#[path = "../common/gate.rs"]
mod gate;
#[path = "../common/schema.rs"]
mod schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn crossport(dir: &Path, cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
    command
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache)
        .env("NO_COLOR", "1")
        .arg("--color=never");
    command
}

fn document(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "crossport failed with {:?}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not one JSON document ({err}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn fixture_crate(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fixture::copy_tree(
        &fixture::fixtures_dir().join("crates").join(name),
        dir.path(),
    );
    dir
}

#[test]
fn explain_documents_of_every_captured_log_are_valid() {
    let logs = fixture::fixtures_dir().join("logs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&logs)
        .expect("fixtures/logs")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    paths.sort();
    assert!(
        paths.len() > 20,
        "expected the captured logs, found {paths:?}"
    );
    let cache = tempfile::tempdir().expect("temp dir");
    let mut with_findings = 0;
    for path in &paths {
        let output = crossport(&logs, cache.path())
            .arg("explain")
            .arg(path)
            .args(["--format", "json"])
            .output()
            .expect("crossport runs");
        let explained = document(&output);
        if let Err(message) = schema::validate("explain", &explained) {
            panic!("{}: {message}", path.display());
        }
        assert_eq!(explained["schema_version"], 1, "{}", path.display());
        if explained["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
        {
            with_findings += 1;
        }
    }
    // The schema was checked against real findings, not only empty lists.
    assert!(
        with_findings * 2 > paths.len(),
        "{with_findings} of {}",
        paths.len()
    );
}

#[test]
fn a_document_that_breaks_the_contract_is_refused() {
    // The check itself can fail: a renamed field, a wrong version, an
    // unknown kind.
    let cache = tempfile::tempdir().expect("temp dir");
    let log = fixture::fixtures_dir().join("logs");
    let first = std::fs::read_dir(&log)
        .expect("fixtures/logs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("openssl_not_found"))
        .expect("an openssl log");
    let output = crossport(&log, cache.path())
        .arg("explain")
        .arg(&first)
        .args(["--format", "json"])
        .output()
        .expect("crossport runs");
    let good = document(&output);
    schema::assert_valid("explain", &good);
    let mut renamed = good.clone();
    let finding = renamed["findings"][0].as_object_mut().expect("a finding");
    let kind = finding.remove("kind").expect("kind");
    finding.insert("code".into(), kind);
    assert!(schema::validate("explain", &renamed).is_err());
    let mut version = good.clone();
    version["schema_version"] = 2.into();
    assert!(schema::validate("explain", &version).is_err());
    let mut kind = good;
    kind["findings"][0]["kind"] = "no_such_kind".into();
    assert!(schema::validate("explain", &kind).is_err());
}

#[test]
fn doctor_and_fix_documents_are_valid() {
    let project = fixture_crate("openssl-sqlite");
    let cache = tempfile::tempdir().expect("temp dir");
    let doctor = document(
        &crossport(project.path(), cache.path())
            .args([
                "doctor",
                "--target",
                "aarch64-unknown-linux-gnu",
                "--format",
                "json",
            ])
            .output()
            .expect("crossport runs"),
    );
    schema::assert_valid("doctor", &doctor);
    assert!(
        doctor["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "{doctor:#}"
    );
    for target in ["aarch64-unknown-linux-gnu", host_triple().as_str()] {
        let fix = document(
            &crossport(project.path(), cache.path())
                .args([
                    "fix",
                    "--target",
                    target,
                    "--release",
                    "bookworm",
                    "--format",
                    "json",
                ])
                .output()
                .expect("crossport runs"),
        );
        schema::assert_valid("fix", &fix);
        assert!(
            fix["plans"].as_array().is_some_and(|p| !p.is_empty()),
            "{fix:#}"
        );
    }
}

#[test]
fn inspect_documents_are_valid() {
    let cache = tempfile::tempdir().expect("temp dir");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (binary, extra) in [
        (env!("CARGO_BIN_EXE_crossport"), &[][..]),
        (
            env!("CARGO_BIN_EXE_crossport"),
            &["--release", "bullseye"][..],
        ),
        ("/bin/ls", &["--glibc", "2.17"][..]),
    ] {
        let inspected = document(
            &crossport(here, cache.path())
                .arg("inspect")
                .arg(binary)
                .args(extra)
                .args(["--format", "json"])
                .output()
                .expect("crossport runs"),
        );
        schema::assert_valid("inspect", &inspected);
    }
}

#[test]
fn sysroot_clean_document_is_valid() {
    let cache = tempfile::tempdir().expect("temp dir");
    let missing = cache.path().join("never-made");
    let cleaned = document(
        &crossport(cache.path(), cache.path())
            .args(["sysroot", "clean", "--cache-dir"])
            .arg(&missing)
            .args(["--format", "json"])
            .output()
            .expect("crossport runs"),
    );
    schema::assert_valid("sysroot-clean", &cleaned);
    assert_eq!(cleaned["removed"], serde_json::json!([]));
}

#[test]
fn build_documents_are_valid() {
    if !gate::slow("build_documents_are_valid") {
        return;
    }
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("Cargo.toml"),
        "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("manifest");
    std::fs::create_dir(project.path().join("src")).expect("src");
    std::fs::write(project.path().join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let cache = tempfile::tempdir().expect("temp dir");
    let host = host_triple();
    let built = document(
        &crossport(project.path(), cache.path())
            .args(["build", "--target", &host, "--format", "json"])
            .output()
            .expect("crossport runs"),
    );
    schema::assert_valid("build", &built);
    assert_eq!(built["success"], true, "{built:#}");
    assert!(built["inspect"].is_object(), "{built:#}");

    // A failed build: the findings and their evidence.
    let linker_var = format!(
        "CARGO_TARGET_{}_LINKER",
        host.to_uppercase().replace('-', "_")
    );
    std::fs::write(
        project.path().join("src/main.rs"),
        "fn main() { println!(); }\n",
    )
    .expect("main.rs");
    let failed = crossport(project.path(), cache.path())
        .args(["build", "--target", &host, "--format", "json"])
        .env(linker_var, "crossport-no-such-linker")
        .output()
        .expect("crossport runs");
    assert_eq!(failed.status.code(), Some(1));
    let failed: Value = serde_json::from_slice(&failed.stdout).expect("JSON on stdout");
    schema::assert_valid("build", &failed);
    assert!(
        failed["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "{failed:#}"
    );
}

fn host_triple() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}
