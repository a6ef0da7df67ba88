//! crossport through a real apt-cacher-ng, the caching proxy a team shares
//! (docs/team-cache.md). The proxy runs as a foreground process of the test
//! with a private config, cache and log directory on a loopback port, and
//! remaps a path prefix to the test's signed loopback repository (the same
//! one tests/sysroot builds). Gated by CROSSPORT_SLOW=1.

#[path = "../common/gate.rs"]
mod gate;
#[allow(dead_code)]
#[path = "../sysroot/support/mod.rs"]
mod support;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::keys::archive_key;
use support::repo::{Publish, Scratch, publish};
use support::server::Server;
use support::{crossport, standard_debs, stderr, stdout};

const TARGET: &str = "aarch64-unknown-linux-gnu";
const ACNG: &str = "/usr/sbin/apt-cacher-ng";

/// A running apt-cacher-ng; killed when dropped.
struct Cacher {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Cacher {
    /// Starts apt-cacher-ng in the foreground with everything under `dir`,
    /// serving `/crossport/…` from `backend`.
    fn start(dir: &Path, backend: &str) -> Self {
        let port = free_port();
        for sub in ["conf", "cache", "log", "run"] {
            std::fs::create_dir_all(dir.join(sub)).expect("cacher dirs");
        }
        let config = format!(
            "CacheDir: {cache}\n\
             LogDir: {log}\n\
             SupportDir: /usr/lib/apt-cacher-ng\n\
             Port: {port}\n\
             BindAddress: 127.0.0.1\n\
             SocketPath: {run}/socket\n\
             PidFile: {run}/pid\n\
             ForeGround: 1\n\
             VerboseLog: 1\n\
             Debug: 5\n\
             UnbufferLogs: 1\n\
             ReportPage: acng-report.html\n\
             Remap-crossport: /crossport ; {backend}\n",
            cache = dir.join("cache").display(),
            log = dir.join("log").display(),
            run = dir.join("run").display(),
        );
        std::fs::write(dir.join("conf/acng.conf"), config).expect("acng.conf");
        let child = Command::new(ACNG)
            .arg("-c")
            .arg(dir.join("conf"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("stdout.txt")).expect("stdout file"))
            .stderr(std::fs::File::create(dir.join("stderr.txt")).expect("stderr file"))
            .spawn()
            .expect("start apt-cacher-ng");
        let mut cacher = Self {
            child,
            port,
            dir: dir.to_owned(),
        };
        cacher.wait_until_listening();
        cacher
    }

    fn wait_until_listening(&mut self) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("apt-cacher-ng exited ({status}): {}", self.output());
            }
            // Not a timing assertion: a proxy that never listens is broken.
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "apt-cacher-ng did not listen: {}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn output(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "{}{}{}{}",
            read("stdout.txt"),
            read("stderr.txt"),
            read("log/apt-cacher.err"),
            read("log/apt-cacher.dbg")
        )
    }

    /// The mirror URL crossport is given.
    fn mirror(&self) -> String {
        format!("http://127.0.0.1:{}/crossport", self.port)
    }

    /// apt-cacher-ng's transfer log: `time|I|…` for data it got from the
    /// backend, `time|O|…` for data it delivered.
    fn transfer_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log/apt-cacher.log")).unwrap_or_default()
    }

    /// Files the proxy holds in its cache.
    fn cached_debs(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut pending = vec![self.dir.join("cache")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "deb") {
                    found.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
        found.sort();
        found
    }
}

impl Drop for Cacher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback listener on a port below 32768: apt-cacher-ng 3.7 handles
/// no port above 32767, neither its own ("Error resolving address for
/// binding") nor a backend's (it answers 503 without connecting), and the
/// kernel's ephemeral ports all are.
fn low_listener(offset: u16) -> TcpListener {
    let start = 20_000 + ((std::process::id() as u16).wrapping_add(offset) % 10_000);
    (start..32_000)
        .chain(20_000..start)
        .find_map(|port| TcpListener::bind(("127.0.0.1", port)).ok())
        .expect("a free loopback port below 32768")
}

fn free_port() -> u16 {
    let listener = low_listener(5_000);
    listener.local_addr().expect("local addr").port()
}

/// One machine of the team: its own crossport cache, lock and sysroot.
struct Machine<'a> {
    scratch: &'a Scratch,
    name: &'static str,
}

impl Machine<'_> {
    fn path(&self, what: &str) -> String {
        self.scratch
            .path(&format!("{}-{what}", self.name))
            .display()
            .to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        let cache = self.path("cache");
        let lock = self.path("lock");
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["--cache-dir", &cache, "--lock-file", &lock]);
        crossport(self.scratch.dir.path(), &all, &[])
    }

    /// Fetches through `mirror`; `context` explains a failure.
    fn fetch(&self, mirror: &str, context: &dyn Fn() -> String) -> Value {
        let keyring = self.scratch.path("archive-key.asc").display().to_string();
        let dir = self.path("sysroot");
        let output = self.run(&[
            "sysroot",
            "fetch",
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--mirror",
            mirror,
            "--keyring",
            &keyring,
            "--dir",
            &dir,
            "--format",
            "json",
            "libssl-dev",
        ]);
        assert!(
            output.status.success(),
            "{}\n{}",
            stderr(&output),
            context()
        );
        json(&output)
    }

    fn verify(&self) -> Output {
        let dir = self.path("sysroot");
        self.run(&["sysroot", "verify", "--target", TARGET, "--dir", &dir])
    }
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "crossport failed: {}\n{}",
        stderr(output),
        stdout(output)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn debs_requested(paths: &[String]) -> Vec<&String> {
    paths.iter().filter(|p| p.ends_with(".deb")).collect()
}

