//! Black-box tests of `crossport sysroot` against a repository built and
//! signed in the test and served over loopback HTTP (hermetic), plus a live
//! test against the host's Debian mirror (CROSSPORT_LIVE=1).

#[path = "../common/gate.rs"]
mod gate;
mod live;
#[path = "../common/schema.rs"]
mod schema;
mod support;
mod ubuntu;
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
            "--keyring",
            &world.sysroot_arg("archive-key.asc"),
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

/// `sysroot sync` with this world's lock, cache, mirror and keyring, plus
/// `extra`.
fn sync(world: &World, extra: &[&str]) -> std::process::Output {
    let mirror = world.server.mirror();
    let keyring = world.sysroot_arg("archive-key.asc");
    let mut args = vec!["--mirror", &mirror, "--keyring", &keyring];
    args.extend_from_slice(extra);
    sync_bare(world, &args, world.scratch.dir.path())
}

/// `sysroot sync` with this world's lock and cache only, run in `cwd`.
fn sync_bare(world: &World, extra: &[&str], cwd: &Path) -> std::process::Output {
    let lock = world.sysroot_arg("crossport-sysroot.lock");
    let cache = world.sysroot_arg("cache");
    let mut args = vec!["sysroot", "sync", "--target", TARGET, "--lock-file", &lock];
    if !extra.contains(&"--cache-dir") {
        args.extend_from_slice(&["--cache-dir", &cache]);
    }
    args.extend_from_slice(extra);
    crossport(cwd, &args, &[])
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

/// Points the first locked `name` at another `.deb` the mirror serves (a
/// lock edited in a pull request), keeping its version.
fn swap_locked_deb(world: &World, name: &str, other: &Deb) {
    let path = world.path("crossport-sysroot.lock");
    let mut lock: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("lock")).expect("lock JSON");
    let bytes = std::fs::read(world.path("www/debian").join(other.pool_path())).expect("deb");
    let packages = lock["sysroots"][0]["packages"]
        .as_array_mut()
        .expect("packages");
    let entry = packages
        .iter_mut()
        .find(|p| p["name"] == name)
        .expect("locked package");
    entry["filename"] = Value::String(other.pool_path());
    entry["sha256"] = Value::String(support::repo::sha256(&bytes));
    entry["size"] = Value::from(bytes.len());
    std::fs::write(&path, serde_json::to_vec_pretty(&lock).expect("json")).expect("write");
}

#[test]
fn sync_refuses_a_locked_deb_the_signed_index_does_not_list() {
    let world = World::standard();
    json(&world.fetch(&["libssl-dev", "--format", "json"], &[]));
    let original = std::fs::read(world.path("crossport-sysroot.lock")).expect("lock");
    // The decoy libssl3 3.0.9-1 is on the mirror and hashes as the lock
    // now says; only the signed index can tell it is not 3.0.11-1.
    let decoy = Deb::new("libssl3", "3.0.9-1");
    swap_locked_deb(&world, "libssl3", &decoy);
    let fresh = world.sysroot_arg("fresh-cache");
    let dir = world.sysroot_arg("synced");
    let output = sync(&world, &["--dir", &dir, "--cache-dir", &fresh]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("the lock's libssl3 3.0.11-1 has filename pool/main/l/libssl3/libssl3_3.0.9-1_arm64.deb, but the signed index"),
        "{message}"
    );
    assert!(message.contains("the signature does"), "{message}");
    assert!(!world.path("synced").exists());
    assert!(
        !world.path("fresh-cache/debs").exists(),
        "something was downloaded before the lock was checked"
    );

    // A package the index does not have at all is named, with its version.
    std::fs::write(world.path("crossport-sysroot.lock"), &original).expect("restore");
    edit_lock(&world, "version", Value::String("9.9-1".to_owned()));
    let output = sync(&world, &["--dir", &dir, "--cache-dir", &fresh]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(
            "the locked gcc-12-base 9.9-1 (arm64) of bookworm are no longer on http://127.0.0.1"
        ),
        "{message}"
    );
    assert!(message.contains("--snapshot-mirror"), "{message}");
    assert!(!world.path("synced").exists());

    // The restored lock syncs, and only with the keyring that signs.
    std::fs::write(world.path("crossport-sysroot.lock"), &original).expect("restore");
    let mirror = world.server.mirror();
    let unsigned = sync_bare(
        &world,
        &["--dir", &dir, "--cache-dir", &fresh, "--mirror", &mirror],
        world.scratch.dir.path(),
    );
    assert!(!unsigned.status.success());
    assert!(
        stderr(&unsigned).contains("not in the keyring"),
        "{}",
        stderr(&unsigned)
    );
    json(&sync(
        &world,
        &["--dir", &dir, "--cache-dir", &fresh, "--format", "json"],
    ));
}

