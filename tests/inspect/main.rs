//! Black-box tests of `crossport inspect`: every fact it reports about a
//! real binary is compared with what binutils' `readelf` says about the same
//! file. The binaries are the crossport executable itself, the system's
//! `/bin/ls`, and static, static-pie and foreign-architecture programs
//! compiled here with gcc and clang.

mod readelf;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn crossport() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crossport"))
}

fn inspect_json(binary: &Path, extra: &[&str]) -> Value {
    let output = crossport()
        .arg("inspect")
        .arg(binary)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .expect("crossport runs");
    assert!(
        output.status.success(),
        "inspect {} failed: {}",
        binary.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("inspect prints JSON")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

/// Compares every fact readelf can tell with what inspect said.
fn assert_matches_readelf(binary: &Path) -> Value {
    let report = inspect_json(binary, &[]);
    let expected = readelf::facts(binary);
    assert_eq!(
        report["class"],
        expected.class,
        "class of {}",
        binary.display()
    );
    assert_eq!(
        report["machine"],
        expected.machine,
        "machine of {}",
        binary.display()
    );
    assert_eq!(
        report["interpreter"].as_str(),
        expected.interpreter.as_deref()
    );
    assert_eq!(
        strings(&report["needed"]),
        expected.needed,
        "NEEDED of {}",
        binary.display()
    );
    assert_eq!(strings(&report["runpath"]), expected.runpath);
    let mut versions: Vec<(String, String)> = report["version_needs"]
        .as_array()
        .expect("version_needs")
        .iter()
        .map(|need| {
            (
                need["library"].as_str().expect("library").to_owned(),
                need["version"].as_str().expect("version").to_owned(),
            )
        })
        .collect();
    versions.sort();
    let mut expected_versions = expected.version_needs.clone();
    expected_versions.sort();
    assert_eq!(
        versions,
        expected_versions,
        "versions of {}",
        binary.display()
    );
    assert_eq!(
        report["glibc_required"].as_str(),
        expected.highest_glibc().as_deref(),
        "glibc of {}",
        binary.display()
    );
    report
}

#[test]
fn the_crossport_binary_matches_readelf() {
    let report = assert_matches_readelf(Path::new(env!("CARGO_BIN_EXE_crossport")));
    assert_eq!(report["linkage"], "dynamic");
    assert!(report["releases"]["trixie"].is_boolean());
    // Every symbol inspect names for the highest glibc is bound to that
    // version in readelf's dynamic symbol table.
    let glibc = report["glibc_required"].as_str().expect("needs glibc");
    let bound = readelf::symbols_with_version(
        Path::new(env!("CARGO_BIN_EXE_crossport")),
        &format!("GLIBC_{glibc}"),
    );
    for symbol in strings(&report["requirements"]["glibc"]["symbols"]) {
        assert!(
            bound.contains(&symbol),
            "{symbol} is not GLIBC_{glibc} in readelf"
        );
    }
}

#[test]
fn system_ls_matches_readelf() {
    let report = assert_matches_readelf(Path::new("/bin/ls"));
    assert_eq!(report["linkage"], "dynamic");
    let release_glibc = [
        ("bullseye", "2.31"),
        ("bookworm", "2.36"),
        ("trixie", "2.41"),
    ];
    let required = report["glibc_required"].as_str().expect("ls needs glibc");
    for (release, glibc) in release_glibc {
        let runs = version_le(required, glibc);
        assert_eq!(report["releases"][release], runs, "{release}");
    }
}

fn version_le(left: &str, right: &str) -> bool {
    let parse =
        |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().expect("number")).collect() };
    parse(left) <= parse(right)
}

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn source(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write source");
        path
    }

    fn compile(&self, program: &str, args: &[&str], source: &Path, out: &str) -> PathBuf {
        let path = self.dir.path().join(out);
        let output: Output = Command::new(program)
            .args(args)
            .arg(source)
            .arg("-o")
            .arg(&path)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
        assert!(
            output.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        path
    }
}

const HELLO: &str = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n";

#[test]
fn gcc_static_is_static() {
    let scratch = Scratch::new();
    let source = scratch.source("hello.c", HELLO);
    let binary = scratch.compile("gcc", &["-static", "-O1"], &source, "hello-static");
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["linkage"], "static");
    assert_eq!(readelf::file_type(&binary), "EXEC");
    assert_eq!(report["releases"]["bullseye"], true);
}

