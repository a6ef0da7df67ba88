//! The native library table against the release's own file index.
//!
//! `Contents-<arch>.gz` maps every file of the release to the packages that
//! ship it, and its SHA256 is in the signed Release like any index. For
//! each row of `crossport_analysis::native_libs`, the first `.pc` file (or,
//! when the release ships none, the first `lib….so`) must come from the row's `-dev`
//! package or from a package in its dependency closure (a metapackage such
//! as default-libmysqlclient-dev ships nothing itself). A row that drifts
//! from the archive fails here instead of in a user's build.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};

use super::gate;
use crossport_analysis::native_libs::{NATIVE_LIBRARIES, NativeLibrary};
use crossport_analysis::sysroot::{ResolveRequest, resolve};
use sha2::{Digest, Sha256};

const SUITE: &str = "bookworm";
const ARCH: &str = "arm64";
const TUPLE: &str = "aarch64-linux-gnu";

/// The paths a row is checked by, in order: its first `.pc` file, then
/// its first library (bookworm's libbz2-dev ships no bzip2.pc, trixie's
/// does; preflight accepts either file in a sysroot).
fn wanted_paths(row: &NativeLibrary) -> Vec<String> {
    let mut paths = Vec::new();
    if let Some(module) = row.pkg_config.first() {
        paths.extend([
            format!("usr/lib/{TUPLE}/pkgconfig/{module}.pc"),
            format!("usr/share/pkgconfig/{module}.pc"),
            format!("usr/lib/pkgconfig/{module}.pc"),
        ]);
    }
    if let Some(library) = row.libraries.first() {
        paths.extend([
            format!("usr/lib/{TUPLE}/lib{library}.so"),
            format!("lib/{TUPLE}/lib{library}.so"),
            format!("usr/lib/{TUPLE}/lib{library}.a"),
        ]);
    }
    paths
}

/// Which packages ship each wanted path, read from the whole index.
fn shippers(wanted: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let mirror = super::mirror(SUITE);
    let release = super::release(&mirror, SUITE);
    let path = format!("main/Contents-{ARCH}.gz");
    let entry = release
        .sha256_entry(&path)
        .unwrap_or_else(|| panic!("{SUITE} Release lists no {path}"));
    let compressed = super::curl(&format!("{mirror}/dists/{SUITE}/{path}"));
    assert_eq!(compressed.len() as u64, entry.size, "{path} size");
    let digest: String = Sha256::digest(&compressed)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(digest, entry.sha256, "{path} SHA256");
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let reader = BufReader::new(flate2::read::GzDecoder::new(compressed.as_slice()));
    let mut lines = 0usize;
    for line in reader.lines() {
        let line = line.expect("Contents decompresses");
        lines += 1;
        // `path<whitespace>section/package[,section/package…]`; the path
        // itself may contain spaces, the package list never does.
        let Some((file, packages)) = line.trim_end().rsplit_once(char::is_whitespace) else {
            continue;
        };
        let file = file.trim_end();
        if wanted.contains(file) {
            let names = packages
                .split(',')
                .map(|qualified| qualified.rsplit('/').next().unwrap_or(qualified).to_owned());
            found.entry(file.to_owned()).or_default().extend(names);
        }
    }
    assert!(lines > 1_000_000, "{path}: only {lines} lines");
    found
}

#[test]
fn bookworm_arm64_contents_ship_what_the_native_table_says() {
    if !gate::live("bookworm_arm64_contents_ship_what_the_native_table_says") {
        return;
    }
    let wanted: BTreeSet<String> = NATIVE_LIBRARIES.iter().flat_map(wanted_paths).collect();
    let shipped = shippers(&wanted);
    let index = super::packages(&super::mirror(SUITE), SUITE, ARCH);
    let mut wrong = Vec::new();
    for row in NATIVE_LIBRARIES {
        let paths = wanted_paths(row);
        let Some((path, packages)) = paths
            .iter()
            .find_map(|path| shipped.get(path).map(|packages| (path, packages)))
        else {
            wrong.push(format!(
                "{}: no package ships any of {paths:?}",
                row.dev_package
            ));
            continue;
        };
        if packages.iter().any(|package| package == row.dev_package) {
            continue;
        }
        let request = ResolveRequest {
            base_set: false,
            ..ResolveRequest::new(ARCH, &[row.dev_package])
        };
        let closure = resolve(&[&index], &request)
            .map(|resolution| {
                resolution
                    .packages
                    .iter()
                    .map(|p| p.package.name.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if !packages.iter().any(|package| closure.contains(package)) {
            wrong.push(format!(
                "{}: {path} comes from {packages:?}, not from it or its dependencies",
                row.dev_package
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "the native library table drifted from {SUITE}:\n{}",
        wrong.join("\n")
    );
}
