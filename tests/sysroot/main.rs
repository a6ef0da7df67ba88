//! Black-box tests of `crossport sysroot` against a repository built and
//! signed in the test and served over loopback HTTP (hermetic), plus a live
//! test against the host's Debian mirror (CROSSPORT_LIVE=1).

#[path = "../common/gate.rs"]
mod gate;
mod live;
mod support;
mod unpack;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::keys::{archive_key, stranger_key};
use support::repo::{Deb, Entry, Publish, Scratch, publish};
use support::server::Server;
use support::{crossport, standard_debs, stderr, stdout};

const TARGET: &str = "aarch64-unknown-linux-gnu";

/// One test's world: repository, server, keyring, cache, lock.
struct World {
    scratch: Scratch,
    server: Server,
}

impl World {
    fn new(debs: &[Deb], options: Publish<'_>) -> Self {
        let scratch = Scratch::new();
        publish(&scratch.path("www"), debs, options);
        // Two armoured blocks in one file: both keys must be read.
        let keyring = format!(
            "{}\n{}",
            archive_key().public_armored(),
            support::keys::rsa_archive_key().public_armored()
        );
        std::fs::write(scratch.path("archive-key.asc"), keyring).expect("write keyring");
        let server = Server::start(scratch.path("www"));
        Self { scratch, server }
    }

    fn standard() -> Self {
        Self::new(&standard_debs(), Publish::new(archive_key()))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.scratch.path(name)
    }

    /// `crossport sysroot fetch` with this world's mirror, keyring, cache
    /// and lock, plus `extra` arguments.
    fn fetch(&self, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mirror = self.server.mirror();
        let keyring = self.path("archive-key.asc");
        let cache = self.path("cache");
        let lock = self.path("crossport-sysroot.lock");
        let mut args = vec![
            "sysroot",
            "fetch",
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--mirror",
            &mirror,
            "--keyring",
            keyring.to_str().expect("utf-8 path"),
            "--cache-dir",
            cache.to_str().expect("utf-8 path"),
            "--lock-file",
            lock.to_str().expect("utf-8 path"),
        ];
        args.extend_from_slice(extra);
        crossport(self.scratch.dir.path(), &args, env)
    }

    fn sysroot_arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// Asserts nothing was left behind by a failed fetch into `name`.
    fn assert_no_sysroot(&self, name: &str) {
        assert!(!self.path(name).exists(), "a sysroot was left at {name}");
        let leftovers: Vec<_> = std::fs::read_dir(self.scratch.dir.path())
            .expect("read scratch")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".crossport"))
            .collect();
        assert!(leftovers.is_empty(), "temp dirs left behind: {leftovers:?}");
        assert!(
            !self.path("crossport-sysroot.lock").exists(),
            "a failed fetch wrote the lock file"
        );
    }

    /// Files in the cache's debs directory.
    fn cached_debs(&self) -> Vec<String> {
        std::fs::read_dir(self.path("cache/debs"))
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn json(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "crossport failed: {}\n{}",
        stderr(output),
        stdout(output)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn package_names(outcome: &Value) -> Vec<String> {
    let mut names: Vec<String> = outcome["packages"]
        .as_array()
        .expect("packages array")
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["name"].as_str().unwrap_or(""),
                p["version"].as_str().unwrap_or("")
            )
        })
        .collect();
    names.sort();
    names
}

