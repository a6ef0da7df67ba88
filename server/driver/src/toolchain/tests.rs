use super::*;
use crate::host::find_program;

/// A stand-in rustc (a real program cargo could run): answers `-vV` and
/// `--print sysroot` for a sysroot holding one foreign target's std.
struct FakeToolchain {
    dir: tempfile::TempDir,
}

impl FakeToolchain {
    fn new(name: &str, target: &str) -> FakeToolchain {
        let dir = tempfile::tempdir().expect("temp dir");
        let sysroot = dir.path().join(format!("{name}-sysroot"));
        let lib = sysroot.join("lib/rustlib").join(target).join("lib");
        std::fs::create_dir_all(&lib).expect("mkdir");
        std::fs::write(lib.join("libstd-0123.rlib"), b"!<arch>\n").expect("write");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let script = format!(
            "#!/bin/sh\ncase \"$*\" in\n  -vV) printf 'rustc 9.9.9-{name}\\nhost: x86_64-unknown-linux-gnu\\n' ;;\n  '--print sysroot') echo '{}' ;;\n  *) exit 1 ;;\nesac\n",
            sysroot.display()
        );
        let rustc = bin.join(name);
        std::fs::write(&rustc, script).expect("write");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rustc, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        FakeToolchain { dir }
    }

    fn rustc(&self, name: &str) -> String {
        self.dir.path().join("bin").join(name).display().to_string()
    }
}

fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".cargo")).expect("mkdir");
    std::fs::write(dir.path().join(".cargo/config.toml"), config).expect("write");
    dir
}

/// An overlay that hides the variables of the environment the tests run in.
fn clean_env() -> EnvOverlay {
    let mut env = EnvOverlay::new();
    env.unset("RUSTC").unset("CARGO_BUILD_RUSTC");
    env
}

#[test]
fn rustc_then_cargo_build_rustc_then_build_rustc_in_config() {
    let fake = FakeToolchain::new("fake-rustc", "riscv64gc-unknown-linux-gnu");
    let other = FakeToolchain::new("other-rustc", "aarch64-unknown-linux-gnu");
    // A relative build.rustc resolves against the directory holding .cargo/.
    let dir = project("[build]\nrustc = \"tools/rustc\"\n");
    std::fs::create_dir(dir.path().join("tools")).expect("mkdir");
    std::fs::copy(fake.rustc("fake-rustc"), dir.path().join("tools/rustc")).expect("copy");
    let configs = crate::config::discover(dir.path()).expect("config");

    let facts = rust_toolchain(dir.path(), &configs, &clean_env()).expect("rustc runs");
    assert_eq!(
        facts.toolchain.chosen_by,
        ToolchainSource::Config {
            path: dir.path().join(".cargo/config.toml").display().to_string()
        }
    );
    assert_eq!(facts.toolchain.version, "rustc 9.9.9-fake-rustc");
    assert_eq!(facts.installed_targets, ["riscv64gc-unknown-linux-gnu"]);
    assert_eq!(facts.host_triple, "x86_64-unknown-linux-gnu");
    assert_eq!(facts.toolchain.kind, ToolchainKind::Other);

    let mut env = clean_env();
    env.set("CARGO_BUILD_RUSTC", other.rustc("other-rustc"));
    let facts = rust_toolchain(dir.path(), &configs, &env).expect("rustc runs");
    assert_eq!(
        facts.toolchain.chosen_by,
        ToolchainSource::Env {
            var: "CARGO_BUILD_RUSTC".into()
        }
    );
    assert_eq!(facts.installed_targets, ["aarch64-unknown-linux-gnu"]);

    env.set("RUSTC", fake.rustc("fake-rustc"));
    let facts = rust_toolchain(dir.path(), &configs, &env).expect("rustc runs");
    assert_eq!(
        facts.toolchain.chosen_by,
        ToolchainSource::Env {
            var: "RUSTC".into()
        }
    );
    assert_eq!(facts.toolchain.rustc, fake.rustc("fake-rustc"));
    assert_eq!(facts.installed_targets, ["riscv64gc-unknown-linux-gnu"]);
}

