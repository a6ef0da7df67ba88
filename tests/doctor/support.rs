//! Helpers for the doctor/fix/build tests: running the binary, copying
//! fixtures, comparing project trees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A metadata cache private to this test run.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// `crossport` run in `dir`.
pub fn crossport(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
    command
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache_dir())
        .env("NO_COLOR", "1")
        .arg("--color=never");
    command
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from)
        .expect("readable fixture")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&path, &dest);
            }
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

/// A fresh copy of `fixtures/crates/<name>`.
pub fn copy_fixture_crate(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixtures_dir().join("crates").join(name), dir.path());
    dir
}

/// The directory of the cargo running these tests (rustc and rustup's
/// proxies sit beside it).
fn cargo_bin_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"));
    if cargo.is_absolute() {
        return cargo.parent().map(Path::to_owned).unwrap_or_default();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|dir| dir.join("cargo").is_file())
        .expect("cargo on PATH")
}

/// A directory with stand-ins for clang and ld.lld: planning only looks
/// them up, never runs them.
fn stand_in_tools(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for tool in ["clang", "ld.lld"] {
        let path = dir.join(tool);
        std::fs::write(&path, "#!/bin/sh\nexit 1\n").expect("write tool");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
}

/// How a project tree differs from the expected one.
pub enum TreeDiff {
    Same,
    Failed(String),
    Files {
        missing: Vec<String>,
        unexpected: Vec<String>,
    },
    Changed {
        path: String,
        expected: String,
        actual: String,
    },
}

impl std::fmt::Display for TreeDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TreeDiff::Same => f.write_str("same"),
            TreeDiff::Failed(stderr) => write!(f, "crossport failed:\n{stderr}"),
            TreeDiff::Files {
                missing,
                unexpected,
            } => {
                write!(
                    f,
                    "missing files {missing:?}, unexpected files {unexpected:?}"
                )
            }
            TreeDiff::Changed {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "{path} differs\n--- expected\n{expected}\n--- actual\n{actual}"
                )
            }
        }
    }
}

/// Cargo's own lock files in a `CARGO_HOME` are not part of a case.
fn ignored(name: &str) -> bool {
    name == "target" || name.ends_with(".global-cache") || name.contains(".package-cache")
}