fn read_link(path: &Path) -> String {
    std::fs::read_link(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .display()
        .to_string()
}

#[test]
fn fetch_resolves_the_closure_and_lays_out_the_sysroot() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    let outcome = json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    assert_eq!(
        package_names(&outcome),
        [
            "gcc-12-base 12.2.0-14",
            "libc6 2.36-9",
            "libc6-dev 2.36-9",
            "libgcc-12-dev 12.2.0-14",
            "libgcc-s1 12.2.0-14",
            "libssl-dev 3.0.11-1",
            "libssl3 3.0.11-1",
            "libstdc++-12-dev 12.2.0-14",
            "libstdc++6 12.2.0-14",
            "libxcrypt-dev 1:4.4.33-2",
            "linux-libc-dev 6.1.0-1",
            "multiarch-support 2.36-9",
            "perl 5.36.0-7",
        ]
    );
    assert_eq!(outcome["path"].as_str(), Some(dir.as_str()));
    assert_eq!(outcome["up_to_date"], Value::Bool(false));
    assert!(outcome["bytes_downloaded"].as_u64().unwrap_or(0) > 0);
    let root = world.path("sysroot");
    // Every compression was unpacked.
    for file in [
        "usr/include/openssl/opensslv.h",
        "usr/include/crypt.h",
        "usr/include/linux/types.h",
        "usr/lib/gcc/libgcc.a",
        "usr/include/cstdio",
    ] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    assert_eq!(
        std::fs::read_to_string(root.join("usr/lib/aarch64-linux-gnu/libssl.so.3")).ok(),
        Some("libssl 3.0.11".to_owned())
    );
    // The absolute symlink was rewritten relative to the sysroot and resolves.
    assert_eq!(
        read_link(&root.join("lib64/ld-linux-aarch64.so.1")),
        "../lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("lib64/ld-linux-aarch64.so.1")).ok(),
        Some("ld.so".to_owned())
    );
    assert_eq!(
        read_link(&root.join("usr/lib/aarch64-linux-gnu/libssl.so")),
        "libssl.so.3"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("usr/bin/getconf-alias")).ok(),
        Some("getconf".to_owned())
    );
    assert!(!root.join("usr/share/unrelated").exists());
    // The manifest maps files to packages, in the shape inspect reads.
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(root.join(".crossport/manifest.json")).expect("manifest"),
    )
    .expect("manifest JSON");
    assert_eq!(manifest["target"], TARGET);
    assert_eq!(manifest["release"], "bookworm");
    assert_eq!(manifest["arch"], "arm64");
    assert_eq!(
        manifest["files"]["usr/lib/aarch64-linux-gnu/libssl.so.3"],
        "libssl3"
    );
    assert_eq!(manifest["files"]["lib64/ld-linux-aarch64.so.1"], "libc6");
    assert_eq!(manifest["packages"].as_array().map(Vec::len), Some(13));
    let lock: Value = serde_json::from_slice(
        &std::fs::read(world.path("crossport-sysroot.lock")).expect("lock file"),
    )
    .expect("lock JSON");
    let locked = &lock["sysroots"][0];
    assert_eq!(locked["requested"], serde_json::json!(["libssl-dev"]));
    assert!(
        locked["packages"][0]["filename"]
            .as_str()
            .is_some_and(|f| f.starts_with("pool/main/")),
        "{locked}"
    );
    assert!(
        !lock.to_string().contains("127.0.0.1"),
        "the lock names a mirror"
    );

    // A second fetch with the lock satisfied does nothing, without network.
    let requests = world.server.requests();
    let again = json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    assert_eq!(again["up_to_date"], Value::Bool(true));
    assert_eq!(world.server.requests(), requests);

    // `path` and `list` read the lock.
    let lock_arg = world.path("crossport-sysroot.lock").display().to_string();
    let listed = crossport(
        world.scratch.dir.path(),
        &["sysroot", "list", "--lock-file", &lock_arg],
        &[],
    );
    assert!(
        stdout(&listed).contains("libssl3 3.0.11-1 arm64"),
        "{}",
        stdout(&listed)
    );
}