#[test]
fn a_mirror_from_the_project_config_is_named_on_stderr() {
    let world = World::standard();
    json(&world.fetch(&["--format", "json"], &[]));
    let project = world.path("project");
    std::fs::create_dir_all(project.join(".cargo")).expect("mkdir");
    std::fs::write(project.join("Cargo.toml"), "[workspace]\n").expect("write");
    std::fs::write(
        project.join(".cargo/config.toml"),
        format!("[env]\nCROSSPORT_MIRROR = \"{}\"\n", world.server.mirror()),
    )
    .expect("write");
    let keyring = world.sysroot_arg("archive-key.asc");
    let dir = world.sysroot_arg("synced");
    let output = sync_bare(&world, &["--keyring", &keyring, "--dir", &dir], &project);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "note: using mirror {} from {}",
            world.server.mirror(),
            project.join(".cargo/config.toml").display()
        )),
        "{message}"
    );
    assert!(
        message.contains("a change a reviewer must see"),
        "{message}"
    );
    // --mirror given: nothing to announce.
    let mirror = world.server.mirror();
    let quiet = sync_bare(
        &world,
        &["--keyring", &keyring, "--dir", &dir, "--mirror", &mirror],
        &project,
    );
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains("reviewer"), "{}", stderr(&quiet));
}