fn read_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if ignored(&name) {
            continue;
        }
        if path.is_dir() {
            read_tree(root, &path, out);
        } else {
            out.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// Runs one `fixtures/doctor/<case>` and compares the result with `out/`.
pub fn run_case(case: &Path) -> TreeDiff {
    let work = tempfile::tempdir().expect("temp dir");
    let project = work.path().join("project");
    copy_tree(&case.join("in"), &project);
    let tools = work.path().join("tools");
    stand_in_tools(&tools);
    let args = std::fs::read_to_string(case.join("args")).expect("args file");
    let path = std::env::join_paths([tools, cargo_bin_dir()]).expect("PATH");
    let mut command = crossport(&project);
    command.args(args.split_whitespace()).env("PATH", path);
    if project.join("cargo-home").is_dir() {
        command.env("CARGO_HOME", project.join("cargo-home"));
    }
    let output = command.output().expect("crossport runs");
    if !output.status.success() {
        return TreeDiff::Failed(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let root = project.display().to_string();
    let mut actual = BTreeMap::new();
    read_tree(&project, &project, &mut actual);
    for text in actual.values_mut() {
        *text = text.replace(&root, "{root}");
    }
    let expected_dir = case.join("out");
    if crate::gate::bless() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for (name, text) in &actual {
            let dest = expected_dir.join(name);
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::write(dest, text).expect("bless");
        }
    }
    let mut expected = BTreeMap::new();
    read_tree(&expected_dir, &expected_dir, &mut expected);
    compare(&expected, &actual)
}

fn compare(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> TreeDiff {
    let missing: Vec<String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .cloned()
        .collect();
    let unexpected: Vec<String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .cloned()
        .collect();
    if !missing.is_empty() || !unexpected.is_empty() {
        return TreeDiff::Files {
            missing,
            unexpected,
        };
    }
    for (path, text) in expected {
        if actual[path] != *text {
            return TreeDiff::Changed {
                path: path.clone(),
                expected: text.clone(),
                actual: actual[path].clone(),
            };
        }
    }
    TreeDiff::Same
}

/// rustc's host triple.
pub fn host_triple() -> String {
    let output = run_ok(Command::new("rustc").arg("-vV"));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV prints the host")
        .trim()
        .to_owned()
}

fn run_ok(command: &mut Command) -> std::process::Output {
    let output = command.output().expect("command runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The highest `GLIBC_x.y` symbol version a binary needs, from readelf.
fn max_glibc(binary: &Path) -> (u32, u32) {
    let output = run_ok(Command::new("readelf").arg("-V").arg(binary));
    String::from_utf8_lossy(&output.stdout)
        .split(|c: char| c.is_whitespace())
        .filter_map(|word| word.strip_prefix("GLIBC_"))
        .filter_map(|version| {
            let mut parts = version.split('.');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .max()
        .unwrap_or((0, 0))
}

/// doctor → fix --apply → cargo build → readelf → cargo run, for real.
pub fn end_to_end(target: &Path) {
    let target = target.to_str().expect("utf-8 target");
    let project = copy_fixture_crate("openssl-sqlite");
    let dir = project.path();

    let doctor = run_ok(crossport(dir).args(["doctor", "--target", target, "--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).expect("json");
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"openssl_not_found") && kinds.contains(&"pkg_config_cross"),
        "{kinds:?}"
    );

    // A build with a linker that does not exist fails, and `crossport
    // build` says why in the explain engine's terms.
    let failed = crossport(dir)
        .args(["build", "--target", target, "--format", "json"])
        .env(
            format!(
                "CARGO_TARGET_{}_LINKER",
                target.to_uppercase().replace('-', "_")
            ),
            "crossport-no-such-linker",
        )
        .output()
        .expect("crossport build runs");
    assert_eq!(failed.status.code(), Some(1));
    let explained: serde_json::Value = serde_json::from_slice(&failed.stdout).expect("json");
    assert_eq!(explained["success"], false);
    assert!(
        explained["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["kind"] == "linker_not_found")),
        "{explained:#}"
    );

    run_ok(crossport(dir).args([
        "fix",
        "--target",
        target,
        "--release",
        "bullseye",
        "--apply",
    ]));
    let doctor = run_ok(crossport(dir).args(["doctor", "--target", target, "--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).expect("json");
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "wired project still has findings"
    );

    run_ok(
        Command::new("cargo")
            .args(["build", "--target", target])
            .current_dir(dir),
    );
    let binary = dir
        .join("target")
        .join(target)
        .join("debug")
        .join("openssl-sqlite");
    let dynamic = run_ok(Command::new("readelf").arg("-d").arg(&binary));
    let dynamic = String::from_utf8_lossy(&dynamic.stdout);
    assert!(dynamic.contains("[libcrypto.so.1.1]"), "{dynamic}");
    let glibc = max_glibc(&binary);
    assert!(glibc <= (2, 31), "needs GLIBC_{}.{}", glibc.0, glibc.1);

    let run = run_ok(
        Command::new("cargo")
            .args(["run", "-q", "--target", target])
            .current_dir(dir),
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("OpenSSL 1.1.1"), "{stdout}");
    assert!(stdout.contains("SQLite 3.34"), "{stdout}");

    let built = run_ok(crossport(dir).args(["build", "--target", target, "--format", "json"]));
    let built: serde_json::Value = serde_json::from_slice(&built.stdout).expect("json");
    assert_eq!(built["success"], true);

    // A teammate's fresh clone: no sysroot yet. `fix --apply` recreates it
    // from the lock and changes no committed file.
    let mut committed = BTreeMap::new();
    read_tree(dir, dir, &mut committed);
    std::fs::remove_dir_all(dir.join("target/crossport/sysroots")).expect("remove sysroot");
    run_ok(crossport(dir).args([
        "fix",
        "--target",
        target,
        "--release",
        "bullseye",
        "--apply",
    ]));
    let mut after = BTreeMap::new();
    read_tree(dir, dir, &mut after);
    assert!(
        committed == after,
        "fix on a fresh clone changed committed files"
    );
    let run = run_ok(
        Command::new("cargo")
            .args(["run", "-q", "--target", target])
            .current_dir(dir),
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("OpenSSL 1.1.1"));
}

/// `fix --apply` for a foreign target, then the written `-cc` and `-run`
/// scripts compile, link and run a C program that prints OpenSSL's version.
pub fn foreign_c_check(target: &str, release: &str, expected: &str) {
    let project = copy_fixture_crate("openssl-sqlite");
    let dir = project.path();
    run_ok(crossport(dir).args([
        "fix",
        "--target",
        target,
        "--release",
        release,
        "--only",
        "fetch_sysroot_and_wire",
        "--only",
        "configure_runner",
        "--apply",
    ]));
    let source = dir.join("version.c");
    std::fs::write(
        &source,
        "#include <stdio.h>\n#include <openssl/crypto.h>\nint main(void) { puts(OpenSSL_version(OPENSSL_VERSION)); return 0; }\n",
    )
    .expect("write");
    let scripts = dir.join(".cargo/crossport");
    let binary = dir.join("version");
    run_ok(
        Command::new(scripts.join(format!("{target}-cc")))
            .arg(&source)
            .arg("-o")
            .arg(&binary)
            .arg("-lcrypto"),
    );
    let run = run_ok(Command::new(scripts.join(format!("{target}-run"))).arg(&binary));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.starts_with(expected), "{stdout}");
}
