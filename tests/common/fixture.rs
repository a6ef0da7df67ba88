//! Fixture crates copied to a scratch directory, shared by the test
//! binaries that build them (tests/builds, tests/musl, tests/native).
//!
//! Include it with `#[path = "../common/fixture.rs"] mod fixture;`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository's `fixtures/` directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Copies a fixture tree, leaving out any `target/` directory in it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("readable fixture {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("fixture entry");
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&path, &dest);
            }
        } else {
            std::fs::copy(&path, &dest).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}
