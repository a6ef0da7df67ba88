//! The long tail of native libraries, for real: a fixture whose graph has
//! alsa-sys, libudev-sys, libdbus-sys and a path crate that links libFLAC
//! with `#[link]`, for aarch64 against Debian bookworm.
//!
//! doctor names all four with their Debian packages; one `fix --apply`
//! fetches them from the host's mirror; rustup's cargo with Debian's
//! aarch64 std (`RUSTC=/usr/bin/rustc`, see
//! ../shared/recipes/real-foreign-rust-builds.md) builds the crate and the
//! binary runs under the configured qemu runner; doctor is then all clear;
//! a package added by hand survives the next `fix --apply`; and doctor is
//! no longer all clear once a library is taken out of the sysroot.
//!
//! Needs CROSSPORT_SLOW=1 (a real build) and CROSSPORT_LIVE=1 (the mirror).

#[path = "../common/fixture.rs"]
mod fixture;
#[path = "../common/gate.rs"]
mod gate;
#[allow(dead_code)]
#[path = "../sysroot/support/mod.rs"]
mod support;

mod contents;
mod trial;

use fixture::{copy_tree, fixtures_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gate::Gate;

const TARGET: &str = "aarch64-unknown-linux-gnu";
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

fn fixture() -> PathBuf {
    fixtures_dir().join("crates/native-home")
}

struct Scratch {
    _dir: tempfile::TempDir,
    app: PathBuf,
    cache: PathBuf,
    xdg: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = dir.path().join("app");
        copy_tree(&fixture(), &app);
        let cache = dir.path().join("cache");
        let xdg = dir.path().join("xdg");
        Scratch {
            app,
            cache,
            xdg,
            _dir: dir,
        }
    }

    fn env(&self, command: &mut Command) {
        command
            .current_dir(&self.app)
            .env("RUSTC", DEBIAN_RUSTC)
            .env("CROSSPORT_CACHE_DIR", &self.cache)
            .env("XDG_CACHE_HOME", &self.xdg)
            .env("CARGO_INCREMENTAL", "0")
            .env("NO_COLOR", "1");
    }

    fn crossport(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
        self.env(&mut command);
        command.args(args).output().expect("run crossport")
    }

    fn cargo(&self, args: &[&str]) -> Output {
        // rustup's cargo (first on PATH), never Debian's /usr/bin/cargo.
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        self.env(&mut command);
        command.args(args).output().expect("run cargo")
    }

    /// `doctor --format json`: (crate, debian_package, message) of every
    /// native finding.
    fn native_findings(&self) -> Vec<(String, String, String)> {
        let out = self.crossport(&["doctor", "--target", TARGET, "--format", "json"]);
        let text = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("doctor JSON: {e}\n{text}\n{}", text_of(&out.stderr)));
        let mut found: Vec<(String, String, String)> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|finding| {
                let facts = &finding["facts"];
                Some((
                    facts["crate"].as_str()?.to_owned(),
                    facts["debian_package"].as_str().unwrap_or("").to_owned(),
                    finding["message"].as_str().unwrap_or("").to_owned(),
                ))
            })
            .collect();
        found.sort();
        found
    }
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        text_of(&out.stdout),
        text_of(&out.stderr)
    );
}

#[test]
fn alsa_udev_dbus_and_a_link_attribute_go_from_doctor_to_a_running_aarch64_binary() {
    let name = "alsa_udev_dbus_and_a_link_attribute_go_from_doctor_to_a_running_aarch64_binary";
    if !gate::open(name, &[Gate::Slow, Gate::Live]) {
        return;
    }
    assert!(
        Path::new(DEBIAN_RUSTC).exists() && Path::new("/usr/lib/rustlib").join(TARGET).is_dir(),
        "Debian's rustc with the aarch64 std is missing: run scripts/install-test-deps.sh"
    );
    let scratch = Scratch::new();

    let before = scratch.native_findings();
    let named: Vec<(&str, &str)> = before
        .iter()
        .map(|(krate, package, _)| (krate.as_str(), package.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            ("alsa-sys", "libasound2-dev"),
            ("flac-link", "libflac-dev"),
            ("libdbus-sys", "libdbus-1-dev"),
            ("libudev-sys", "libudev-dev"),
        ],
        "{before:#?}"
    );

    let fix = scratch.crossport(&[
        "fix",
        "--target",
        TARGET,
        "--release",
        "bookworm",
        "--apply",
    ]);
    assert_ok("crossport fix --apply", &fix);
    let lock = std::fs::read_to_string(scratch.app.join("crossport-sysroot.lock"))
        .expect("fix writes crossport-sysroot.lock");
    for package in [
        "libasound2-dev",
        "libudev-dev",
        "libdbus-1-dev",
        "libflac-dev",
    ] {
        assert!(
            lock.contains(&format!("\"{package}\"")),
            "{package} not in the lock:\n{lock}"
        );
    }
    assert_eq!(
        scratch.native_findings(),
        Vec::new(),
        "all clear after the fix"
    );

    let build = scratch.cargo(&["build", "--target", TARGET]);
    assert_ok("cargo build --target", &build);
    let run = scratch.cargo(&["run", "-q", "--target", TARGET]);
    assert_ok("cargo run through the runner", &run);
    let printed = text_of(&run.stdout);
    for wanted in ["alsa=1.", "udev=ok", "dbus=ok", "flac=1."] {
        assert!(printed.contains(wanted), "{wanted} not in {printed:?}");
    }

    // A package added by hand stays: re-running fix syncs from the lock
    // and neither the lock nor the sysroot loses it.
    let sysroot = only_sysroot(&scratch.app);
    let sysroot_arg = sysroot.display().to_string();
    let added = scratch.crossport(&[
        "sysroot",
        "add",
        "--target",
        TARGET,
        "--release",
        "bookworm",
        "--dir",
        &sysroot_arg,
        "libpcap-dev",
    ]);
    assert_ok("crossport sysroot add libpcap-dev", &added);
    let again = scratch.crossport(&[
        "fix",
        "--target",
        TARGET,
        "--release",
        "bookworm",
        "--apply",
    ]);
    assert_ok("crossport fix --apply after a package was added", &again);
    let lock = std::fs::read_to_string(scratch.app.join("crossport-sysroot.lock")).expect("lock");
    for package in [
        "libpcap-dev",
        "libasound2-dev",
        "libudev-dev",
        "libdbus-1-dev",
        "libflac-dev",
    ] {
        assert!(
            lock.contains(&format!("\"{package}\"")),
            "{package} left the lock:\n{lock}"
        );
    }
    assert!(
        sysroot
            .join("usr/lib/aarch64-linux-gnu/libpcap.so")
            .exists(),
        "libpcap.so left the sysroot"
    );

    // Take libudev out of the sysroot: the wiring alone must not pass.
    let libdir = sysroot.join("usr/lib/aarch64-linux-gnu");
    for entry in std::fs::read_dir(&libdir).expect("libdir").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with("libudev.so") {
            std::fs::remove_file(entry.path()).expect("rm");
        }
    }
    std::fs::remove_file(libdir.join("pkgconfig/libudev.pc")).expect("libudev.pc in the sysroot");
    let after = scratch.native_findings();
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(after[0].0, "libudev-sys");
    assert!(after[0].2.contains("add libudev-dev"), "{}", after[0].2);
}

/// The one sysroot fix put under target/crossport/sysroots.
fn only_sysroot(app: &Path) -> PathBuf {
    let dir = app.join("target/crossport/sysroots");
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("usr/lib").is_dir())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}
