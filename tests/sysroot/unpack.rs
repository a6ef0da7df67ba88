//! Unpacking caps, directory replacement, `verify`'s path rules and the
//! wording of unpack errors, against crafted `.deb`s in a signed loopback
//! repository.

use std::path::Path;

use serde_json::Value;

use super::support::keys::archive_key;
use super::support::repo::{Deb, Entry, Publish, sha256};
use super::support::{crossport, standard_debs, stderr, stdout};
use super::{TARGET, World, json};

/// A world with the standard packages plus `extra`.
fn world_with(extra: Vec<Deb>) -> World {
    let mut debs = standard_debs();
    debs.extend(extra);
    World::new(&debs, Publish::new(archive_key()))
}

/// Runs a fetch of `packages` (no base set) into `sysroot` with `env`,
/// expects it to fail, checks it left no sysroot, no lock and no unpacked
/// tree in the cache, and returns stderr.
fn refused_fetch(world: &World, packages: &[&str], env: &[(&str, &str)]) -> String {
    let dir = world.sysroot_arg("sysroot");
    let mut args: Vec<&str> = packages.to_vec();
    args.extend_from_slice(&["--no-base-set", "--dir", &dir]);
    let output = world.fetch(&args, env);
    assert!(
        !output.status.success(),
        "fetch succeeded: {}",
        stdout(&output)
    );
    let message = stderr(&output);
    assert!(message.starts_with("error: "), "{message}");
    world.assert_no_sysroot("sysroot");
    assert_eq!(
        unpacked_trees(world),
        Vec::<String>::new(),
        "a refused fetch left unpacked trees in the cache"
    );
    message
}

