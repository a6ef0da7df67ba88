//! The trial of issue #15, kept: real projects' native-library shapes (see
//! each fixture's Cargo.toml for the repository and commit), for aarch64
//! against Debian bookworm, doctor → `fix --apply` → `crossport build` →
//! run under the configured qemu runner, with no step by hand.
//!
//! trial-spotifyd (ALSA and D-Bus, 35 crates) goes the whole way here;
//! trial-git-trim (git2 with OpenSSL, libssh2 and zlib) is checked through
//! doctor and explain (the fixes they offer), its build being the slowest
//! part; its full run and trial-countryfetch's (reqwest on a vendored
//! OpenSSL, 230 crates) are recorded in docs/native-libraries.md, to keep
//! CI's time: both trials built here took 9 minutes of wall time on two
//! shared cores.
//!
//! The full run needs CROSSPORT_SLOW=1 (a real build) and CROSSPORT_LIVE=1
//! (the mirror, the crate registry); the git-trim check needs
//! CROSSPORT_LIVE=1 (cargo metadata resolves git2 from the registry).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::fixture::{copy_tree, fixtures_dir};
use super::gate::{self, Gate};

const TARGET: &str = "aarch64-unknown-linux-gnu";
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

struct Project {
    _dir: tempfile::TempDir,
    app: PathBuf,
    cache: PathBuf,
}

impl Project {
    fn copy(fixture: &str) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = dir.path().join("app");
        copy_tree(&fixtures_dir().join("crates").join(fixture), &app);
        let cache = dir.path().join("cache");
        Project {
            _dir: dir,
            app,
            cache,
        }
    }

    fn command(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .current_dir(&self.app)
            .args(args)
            .env("RUSTC", DEBIAN_RUSTC)
            .env("CROSSPORT_CACHE_DIR", &self.cache)
            .env("CARGO_INCREMENTAL", "0")
            .env("NO_COLOR", "1")
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"))
    }

    fn crossport(&self, args: &[&str]) -> Output {
        self.command(env!("CARGO_BIN_EXE_crossport"), args)
    }

    /// doctor's findings as (kind, crate, fix ids).
    fn doctor(&self) -> Vec<(String, String, Vec<String>)> {
        let out = self.crossport(&["doctor", "--target", TARGET, "--format", "json"]);
        let json = json_of("doctor", &out);
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|finding| {
                let fixes = finding["fixes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|fix| fix["id"].as_str().map(str::to_owned))
                    .collect();
                (
                    finding["kind"].as_str().unwrap_or("").to_owned(),
                    finding["facts"]["crate"].as_str().unwrap_or("").to_owned(),
                    fixes,
                )
            })
            .collect()
    }

    /// fix --apply, build, run: what the binary printed.
    fn fix_build_run(&self) -> String {
        let fix = self.crossport(&[
            "fix",
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--apply",
        ]);
        assert_ok("crossport fix --apply", &fix);
        let native: Vec<_> = self
            .doctor()
            .into_iter()
            .filter(|(_, krate, _)| !krate.is_empty())
            .collect();
        assert_eq!(native, Vec::new(), "doctor is all clear after the fix");
        let build = self.crossport(&["build", "--target", TARGET, "--format", "json"]);
        let report = json_of("crossport build", &build);
        assert_eq!(report["success"], true, "{report:#}");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let run = self.command(&cargo, &["run", "-q", "--target", TARGET]);
        assert_ok("cargo run through the runner", &run);
        String::from_utf8_lossy(&run.stdout).into_owned()
    }
}

fn json_of(what: &str, out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{what} JSON: {e}\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ready(name: &str, gates: &[Gate]) -> bool {
    if !gate::open(name, gates) {
        return false;
    }
    assert!(
        Path::new(DEBIAN_RUSTC).exists() && Path::new("/usr/lib/rustlib").join(TARGET).is_dir(),
        "Debian's rustc with the aarch64 std is missing: run scripts/install-test-deps.sh"
    );
    true
}

#[test]
fn a_git_tool_on_git2_is_never_offered_rustls() {
    let name = "a_git_tool_on_git2_is_never_offered_rustls";
    if !ready(name, &[Gate::Live]) {
        return;
    }
    let project = Project::copy("trial-git-trim");
    let findings = project.doctor();
    let openssl = findings
        .iter()
        .find(|(_, krate, _)| krate == "openssl-sys")
        .unwrap_or_else(|| panic!("doctor names openssl-sys: {findings:#?}"));
    assert!(
        !openssl.2.iter().any(|id| id == "use_rustls"),
        "{findings:#?}"
    );

    // A real openssl-sys failure explained in this project: the log alone
    // would offer use_rustls; the project's planner refuses it (git2 has
    // no rustls switch), so it is not shown.
    let log = fixtures_dir().join("logs/openssl_not_found--aarch64-openssl-sys-0.9.118.log");
    let out = project.crossport(&[
        "explain",
        "--target",
        TARGET,
        "--release",
        "bookworm",
        "--format",
        "json",
        log.to_str().expect("utf-8 path"),
    ]);
    let json = json_of("explain", &out);
    let finding = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "openssl_not_found")
        .unwrap_or_else(|| panic!("{json:#}"));
    let ids: Vec<&str> = finding["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .filter_map(|fix| fix["id"].as_str())
        .collect();
    assert!(!ids.contains(&"use_rustls"), "{ids:?}");
    assert!(ids.contains(&"use_vendored_openssl"), "{ids:?}");
    let refused = finding["facts"]["fixes_refused"].to_string();
    assert!(
        refused.contains("use_rustls") && refused.contains("git2"),
        "{refused}"
    );
}

#[test]
fn a_raspberry_pi_daemon_on_alsa_and_dbus_builds_and_runs() {
    let name = "a_raspberry_pi_daemon_on_alsa_and_dbus_builds_and_runs";
    if !ready(name, &[Gate::Slow, Gate::Live]) {
        return;
    }
    let project = Project::copy("trial-spotifyd");
    let mut named: Vec<String> = project
        .doctor()
        .into_iter()
        .map(|(_, krate, _)| krate)
        .filter(|krate| !krate.is_empty())
        .collect();
    named.sort();
    assert_eq!(named, ["alsa-sys", "libdbus-sys"]);
    let printed = project.fix_build_run();
    for wanted in ["alsa=ok", "dbus=ok member=PlayPause", "crossroads=ok"] {
        assert!(printed.contains(wanted), "{wanted} not in {printed:?}");
    }
}