#[test]
fn gcc_static_pie_is_static_pie() {
    let scratch = Scratch::new();
    let source = scratch.source("hello.c", HELLO);
    let binary = scratch.compile("gcc", &["-static-pie", "-O1"], &source, "hello-spie");
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["linkage"], "static-pie");
    assert_eq!(readelf::file_type(&binary), "DYN");
}

#[test]
fn gcc_dynamic_with_runpath_matches_readelf() {
    let scratch = Scratch::new();
    let source = scratch.source("hello.c", HELLO);
    let binary = scratch.compile(
        "gcc",
        &[
            "-Wl,-rpath,/opt/app/lib:/opt/other",
            "-Wl,--enable-new-dtags",
            "-lm",
            "-Wl,--no-as-needed",
        ],
        &source,
        "hello-dyn",
    );
    let report = assert_matches_readelf(&binary);
    assert_eq!(
        strings(&report["runpath"]),
        vec!["/opt/app/lib", "/opt/other"]
    );
}

const BARE: &str = "void _start(void) { for (;;) {} }\n";

#[test]
fn clang_aarch64_is_foreign_and_64_bit() {
    let scratch = Scratch::new();
    let source = scratch.source("bare.c", BARE);
    let binary = scratch.compile(
        "clang",
        &[
            "--target=aarch64-linux-gnu",
            "-nostdlib",
            "-static",
            "-fuse-ld=lld",
        ],
        &source,
        "bare-aarch64",
    );
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["machine"], "aarch64");
    assert_eq!(report["class"], 64);
    assert_eq!(report["linkage"], "static");
}

#[test]
fn clang_i686_is_32_bit() {
    let scratch = Scratch::new();
    let source = scratch.source("bare.c", BARE);
    let binary = scratch.compile(
        "clang",
        &[
            "--target=i686-linux-gnu",
            "-nostdlib",
            "-static",
            "-fuse-ld=lld",
        ],
        &source,
        "bare-i686",
    );
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["machine"], "x86");
    assert_eq!(report["class"], 32);
}

#[test]
fn clang_armhf_shared_library_needs_are_read() {
    let scratch = Scratch::new();
    let source = scratch.source("lib.c", "int answer(void) { return 42; }\n");
    let binary = scratch.compile(
        "clang",
        &[
            "--target=armv7a-linux-gnueabihf",
            "-nostdlib",
            "-shared",
            "-fuse-ld=lld",
            "-Wl,-soname,libanswer.so.1",
        ],
        &source,
        "libanswer.so.1",
    );
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["machine"], "arm");
    assert_eq!(report["class"], 32);
    assert_eq!(report["soname"], "libanswer.so.1");
}

#[test]
fn a_release_or_glibc_target_gets_its_own_verdict() {
    let ls = Path::new("/bin/ls");
    let report = inspect_json(ls, &["--glibc", "2.17"]);
    assert_eq!(report["target"]["against"], "glibc 2.17");
    assert_eq!(report["target"]["runs"], false);
    let report = inspect_json(ls, &["--release", "trixie"]);
    assert_eq!(report["target"]["against"], "trixie");
    assert_eq!(report["target"]["runs"], true);
}

#[test]
fn ubuntu_releases_get_verdicts_by_codename_or_version() {
    let ls = Path::new("/bin/ls");
    let report = inspect_json(ls, &["--release", "22.04"]);
    assert_eq!(report["target"]["against"], "jammy");
    // The same verdict as in the all-releases map, from the same table.
    assert_eq!(report["target"]["runs"], report["releases"]["jammy"]);
    for release in ["focal", "jammy", "noble"] {
        assert!(report["releases"][release].is_boolean(), "{release}");
    }
    let output = crossport()
        .args(["inspect", "/bin/ls", "--release", "sid"])
        .output()
        .expect("crossport runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown release `sid`"), "{stderr}");
    assert!(stderr.contains("jammy"), "{stderr}");
}

