//! Static musl binaries for real: doctor → fix --apply → cargo build → the
//! binary is statically linked and runs.
//!
//! rustup's musl std is not something these machines can be promised, so
//! Debian's rustc (`/usr/bin/rustc`) builds std from `rust-web-src` with
//! `-Zbuild-std` and `-C link-self-contained=no`, and zig (the PyPI
//! `ziglang` package, scripts/install-test-deps.sh) brings musl's start
//! files. That set-up stands in for `rustup target add` in this test only:
//! what crossport writes (the zig wrappers, the vendored/bundled features)
//! is what a rustup user gets. One target dir is shared by every run
//! (`CROSSPORT_MUSL_TARGET_DIR`, default under the temp dir) because
//! building std is the slow part.

#[path = "../common/fixture.rs"]
mod fixture;
#[path = "../common/gate.rs"]
mod gate;

use fixture::{copy_tree, fixtures_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MUSL: &str = "x86_64-unknown-linux-musl";

fn crossport(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("--color=never");
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
    serde_json::from_slice(&output.stdout).expect("json output")
}

/// The venv that scripts/install-test-deps.sh puts zig in; its `python3`
/// has `ziglang`, so the wrappers' `python3 -m ziglang` fallback is used.
fn zig_venv_bin() -> PathBuf {
    let venv = std::env::var_os("CROSSPORT_ZIG_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/crossport-zig"));
    let bin = venv.join("bin");
    assert!(
        bin.join("python3").exists(),
        "zig's venv {} is missing: run scripts/install-test-deps.sh",
        venv.display()
    );
    bin
}

fn debian_rustc() -> PathBuf {
    let rustc = PathBuf::from("/usr/bin/rustc");
    assert!(
        rustc.exists() && Path::new("/usr/lib/rustlib/src/rust/library").exists(),
        "Debian's rustc and rust-web-src are missing: run scripts/install-test-deps.sh"
    );
    rustc
}

fn shared_target_dir() -> PathBuf {
    std::env::var_os("CROSSPORT_MUSL_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("crossport-musl-target"))
}

/// `cargo build` for musl the way a rustup musl target would, with std
/// built from source instead (see the module doc), and zig first on PATH
/// the way the wrappers find it.
fn build_musl(dir: &Path, path: &std::ffi::OsStr) -> PathBuf {
    let target_dir = shared_target_dir();
    run_ok(
        Command::new(cargo())
            .args(["build", "-Zbuild-std=std,panic_abort", "--target", MUSL])
            .current_dir(dir)
            .env("PATH", path)
            .env("RUSTC", debian_rustc())
            .env("RUSTC_BOOTSTRAP", "1")
            .env("RUSTFLAGS", "-C link-self-contained=no")
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", &target_dir),
    );
    target_dir.join(MUSL).join("debug").join("openssl-sqlite")
}

/// rustup's cargo (the one running these tests), not Debian's.
fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

fn findings_of(report: &serde_json::Value, kind: &str) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == kind)
        .cloned()
        .collect()
}

