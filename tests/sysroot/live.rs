//! Live: fetch real sysroots from the host's Debian mirror (as configured
//! in its apt sources, found by crossport itself), link a C program against
//! their OpenSSL with clang + lld, and run it under qemu-user.
//! Runs only with CROSSPORT_LIVE=1 (CI sets it); needs clang, lld, qemu-user.

use std::path::Path;
use std::process::Command;

use crate::gate;
use crate::support::{crossport, stderr, stdout};

const PROGRAM: &str = r#"#include <stdio.h>
#include <openssl/crypto.h>
int main(void) {
    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
    return 0;
}
"#;

/// Fetches a sysroot, links the program, runs it, returns what it printed.
fn link_and_run(target: &str, release: &str, clang_target: &str, qemu: &str) -> String {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let cache = dir.join("cache").display().to_string();
    let lock = dir.join("crossport-sysroot.lock").display().to_string();
    let fetched = crossport(
        dir,
        &[
            "sysroot",
            "fetch",
            "--target",
            target,
            "--release",
            release,
            "libssl-dev",
            "--cache-dir",
            &cache,
            "--lock-file",
            &lock,
        ],
        &[],
    );
    assert!(
        fetched.status.success(),
        "fetch failed: {}",
        stderr(&fetched)
    );
    let sysroot = stdout(&fetched).trim().to_owned();
    assert!(
        Path::new(&sysroot)
            .join("usr/include/openssl/crypto.h")
            .is_file()
    );
    std::fs::write(dir.join("main.c"), PROGRAM).expect("write main.c");
    let binary = dir.join("openssl-version");
    let clang = Command::new("clang")
        .arg(format!("--target={clang_target}"))
        .arg(format!("--sysroot={sysroot}"))
        .arg("-fuse-ld=lld")
        .arg(dir.join("main.c"))
        .arg("-o")
        .arg(&binary)
        .arg("-lcrypto")
        .output()
        .expect("run clang (apt: clang lld)");
    assert!(
        clang.status.success(),
        "clang failed:\n{}",
        String::from_utf8_lossy(&clang.stderr)
    );
    let run = Command::new(qemu)
        .arg("-L")
        .arg(&sysroot)
        .arg(&binary)
        .output()
        .expect("run qemu (apt: qemu-user)");
    assert!(
        run.status.success(),
        "{qemu} failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn live_aarch64_bookworm_links_and_runs_openssl() {
    if !gate::live("live_aarch64_bookworm_links_and_runs_openssl") {
        return;
    }
    let printed = link_and_run(
        "aarch64-unknown-linux-gnu",
        "bookworm",
        "aarch64-linux-gnu",
        "qemu-aarch64",
    );
    assert!(printed.starts_with("OpenSSL 3."), "{printed}");
}

#[test]
fn live_armv7_bullseye_links_and_runs_openssl() {
    if !gate::live("live_armv7_bullseye_links_and_runs_openssl") {
        return;
    }
    let printed = link_and_run(
        "armv7-unknown-linux-gnueabihf",
        "bullseye",
        "arm-linux-gnueabihf",
        "qemu-arm",
    );
    assert!(printed.starts_with("OpenSSL 1.1.1"), "{printed}");
}
