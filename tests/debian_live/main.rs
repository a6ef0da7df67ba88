//! The Debian formats and the sysroot resolver on the real archive.
//!
//! Runs only with CROSSPORT_LIVE=1 (CI sets it). The mirror is the one in
//! the host's apt sources, found with crossport's own apt sources parser;
//! indexes are fetched with `curl` and checked against the Release file's
//! SHA256 list (signatures are the sysroot driver's job and its tests').
//!
//! - bookworm and trixie arm64 `Packages` parse without a single error;
//! - the closure of libssl-dev holds libssl3 (bookworm) or libssl3t64
//!   (trixie), libc6-dev and the base set;
//! - every `-dev` package of the native library table exists in both
//!   releases, and (contents.rs) the release's signed `Contents-arm64`
//!   index says each ships the table's `.pc` file or `lib….so`;
//! - on an amd64 bookworm host, our closures (libssl-dev, libgtk-3-dev and
//!   sets of common `-dev` packages, each with the base set) name exactly
//!   the packages `apt-get install -s` would install on an empty system.

#[path = "../common/gate.rs"]
mod gate;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use crossport_analysis::native_libs::NATIVE_LIBRARIES;
use crossport_analysis::sysroot::{ResolveRequest, resolve};
use crossport_formats::apt_sources::{AptSource, debian_mirror_for_release, parse_sources_file};
use crossport_formats::packages::PackageIndex;
use crossport_formats::release::Release;
use sha2::{Digest, Sha256};

mod contents;