#[test]
fn verify_sync_and_offline_reproduce_the_locked_sysroot() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    let lock = world.path("crossport-sysroot.lock").display().to_string();
    let cache = world.path("cache").display().to_string();
    let verify = |cache: &str| {
        crossport(
            world.scratch.dir.path(),
            &[
                "sysroot",
                "verify",
                "--target",
                TARGET,
                "--dir",
                &dir,
                "--lock-file",
                &lock,
                "--cache-dir",
                cache,
            ],
            &[],
        )
    };
    let clean = verify(&cache);
    assert!(
        clean.status.success(),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );

    // verify notices a modified file and names its package.
    std::fs::write(world.path("sysroot/usr/include/stdio.h"), "tampered").expect("tamper");
    let dirty = verify(&cache);
    assert_eq!(dirty.status.code(), Some(1));
    assert!(
        stdout(&dirty).contains("usr/include/stdio.h: modified (from libc6-dev)"),
        "{}",
        stdout(&dirty)
    );

    // sync with an empty cache downloads exactly the locked debs and
    // reproduces the same sysroot.
    let synced = world.sysroot_arg("synced");
    let fresh_cache = world.sysroot_arg("cache2");
    let mirror = world.server.mirror();
    let output = crossport(
        world.scratch.dir.path(),
        &[
            "sysroot",
            "sync",
            "--target",
            TARGET,
            "--dir",
            &synced,
            "--lock-file",
            &lock,
            "--cache-dir",
            &fresh_cache,
            "--mirror",
            &mirror,
            "--format",
            "json",
        ],
        &[],
    );
    let outcome = json(&output);
    assert_eq!(outcome["packages"].as_array().map(Vec::len), Some(13));
    let manifest = |dir: &str| -> Value {
        serde_json::from_slice(
            &std::fs::read(Path::new(dir).join(".crossport/manifest.json")).expect("manifest"),
        )
        .expect("manifest JSON")
    };
    assert_eq!(manifest(&synced), manifest(&dir));
    let synced_clean = crossport(
        world.scratch.dir.path(),
        &[
            "sysroot",
            "verify",
            "--target",
            TARGET,
            "--dir",
            &synced,
            "--lock-file",
            &lock,
            "--cache-dir",
            &fresh_cache,
        ],
        &[],
    );
    assert!(synced_clean.status.success(), "{}", stdout(&synced_clean));

    // An offline fetch works from the cache alone.
    let requests = world.server.requests();
    let offline_dir = world.sysroot_arg("offline");
    let offline = json(&world.fetch(
        &[
            "libssl-dev",
            "--dir",
            &offline_dir,
            "--offline",
            "--update",
            "--format",
            "json",
        ],
        &[],
    ));
    assert_eq!(offline["packages"].as_array().map(Vec::len), Some(13));
    assert_eq!(
        world.server.requests(),
        requests,
        "--offline used the network"
    );
    assert!(
        world
            .path("offline/usr/include/openssl/opensslv.h")
            .is_file()
    );
    // The offline sysroot was assembled from the cache's unpacked trees:
    // the cached tree, the first sysroot and this one share the file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let links = std::fs::metadata(world.path("offline/usr/include/crypt.h"))
            .map(|m| m.nlink())
            .unwrap_or(0);
        assert_eq!(links, 3, "the unpacked cache was not reused");
    }
    // The edit above went through a hard link into the cache's unpacked
    // tree; the cache noticed and unpacked the verified .deb again.
    assert_eq!(
        std::fs::read_to_string(world.path("offline/usr/include/stdio.h")).ok(),
        Some("/* stdio */".to_owned())
    );
}

#[test]
fn detached_release_gpg_is_the_fallback() {
    let mut options = Publish::new(archive_key());
    options.detached_only = true;
    let world = World::new(&standard_debs(), options);
    let dir = world.sysroot_arg("sysroot");
    let outcome = json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    assert_eq!(outcome["packages"].as_array().map(Vec::len), Some(13));
}

/// Runs a fetch expected to fail and returns its error text.
fn failing_fetch(world: &World, packages: &[&str]) -> String {
    let dir = world.sysroot_arg("sysroot");
    let mut args: Vec<&str> = packages.to_vec();
    args.extend_from_slice(&["--dir", &dir]);
    let output = world.fetch(&args, &[("CROSSPORT_UNPACK_LIMIT", "1000000")]);
    assert!(
        !output.status.success(),
        "fetch succeeded: {}",
        stdout(&output)
    );
    let message = stderr(&output);
    assert!(message.starts_with("error: "), "{message}");
    world.assert_no_sysroot("sysroot");
    message
}

#[test]
fn a_tampered_inrelease_is_refused() {
    let mut options = Publish::new(archive_key());
    options.tamper_inrelease = true;
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(message.contains("InRelease"), "{message}");
    assert!(message.contains("bad signature"), "{message}");
    assert!(world.cached_debs().is_empty());
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let world = World::new(&standard_debs(), Publish::new(stranger_key()));
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(message.contains("not in the keyring"), "{message}");
}

#[test]
fn an_expired_release_is_refused() {
    let mut options = Publish::new(archive_key());
    options.valid_until = Some(-60);
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(message.contains("expired: Valid-Until"), "{message}");
}

