//! `crossport fix --server … --apply` end to end against a jammy arm64
//! server, hermetically: a real sshd on loopback whose sessions are chrooted
//! (sshd's `ChrootDirectory`, no hook in crossport) into a world that looks
//! like Ubuntu 22.04 on aarch64 — busybox tools, an os-release, a `uname`
//! that prints aarch64, `getconf`/`ldd` that report glibc 2.35, libssl.so.3,
//! and a deb822 `ubuntu.sources` naming the loopback Ubuntu-layout ports
//! archive (tests/sysroot/support/ubuntu.rs) signed with a test key. The
//! host has no apt sources (`CROSSPORT_APT_DIR` points at an empty
//! directory), so the mirror can only come from the server.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::gate;
use crate::sshd::Sshd;
use crate::support::ubuntu::{RealLibc, UbuntuWorld, ports_suites_linking};
use crate::support::{crossport, stderr, stdout};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn script(path: &Path, body: &str) {
    let _ = std::fs::remove_file(path);
    write(path, &format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Copies a host program and the shared libraries `ldd` names into `root`.
fn copy_program(root: &Path, program: &str) {
    let output = Command::new("ldd").arg(program).output().expect("ldd");
    let mut files = vec![program.to_owned()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let path = match line.split("=>").nth(1) {
            Some(rest) => rest.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        if let Some(path) = path.filter(|p| p.starts_with('/')) {
            files.push(path.to_owned());
        }
    }
    for file in files {
        let to = root.join(file.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &to).unwrap_or_else(|err| panic!("copy {file}: {err}"));
    }
}

/// The jammy arm64 world the server's sessions land in.
fn jammy_world(root: &Path, mirror: &str) {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::copy("/bin/busybox", bin.join("busybox")).expect("busybox-static is installed");
    // sshd runs the login shell of the host's passwd entry (root: bash).
    copy_program(root, "/bin/bash");
    let applets = Command::new("/bin/busybox")
        .arg("--list")
        .output()
        .expect("busybox --list");
    for applet in String::from_utf8_lossy(&applets.stdout).lines() {
        let link = bin.join(applet);
        if !link.exists() {
            std::os::unix::fs::symlink("busybox", link).expect("applet link");
        }
    }
    std::fs::create_dir_all(root.join("usr")).expect("usr");
    let _ = std::os::unix::fs::symlink("../bin", root.join("usr/bin"));
    std::fs::create_dir_all(root.join("dev")).expect("dev");
    let _ = Command::new("mknod")
        .arg(root.join("dev/null"))
        .args(["c", "1", "3"])
        .status();
    let _ = std::fs::set_permissions(
        root.join("dev/null"),
        std::fs::Permissions::from_mode(0o666),
    );
    std::fs::create_dir_all(root.join("root")).expect("home");
    script(&bin.join("uname"), "echo aarch64");
    script(
        &bin.join("getconf"),
        "[ \"$1\" = GNU_LIBC_VERSION ] && echo 'glibc 2.35'",
    );
    script(
        &bin.join("ldd"),
        "echo 'ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35'",
    );
    write(
        &root.join("etc/os-release"),
        "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n\
         VERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n\
         ID_LIKE=debian\nUBUNTU_CODENAME=jammy\n",
    );
    write(
        &root.join("usr/lib/aarch64-linux-gnu/libssl.so.3"),
        "libssl 3.0.2",
    );
    write(
        &root.join("etc/apt/sources.list"),
        "# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n",
    );
    write(
        &root.join("etc/apt/sources.list.d/ubuntu.sources"),
        &format!(
            "Types: deb\nURIs: {mirror}/ubuntu-ports/\nSuites: jammy jammy-updates jammy-security\n\
             Components: main universe\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
        ),
    );
}

#[test]
fn fix_against_a_jammy_arm64_server_writes_config_sysroot_and_mirror() {
    if !gate::slow("fix_against_a_jammy_arm64_server_writes_config_sysroot_and_mirror") {
        return;
    }
    // The winning libc6 carries the host's real arm64 glibc files
    // (libc6:arm64, installed by scripts/install-test-deps.sh for the
    // foreign Rust builds), so a program can be linked against the
    // sysroot and run under qemu.
    let host = |name: &str| {
        let path = Path::new("/usr/lib/aarch64-linux-gnu").join(name);
        std::fs::read(&path).unwrap_or_else(|err| {
            panic!(
                "{}: {err} (run scripts/install-test-deps.sh)",
                path.display()
            )
        })
    };
    let real = RealLibc {
        libc_so: host("libc.so.6"),
        ld_so: host("ld-linux-aarch64.so.1"),
    };
    let archive = UbuntuWorld::with_ports(&ports_suites_linking(Some(&real)), None);
    // sshd's ChrootDirectory: root-owned, not writable by others, all the
    // way up (so not under /tmp).
    let chroot = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("chroot dir");
    std::fs::set_permissions(chroot.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod chroot");
    jammy_world(chroot.path(), &archive.base());
    let sshd = Sshd::start_chrooted(chroot.path());

    let project = archive.scratch.path("app");
    write(
        &project.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&project.join("src/main.rs"), "fn main() {}\n");
    let empty_apt = archive.scratch.path("host-apt");
    std::fs::create_dir_all(&empty_apt).expect("empty apt dir");
    let keyring = archive.scratch.path("archive-key.asc");
    let cache = archive.scratch.path("cache");
    let server = format!("ssh://{}", sshd.authority());
    let mut args = vec![
        "fix".to_owned(),
        "--server".to_owned(),
        server,
        "--only".to_owned(),
        "fetch_sysroot_and_wire".to_owned(),
        "--keyring".to_owned(),
        keyring.display().to_string(),
        "--apply".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    args.extend(sshd.ssh_flags("client_key"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [
        ("CROSSPORT_APT_DIR", empty_apt.to_str().expect("utf-8")),
        ("CROSSPORT_PORTS_MIRROR", ""),
        ("CROSSPORT_CACHE_DIR", cache.to_str().expect("utf-8")),
    ];
    let output = crossport(&project, &args, &env);
    let err = stderr(&output);
    assert!(
        output.status.success(),
        "fix failed: {err}\nsshd: {}",
        std::fs::read_to_string(sshd.path("sshd.log")).unwrap_or_default()
    );
    let report: Value = serde_json::from_str(&stdout(&output)).expect("fix prints JSON");

    // Target and release come from the server.
    assert_eq!(report["target"], "aarch64-unknown-linux-gnu", "{report}");
    assert_eq!(report["release"], "jammy", "{report}");
    let recommendation = &report["server"]["recommendation"];
    let mirror = &recommendation["mirror"];
    assert_eq!(
        mirror["origin"], "/etc/apt/sources.list.d/ubuntu.sources:1",
        "{mirror}"
    );
    assert!(
        mirror["uri"].as_str().is_some_and(
            |uri| uri.trim_end_matches('/') == format!("{}/ubuntu-ports", archive.base())
        ),
        "{mirror}"
    );

    // The mirror is remembered for the project.
    let state = std::fs::read_to_string(project.join("target/crossport/server-mirrors.json"))
        .expect("remembered mirrors");
    let state: Value = serde_json::from_str(&state).expect("state JSON");
    assert_eq!(state["mirrors"][0]["release"], "jammy", "{state}");
    assert_eq!(state["mirrors"][0]["uri"], mirror["uri"], "{state}");
    assert!(
        state["mirrors"][0]["origin"]
            .as_str()
            .is_some_and(|o| o.ends_with("/etc/apt/sources.list.d/ubuntu.sources:1")),
        "{state}"
    );

    // The config wires the target to the fetched sysroot.
    let config = std::fs::read_to_string(project.join(".cargo/config.toml")).expect("config");
    assert!(
        config.contains("[target.aarch64-unknown-linux-gnu]"),
        "{config}"
    );
    assert!(config.contains("jammy"), "{config}");

    // The sysroot came from the ports archive, pockets layered newest-wins.
    let sysroot = project.join("target/crossport/sysroots/aarch64-unknown-linux-gnu-jammy");
    assert!(sysroot.is_dir(), "no jammy sysroot: {err}");
    assert!(
        std::fs::read(sysroot.join("lib/aarch64-linux-gnu/libc.so.6")).expect("libc")
            == real.libc_so,
        "jammy-updates' libc6 wins over jammy's and jammy-security's older one"
    );
    assert!(
        config.contains(&*sysroot.display().to_string())
            || config.contains(sysroot.file_name().expect("name").to_str().expect("utf-8")),
        "{config}"
    );
    let lock = std::fs::read_to_string(project.join("crossport-sysroot.lock")).expect("lock");
    assert!(lock.contains("2.35-0ubuntu3.8"), "{lock}");

    // A C program linked with the sysroot through the configured linker
    // (the wrapper the config names), then inspected for jammy.
    write(
        &project.join("hello.c"),
        "extern int puts(const char *);\nextern void exit(int);\n\
         void _start(void) { puts(\"hello from jammy\"); exit(0); }\n",
    );
    let cc = project.join(".cargo/crossport/aarch64-unknown-linux-gnu-cc");
    let link = Command::new(&cc)
        .current_dir(&project)
        .args(["-nostdlib", "-o", "hello", "hello.c", "-l:libc.so.6"])
        .output()
        .expect("run the configured linker");
    assert!(
        link.status.success(),
        "link failed: {}\n{}",
        String::from_utf8_lossy(&link.stderr),
        std::fs::read_to_string(&cc).unwrap_or_default()
    );
    let hello = project.join("hello");
    let inspect = crossport(
        &project,
        &[
            "inspect",
            hello.to_str().expect("utf-8"),
            "--sysroot",
            sysroot.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        &[],
    );
    let verdict: Value = serde_json::from_str(&stdout(&inspect))
        .unwrap_or_else(|e| panic!("inspect JSON: {e}: {}", stderr(&inspect)));
    assert!(inspect.status.success(), "inspect: {}", stderr(&inspect));
    assert_eq!(verdict["machine"], "aarch64", "{verdict}");
    assert_eq!(verdict["target"]["against"], "jammy", "{verdict}");
    assert_eq!(verdict["target"]["runs"], true, "{verdict}");
    assert_eq!(verdict["glibc_required"], "2.17", "{verdict}");
    assert_eq!(verdict["libraries"][0]["soname"], "libc.so.6", "{verdict}");
    assert_eq!(verdict["libraries"][0]["package"], "libc6", "{verdict}");
    // And it runs, under qemu, on the sysroot's own loader and libc.
    let run = Command::new("qemu-aarch64")
        .arg("-L")
        .arg(&sysroot)
        .arg(&hello)
        .output()
        .expect("qemu-aarch64 (qemu-user is installed)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), "hello from jammy\n");
}