/// Every source in the host's apt configuration.
fn host_sources() -> Vec<AptSource> {
    let mut files = vec![Path::new("/etc/apt/sources.list").to_path_buf()];
    if let Ok(entries) = std::fs::read_dir("/etc/apt/sources.list.d") {
        let mut names: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        files.extend(names);
    }
    let mut sources = Vec::new();
    for file in files {
        let name = file.to_string_lossy().into_owned();
        if !(name.ends_with(".list") || name.ends_with(".sources")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let (found, errors) = parse_sources_file(&name, &text);
        for error in errors {
            eprintln!("note: {error}");
        }
        sources.extend(found);
    }
    sources
}

fn mirror(release: &str) -> String {
    let sources = host_sources();
    let choice = debian_mirror_for_release(&sources, release)
        .unwrap_or_else(|| panic!("no Debian mirror in the host's apt sources for {release}"));
    eprintln!("mirror for {release}: {}", choice.file);
    choice.uri.to_owned()
}

fn curl(url: &str) -> Vec<u8> {
    let output = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--fail",
            "--location",
            "--retry",
            "3",
            url,
        ])
        .output()
        .expect("curl runs");
    assert!(
        output.status.success(),
        "curl {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The Release of a suite (the signed text of its InRelease).
fn release(mirror: &str, suite: &str) -> Release {
    let inrelease = curl(&format!("{mirror}/dists/{suite}/InRelease"));
    let text = String::from_utf8(inrelease).expect("InRelease is UTF-8");
    let body = text.split_once("\n\n").map_or("", |(_, body)| body);
    let signed = body
        .split("\n-----BEGIN PGP SIGNATURE-----")
        .next()
        .unwrap_or("");
    let release = Release::parse(signed).expect("Release parses");
    assert_eq!(release.codename.as_deref(), Some(suite));
    release
}

/// Fetches, checks against the Release and parses one Packages index.
fn packages(mirror: &str, suite: &str, arch: &str) -> PackageIndex {
    let release = release(mirror, suite);
    let path = format!("main/binary-{arch}/Packages.xz");
    let entry = release
        .sha256_entry(&path)
        .expect("Release lists Packages.xz");
    let compressed = curl(&format!("{mirror}/dists/{suite}/{path}"));
    assert_eq!(compressed.len() as u64, entry.size, "{path} size");
    let digest: String = Sha256::digest(&compressed)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(digest, entry.sha256, "{path} SHA256");
    let mut text = String::new();
    liblzma::read::XzDecoder::new(compressed.as_slice())
        .read_to_string(&mut text)
        .expect("Packages.xz decompresses");
    let (index, errors) = PackageIndex::parse(&text);
    assert!(errors.is_empty(), "{suite} {arch}: {errors:?}");
    assert!(
        index.len() > 50_000,
        "{suite} {arch}: {} packages",
        index.len()
    );
    index
}

fn assert_links_table_exists(index: &PackageIndex, suite: &str) {
    let missing: Vec<_> = NATIVE_LIBRARIES
        .iter()
        .map(|row| row.dev_package)
        .filter(|dev| index.get(dev).next().is_none() && index.providers(dev).is_empty())
        .collect();
    assert!(
        missing.is_empty(),
        "{suite}: no such -dev packages: {missing:?}"
    );
}

#[test]
fn bookworm_arm64_closure_of_libssl_dev() {
    if !gate::live("bookworm_arm64_closure_of_libssl_dev") {
        return;
    }
    let index = packages(&mirror("bookworm"), "bookworm", "arm64");
    let resolution = resolve(&[&index], &ResolveRequest::new("arm64", &["libssl-dev"]))
        .expect("libssl-dev resolves");
    for name in [
        "libssl-dev",
        "libssl3",
        "libc6-dev",
        "libc6",
        "linux-libc-dev",
    ] {
        assert!(resolution.get(name).is_some(), "{name} in the closure");
    }
    assert_eq!(resolution.base_set[2], "libgcc-12-dev");
    assert!(
        resolution
            .packages
            .iter()
            .all(|p| p.package.architecture != "amd64")
    );
    assert_links_table_exists(&index, "bookworm");
}

#[test]
fn trixie_arm64_closure_follows_t64() {
    if !gate::live("trixie_arm64_closure_follows_t64") {
        return;
    }
    let index = packages(&mirror("trixie"), "trixie", "arm64");
    let resolution = resolve(&[&index], &ResolveRequest::new("arm64", &["libssl-dev"]))
        .expect("libssl-dev resolves");
    assert!(resolution.get("libssl3t64").is_some());
    assert!(resolution.get("libc6-dev").is_some());
    assert_links_table_exists(&index, "trixie");
}

/// The packages `apt-get install -s --no-install-recommends` would install
/// on a system with nothing installed, from the host's own apt lists.
fn apt_would_install(roots: &[String]) -> Option<Vec<String>> {
    let empty_status = tempfile::NamedTempFile::new().expect("temp file");
    let output = Command::new("apt-get")
        .arg("--simulate")
        .arg("--no-install-recommends")
        .arg("-o")
        .arg(format!(
            "Dir::State::status={}",
            empty_status.path().display()
        ))
        .arg("install")
        .args(roots)
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!(
            "apt-get -s failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("Inst "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    Some(names)
}

#[test]
fn amd64_closure_matches_apt() {
    if !gate::live("amd64_closure_matches_apt") {
        return;
    }
    let host_arch = Command::new("dpkg").arg("--print-architecture").output();
    let is_amd64 = host_arch.is_ok_and(|out| out.stdout.starts_with(b"amd64"));
    let sources = host_sources();
    let uses_bookworm = sources
        .iter()
        .any(|source| source.enabled && source.suites.iter().any(|s| s == "bookworm"));
    if !is_amd64 || !uses_bookworm {
        gate::skipped(
            "amd64_closure_matches_apt",
            "apt's view is only comparable on an amd64 bookworm host",
        );
        return;
    }
    let index = packages(&mirror("bookworm"), "bookworm", "amd64");
    let root_sets: &[&[&str]] = &[
        &["libssl-dev"],
        // 349 packages: alternatives, virtual packages and Multi-Arch all over.
        &["libgtk-3-dev"],
        &[
            "libpq-dev",
            "libdbus-1-dev",
            "libcurl4-openssl-dev",
            "libgit2-dev",
        ],
        &[
            "default-libmysqlclient-dev",
            "libasound2-dev",
            "libfontconfig-dev",
            "libudev-dev",
            "libsqlite3-dev",
            "zlib1g-dev",
        ],
    ];
    for roots in root_sets {
        let resolution =
            resolve(&[&index], &ResolveRequest::new("amd64", roots)).expect("roots resolve");
        let mut requested = resolution.base_set.clone();
        requested.extend(roots.iter().map(|root| (*root).to_owned()));
        let Some(apt) = apt_would_install(&requested) else {
            gate::skipped(
                "amd64_closure_matches_apt",
                "apt-get could not simulate (run apt-get update first)",
            );
            return;
        };
        let ours: Vec<String> = resolution
            .packages
            .iter()
            .map(|p| p.package.name.clone())
            .collect();
        assert_eq!(ours, apt, "closure of {roots:?}");
    }
}