#[test]
fn a_sysroot_maps_needed_libraries_to_packages() {
    let scratch = Scratch::new();
    let sysroot = scratch.dir.path().join("sysroot");
    let lib_dir = sysroot.join("usr/lib/x86_64-linux-gnu");
    std::fs::create_dir_all(&lib_dir).expect("lib dir");
    std::fs::write(lib_dir.join("libc.so.6"), b"stand-in").expect("libc");
    std::fs::create_dir_all(sysroot.join(".crossport")).expect("manifest dir");
    std::fs::write(
        sysroot.join(".crossport/manifest.json"),
        r#"{"target":"x86_64-unknown-linux-gnu","release":"bullseye","arch":"amd64",
            "packages":[{"name":"libc6","version":"2.31-13","architecture":"amd64","sha256":"00"}],
            "files":{"usr/lib/x86_64-linux-gnu/libc.so.6":"libc6"}}"#,
    )
    .expect("manifest");
    let report = inspect_json(
        Path::new("/bin/ls"),
        &["--sysroot", sysroot.to_str().expect("utf-8")],
    );
    let libc = report["libraries"]
        .as_array()
        .expect("libraries")
        .iter()
        .find(|library| library["soname"] == "libc.so.6")
        .expect("libc listed");
    assert_eq!(libc["path"], "usr/lib/x86_64-linux-gnu/libc.so.6");
    assert_eq!(libc["package"], "libc6");
    assert_eq!(report["target"]["against"], "bullseye");
    // A sysroot without a manifest still resolves paths, without packages.
    std::fs::remove_file(sysroot.join(".crossport/manifest.json")).expect("remove manifest");
    let report = inspect_json(
        Path::new("/bin/ls"),
        &["--sysroot", sysroot.to_str().expect("utf-8")],
    );
    let libc = report["libraries"]
        .as_array()
        .expect("libraries")
        .iter()
        .find(|library| library["soname"] == "libc.so.6")
        .expect("libc listed");
    assert_eq!(libc["path"], "usr/lib/x86_64-linux-gnu/libc.so.6");
    assert!(libc["package"].is_null());
    assert!(report["target"].is_null());
}

fn inspect_fails(path: &Path) -> (i32, String) {
    let output = crossport()
        .arg("inspect")
        .arg(path)
        .output()
        .expect("crossport runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn non_elf_input_is_a_clear_error() {
    let scratch = Scratch::new();
    let path = scratch.source("script.sh", "#!/bin/sh\necho hi\n");
    let (code, stderr) = inspect_fails(&path);
    assert_eq!(code, 2);
    assert!(stderr.contains("not an ELF file"), "{stderr}");
    assert!(stderr.contains("script.sh"), "{stderr}");
}

#[test]
fn truncated_elf_is_a_clear_error_at_every_cut() {
    let scratch = Scratch::new();
    let whole = std::fs::read("/bin/ls").expect("read ls");
    for cut in [5, 20, 63, 64, 200, 1000] {
        let path = scratch.dir.path().join(format!("ls-{cut}"));
        std::fs::write(&path, &whole[..cut]).expect("write truncated");
        let (code, stderr) = inspect_fails(&path);
        assert_eq!(code, 2, "cut at {cut}: {stderr}");
        assert!(
            stderr.contains("malformed ELF file"),
            "cut at {cut}: {stderr}"
        );
    }
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let (code, stderr) = inspect_fails(Path::new("/nonexistent/crossport-binary"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read /nonexistent/crossport-binary"),
        "{stderr}"
    );
}

#[test]
fn human_output_names_the_facts_and_each_release() {
    let output = crossport()
        .args(["inspect", "/bin/ls", "--color", "never"])
        .output()
        .expect("crossport runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let facts = readelf::facts(Path::new("/bin/ls"));
    assert!(
        text.contains("ELF64 x86_64") || facts.machine != "x86_64",
        "{text}"
    );
    for soname in &facts.needed {
        assert!(
            text.contains(soname.as_str()),
            "{soname} missing from:\n{text}"
        );
    }
    for release in ["bullseye", "bookworm", "trixie"] {
        assert!(text.contains(release), "{release} missing from:\n{text}");
    }
    if let Some(glibc) = facts.highest_glibc() {
        assert!(text.contains(&format!("needs glibc {glibc}")), "{text}");
    }
}

#[test]
fn a_binary_asking_for_musls_loader_runs_on_no_stock_release() {
    let scratch = Scratch::new();
    let source = scratch.source("bare.c", BARE);
    let binary = scratch.compile(
        "clang",
        &[
            "-nostdlib",
            "-fuse-ld=lld",
            "-fPIE",
            "-pie",
            "-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1",
        ],
        &source,
        "bare-musl-loader",
    );
    let report = assert_matches_readelf(&binary);
    assert_eq!(report["linkage"], "dynamic");
    assert_eq!(report["interpreter"], "/lib/ld-musl-x86_64.so.1");
    for release in ["bullseye", "bookworm", "trixie"] {
        assert_eq!(report["releases"][release], false, "{release}");
    }
}