/// Entries of the cache's `unpacked/` directory.
fn unpacked_trees(world: &World) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(world.path("cache/unpacked"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// `count` packages `big-<i>` of one `size`-byte file each (zeros: tiny
/// on the wire).
fn big_packages(count: usize, size: u64) -> Vec<Deb> {
    let names: [&'static str; 4] = ["big-a", "big-b", "big-c", "big-d"];
    let paths: [&'static str; 4] = ["./big-a", "./big-b", "./big-c", "./big-d"];
    (0..count)
        .map(|i| Deb::new(names[i], "1.0").entry(Entry::Zeros(paths[i], size)))
        .collect()
}

#[test]
fn the_size_cap_is_shared_by_every_package_and_worker_of_a_fetch() {
    // Each package is well under the limit; together they are over it.
    let world = world_with(big_packages(4, 300_000));
    let message = refused_fetch(
        &world,
        &["big-a", "big-b", "big-c", "big-d"],
        &[("CROSSPORT_UNPACK_LIMIT", "1000000")],
    );
    assert!(
        message.contains("would exceed the limit of 976.6 KiB for this fetch"),
        "{message}"
    );
    assert!(message.contains("CROSSPORT_UNPACK_LIMIT"), "{message}");
    assert!(!message.contains("1000000 bytes"), "raw bytes: {message}");
    // The same fetch fits under a limit that holds all four.
    let dir = world.sysroot_arg("sysroot");
    let outcome = json(&world.fetch(
        &[
            "big-a",
            "big-b",
            "big-c",
            "big-d",
            "--no-base-set",
            "--dir",
            &dir,
            "--format",
            "json",
        ],
        &[("CROSSPORT_UNPACK_LIMIT", "1300000")],
    ));
    assert_eq!(outcome["packages"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        std::fs::metadata(world.path("sysroot/big-d"))
            .map(|m| m.len())
            .ok(),
        Some(300_000)
    );
}

#[test]
fn the_entry_count_is_capped_over_the_whole_fetch() {
    let mut many = Vec::new();
    for (name, prefix) in [("many-a", "a"), ("many-b", "b")] {
        let mut deb = Deb::new(name, "1.0");
        for i in 0..30 {
            deb = deb.file(&format!("./{prefix}{i}"), "x");
        }
        many.push(deb);
    }
    let world = world_with(many);
    let message = refused_fetch(
        &world,
        &["many-a", "many-b"],
        &[("CROSSPORT_UNPACK_ENTRY_LIMIT", "50")],
    );
    assert!(message.contains("more than 50 entries"), "{message}");
    assert!(
        message.contains("CROSSPORT_UNPACK_ENTRY_LIMIT"),
        "{message}"
    );
}

#[test]
fn a_limit_that_is_not_a_number_is_a_clear_error() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    let output = world.fetch(
        &["libssl-dev", "--dir", &dir],
        &[("CROSSPORT_UNPACK_LIMIT", "4G")],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("CROSSPORT_UNPACK_LIMIT=\"4G\" is not a whole number"),
        "{message}"
    );
    world.assert_no_sysroot("sysroot");
}

#[test]
fn a_limit_of_u64_max_does_not_overflow() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    let limit = u64::MAX.to_string();
    let outcome = json(&world.fetch(
        &["libssl-dev", "--dir", &dir, "--format", "json"],
        &[
            ("CROSSPORT_UNPACK_LIMIT", &limit),
            ("CROSSPORT_UNPACK_ENTRY_LIMIT", &limit),
        ],
    ));
    assert_eq!(outcome["up_to_date"], Value::Bool(false));
    // Every file has its content (an overflowed budget wrote them empty).
    assert_eq!(
        std::fs::read_to_string(world.path("sysroot/usr/lib/aarch64-linux-gnu/libssl.so.3")).ok(),
        Some("libssl 3.0.11".to_owned())
    );
    assert_eq!(
        std::fs::read_to_string(world.path("sysroot/usr/include/stdio.h")).ok(),
        Some("/* stdio */".to_owned())
    );
}

#[test]
fn a_later_entry_replacing_a_directory_is_refused_naming_both_packages() {
    let replacements: Vec<(&str, Entry)> = vec![
        (
            "file",
            Entry::File("./usr/share/thing".to_owned(), b"x".to_vec()),
        ),
        ("symlink", Entry::Symlink("./usr/share/thing", "/etc")),
        (
            "hard link",
            Entry::HardLink("./usr/share/thing", "./usr/bin/zzz"),
        ),
    ];
    for (label, replacement) in replacements {
        let earlier = Deb::new("a-dirs", "1.0")
            .entry(Entry::Dir("./usr/"))
            .entry(Entry::Dir("./usr/share/"))
            .entry(Entry::Dir("./usr/share/thing/"))
            .file("./usr/share/thing/keep", "keep me");
        let later = Deb::new("b-replaces", "1.0")
            .entry(Entry::Dir("./usr/"))
            .entry(Entry::Dir("./usr/bin/"))
            .file("./usr/bin/zzz", "zzz")
            .entry(replacement);
        let world = world_with(vec![earlier, later]);
        let message = refused_fetch(&world, &["a-dirs", "b-replaces"], &[]);
        assert!(
            message.contains(
                "b-replaces: refused entry \"usr/share/thing\": it would replace a directory \
                 from a-dirs with a non-directory; a-dirs and b-replaces cannot share a sysroot"
            ),
            "{label}: {message}"
        );
        assert!(!message.contains("Not a directory"), "{label}: {message}");
        assert!(
            !message.contains(".crossport-sysroot-"),
            "{label}: {message}"
        );
    }
}

#[test]
fn a_package_replacing_its_own_directory_is_refused() {
    let deb = Deb::new("self-replace", "1.0")
        .entry(Entry::Dir("./etc/"))
        .file("./etc/a/b", "b")
        .file("./etc/a", "a");
    let world = world_with(vec![deb]);
    let message = refused_fetch(&world, &["self-replace"], &[]);
    assert!(
        message.contains(
            "self-replace: refused entry \"./etc/a\": it would replace a directory of the same package"
        ),
        "{message}"
    );
}

/// Adds `deb` to the lock's sysroot (and its bytes to the cache, under
/// its SHA256, as a verified download would be), the way a pull request
/// could edit a lock and a poisoned cache could hold the file.
fn plant_in_lock(world: &World, deb: &Deb) {
    let bytes = deb.build();
    let sha = sha256(&bytes);
    std::fs::write(world.path(&format!("cache/debs/{sha}.deb")), &bytes).expect("plant deb");
    let lock_path = world.path("crossport-sysroot.lock");
    let mut lock: Value =
        serde_json::from_slice(&std::fs::read(&lock_path).expect("read lock")).expect("lock JSON");
    let packages = lock["sysroots"][0]["packages"]
        .as_array_mut()
        .expect("packages");
    packages.push(serde_json::json!({
        "name": deb.name,
        "version": deb.version,
        "architecture": deb.arch,
        "filename": deb.pool_path(),
        "size": bytes.len(),
        "sha256": sha,
    }));
    std::fs::write(
        &lock_path,
        serde_json::to_vec_pretty(&lock).expect("lock JSON"),
    )
    .expect("write lock");
}

fn verify(world: &World) -> std::process::Output {
    let dir = world.sysroot_arg("sysroot");
    let lock = world.path("crossport-sysroot.lock").display().to_string();
    let cache = world.path("cache").display().to_string();
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
            &cache,
        ],
        &[],
    )
}

#[test]
fn verify_applies_the_extraction_path_rules() {
    let world = World::standard();
    let dir = world.sysroot_arg("sysroot");
    json(&world.fetch(&["libssl-dev", "--dir", &dir, "--format", "json"], &[]));
    // Files outside the sysroot whose contents the hostile package claims:
    // a verify that reads them reports nothing for them (and so confirms
    // their contents to whoever wrote the package).
    std::fs::write(world.path("secret"), "secret").expect("write secret");
    let absolute = world.path("absolute-secret");
    std::fs::write(&absolute, "absolute secret").expect("write secret");
    let hostile = Deb::new("hostile", "1.0")
        .file("./../secret", "secret")
        .file(absolute.to_str().expect("utf-8 path"), "absolute secret");
    plant_in_lock(&world, &hostile);
    // And a directory of the sysroot replaced by a symlink to a copy
    // outside it: verify must not follow it.
    let outside = world.path("outside-include");
    std::fs::create_dir_all(outside.join("openssl")).expect("mkdir");
    std::fs::copy(
        world.path("sysroot/usr/include/openssl/opensslv.h"),
        outside.join("openssl/opensslv.h"),
    )
    .expect("copy");
    std::fs::copy(
        world.path("sysroot/usr/include/stdio.h"),
        outside.join("stdio.h"),
    )
    .expect("copy");
    let include = world.path("sysroot/usr/include");
    make_writable(&include);
    std::fs::rename(&include, world.path("moved-include")).expect("move include");
    std::os::unix::fs::symlink(&outside, &include).expect("symlink");

    let output = verify(&world);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains(
            "./../secret: refused entry in the package (path contains `..`); it was not read (from hostile)"
        ),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{}: refused entry in the package (absolute path); it was not read (from hostile)",
            absolute.display()
        )),
        "{report}"
    );
    assert!(
        report.contains(
            "usr/include/stdio.h: outside the sysroot through a symlink; it was not read (from libc6-dev)"
        ),
        "{report}"
    );
}

fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(dir) {
        let mut permissions = metadata.permissions();
        permissions.set_mode(permissions.mode() | 0o700);
        let _ = std::fs::set_permissions(dir, permissions);
    }
}

/// The lines of an error report, checked for the shape every error has:
/// `error: …` first, then one `  caused by: …` line per cause.
fn report_lines(message: &str) -> Vec<String> {
    let lines: Vec<String> = message.lines().map(str::to_owned).collect();
    assert!(lines[0].starts_with("error: "), "{message}");
    for line in &lines[1..] {
        assert!(line.starts_with("  caused by: "), "{message}");
    }
    lines
}

#[test]
fn a_signature_error_names_its_cause_once() {
    use super::support::keys::stranger_key;
    let world = World::new(&standard_debs(), Publish::new(stranger_key()));
    let output = world.fetch(&["libssl-dev", "--dir", &world.sysroot_arg("sysroot")], &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(
        message.matches("not in the keyring").count(),
        1,
        "{message}"
    );
    assert_eq!(
        message.matches("no trusted signature is good").count(),
        1,
        "{message}"
    );
    let lines = report_lines(&message);
    assert_eq!(
        lines,
        [
            format!("error: cannot fetch a sysroot for {TARGET}"),
            format!(
                "  caused by: {}/dists/bookworm/InRelease",
                world.server.mirror()
            ),
            format!(
                "  caused by: no trusted signature is good: signature by {} is from a key not in the keyring",
                stranger_fingerprint(&message)
            ),
        ],
        "{message}"
    );
}

/// The fingerprint the report names (the stranger key's).
fn stranger_fingerprint(message: &str) -> String {
    message
        .split("signature by ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("?")
        .to_owned()
}

#[test]
fn a_corrupt_data_tar_names_the_package_its_file_and_the_cause_once() {
    let mut deb = Deb::new("corrupt", "1.0");
    let text: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    deb = deb.file("./usr/share/corrupt.txt", &text).cut_data();
    let world = world_with(vec![deb]);
    let message = refused_fetch(&world, &["corrupt"], &[]);
    let lines = report_lines(&message);
    assert_eq!(
        lines,
        [
            format!("error: cannot fetch a sysroot for {TARGET}"),
            "  caused by: cannot unpack corrupt 1.0 (pool/main/c/corrupt/corrupt_1.0_arm64.deb)"
                .to_owned(),
            "  caused by: corrupt: unreadable data.tar".to_owned(),
            "  caused by: premature eof".to_owned(),
        ],
        "{message}"
    );
}