#[test]
fn a_team_shares_one_apt_cacher_ng_cold_then_warm() {
    if !gate::slow("a_team_shares_one_apt_cacher_ng_cold_then_warm") {
        return;
    }
    if !Path::new(ACNG).is_file() {
        // CI installs it (scripts/install-test-deps.sh); say so elsewhere.
        gate::skipped(
            "a_team_shares_one_apt_cacher_ng_cold_then_warm",
            "apt-cacher-ng is not installed; run scripts/install-test-deps.sh",
        );
        return;
    }
    let scratch = Scratch::new();
    publish(
        &scratch.path("www"),
        &standard_debs(),
        Publish::new(archive_key()),
    );
    std::fs::write(
        scratch.path("archive-key.asc"),
        archive_key().public_armored(),
    )
    .expect("write keyring");
    let backend = Server::start_on(low_listener(0), scratch.path("www"));
    let cacher = Cacher::start(&scratch.path("acng"), &backend.mirror());

    // Cold: the first machine's fetch goes through the proxy to the backend.
    let first = Machine {
        scratch: &scratch,
        name: "laptop",
    };
    let cold = first.fetch(&cacher.mirror(), &|| {
        format!("{}\nbackend saw: {:?}", cacher.output(), backend.paths())
    });
    let packages = cold["packages"].as_array().map_or(0, Vec::len);
    assert_eq!(packages, 13, "{cold:#}");
    let cold_paths = backend.paths();
    assert_eq!(
        debs_requested(&cold_paths).len(),
        packages,
        "every .deb comes from the backend once: {cold_paths:?}"
    );
    assert_eq!(cacher.cached_debs().len(), packages);

    // Warm: a second machine (empty crossport cache) gets every .deb from
    // the proxy's cache; the backend sees no .deb request.
    let second = Machine {
        scratch: &scratch,
        name: "ci-runner",
    };
    let warm = second.fetch(&cacher.mirror(), &|| cacher.output());
    assert_eq!(warm["packages"], cold["packages"], "the same closure");
    let warm_paths: Vec<String> = backend.paths()[cold_paths.len()..].to_vec();
    assert_eq!(
        debs_requested(&warm_paths),
        Vec::<&String>::new(),
        "the warm fetch reached the backend for .debs"
    );
    // The proxy's own account agrees: it took each .deb from the backend
    // at most once (`|I|` lines; `|O|` lines are its deliveries).
    let log = cacher.transfer_log();
    let mut fetched: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("|I|") && line.ends_with(".deb"))
        .filter_map(|line| line.rsplit('|').next())
        .collect();
    let total = fetched.len();
    fetched.sort_unstable();
    fetched.dedup();
    assert_eq!(fetched.len(), total, "a .deb was fetched twice:\n{log}");
    assert_eq!(cacher.cached_debs().len(), packages);

    // The chain of trust is crossport's, not the proxy's: both sysroots
    // verify against their locks.
    for machine in [&first, &second] {
        let verified = machine.verify();
        assert!(
            verified.status.success(),
            "{}: {}{}",
            machine.name,
            stdout(&verified),
            stderr(&verified)
        );
    }

    // CI recipe: a runner syncs from the committed lock through the proxy
    // (its cache dir restored by the CI cache), then, with the proxy gone,
    // a later job rebuilds the sysroot --offline from that cache.
    let ci = Machine {
        scratch: &scratch,
        name: "ci-sync",
    };
    std::fs::copy(first.path("lock"), ci.path("lock")).expect("commit the lock");
    let before_sync = backend.paths().len();
    // sync checks every locked entry against the signed index, with the
    // same keyring rules as fetch: the test archive's key, not Debian's.
    let keyring = scratch.path("archive-key.asc").display().to_string();
    let synced = ci.run(&[
        "sysroot",
        "sync",
        "--target",
        TARGET,
        "--mirror",
        &cacher.mirror(),
        "--keyring",
        &keyring,
        "--dir",
        &ci.path("sysroot"),
    ]);
    assert!(
        synced.status.success(),
        "sync through the proxy: {}\n{}",
        stderr(&synced),
        cacher.output()
    );
    assert_eq!(
        debs_requested(&backend.paths()[before_sync..]),
        Vec::<&String>::new(),
        "the sync reached the backend for .debs"
    );
    let verified = ci.verify();
    assert!(verified.status.success(), "{}", stdout(&verified));
    let mirror = cacher.mirror();
    drop(cacher);
    // Offline, the signed Release saved for that mirror (and the cached
    // index and .debs) stand in for the network: nothing is trusted unsigned.
    let offline_dir = ci.path("offline-sysroot");
    let offline = ci.run(&[
        "sysroot",
        "sync",
        "--target",
        TARGET,
        "--offline",
        "--mirror",
        &mirror,
        "--keyring",
        &keyring,
        "--dir",
        &offline_dir,
    ]);
    assert!(offline.status.success(), "offline: {}", stderr(&offline));
    assert_eq!(
        std::fs::read_to_string(format!(
            "{offline_dir}/usr/lib/aarch64-linux-gnu/libssl.so.3"
        ))
        .ok(),
        Some("libssl 3.0.11".to_owned())
    );

    assert_eq!(
        std::fs::read_to_string(
            scratch.path("ci-runner-sysroot/usr/lib/aarch64-linux-gnu/libssl.so.3")
        )
        .ok(),
        Some("libssl 3.0.11".to_owned())
    );
}
