//! Real foreign-architecture Rust builds, end to end.
//!
//! Debian packages its Rust standard library per architecture
//! (`libstd-rust-web-dev:arm64`, `:armhf`; `scripts/install-test-deps.sh`
//! installs them), so these tests build for aarch64 and armv7 for real with
//! Debian's compiler through `RUSTC` (rustup's `cargo` stays the one on
//! PATH). Each test works on a fresh copy of a fixture crate:
//! `foreign-app` (openssl and rusqlite on the system libraries),
//! `reqwest-app` (reqwest 0.12's default TLS and rusqlite), or
//! `reqwest13-native` (reqwest 0.13 with native-tls, whose rustls backend
//! pulls aws-lc-sys). The whole story: doctor → `fix --apply` (the sysroot comes
//! from the host's real Debian mirror, found by crossport itself) → doctor
//! is clean → `cargo build` → `cargo run` and `cargo test` under the
//! runner fix wrote → `crossport build` (artifact and verdict) → `crossport
//! inspect`; `fix --user` keeps a native build of the same crate native;
//! and each dependency fix alone (`--only use_vendored_openssl`,
//! `use_bundled_sqlite`, `use_rustls`) leaves a project that builds and runs.
//!
//! Slow and live: `CROSSPORT_SLOW=1 CROSSPORT_LIVE=1`. Sysroots are fetched
//! one at a time into one cache per test run. Each project builds into its
//! own target directory (see `project_target`).

#[path = "../common/fixture.rs"]
mod fixture;
#[path = "../common/gate.rs"]
mod gate;

use fixture::{copy_tree, fixtures_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, PoisonError};

/// Debian's compiler, whose std is packaged per architecture.
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

/// One cache (sysroot .debs, metadata) for every test, kept under cargo's
/// per-project test scratch directory, so a later run reuses the packages
/// already fetched and nothing is left in the system's temp directory.
fn shared_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("builds")
        .join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Two crossport processes unpacking into one cache must not race: fixes
/// that fetch a sysroot run one at a time.
fn fetch_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where cargo builds a project: its own `target/`, as for a user.
///
/// A target directory shared between projects saves nothing for the target's
/// crates and costs rebuilds: cargo's fingerprint of every unit built for a
/// target holds that target's linker path, and fix points the linker at a
/// wrapper inside the project, so each project's build finds the other
/// projects' artifacts (same file names) stale and rebuilds them in place,
/// and the next cargo command of the first project rebuilds them again.
fn project_target(dir: &Path) -> PathBuf {
    dir.join("target")
}

/// A fresh copy of `fixtures/crates/<name>`.
fn fresh_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixtures_dir().join("crates").join(name), dir.path());
    dir
}

/// The environment every program here runs with: Debian's rustc for cargo
/// and for crossport's toolchain questions alike.
fn with_env(command: &mut Command) -> &mut Command {
    command
        .env("RUSTC", DEBIAN_RUSTC)
        .env("CARGO_INCREMENTAL", "0")
        .env("XDG_CACHE_HOME", shared_dir("cache"))
        .env("NO_COLOR", "1")
        .env_remove("CARGO_BUILD_TARGET")
}

fn crossport(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
    command
        .current_dir(dir)
        .arg("--color=never")
        .env("CARGO_TARGET_DIR", project_target(dir));
    with_env(&mut command);
    command
}

fn cargo(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", project_target(dir));
    with_env(&mut command);
    command
}

fn run_ok(command: &mut Command) -> Output {
    let output = command.output().expect("command runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn finding_kinds(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str().map(str::to_owned))
        .collect()
}

/// The std of `target` must be there: CI installs it with
/// `scripts/install-test-deps.sh`.
fn require_debian_std(target: &str) {
    let lib = Path::new("/usr/lib/rustlib").join(target).join("lib");
    assert!(
        Path::new(DEBIAN_RUSTC).is_file() && lib.is_dir(),
        "{DEBIAN_RUSTC} with the {target} std is missing: run scripts/install-test-deps.sh"
    );
}

/// What one target's run should see.
struct Expect {
    /// The crate under `fixtures/crates`, also its binary's name.
    fixture: &'static str,
    target: &'static str,
    release: &'static str,
    /// Lines (or their starts) `cargo run` prints.
    prints: &'static [&'static str],
    /// The unit test `cargo test --target` must pass, if the crate has one.
    unit_test: Option<&'static str>,
    runs_on: &'static [&'static str],
    not_on: &'static [(&'static str, &'static str)],
}