#[test]
fn static_musl_binary_with_vendored_openssl_and_bundled_sqlite() {
    if !gate::slow("static_musl_binary_with_vendored_openssl_and_bundled_sqlite") {
        return;
    }
    let zig_bin = zig_venv_bin();
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/openssl-sqlite"), dir);

    // doctor: both system libraries are glibc's, so both need a static
    // build, offered by the features their locked versions declare.
    let report = json(&run_ok(
        crossport(dir).args(["doctor", "--target", MUSL, "--format", "json"]),
    ));
    let musl = findings_of(&report, "musl_static");
    let fixes_for = |name: &str| -> Vec<String> {
        musl.iter()
            .find(|f| f["facts"]["crate"] == name)
            .unwrap_or_else(|| panic!("a musl_static finding for {name}: {report:#}"))["fixes"]
            .as_array()
            .expect("fixes")
            .iter()
            .filter_map(|f| f["id"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(fixes_for("openssl-sys"), ["use_vendored_openssl"]);
    assert_eq!(fixes_for("libsqlite3-sys"), ["use_bundled_sqlite"]);

    // fix: everything but add_target (std comes from build-std here).
    run_ok(crossport(dir).args([
        "fix",
        "--target",
        MUSL,
        "--only",
        "configure_linker",
        "--only",
        "use_vendored_openssl",
        "--only",
        "use_bundled_sqlite",
        "--apply",
    ]));
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).expect("config");
    assert!(
        config.contains(&format!("CC_{MUSL} = ")) && config.contains(&format!("AR_{MUSL} = ")),
        "{config}"
    );
    let report = json(&run_ok(
        crossport(dir).args(["doctor", "--target", MUSL, "--format", "json"]),
    ));
    assert_eq!(
        findings_of(&report, "musl_static"),
        Vec::<serde_json::Value>::new()
    );

    let path = std::env::join_paths(std::iter::once(zig_bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let binary = build_musl(dir, &path);

    let file = run_ok(Command::new("file").arg("-L").arg(&binary));
    let file = String::from_utf8_lossy(&file.stdout);
    assert!(
        file.contains("statically linked") || file.contains("static-pie linked"),
        "{file}"
    );
    let dynamic = run_ok(Command::new("readelf").arg("-d").arg(&binary));
    assert!(
        !String::from_utf8_lossy(&dynamic.stdout).contains("(NEEDED)"),
        "a static binary needs no shared library"
    );

    let inspect = json(&run_ok(
        crossport(dir)
            .args(["inspect", "--format", "json"])
            .arg(&binary),
    ));
    assert_eq!(inspect["linkage"], "static", "{inspect:#}");
    let releases = inspect["releases"].as_object().expect("releases");
    assert!(
        !releases.is_empty() && releases.values().all(|runs| runs == true),
        "a static binary runs on every release: {inspect:#}"
    );

    let run = run_ok(&mut Command::new(&binary));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("OpenSSL 3."), "{stdout}");
    assert!(stdout.contains("SQLite 3."), "{stdout}");
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

#[test]
fn zig_pins_glibc_2_17_for_a_crate_with_c_code() {
    if !gate::slow("zig_pins_glibc_2_17_for_a_crate_with_c_code") {
        return;
    }
    let gnu = "x86_64-unknown-linux-gnu";
    let zig_bin = zig_venv_bin();
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/sqlite-bundled"), dir);

    // A --glibc that is not a version is refused and writes nothing.
    let bad = crossport(dir)
        .args([
            "fix", "--target", gnu, "--linker", "zig", "--glibc", "two", "--apply",
        ])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("give major.minor"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!dir.join(".cargo").exists());

    run_ok(crossport(dir).args([
        "fix", "--target", gnu, "--linker", "zig", "--glibc", "2.17", "--apply",
    ]));
    let path = std::env::join_paths(std::iter::once(zig_bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let target_dir = shared_target_dir();
    // The host's own triple: fix keeps plain builds native and puts zig in
    // a config file of its own, which the build for the target names.
    let config = format!(".cargo/crossport-{gnu}.toml");
    assert!(dir.join(&config).is_file(), "fix wrote {config}");
    run_ok(
        Command::new(cargo())
            .args(["build", "--config", &config, "--target", gnu])
            .current_dir(dir)
            .env("PATH", &path)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", &target_dir),
    );
    let binary = target_dir.join(gnu).join("debug").join("sqlite-bundled");
    let glibc = max_glibc(&binary);
    assert!(glibc <= (2, 17), "needs GLIBC_{}.{}", glibc.0, glibc.1);
    assert!(glibc >= (2, 2), "a glibc binary names some GLIBC_ version");
    let run = run_ok(&mut Command::new(&binary));
    assert!(String::from_utf8_lossy(&run.stdout).contains("SQLite 3."));
}

/// The ids of the fixes a finding offers.
fn fix_ids(finding: &serde_json::Value) -> Vec<String> {
    finding["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect()
}

/// A server older than every sysroot release (here named by --glibc, which
/// stands for what `--server` probes): doctor recommends zig with that glibc
/// or musl, `fix --glibc` plans zig, and once the zig wrapper pins a glibc
/// no newer than the server's, doctor is quiet about it. No build: fast.
#[test]
fn an_old_server_glibc_gets_zig_or_musl_recommended() {
    let target = "aarch64-unknown-linux-gnu";
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/sqlite-bundled"), dir);
    let doctor = |glibc: &str| {
        json(&run_ok(crossport(dir).args([
            "doctor", "--target", target, "--glibc", glibc, "--format", "json",
        ])))
    };

    let report = doctor("2.28");
    let old = findings_of(&report, "glibc_too_new");
    assert_eq!(old.len(), 1, "{report:#}");
    assert_eq!(old[0]["severity"], "error");
    assert_eq!(old[0]["facts"]["zig_target"], "aarch64-linux-gnu.2.28");
    assert_eq!(
        fix_ids(&old[0]),
        ["configure_zig_linker", "use_musl_target"]
    );
    assert_eq!(
        old[0]["fixes"][0]["command"],
        format!("crossport fix --target {target} --linker zig --glibc 2.28")
    );
    assert_eq!(
        report["findings"][0]["kind"], "glibc_too_new",
        "the server's glibc comes first"
    );
    // bullseye's sysroot reaches a glibc 2.31 server: nothing to say.
    assert!(findings_of(&doctor("2.31"), "glibc_too_new").is_empty());

    // fix --glibc alone plans zig against that glibc, and no sysroot.
    let plan = json(&run_ok(crossport(dir).args([
        "fix", "--target", target, "--glibc", "2.28", "--format", "json",
    ])));
    let ids: Vec<&str> = plan["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids.last(), Some(&"configure_zig_linker"), "{plan:#}");
    assert!(!ids.contains(&"fetch_sysroot_and_wire"), "{plan:#}");

    // The fix id the finding names is one `fix --only` plans.
    run_ok(crossport(dir).args([
        "fix",
        "--target",
        target,
        "--glibc",
        "2.28",
        "--only",
        "configure_zig_linker",
        "--apply",
    ]));
    let cc = std::fs::read_to_string(dir.join(format!(".cargo/crossport/{target}-cc")))
        .expect("the cc wrapper");
    assert!(cc.contains("-target aarch64-linux-gnu.2.28"), "{cc}");
    assert!(findings_of(&doctor("2.28"), "glibc_too_new").is_empty());
    assert!(findings_of(&doctor("2.30"), "glibc_too_new").is_empty());
    // A server older than what the wrapper pins is still too old.
    assert_eq!(findings_of(&doctor("2.17"), "glibc_too_new").len(), 1);

    // A --glibc that is not a version is the user's input: exit 2.
    let bad = crossport(dir)
        .args(["doctor", "--target", target, "--glibc", "2"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("give major.minor"));
}

/// PATH with zig's venv first, the way the wrappers find `python3 -m ziglang`.
fn path_with_zig() -> std::ffi::OsString {
    std::env::join_paths(std::iter::once(zig_venv_bin()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH")
}

/// crossport and cargo for an aarch64 build: Debian's rustc, whose aarch64
/// std is packaged (`libstd-rust-web-dev:arm64`), one shared target dir and
/// one sysroot cache for every run.
fn aarch64_env(command: &mut Command) -> &mut Command {
    let std = Path::new("/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib");
    assert!(
        std.is_dir(),
        "Debian's aarch64 std is missing: run scripts/install-test-deps.sh"
    );
    command
        .env("RUSTC", debian_rustc())
        .env("PATH", path_with_zig())
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env(
            "XDG_CACHE_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("musl-cache"),
        )
        .env_remove("CARGO_BUILD_TARGET")
}

const AARCH64: &str = "aarch64-unknown-linux-gnu";

#[test]
fn zig_pins_glibc_2_28_for_aarch64_and_the_binary_runs_under_qemu() {
    if !gate::slow("zig_pins_glibc_2_28_for_aarch64_and_the_binary_runs_under_qemu") {
        return;
    }
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/sqlite-bundled"), dir);
    // Debian's rustc has the aarch64 std, so zig is the whole plan.
    let plan = json(&run_ok(aarch64_env(&mut crossport(dir)).args([
        "fix", "--target", AARCH64, "--glibc", "2.28", "--apply", "--format", "json",
    ])));
    let ids: Vec<&str> = plan["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, ["configure_zig_linker"], "{plan:#}");
    run_ok(
        aarch64_env(&mut Command::new(cargo()))
            .args(["build", "--target", AARCH64])
            .current_dir(dir),
    );
    let binary = shared_target_dir()
        .join(AARCH64)
        .join("debug")
        .join("sqlite-bundled");
    let file = run_ok(Command::new("file").arg(&binary));
    assert!(
        String::from_utf8_lossy(&file.stdout).contains("ARM aarch64"),
        "{}",
        String::from_utf8_lossy(&file.stdout)
    );
    let glibc = max_glibc(&binary);
    assert!(glibc <= (2, 28), "needs GLIBC_{}.{}", glibc.0, glibc.1);
    assert!(glibc >= (2, 17), "aarch64's first glibc is 2.17");
    // qemu-user finds the host's arm64 loader and libc (libc6:arm64).
    let run = run_ok(Command::new("qemu-aarch64").arg(&binary));
    assert!(String::from_utf8_lossy(&run.stdout).contains("SQLite 3."));
}

#[test]
fn zig_links_the_sysroot_openssl_for_aarch64_and_the_binary_runs_under_qemu() {
    if !gate::open(
        "zig_links_the_sysroot_openssl_for_aarch64_and_the_binary_runs_under_qemu",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/foreign-app"), dir);
    // System OpenSSL and SQLite: zig needs the sysroot's headers and
    // libraries, which the fix fetches and hands to zig explicitly.
    let plan = json(&run_ok(aarch64_env(&mut crossport(dir)).args([
        "fix",
        "--target",
        AARCH64,
        "--release",
        "bookworm",
        "--linker",
        "zig",
        "--apply",
        "--format",
        "json",
    ])));
    let zig = plan["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["id"] == "configure_zig_linker")
        .unwrap_or_else(|| panic!("a zig plan: {plan:#}"));
    assert!(
        zig["title"]
            .as_str()
            .is_some_and(|t| t.contains("libssl-dev")),
        "{zig:#}"
    );
    let cc = std::fs::read_to_string(dir.join(format!(".cargo/crossport/{AARCH64}-cc")))
        .expect("the cc wrapper");
    assert!(
        cc.contains("-idirafter") && cc.contains("aarch64-linux-gnu.2.36"),
        "{cc}"
    );
    run_ok(
        aarch64_env(&mut Command::new(cargo()))
            .args(["build", "--target", AARCH64])
            .current_dir(dir),
    );
    let binary = shared_target_dir()
        .join(AARCH64)
        .join("debug")
        .join("foreign-app");
    let needed = run_ok(Command::new("readelf").arg("-d").arg(&binary));
    let needed = String::from_utf8_lossy(&needed.stdout);
    // The system libraries, dynamically (the crate calls only libcrypto, so
    // --as-needed drops libssl).
    for soname in ["libcrypto.so.3", "libsqlite3.so.0"] {
        assert!(needed.contains(soname), "{soname}: {needed}");
    }
    let glibc = max_glibc(&binary);
    assert!(glibc <= (2, 36), "needs GLIBC_{}.{}", glibc.0, glibc.1);
    // The sysroot holds the arm64 libcrypto and libsqlite3 the binary loads.
    let sysroot = dir.join(format!("target/crossport/sysroots/{AARCH64}-bookworm"));
    let run = run_ok(
        Command::new("qemu-aarch64")
            .arg("-L")
            .arg(&sysroot)
            .arg(&binary),
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("OpenSSL 3."), "{stdout}");
    assert!(stdout.contains("sqlite=3."), "{stdout}");
}

#[test]
fn clang_compiles_c_for_aarch64_musl_against_debian_musl_dev() {
    if !gate::open(
        "clang_compiles_c_for_aarch64_musl_against_debian_musl_dev",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    let target = "aarch64-unknown-linux-musl";
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    copy_tree(&fixtures_dir().join("crates/sqlite-bundled"), dir);
    // --edits-only is not used: the fetch of musl-dev is the point. std for
    // the target is not asked for (no build here), so add_target is left out.
    run_ok(aarch64_env(&mut crossport(dir)).args([
        "fix",
        "--target",
        target,
        "--only",
        "configure_musl_sysroot",
        "--apply",
    ]));
    let sysroot = dir.join(format!("target/crossport/sysroots/{target}-bookworm"));
    assert!(
        sysroot.join("usr/lib/aarch64-linux-musl/libc.a").is_file(),
        "musl-dev's libc.a in the sysroot"
    );
    // The C compiler cc-rs would run for a bundled build: musl's headers,
    // not the base set's glibc ones, and an aarch64 object out.
    let source = dir.join("probe.c");
    std::fs::write(
        &source,
        "#include <stdio.h>\n#ifndef __GLIBC__\nint main(void) { puts(\"musl\"); return 0; }\n#endif\n",
    )
    .expect("write probe.c");
    let object = dir.join("probe.o");
    run_ok(
        Command::new(dir.join(format!(".cargo/crossport/{target}-cc")))
            .arg("-c")
            .arg(&source)
            .arg("-o")
            .arg(&object),
    );
    let file = run_ok(Command::new("file").arg(&object));
    let file = String::from_utf8_lossy(&file.stdout);
    assert!(
        file.contains("ARM aarch64") && file.contains("relocatable"),
        "{file}"
    );
    let symbols = run_ok(Command::new("readelf").arg("-s").arg(&object));
    assert!(
        String::from_utf8_lossy(&symbols.stdout).contains(" main"),
        "main was compiled, so __GLIBC__ was not defined: musl's headers were used"
    );
    // And as the linker: musl's start files and libc.a, GCC's crtbeginT.o
    // and libgcc from the base set; static, and it runs under qemu.
    let program = dir.join("probe");
    run_ok(
        Command::new(dir.join(format!(".cargo/crossport/{target}-cc")))
            .arg("-static")
            .arg(&source)
            .arg("-o")
            .arg(&program),
    );
    let file = run_ok(Command::new("file").arg(&program));
    let file = String::from_utf8_lossy(&file.stdout);
    assert!(file.contains("statically linked"), "{file}");
    let run = run_ok(Command::new("qemu-aarch64").arg(&program));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "musl\n");
}
