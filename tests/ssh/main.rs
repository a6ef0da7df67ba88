//! Black-box tests of `crossport probe` and `crossport deploy` against a real
//! OpenSSH server started on loopback (gated by CROSSPORT_SLOW=1, which CI
//! sets). Destination validation needs no server and always runs.

#[path = "../common/gate.rs"]
mod gate;
mod jammy;
#[path = "../common/schema.rs"]
mod schema;
mod sshd;
// The signed Ubuntu-layout archive builder and loopback HTTP server of the
// sysroot tests, shared rather than copied.
#[allow(dead_code)]
#[path = "../sysroot/support/mod.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use serde_json::Value;
use sshd::Sshd;

fn crossport(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossport"))
        .args(args)
        .output()
        .expect("crossport runs")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| arg.to_string()).collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn local(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .expect("local command");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// libssl sonames in this machine's standard library directories.
fn local_libssl_sonames() -> Vec<String> {
    let mut dirs = vec![
        "/lib".to_owned(),
        "/usr/lib".to_owned(),
        "/lib64".to_owned(),
        "/usr/lib64".to_owned(),
    ];
    for parent in ["/lib", "/usr/lib"] {
        if let Ok(entries) = std::fs::read_dir(parent) {
            for entry in entries.flatten() {
                if entry.path().is_dir() {
                    dirs.push(entry.path().display().to_string());
                }
            }
        }
    }
    let mut names: Vec<String> = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|entry| entry.path().exists())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| name.starts_with("libssl.so."))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn probe_reports_this_machines_real_facts() {
    if !gate::slow("probe_reports_this_machines_real_facts") {
        return;
    }
    let sshd = Sshd::start();
    let mut args = strings(&[
        "probe",
        &format!("ssh://{}", sshd.authority()),
        "--format",
        "json",
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert!(output.status.success(), "probe failed: {}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("probe prints JSON");
    schema::assert_valid("probe", &report);
    let server = &report["server"];
    assert_eq!(server["uname_machine"], local("uname", &["-m"]));
    let os_release = std::fs::read_to_string("/etc/os-release").expect("os-release");
    for line in os_release.lines() {
        if let Some((key, value)) = line.split_once('=') {
            assert_eq!(server["os_release"][key], value.trim_matches('"'), "{key}");
        }
    }
    let glibc = local("getconf", &["GNU_LIBC_VERSION"]);
    assert_eq!(
        Some(server["glibc"].as_str().expect("glibc")),
        glibc.split_whitespace().last()
    );
    let sonames: Vec<String> = server["libssl_sonames"]
        .as_array()
        .expect("sonames")
        .iter()
        .map(|name| name.as_str().expect("string").to_owned())
        .collect();
    assert_eq!(sonames, local_libssl_sonames());
    let recommendation = &report["recommendation"];
    if local("uname", &["-m"]) == "x86_64" {
        assert_eq!(recommendation["target"], "x86_64-unknown-linux-gnu");
    }
    let codename = os_release
        .lines()
        .find_map(|line| line.strip_prefix("VERSION_CODENAME="))
        .expect("codename");
    assert_eq!(recommendation["release"], codename);
    let command = recommendation["sysroot_command"].as_str().expect("command");
    assert!(
        command.starts_with("crossport sysroot fetch --target "),
        "{command}"
    );
    assert!(
        command.contains(&format!("--release {codename}")),
        "{command}"
    );
}

#[test]
fn fix_takes_target_release_and_mirror_from_the_server() {
    if !gate::slow("fix_takes_target_release_and_mirror_from_the_server") {
        return;
    }
    let sshd = Sshd::start();
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("manifest");
    std::fs::create_dir(project.path().join("src")).expect("src");
    std::fs::write(project.path().join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let manifest = project.path().join("Cargo.toml");
    let mut args = strings(&[
        "fix",
        "--manifest-path",
        manifest.to_str().expect("utf-8"),
        "--server",
        &format!("ssh://{}", sshd.authority()),
        "--format",
        "json",
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert!(output.status.success(), "fix failed: {}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("fix prints JSON");
    schema::assert_valid("fix", &report);
    // This machine is the server: its release (os-release) and its
    // architecture decide, not the defaults.
    let os_release = std::fs::read_to_string("/etc/os-release").expect("os-release");
    let codename = os_release
        .lines()
        .find_map(|line| line.strip_prefix("VERSION_CODENAME="))
        .expect("VERSION_CODENAME");
    assert_eq!(report["release"], codename.trim_matches('"'));
    let machine = local("uname", &["-m"]);
    assert!(
        report["target"]
            .as_str()
            .is_some_and(|t| t.starts_with(&format!("{machine}-"))),
        "{}",
        report["target"]
    );
    let recommendation = &report["server"]["recommendation"];
    assert_eq!(recommendation["release"], report["release"]);
    // The mirror comes from the server's own apt sources.
    let mirror = &recommendation["mirror"];
    assert!(
        mirror["origin"]
            .as_str()
            .is_some_and(|o| o.starts_with("/etc/apt/")),
        "{mirror}"
    );
    assert!(stderr(&output).contains("mirror "), "{}", stderr(&output));
    assert!(!project.path().join(".cargo").exists(), "a dry run wrote");
    assert!(
        !project.path().join("target/crossport").exists(),
        "a dry run wrote"
    );
    // Applied, the server's mirror is remembered for the project.
    args.extend(strings(&["--apply", "--edits-only"]));
    let output = crossport(&args);
    assert!(
        output.status.success(),
        "fix --apply failed: {}",
        stderr(&output)
    );
    let state =
        std::fs::read_to_string(project.path().join("target/crossport/server-mirrors.json"))
            .expect("remembered mirrors");
    let state: Value = serde_json::from_str(&state).expect("state JSON");
    assert_eq!(state["mirrors"][0]["release"], report["release"]);
    assert_eq!(state["mirrors"][0]["uri"], mirror["uri"]);
}

#[test]
fn ssh_deploy_renames_atomically_and_runs_the_restart_command() {
    if !gate::slow("ssh_deploy_renames_atomically_and_runs_the_restart_command") {
        return;
    }
    let sshd = Sshd::start();
    let deploy_dir = sshd.path("srv");
    std::fs::create_dir(&deploy_dir).expect("deploy dir");
    let destination = deploy_dir.join("app");
    std::fs::write(&destination, b"old version").expect("old file");
    // A second name for the old file: an in-place overwrite would change
    // it, an atomic rename leaves it alone.
    let old_link = sshd.path("old-app");
    std::fs::hard_link(&destination, &old_link).expect("hard link");
    let marker = sshd.path("restarted");
    let mut args = strings(&[
        "deploy",
        "/bin/ls",
        "--to",
        &format!("ssh://{}{}", sshd.authority(), destination.display()),
        "--restart",
        &format!("echo restarted > {}", marker.display()),
        "--format",
        "json",
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert!(
        output.status.success(),
        "deploy failed: {}",
        stderr(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("deploy prints JSON");
    schema::assert_valid("deploy", &report);
    let size = std::fs::metadata("/bin/ls").expect("ls").len();
    assert_eq!(report["deployed"]["bytes"], size, "{report:#}");
    assert_eq!(
        std::fs::read(&destination).expect("deployed"),
        std::fs::read("/bin/ls").expect("ls")
    );
    let mode = std::fs::metadata(&destination)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    assert_eq!(std::fs::read(&old_link).expect("old link"), b"old version");
    assert_eq!(
        std::fs::read_to_string(&marker).expect("marker"),
        "restarted\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&deploy_dir)
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("app")]);
}

#[test]
fn a_symlink_planted_at_the_old_upload_name_does_not_redirect_the_upload() {
    if !gate::slow("a_symlink_planted_at_the_old_upload_name_does_not_redirect_the_upload") {
        return;
    }
    let sshd = Sshd::start();
    let deploy_dir = sshd.path("srv");
    std::fs::create_dir(&deploy_dir).expect("deploy dir");
    let destination = deploy_dir.join("app");
    let victim = sshd.path("victim");
    // The upload's temp name used to be "$dest.crossport-upload.$$": the
    // remote shell's PID, one of the next few thousand this machine hands
    // out. Someone who can write to the directory plants a symlink at each.
    let last_pid: u64 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(1);
    let mut planted = 0;
    for pid in last_pid + 1..last_pid + 4000 {
        let name = deploy_dir.join(format!("app.crossport-upload.{pid}"));
        std::os::unix::fs::symlink(&victim, &name).expect("plant symlink");
        planted += 1;
    }
    let mut args = strings(&[
        "deploy",
        "/bin/ls",
        "--to",
        &format!("ssh://{}{}", sshd.authority(), destination.display()),
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert!(
        output.status.success(),
        "deploy failed: {}",
        stderr(&output)
    );
    assert!(
        !victim.exists(),
        "the upload was written through a planted symlink"
    );
    let metadata = std::fs::symlink_metadata(&destination).expect("deployed");
    assert!(
        metadata.file_type().is_file(),
        "the destination is a {:?}, not the uploaded file",
        metadata.file_type()
    );
    assert_eq!(
        std::fs::read(&destination).expect("deployed"),
        std::fs::read("/bin/ls").expect("ls")
    );
    // The planted links are left alone; nothing else is left behind.
    let links = std::fs::read_dir(&deploy_dir)
        .expect("list")
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_symlink()))
        .count();
    assert_eq!(links, planted);
    let others: Vec<_> = std::fs::read_dir(&deploy_dir)
        .expect("list")
        .flatten()
        .filter(|entry| !entry.file_type().is_ok_and(|t| t.is_symlink()))
        .map(|entry| entry.file_name())
        .collect();
    assert_eq!(others, vec![std::ffi::OsString::from("app")]);
}

#[test]
fn dokku_receives_the_archive_on_stdin() {
    if !gate::slow("dokku_receives_the_archive_on_stdin") {
        return;
    }
    let sshd = Sshd::start();
    let received = sshd.path("dokku-app");
    let argv = sshd.path("dokku-argv");
    let dokku = sshd.path("bin/dokku");
    std::fs::write(
        &dokku,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {argv}\nmkdir -p {received}\n\
             tar -x -C {received} -f -\necho '-----> Building web-app from Dockerfile'\n",
            argv = argv.display(),
            received = received.display()
        ),
    )
    .expect("dokku script");
    std::fs::set_permissions(&dokku, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut args = strings(&[
        "deploy",
        "/bin/ls",
        "--to",
        &format!("dokku://{}/web-app", sshd.authority()),
        "--release",
        "bookworm",
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert!(
        output.status.success(),
        "deploy failed: {}",
        stderr(&output)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Building web-app"));
    assert_eq!(
        std::fs::read_to_string(&argv).expect("argv recorded"),
        "git:from-archive\nweb-app\n--\n"
    );
    let dockerfile = std::fs::read_to_string(received.join("Dockerfile")).expect("Dockerfile");
    assert!(
        dockerfile.contains("FROM debian:bookworm-slim"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("USER app"), "{dockerfile}");
    assert!(
        dockerfile.contains("COPY ls /usr/local/bin/ls"),
        "{dockerfile}"
    );
    assert_eq!(
        std::fs::read(received.join("ls")).expect("binary"),
        std::fs::read("/bin/ls").expect("ls")
    );
    let mode = std::fs::metadata(received.join("ls"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
}

#[test]
fn a_binary_for_another_machine_is_refused_unless_forced() {
    if !gate::slow("a_binary_for_another_machine_is_refused_unless_forced") {
        return;
    }
    let sshd = Sshd::start();
    let source = sshd.path("bare.c");
    std::fs::write(&source, "void _start(void) { for (;;) {} }\n").expect("source");
    let binary = sshd.path("bare-aarch64");
    let status = Command::new("clang")
        .args([
            "--target=aarch64-linux-gnu",
            "-nostdlib",
            "-static",
            "-fuse-ld=lld",
            "-o",
        ])
        .arg(&binary)
        .arg(&source)
        .status()
        .expect("clang runs");
    assert!(status.success());
    let destination = sshd.path("foreign");
    let mut args = strings(&[
        "deploy",
        binary.to_str().expect("utf-8"),
        "--to",
        &format!("ssh://{}{}", sshd.authority(), destination.display()),
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("would not run"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("the binary is for aarch64"),
        "{}",
        stderr(&output)
    );
    assert!(!destination.exists());
    args.push("--force".into());
    let output = crossport(&args);
    assert!(
        output.status.success(),
        "forced deploy failed: {}",
        stderr(&output)
    );
    assert!(destination.exists());
}

#[test]
fn a_refused_key_is_a_clear_error() {
    if !gate::slow("a_refused_key_is_a_clear_error") {
        return;
    }
    let sshd = Sshd::start();
    let mut args = strings(&["probe", &format!("ssh://{}", sshd.authority())]);
    args.extend(sshd.ssh_flags("other_key"));
    let output = crossport(&args);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("refused the key"), "{text}");
    assert!(text.contains("Permission denied"), "{text}");
}

#[test]
fn an_unreachable_host_is_a_clear_error() {
    if !gate::slow("an_unreachable_host_is_a_clear_error") {
        return;
    }
    let port = sshd::free_port();
    let args = strings(&[
        "probe",
        &format!("ssh://nobody@127.0.0.1:{port}"),
        "--ssh-config",
        "/dev/null",
        "-o",
        "UserKnownHostsFile=/dev/null",
    ]);
    let output = crossport(&args);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("cannot reach nobody@127.0.0.1"), "{text}");
    assert!(text.contains("Connection refused"), "{text}");
}

#[test]
fn hostile_destinations_are_refused_before_ssh_runs() {
    let marker = tempfile::tempdir().expect("temp dir");
    let pwned = marker.path().join("pwned");
    for url in [
        format!("ssh://root@127.0.0.1/tmp/x;touch {}", pwned.display()),
        format!("ssh://root@127.0.0.1/tmp/$(touch {})", pwned.display()),
        "ssh://-oProxyCommand=touch/x".to_owned(),
        "dokku://host/app;id".to_owned(),
    ] {
        let output = crossport(&strings(&["deploy", "/bin/ls", "--to", &url]));
        assert_eq!(output.status.code(), Some(2), "{url}: {}", stderr(&output));
        assert!(stderr(&output).contains("invalid destination"), "{url}");
    }
    let output = crossport(&strings(&["probe", "ssh://-oProxyCommand=x"]));
    assert_eq!(output.status.code(), Some(2));
    let output = crossport(&strings(&["probe", "ssh://h", "-o", "-oProxyCommand"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(!pwned.exists());
}

#[test]
fn dockerfile_is_written_for_the_newest_release_the_binary_runs_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("Dockerfile");
    let output = crossport(&strings(&[
        "deploy",
        "/bin/ls",
        "--dockerfile",
        path.to_str().expect("utf-8"),
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&path).expect("Dockerfile written");
    assert!(text.contains("FROM debian:trixie-slim"), "{text}");
    assert!(text.contains("USER app"), "{text}");
    // bullseye's glibc is too old for this machine's ls: refused.
    let output = crossport(&strings(&[
        "deploy",
        "/bin/ls",
        "--release",
        "bullseye",
        "--dockerfile",
        path.to_str().expect("utf-8"),
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("would not run on bullseye"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn dockerfile_installs_the_packages_the_sysroot_manifest_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sysroot = dir.path().join("sysroot");
    let lib_dir = sysroot.join("usr/lib/x86_64-linux-gnu");
    std::fs::create_dir_all(&lib_dir).expect("lib dir");
    std::fs::create_dir_all(sysroot.join(".crossport")).expect("manifest dir");
    let ls = std::fs::read("/bin/ls").expect("ls");
    let needed = if String::from_utf8_lossy(&ls).contains("libselinux.so.1") {
        "libselinux.so.1"
    } else {
        "libc.so.6"
    };
    std::fs::write(lib_dir.join(needed), b"stand-in").expect("library");
    std::fs::write(
        sysroot.join(".crossport/manifest.json"),
        format!(
            r#"{{"target":"x86_64-unknown-linux-gnu","release":"trixie","arch":"amd64","packages":[],
                "files":{{"usr/lib/x86_64-linux-gnu/{needed}":"crossport-test-runtime"}}}}"#
        ),
    )
    .expect("manifest");
    let path = dir.path().join("Dockerfile");
    let output = crossport(&strings(&[
        "deploy",
        "/bin/ls",
        "--sysroot",
        sysroot.to_str().expect("utf-8"),
        "--dockerfile",
        path.to_str().expect("utf-8"),
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&path).expect("Dockerfile written");
    assert!(text.contains("FROM debian:trixie-slim"), "{text}");
    assert!(
        text.contains("apt-get install -y --no-install-recommends crossport-test-runtime"),
        "{text}"
    );
}

#[test]
fn an_upload_into_a_missing_directory_fails_clearly_and_leaves_nothing() {
    if !gate::slow("an_upload_into_a_missing_directory_fails_clearly_and_leaves_nothing") {
        return;
    }
    let sshd = Sshd::start();
    let destination = sshd.path("missing/app");
    let mut args = strings(&[
        "deploy",
        "/bin/ls",
        "--to",
        &format!("ssh://{}{}", sshd.authority(), destination.display()),
        "--restart",
        &format!("touch {}", sshd.path("restarted").display()),
    ]);
    args.extend(sshd.ssh_flags("client_key"));
    let output = crossport(&args);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("upload on"), "{text}");
    assert!(text.contains("No such file or directory"), "{text}");
    assert!(!sshd.path("missing").exists());
    assert!(
        !sshd.path("restarted").exists(),
        "restart ran after a failed upload"
    );
}