#[test]
fn a_locked_version_gone_from_the_mirror_comes_from_a_snapshot_mirror() {
    let world = World::standard();
    json(&world.fetch(&["libssl-dev", "--format", "json"], &[]));
    // The snapshot keeps today's archive; the mirror moves to a point
    // release that drops libssl3 3.0.11-1.
    let snapshot_root = world.path("snapshot");
    publish(
        &snapshot_root,
        &standard_debs(),
        Publish::new(archive_key()),
    );
    let snapshot = Server::start(snapshot_root);
    let mut point_release: Vec<Deb> = standard_debs()
        .into_iter()
        .filter(|d| !(d.name == "libssl3" && d.version == "3.0.11-1"))
        .collect();
    point_release.push(Deb::new("libssl3", "3.0.11-1+deb12u1").file(
        "./usr/lib/aarch64-linux-gnu/libssl.so.3",
        "libssl 3.0.11 u1",
    ));
    let mut newer = Publish::new(archive_key());
    newer.date_offset = -60;
    publish(&world.path("www"), &point_release, newer);

    let fresh = world.sysroot_arg("fresh-cache");
    let dir = world.sysroot_arg("synced");
    let output = sync(&world, &["--dir", &dir, "--cache-dir", &fresh]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("the locked libssl3 3.0.11-1 (arm64) of bookworm are no longer on"),
        "{message}"
    );
    assert!(message.contains("--snapshot-mirror"), "{message}");

    let snapshot_url = format!("http://127.0.0.1:{}/debian", snapshot.port);
    json(&sync(
        &world,
        &[
            "--dir",
            &dir,
            "--cache-dir",
            &fresh,
            "--snapshot-mirror",
            &snapshot_url,
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        std::fs::read_to_string(world.path("synced/usr/lib/aarch64-linux-gnu/libssl.so.3")).ok(),
        Some("libssl 3.0.11".to_owned())
    );
    assert!(snapshot.requests() > 0);
}

#[test]
fn an_older_release_than_one_already_verified_is_refused() {
    let world = World::standard();
    json(&world.fetch(&["--format", "json"], &[]));
    // A validly signed but older InRelease (no Valid-Until, like Debian's).
    let mut old = Publish::new(archive_key());
    old.date_offset = -30 * 24 * 3600;
    publish(&world.path("www"), &standard_debs(), old);
    let output = world.fetch(&["--update", "--dir", &world.sysroot_arg("again")], &[]);
    assert!(!output.status.success(), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains("is older than the newest Release already verified for bookworm"),
        "{message}"
    );
    assert!(message.contains("seen by this cache"), "{message}");
    assert!(!world.path("again").exists());
    // The cache kept the newer Release.
    let offline = world.fetch(&["--offline", "--update", "--format", "json"], &[]);
    assert!(offline.status.success(), "{}", stderr(&offline));

    // A fresh cache still has the lock's release_date as the floor.
    let fresh = world.sysroot_arg("fresh-cache");
    let output = sync(
        &world,
        &["--dir", &world.sysroot_arg("synced"), "--cache-dir", &fresh],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("is older than the newest Release already verified"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("the lock's release_date"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn acquire_by_hash_survives_a_mirror_update_mid_fetch() {
    let mut options = Publish::new(archive_key());
    options.by_hash = true;
    let world = World::new(&standard_debs(), options);
    // The mirror has already replaced Packages.xz with the next one; the
    // InRelease we get still names the old hash, served under by-hash/.
    std::fs::write(
        world.path("www/debian/dists/bookworm/main/binary-arm64/Packages.xz"),
        support::repo::compress(support::repo::Compression::Xz, b"Package: next\n"),
    )
    .expect("write");
    let outcome = json(&world.fetch(&["libssl-dev", "--format", "json"], &[]));
    assert_eq!(outcome["packages"].as_array().map(Vec::len), Some(13));
}

#[test]
fn two_processes_fetch_into_one_cache_at_once() {
    let world = World::standard();
    let mirror = world.server.mirror();
    let keyring = world.sysroot_arg("archive-key.asc");
    let cache = world.sysroot_arg("cache");
    let spawn = |name: &str| {
        let lock = world.sysroot_arg(&format!("{name}.lock"));
        let dir = world.sysroot_arg(name);
        std::process::Command::new(env!("CARGO_BIN_EXE_crossport"))
            .current_dir(world.scratch.dir.path())
            .args([
                "sysroot",
                "fetch",
                "--target",
                TARGET,
                "--release",
                "bookworm",
                "--mirror",
                &mirror,
                "--keyring",
                &keyring,
                "--cache-dir",
                &cache,
                "--lock-file",
                &lock,
                "--dir",
                &dir,
                "libssl-dev",
            ])
            .env_remove("CROSSPORT_CACHE_DIR")
            .env_remove("CROSSPORT_MIRROR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn crossport")
    };
    let first = spawn("one");
    let second = spawn("two");
    for (name, child) in [("one", first), ("two", second)] {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let lock = world.sysroot_arg(&format!("{name}.lock"));
        let dir = world.sysroot_arg(name);
        let verify = crossport(
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
                &cache,
            ],
            &[],
        );
        assert!(verify.status.success(), "{name}: {}", stdout(&verify));
    }
    let cached = world.cached_debs();
    assert_eq!(cached.len(), 13, "{cached:?}");
    assert!(
        cached.iter().all(|name| !name.starts_with('.')),
        "{cached:?}"
    );
}

#[test]
fn downloads_stop_at_the_signed_size_and_unsigned_files_at_a_cap() {
    use support::server::Hostile;
    // An endless InRelease would exhaust memory: stopped at 8 MiB.
    let world = World::standard();
    world
        .server
        .hostile("dists/bookworm/InRelease", Hostile::Endless);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("InRelease: more than 8 MiB (the cap for a file no signed index sizes)"),
        "{message}"
    );

    // A Content-Length of 2^60 for a deb is refused before any buffer.
    let world = World::standard();
    world
        .server
        .hostile("libssl3_3.0.11-1_arm64.deb", Hostile::HugeLength);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("libssl3_3.0.11-1_arm64.deb: more than"),
        "{message}"
    );
    assert!(
        message.contains("(the size the signed index gives)"),
        "{message}"
    );

    // A deb streamed without end stops once past its signed size.
    let world = World::standard();
    world
        .server
        .hostile("libssl3_3.0.11-1_arm64.deb", Hostile::Endless);
    let message = failing_fetch(&world, &["libssl-dev"]);
    assert!(
        message.contains("libssl3_3.0.11-1_arm64.deb: more than"),
        "{message}"
    );
    assert!(!world.cached_debs().iter().any(|d| d.starts_with('.')));
}

#[test]
fn a_trickling_server_hits_the_overall_download_timeout() {
    use support::server::Hostile;
    let world = World::standard();
    world
        .server
        .hostile("libssl3_3.0.11-1_arm64.deb", Hostile::Trickle);
    let dir = world.sysroot_arg("sysroot");
    let output = world.fetch(
        &["libssl-dev", "--dir", &dir],
        &[("CROSSPORT_DOWNLOAD_TIMEOUT", "1")],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(
            "libssl3_3.0.11-1_arm64.deb: did not finish within 1 s (set CROSSPORT_DOWNLOAD_TIMEOUT"
        ),
        "{message}"
    );
    world.assert_no_sysroot("sysroot");
}

fn locked_requested(world: &World, lock: &str) -> Vec<String> {
    let lock: Value =
        serde_json::from_slice(&std::fs::read(world.path(lock)).expect("lock")).expect("lock JSON");
    lock["sysroots"][0]["requested"]
        .as_array()
        .expect("requested")
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_sysroot_only_grows_unless_asked_to_shrink() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    json(&world.fetch(
        &[
            "libssl-dev",
            "perl",
            "unrelated",
            "libxcrypt-dev",
            "--dir",
            &dir,
            "--format",
            "json",
        ],
        &[],
    ));
    let four = ["libssl-dev", "libxcrypt-dev", "perl", "unrelated"];
    assert_eq!(locked_requested(&world, "crossport-sysroot.lock"), four);
    // What `fix --apply` asks for (one package): the other three stay in
    // the lock and in the sysroot.
    let outcome = json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    assert_eq!(outcome["up_to_date"], Value::Bool(true));
    assert_eq!(locked_requested(&world, "crossport-sysroot.lock"), four);
    assert!(world.path("sysroot/usr/share/unrelated").is_file());
    // Adding one more keeps the four.
    let mut debs = standard_debs();
    debs.push(Deb::new("libextra-dev", "1.0").file("./usr/include/extra.h", "/* extra */"));
    publish(&world.path("www"), &debs, Publish::new(archive_key()));
    let mirror = world.server.mirror();
    let keyring = world.sysroot_arg("archive-key.asc");
    let cache = world.sysroot_arg("cache");
    let lock = world.sysroot_arg("crossport-sysroot.lock");
    let command = |verb: &str, extra: &[&str]| {
        let mut args = vec![
            "sysroot",
            verb,
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--mirror",
            &mirror,
            "--keyring",
            &keyring,
            "--cache-dir",
            &cache,
            "--lock-file",
            &lock,
            "--dir",
            &dir,
        ];
        args.extend_from_slice(extra);
        crossport(world.scratch.dir.path(), &args, &[])
    };
    let added = command("add", &["libextra-dev", "--update"]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert_eq!(
        locked_requested(&world, "crossport-sysroot.lock"),
        [
            "libextra-dev",
            "libssl-dev",
            "libxcrypt-dev",
            "perl",
            "unrelated"
        ]
    );
    assert!(world.path("sysroot/usr/include/extra.h").is_file());
    assert!(world.path("sysroot/usr/share/unrelated").is_file());
    // remove drops only what it names, and says so for a name it lacks.
    let removed = command("remove", &["unrelated"]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert!(!world.path("sysroot/usr/share/unrelated").exists());
    assert!(world.path("sysroot/usr/include/extra.h").is_file());
    let missing = command("remove", &["unrelated"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("unrelated is not among the packages the lock requests"),
        "{}",
        stderr(&missing)
    );
    // --replace sets exactly what is given.
    let replaced = command("fetch", &["libssl-dev", "--replace"]);
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert_eq!(
        locked_requested(&world, "crossport-sysroot.lock"),
        ["libssl-dev"]
    );
    assert!(!world.path("sysroot/usr/include/extra.h").exists());

    // With no lock entry, a fetch into an existing sysroot adds to what its
    // manifest holds.
    let other_lock = world.sysroot_arg("other.lock");
    let grown = crossport(
        world.scratch.dir.path(),
        &[
            "sysroot",
            "fetch",
            "--target",
            TARGET,
            "--release",
            "bookworm",
            "--mirror",
            &mirror,
            "--keyring",
            &keyring,
            "--cache-dir",
            &cache,
            "--lock-file",
            &other_lock,
            "--dir",
            &dir,
            "perl",
        ],
        &[],
    );
    assert!(grown.status.success(), "{}", stderr(&grown));
    let requested = locked_requested(&world, "other.lock");
    assert!(
        requested.contains(&"libssl-dev".to_owned()) && requested.contains(&"perl".to_owned()),
        "{requested:?}"
    );
    assert!(
        world
            .path("sysroot/usr/include/openssl/opensslv.h")
            .is_file()
    );
}

#[test]
fn path_and_verify_find_the_project_sysroot_and_say_when_there_is_none() {
    let world = World::standard();
    // A project whose lock sits at its root, sysroot where fix puts it.
    let project = world.path("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("Cargo.toml"), "[workspace]\n").expect("write");
    let lock = project.join("crossport-sysroot.lock").display().to_string();
    let cache = world.sysroot_arg("cache");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "sysroot",
            "verify",
            "--target",
            TARGET,
            "--cache-dir",
            &cache,
        ];
        args.extend_from_slice(extra);
        crossport(&project, &args, &[])
    };
    let dir = project.join("target/crossport/sysroots/aarch64-unknown-linux-gnu-bookworm");
    let dir_arg = dir.display().to_string();
    json(&world.fetch(&["libssl-dev", "--dir", &dir_arg, "--format", "json"], &[]));
    // The lock names no path: the project's copy finds the same sysroot.
    std::fs::copy(world.path("crossport-sysroot.lock"), &lock).expect("copy lock");
    let path = crossport(
        &project,
        &["sysroot", "path", "--target", TARGET, "--cache-dir", &cache],
        &[],
    );
    assert!(path.status.success(), "{}", stderr(&path));
    assert_eq!(stdout(&path).trim(), dir_arg);
    let clean = verify(&[]);
    assert!(
        clean.status.success(),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );
    assert!(
        stdout(&clean).contains(&format!("{dir_arg}: matches the lock")),
        "{}",
        stdout(&clean)
    );

    // A file no package ships is reported.
    std::fs::write(dir.join("usr/include/planted.h"), "/* planted */").expect("write");
    let extra = verify(&["--dir", &dir_arg]);
    assert_eq!(extra.status.code(), Some(1));
    assert!(
        stdout(&extra).contains("usr/include/planted.h: extra (no locked package ships it)"),
        "{}",
        stdout(&extra)
    );

    // No sysroot at all: one line, exit 2, not a "missing" line per file.
    std::fs::remove_dir_all(project.join("target")).expect("rm");
    let none = verify(&[]);
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    let message = stderr(&none);
    assert!(
        message.contains("no sysroot here for aarch64-unknown-linux-gnu (bookworm)"),
        "{message}"
    );
    assert!(message.contains("crossport sysroot sync"), "{message}");
    assert!(!stdout(&none).contains("missing"), "{}", stdout(&none));
}

#[test]
fn every_sysroot_command_prints_its_documented_json() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    let fetched = json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    schema::assert_valid("sysroot-fetch", &fetched);
    assert!(!package_names(&fetched).is_empty(), "{fetched:#}");
    let cache = world.sysroot_arg("cache");
    let lock = world.sysroot_arg("crossport-sysroot.lock");
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        crossport(world.scratch.dir.path(), &all, &[])
    };
    let common = ["--lock-file", lock.as_str(), "--cache-dir", cache.as_str()];
    let entry = |command: &'static str| {
        let mut args = vec!["sysroot", command, "--target", TARGET];
        args.extend(common);
        args
    };
    let path = json(&run(&entry("path")));
    schema::assert_valid("sysroot-path", &path);
    let list = json(&run(&["sysroot", "list", "--lock-file", &lock]));
    schema::assert_valid("sysroot-list", &list);
    assert_eq!(list["sysroots"][0]["target"], TARGET, "{list:#}");
    let mut verify_args = entry("verify");
    verify_args.extend(["--dir", dir.as_str()]);
    let verified = json(&run(&verify_args));
    schema::assert_valid("sysroot-verify", &verified);
    assert_eq!(verified["problems"], serde_json::json!([]), "{verified:#}");
    // A problem, still one valid document (and exit 1).
    std::fs::write(world.path("sysroot/usr/include/planted.h"), "/* planted */").expect("write");
    let extra = run(&verify_args);
    assert_eq!(extra.status.code(), Some(1), "{}", stderr(&extra));
    let extra: Value = serde_json::from_slice(&extra.stdout).expect("JSON on stdout");
    schema::assert_valid("sysroot-verify", &extra);
    assert!(extra["problems"].as_array().is_some_and(|p| !p.is_empty()));
    let cleaned = json(&run(&["sysroot", "clean", "--cache-dir", &cache]));
    schema::assert_valid("sysroot-clean", &cleaned);
    assert!(cleaned["removed"].as_array().is_some_and(|r| !r.is_empty()));
}