fn doctor_fix_build_run_test_inspect(expect: &Expect) {
    let target = expect.target;
    let fixture = expect.fixture;
    require_debian_std(target);
    let project = fresh_fixture(fixture);
    let dir = project.path();

    let doctor = run_ok(crossport(dir).args(["doctor", "--target", target, "--format", "json"]));
    let report = json(&doctor);
    assert_eq!(report["toolchain"]["rustc"], DEBIAN_RUSTC, "{report:#}");
    assert_eq!(report["toolchain"]["kind"]["kind"], "debian", "{report:#}");
    let kinds = finding_kinds(&report);
    assert!(
        !kinds.iter().any(|k| k == "target_not_installed"),
        "doctor asked another toolchain than Debian's rustc: {kinds:?}"
    );
    assert!(kinds.iter().any(|k| k == "openssl_not_found"), "{kinds:?}");

    {
        let _one_fetch_at_a_time = fetch_lock();
        run_ok(crossport(dir).args([
            "fix",
            "--target",
            target,
            "--release",
            expect.release,
            "--apply",
        ]));
    }
    let doctor = run_ok(crossport(dir).args(["doctor", "--target", target, "--format", "json"]));
    assert_eq!(
        finding_kinds(&json(&doctor)),
        Vec::<String>::new(),
        "the fixed project still has findings"
    );

    run_ok(&mut cargo(dir, &["build", "--target", target]));
    let run = run_ok(&mut cargo(dir, &["run", "-q", "--target", target]));
    let stdout = String::from_utf8_lossy(&run.stdout);
    for line in expect.prints {
        assert!(stdout.contains(line), "{stdout}");
    }
    if let Some(unit_test) = expect.unit_test {
        let test = run_ok(&mut cargo(dir, &["test", "--target", target]));
        let test_out = String::from_utf8_lossy(&test.stdout);
        assert!(
            test_out.contains(&format!("{unit_test} ... ok")),
            "{test_out}"
        );
    }

    // `crossport build` answers "will it run on my server" itself.
    let built = run_ok(crossport(dir).args([
        "build",
        "--target",
        target,
        "--release",
        expect.release,
        "--format",
        "json",
    ]));
    let built = json(&built);
    assert_eq!(built["success"], true, "{built:#}");
    let artifact = built["artifact"].as_str().expect("an artifact");
    assert!(
        artifact.ends_with(&format!("{target}/debug/{fixture}")),
        "{artifact}"
    );
    let verdict = built["verdict"].as_str().expect("a verdict");
    for release in expect.runs_on {
        assert!(verdict.contains(release), "{verdict}");
    }
    for (release, because) in expect.not_on {
        assert!(
            verdict
                .split_once("not on ")
                .is_some_and(|(_, not)| not.contains(&format!("{release}: ")))
                && verdict.contains(because),
            "{verdict}"
        );
    }
    assert!(
        built["log"]
            .as_str()
            .is_some_and(|log| Path::new(log).is_file()),
        "{built:#}"
    );

    let binary = project_target(dir).join(target).join("debug").join(fixture);
    let inspect = run_ok(
        crossport(dir)
            .arg("inspect")
            .arg(&binary)
            .args(["--format", "json"]),
    );
    let report = json(&inspect);
    for release in expect.runs_on {
        assert_eq!(report["releases"][release], true, "{release}: {report:#}");
    }
    for (release, because) in expect.not_on {
        assert_eq!(report["releases"][release], false, "{release}: {report:#}");
        let verdict = report["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .find(|v| v["against"] == *release)
            .expect("a verdict per release");
        assert!(
            verdict["problems"].to_string().contains(because),
            "{release} should fail for {because}: {verdict:#}"
        );
    }
}

#[test]
fn aarch64_bookworm_openssl_and_system_sqlite() {
    if !gate::open(
        "aarch64_bookworm_openssl_and_system_sqlite",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    doctor_fix_build_run_test_inspect(&Expect {
        fixture: "foreign-app",
        target: "aarch64-unknown-linux-gnu",
        release: "bookworm",
        prints: &["OpenSSL 3.0", "sqlite=3.40"],
        unit_test: Some("sqlite_and_openssl_work_on_the_target"),
        runs_on: &["bookworm", "trixie"],
        not_on: &[("bullseye", "libcrypto.so.3")],
    });
}

/// The story crossport exists for: reqwest with its default TLS
/// (native-tls, so the system OpenSSL) and rusqlite with the system SQLite.
#[test]
fn aarch64_bookworm_reqwest_default_tls_and_system_sqlite() {
    if !gate::open(
        "aarch64_bookworm_reqwest_default_tls_and_system_sqlite",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    doctor_fix_build_run_test_inspect(&Expect {
        fixture: "reqwest-app",
        target: "aarch64-unknown-linux-gnu",
        release: "bookworm",
        prints: &["tls=ok", "sqlite=3.40"],
        unit_test: None,
        runs_on: &["bookworm", "trixie"],
        not_on: &[("bullseye", "libssl.so.3")],
    });
}

#[test]
fn armv7_bullseye_openssl_and_system_sqlite() {
    if !gate::open(
        "armv7_bullseye_openssl_and_system_sqlite",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    doctor_fix_build_run_test_inspect(&Expect {
        fixture: "foreign-app",
        target: "armv7-unknown-linux-gnueabihf",
        release: "bullseye",
        prints: &["OpenSSL 1.1.1", "sqlite=3.34"],
        unit_test: Some("sqlite_and_openssl_work_on_the_target"),
        runs_on: &["bullseye"],
        // bookworm ships OpenSSL 3: libcrypto.so.1.1 is gone.
        not_on: &[("bookworm", "libcrypto.so.1.1")],
    });
}

/// With Debian's rustc, a target whose std is not installed is fixed with
/// Debian's package for that architecture, not with rustup (which would
/// change another toolchain).
#[test]
fn doctor_names_debians_std_package_for_a_missing_target() {
    if !gate::slow("doctor_names_debians_std_package_for_a_missing_target") {
        return;
    }
    require_debian_std("x86_64-unknown-linux-gnu");
    let target = "riscv64gc-unknown-linux-gnu";
    if Path::new("/usr/lib/rustlib").join(target).exists() {
        gate::skipped(
            "doctor_names_debians_std_package_for_a_missing_target",
            "this host has Debian's riscv64 std installed",
        );
        return;
    }
    let project = fresh_fixture("foreign-app");
    let doctor =
        run_ok(crossport(project.path()).args(["doctor", "--target", target, "--format", "json"]));
    let report = json(&doctor);
    let std = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "target_not_installed")
        .unwrap_or_else(|| panic!("no target_not_installed: {report:#}"));
    let command = std["facts"]["command"].as_str().unwrap_or_default();
    assert!(
        command.starts_with("apt-get install libstd-rust") && command.ends_with(":riscv64"),
        "{std:#}"
    );
}

/// `fix --user` writes the target's settings into `$CARGO_HOME/config.toml`:
/// the foreign build works from any project, and a plain native `cargo build`
/// and `cargo run` of the same crate still use the host's compiler and
/// libraries.
#[test]
fn fix_user_keeps_native_builds_native() {
    if !gate::open(
        "fix_user_keeps_native_builds_native",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    let target = "aarch64-unknown-linux-gnu";
    require_debian_std(target);
    // A private CARGO_HOME that shares the registry cache (cargo locks it).
    let home = tempfile::tempdir().expect("temp dir");
    let real_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&std::env::var("HOME").expect("HOME")).join(".cargo"));
    std::os::unix::fs::symlink(real_home.join("registry"), home.path().join("registry"))
        .expect("link the registry cache");
    let project = fresh_fixture("foreign-app");
    let dir = project.path();
    let with_home = |mut command: Command| {
        command.env("CARGO_HOME", home.path());
        command
    };

    {
        let _one_fetch_at_a_time = fetch_lock();
        run_ok(with_home(crossport(dir)).args([
            "fix",
            "--target",
            target,
            "--release",
            "bookworm",
            "--user",
            "--apply",
        ]));
    }
    assert!(
        !dir.join(".cargo").exists(),
        "fix --user wrote into the project"
    );
    let user_config =
        std::fs::read_to_string(home.path().join("config.toml")).expect("user config written");
    assert!(
        user_config.contains(&format!("[target.{target}]")),
        "{user_config}"
    );

    let native = run_ok(&mut with_home(cargo(dir, &["run", "-q"])));
    let stdout = String::from_utf8_lossy(&native.stdout);
    assert!(stdout.contains("sqlite="), "{stdout}");
    let host_binary = project_target(dir).join("debug").join("foreign-app");
    let header = run_ok(Command::new("readelf").arg("-h").arg(&host_binary));
    let header = String::from_utf8_lossy(&header.stdout);
    assert!(header.contains("X86-64"), "{header}");

    let foreign = run_ok(&mut with_home(cargo(
        dir,
        &["run", "-q", "--target", target],
    )));
    let stdout = String::from_utf8_lossy(&foreign.stdout);
    assert!(stdout.contains("OpenSSL 3.0"), "{stdout}");
}

/// `fix --only <id> --apply` alone, from a fresh fixture copy, must leave a
/// project that builds for the target: the fix brings the target's C
/// compiler (and a base sysroot) with it. The binary then runs under qemu
/// against that sysroot and prints what `expect` says.
fn one_fix_alone_builds_and_runs(fixture: &str, id: &str, expect: &[&str]) -> tempfile::TempDir {
    let target = "aarch64-unknown-linux-gnu";
    require_debian_std(target);
    let project = fresh_fixture(fixture);
    let dir = project.path();
    {
        let _one_fetch_at_a_time = fetch_lock();
        run_ok(crossport(dir).args([
            "fix",
            "--target",
            target,
            "--release",
            "bookworm",
            "--only",
            id,
            "--apply",
        ]));
    }
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).expect("config");
    assert!(
        config.contains(&format!("CC_{target}")),
        "{id} wrote no C compiler:\n{config}"
    );
    run_ok(&mut cargo(dir, &["build", "--target", target]));
    let binary = project_target(dir).join(target).join("debug").join(fixture);
    let sysroot = dir.join("target/crossport/sysroots/aarch64-unknown-linux-gnu-bookworm");
    let run = run_ok(
        Command::new("qemu-aarch64")
            .arg("-L")
            .arg(&sysroot)
            .arg(&binary),
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    for want in expect {
        assert!(stdout.contains(want), "{id}: {stdout}");
    }
    project
}

#[test]
fn use_vendored_openssl_alone_builds_and_runs_on_aarch64() {
    if !gate::open(
        "use_vendored_openssl_alone_builds_and_runs_on_aarch64",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    // OpenSSL from openssl-src (3.x), SQLite still the sysroot's.
    one_fix_alone_builds_and_runs(
        "foreign-app",
        "use_vendored_openssl",
        &["OpenSSL 3.", "sqlite=3.40"],
    );
}

#[test]
fn use_bundled_sqlite_alone_builds_and_runs_on_aarch64() {
    if !gate::open(
        "use_bundled_sqlite_alone_builds_and_runs_on_aarch64",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    // SQLite from rusqlite's bundled copy (newer than bookworm's 3.40),
    // OpenSSL still the sysroot's 3.0.
    one_fix_alone_builds_and_runs(
        "foreign-app",
        "use_bundled_sqlite",
        &["OpenSSL 3.0", "sqlite=3."],
    );
}

#[test]
fn use_rustls_alone_builds_and_runs_reqwest_0_12_on_aarch64() {
    if !gate::open(
        "use_rustls_alone_builds_and_runs_reqwest_0_12_on_aarch64",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    // reqwest 0.12's `rustls-tls` uses ring, which compiles C and assembly
    // for the target; SQLite is still the sysroot's.
    let dir =
        one_fix_alone_builds_and_runs("reqwest-app", "use_rustls", &["tls=ok", "sqlite=3.40"]);
    let lock = std::fs::read_to_string(dir.path().join("Cargo.lock")).expect("lock");
    assert!(lock.contains("name = \"ring\""), "rustls without ring?");
    assert!(
        !lock.contains("name = \"openssl-sys\""),
        "native-tls is still in the graph"
    );
}

#[test]
fn use_rustls_alone_builds_aws_lc_sys_and_runs_on_aarch64() {
    if !gate::open(
        "use_rustls_alone_builds_aws_lc_sys_and_runs_on_aarch64",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    // reqwest 0.13's `rustls` uses aws-lc-rs: aws-lc-sys builds AWS-LC's C
    // and assembly for aarch64 with the C compiler the fix brought.
    let dir = one_fix_alone_builds_and_runs("reqwest13-native", "use_rustls", &["tls=ok"]);
    let lock = std::fs::read_to_string(dir.path().join("Cargo.lock")).expect("lock");
    assert!(
        lock.contains("name = \"aws-lc-sys\""),
        "rustls without aws-lc-sys?"
    );
    assert!(
        !lock.contains("name = \"openssl-sys\""),
        "native-tls is still in the graph"
    );
}