#[test]
fn a_packages_index_with_the_wrong_hash_is_refused() {
    let mut options = Publish::new(archive_key());
    options.wrong_packages_hash = true;
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("Packages.xz: SHA256 mismatch"),
        "{message}"
    );
    assert!(
        !world.path("cache/indexes").exists()
            || std::fs::read_dir(world.path("cache/indexes"))
                .map(|d| d.count() == 0)
                .unwrap_or(true)
    );
}

#[test]
fn a_deb_with_the_wrong_hash_is_refused_and_not_cached() {
    let mut options = Publish::new(archive_key());
    options.wrong_deb_hash = Some("libssl3");
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("libssl3_3.0.11-1_arm64.deb: SHA256 mismatch"),
        "{message}"
    );
    let cached = world.cached_debs();
    assert!(
        cached
            .iter()
            .all(|name| name.ends_with(".deb") && !name.starts_with('.')),
        "partial files in the cache: {cached:?}"
    );
    assert!(cached.len() < 13, "the bad deb was cached: {cached:?}");
}

#[test]
fn a_truncated_download_fails_cleanly() {
    let world = World::standard();
    world.server.truncate("libssl3_3.0.11-1_arm64.deb");
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(message.contains("libssl3_3.0.11-1_arm64.deb"), "{message}");
    let cached = world.cached_debs();
    assert!(
        cached.iter().all(|name| !name.starts_with('.')),
        "partial files in the cache: {cached:?}"
    );
    assert_eq!(cached.len(), 12, "{cached:?}");
}

#[test]
fn hostile_archives_are_refused() {
    let cases: Vec<(&str, Vec<Entry>, &str)> = vec![
        (
            "traversal",
            vec![Entry::File("./../../evil".to_owned(), b"x".to_vec())],
            "path contains `..`",
        ),
        (
            "absolute",
            vec![Entry::File("/tmp/crossport-evil".to_owned(), b"x".to_vec())],
            "absolute path",
        ),
        (
            "escaping symlink",
            vec![Entry::Dir("./usr/"), Entry::Symlink("./usr/up", "../../..")],
            "points outside the sysroot",
        ),
        (
            "absolute escaping symlink",
            vec![Entry::Symlink("./up", "/../..")],
            "points outside the sysroot",
        ),
        (
            "escaping hard link",
            vec![Entry::HardLink("./usr/passwd", "../../../../etc/passwd")],
            "path contains `..`",
        ),
        (
            "absolute hard link",
            vec![Entry::HardLink("./passwd", "/etc/passwd")],
            "absolute path",
        ),
        (
            "decompression bomb",
            vec![Entry::Zeros("./usr/bomb", 8 << 20)],
            "would exceed the limit of 976.6 KiB",
        ),
    ];
    for (label, entries, expected) in cases {
        let mut hostile = Deb::new("hostile", "1.0");
        for entry in entries {
            hostile = hostile.entry(entry);
        }
        let mut debs = standard_debs();
        debs.push(hostile);
        let world = World::new(&debs, Publish::new(archive_key()));
        let message = failing_fetch(&world, &["hostile", "--no-base-set"]);
        assert!(
            message.contains("hostile: refused") || message.contains("hostile: the unpacked files"),
            "{label}: {message}"
        );
        assert!(message.contains(expected), "{label}: {message}");
        assert!(!world.path("evil").exists(), "{label}: wrote outside");
        assert!(
            !Path::new("/tmp/crossport-evil").exists(),
            "{label}: wrote outside"
        );
    }
}