#[test]
fn a_rustc_that_cannot_run_is_named_in_the_error() {
    let dir = project("");
    let configs = crate::config::discover(dir.path()).expect("config");
    let mut env = clean_env();
    env.set("RUSTC", "/nonexistent/crossport-rustc");
    let err = rust_toolchain(dir.path(), &configs, &env).expect_err("no such rustc");
    assert!(
        err.to_string().contains("/nonexistent/crossport-rustc"),
        "{err}"
    );
}

#[test]
fn rustups_proxy_reports_what_picked_its_toolchain() {
    if find_program("rustup").is_none() {
        eprintln!("skipped: rustups_proxy_reports_what_picked_its_toolchain (no rustup)");
        return;
    }
    // This repository pins its toolchain in rust-toolchain.toml.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let configs = crate::config::discover(&repo).expect("config");
    let mut env = clean_env();
    env.unset("RUSTUP_TOOLCHAIN");
    let facts = rust_toolchain(&repo, &configs, &env).expect("rustc runs");
    assert_eq!(facts.toolchain.kind, ToolchainKind::Rustup);
    let ToolchainSource::ToolchainFile { path } = &facts.toolchain.chosen_by else {
        panic!("{:?}", facts.toolchain);
    };
    assert!(path.ends_with("rust-toolchain.toml"), "{path}");

    env.set("RUSTUP_TOOLCHAIN", "stable");
    let facts = rust_toolchain(&repo, &configs, &env).expect("rustc runs");
    assert_eq!(
        facts.toolchain.chosen_by,
        ToolchainSource::RustupEnv {
            toolchain: "stable".into()
        }
    );
    assert!(facts.installed_targets.contains(&facts.host_triple));
}

#[test]
fn debians_rustc_has_its_std_packaged_per_architecture() {
    let rustc = "/usr/bin/rustc";
    if !Path::new(rustc).is_file() || find_program("dpkg-query").is_none() {
        eprintln!("skipped: debians_rustc_has_its_std_packaged_per_architecture (no {rustc})");
        return;
    }
    let dir = project("");
    let configs = crate::config::discover(dir.path()).expect("config");
    let mut env = clean_env();
    env.set("RUSTC", rustc);
    let facts = rust_toolchain(dir.path(), &configs, &env).expect("rustc runs");
    assert_eq!(facts.toolchain.sysroot, "/usr");
    let ToolchainKind::Debian { std_package } = &facts.toolchain.kind else {
        panic!("{:?}", facts.toolchain);
    };
    assert!(std_package.starts_with("libstd-rust"), "{std_package}");
    assert!(facts.installed_targets.contains(&facts.host_triple));
    assert_eq!(
        facts
            .toolchain
            .std_install_command("powerpc64le-unknown-linux-gnu"),
        Some(format!("apt-get install {std_package}:ppc64el"))
    );
}

#[test]
fn dpkg_owner_lines() {
    assert_eq!(
        parse_dpkg_owner("rustc-web: /usr/bin/rustc\n").as_deref(),
        Some("rustc-web")
    );
    assert_eq!(
        parse_dpkg_owner(
            "libstd-rust-web-dev:arm64, libstd-rust-web-dev:armhf: /usr/lib/rustlib\n"
        )
        .as_deref(),
        Some("libstd-rust-web-dev")
    );
    assert_eq!(parse_dpkg_owner(""), None);
    assert_eq!(parse_dpkg_owner("dpkg-query: no path found"), None);
}

#[test]
fn the_overlay_sets_and_unsets_for_programs_run() {
    let mut env = EnvOverlay::from_vars([("CROSSPORT_OVERLAY_TEST", "yes")]);
    env.unset("HOME");
    assert_eq!(env.var("CROSSPORT_OVERLAY_TEST").as_deref(), Some("yes"));
    assert_eq!(env.var("HOME"), None);
    let mut command = Command::new("sh");
    command.args(["-c", "echo \"$CROSSPORT_OVERLAY_TEST:${HOME-unset}\""]);
    env.apply(&mut command);
    let output = command.output().expect("sh runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "yes:unset");
}