#[test]
fn no_mirror_is_a_clear_error() {
    let scratch = Scratch::new();
    let cache = scratch.path("cache").display().to_string();
    let output = crossport(
        scratch.dir.path(),
        &[
            "sysroot",
            "fetch",
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--mirror",
            "ftp://example.invalid/debian",
            "--cache-dir",
            &cache,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not an http:// or https:// URL"),
        "{}",
        stderr(&output)
    );
    let unknown = crossport(
        scratch.dir.path(),
        &[
            "sysroot",
            "fetch",
            "--target",
            "thumbv7em-none-eabihf",
            "--release",
            "bookworm",
        ],
        &[],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("has no Debian sysroot"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn links_that_escape_only_once_packages_are_combined_are_refused() {
    // Each package is harmless on its own: `a/b -> ..` stays inside, and so
    // does `a/b/c -> ../..` under a real a/b. Together, c would resolve two
    // levels above the sysroot.
    let first = Deb::new("evil-a", "1.0")
        .entry(Entry::Dir("./a/"))
        .entry(Entry::Symlink("./a/b", ".."));
    let second = Deb::new("evil-b", "1.0")
        .field("Depends", "evil-a")
        .entry(Entry::Dir("./a/"))
        .entry(Entry::Dir("./a/b/"))
        .entry(Entry::Symlink("./a/b/c", "../.."));
    let mut debs = standard_debs();
    debs.extend([first, second]);
    let world = World::new(&debs, Publish::new(archive_key()));
    let message = failing_fetch(&world, &["evil-b", "--no-base-set"]);
    assert!(
        message.contains("evil-b: refused link \"a/b/c\" -> \"../..\""),
        "{message}"
    );
    assert!(message.contains("points outside the sysroot"), "{message}");
}

#[test]
fn a_directory_that_is_not_a_sysroot_is_never_replaced() {
    let world = World::standard();
    std::fs::create_dir_all(world.path("precious")).expect("mkdir");
    std::fs::write(world.path("precious/notes.txt"), "keep me").expect("write");
    let dir = world.sysroot_arg("precious");
    let output = world.fetch(&["libssl-dev", "--dir", &dir], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is a non-empty directory, not a crossport sysroot"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(world.path("precious/notes.txt")).ok(),
        Some("keep me".to_owned())
    );
}

#[test]
fn a_sha1_signature_is_refused() {
    let mut options = Publish::new(archive_key());
    options.detached_only = true;
    options.sha1_signature = true;
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("/Release\n  caused by: no trusted signature is good"),
        "{message}"
    );
    assert!(message.contains("weak hash SHA1"), "{message}");
}

#[test]
fn clean_empties_the_cache() {
    let world = World::standard();
    json(&world.fetch(&["--format", "json"], &[]));
    assert!(!world.cached_debs().is_empty());
    let cache = world.sysroot_arg("cache");
    let output = crossport(
        world.scratch.dir.path(),
        &["sysroot", "clean", "--cache-dir", &cache],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    for dir in [
        "debs",
        "indexes",
        "releases",
        "resolutions",
        "unpacked",
        "sysroots",
    ] {
        assert!(
            !world.path("cache").join(dir).exists(),
            "{dir} survived clean"
        );
    }
}

#[test]
fn a_release_dated_far_in_the_future_is_refused() {
    let mut options = Publish::new(archive_key());
    options.date_offset = 30 * 24 * 3600;
    let world = World::new(&standard_debs(), options);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("more than 10 days in the future"),
        "{message}"
    );
}

/// `sysroot sync` with this world's lock and cache, plus `extra`.
fn sync(world: &World, extra: &[&str]) -> std::process::Output {
    let lock = world.sysroot_arg("crossport-sysroot.lock");
    let cache = world.sysroot_arg("cache");
    let mut args = vec![
        "sysroot",
        "sync",
        "--target",
        TARGET,
        "--lock-file",
        &lock,
        "--cache-dir",
        &cache,
    ];
    args.extend_from_slice(extra);
    crossport(world.scratch.dir.path(), &args, &[])
}

#[test]
fn fetch_and_sync_never_replace_a_file_or_a_symlink_at_dir() {
    let world = World::standard();
    json(&world.fetch(
        &["--dir", &world.sysroot_arg("sysroot"), "--format", "json"],
        &[],
    ));
    std::fs::write(world.path("notes.txt"), "keep me").expect("write");
    std::fs::create_dir(world.path("elsewhere")).expect("mkdir");
    std::fs::write(world.path("elsewhere/data"), "keep me too").expect("write");
    std::os::unix::fs::symlink(world.path("elsewhere"), world.path("link")).expect("symlink");
    for (name, what) in [("notes.txt", "a regular file"), ("link", "a symbolic link")] {
        let dir = world.sysroot_arg(name);
        for output in [
            world.fetch(&["libssl-dev", "--dir", &dir], &[]),
            sync(&world, &["--dir", &dir]),
        ] {
            assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
            let message = stderr(&output);
            assert!(
                message.contains(&format!("{dir} is {what}, not a crossport sysroot")),
                "{message}"
            );
            assert!(
                message.contains("pass a --dir that does not exist"),
                "{message}"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(world.path("notes.txt")).ok(),
        Some("keep me".to_owned())
    );
    assert!(
        std::fs::symlink_metadata(world.path("link")).is_ok_and(|m| m.file_type().is_symlink())
    );
    assert_eq!(
        std::fs::read_to_string(world.path("elsewhere/data")).ok(),
        Some("keep me too".to_owned())
    );
    // An empty directory and an existing sysroot are fine.
    std::fs::create_dir(world.path("empty")).expect("mkdir");
    json(&sync(
        &world,
        &["--dir", &world.sysroot_arg("empty"), "--format", "json"],
    ));
    assert!(world.path("empty/.crossport/manifest.json").is_file());
}

#[test]
fn clean_refuses_a_directory_that_is_not_a_crossport_cache() {
    let world = World::standard();
    // `--cache-dir ~`: a home directory with its own sysroots/ folder.
    std::fs::create_dir_all(world.path("home/sysroots/mine")).expect("mkdir");
    std::fs::write(world.path("home/sysroots/mine/keep"), "keep").expect("write");
    std::fs::write(world.path("home/.profile"), "profile").expect("write");
    let home = world.sysroot_arg("home");
    let output = crossport(
        world.scratch.dir.path(),
        &["sysroot", "clean", "--cache-dir", &home],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is not a crossport cache (no CACHEDIR.TAG"),
        "{}",
        stderr(&output)
    );
    assert!(world.path("home/sysroots/mine/keep").is_file());
    // A fetch into such a directory works but does not tag it.
    json(&world.fetch(&["--format", "json"], &[("CROSSPORT_CACHE_DIR", &home)]));
    let again = crossport(
        world.scratch.dir.path(),
        &["sysroot", "clean"],
        &[("CROSSPORT_CACHE_DIR", &home)],
    );
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(world.path("home/sysroots/mine/keep").is_file());
    // The cache crossport created is tagged for backup tools too.
    json(&world.fetch(&["--format", "json"], &[]));
    let tag = std::fs::read_to_string(world.path("cache/CACHEDIR.TAG")).expect("tag");
    assert!(
        tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"),
        "{tag}"
    );
}

/// Rewrites one field of the first locked package.
fn edit_lock(world: &World, field: &str, value: Value) {
    let path = world.path("crossport-sysroot.lock");
    let mut lock: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("lock")).expect("lock JSON");
    lock["sysroots"][0]["packages"][0][field] = value;
    std::fs::write(&path, serde_json::to_vec_pretty(&lock).expect("json")).expect("write");
}

#[test]
fn every_lock_field_used_as_a_path_is_validated_on_read() {
    let world = World::standard();
    json(&world.fetch(&["libssl-dev", "--format", "json"], &[]));
    let original = std::fs::read(world.path("crossport-sysroot.lock")).expect("lock");
    // A tree planted elsewhere in the cache must not be replayed by name.
    std::fs::create_dir_all(world.path("cache/x/tree")).expect("mkdir");
    for (field, value, expected) in [
        (
            "sha256",
            "../../x",
            "`sha256` is \"../../x\", not 64 lowercase hex digits",
        ),
        ("sha256", &"A".repeat(64)[..], "not 64 lowercase hex digits"),
        (
            "filename",
            "pool/../../../etc/passwd.deb",
            "not a relative pool/…/*.deb path",
        ),
        (
            "filename",
            "/pool/x.deb",
            "not a relative pool/…/*.deb path",
        ),
        ("version", "1.0/../../x", "not a Debian version"),
        ("name", "Evil Name", "not a Debian package name"),
        ("architecture", "../arm64", "not a Debian architecture"),
    ] {
        std::fs::write(world.path("crossport-sysroot.lock"), &original).expect("restore");
        edit_lock(&world, field, Value::String(value.to_owned()));
        let output = sync(&world, &["--dir", &world.sysroot_arg("synced")]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{field}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(message.contains(expected), "{field}: {message}");
        assert!(
            message.contains("restore it from version control"),
            "{message}"
        );
        assert!(
            !world.path("synced").exists(),
            "{field}: a sysroot was built"
        );
    }
}
