//! Which Debian package provides a library, header or pkg-config module.
//!
//! A finding that says "`-lsqlite3` is missing for aarch64" is more useful
//! with the package a sysroot needs (`libsqlite3-dev`). The names come from
//! [`crate::native_libs`], the one table of native libraries; the sysroot
//! fetcher resolves the real dependency closure from the index.

use crate::native_libs::{self, TOOLCHAIN_LIBRARIES};

/// The library name of `-lfoo`, `libfoo.so`, `libfoo.so.1` or `libfoo.a`.
pub fn library_stem(library: &str) -> &str {
    let name = library
        .strip_prefix("lib")
        .filter(|_| library.contains(".so") || library.ends_with(".a"))
        .unwrap_or(library);
    let name = name.split(".so").next().unwrap_or(name);
    name.strip_suffix(".a").unwrap_or(name)
}

/// The -dev package for a library as named by `-l` (or `libfoo.so`).
pub fn for_library(library: &str) -> Option<&'static str> {
    let name = library_stem(library);
    if name.starts_with("crt") || name.starts_with("Scrt") {
        return Some(
            if name.starts_with("crtbegin") || name.starts_with("crtend") {
                "libgcc-dev"
            } else {
                "libc6-dev"
            },
        );
    }
    TOOLCHAIN_LIBRARIES
        .iter()
        .find(|(lib, _)| *lib == name)
        .map(|(_, package)| *package)
        .or_else(|| native_libs::for_library_name(name).map(|row| row.dev_package))
}

/// A library that exists with other capitals (`-lflac`, the package ships
/// `libFLAC.so`): the package and the spelling that links.
pub fn for_library_other_case(library: &str) -> Option<(&'static str, &'static str)> {
    native_libs::for_library_name_ignoring_case(library_stem(library))
        .map(|(row, real)| (row.dev_package, real))
}

/// The -dev package for a pkg-config module.
pub fn for_pkg_config(module: &str) -> Option<&'static str> {
    native_libs::for_pkg_config(module).map(|row| row.dev_package)
}

/// The -dev package for a header as written in `#include <…>`.
pub fn for_header(header: &str) -> Option<&'static str> {
    if header.starts_with("bits/")
        || header.starts_with("gnu/")
        || header.starts_with("sys/")
        || matches!(
            header,
            "stdio.h" | "stdlib.h" | "string.h" | "limits.h" | "features.h"
        )
    {
        return Some("libc6-dev");
    }
    if header.starts_with("asm/") || header.starts_with("linux/") {
        return Some("linux-libc-dev");
    }
    native_libs::for_header(header).map(|row| row.dev_package)
}

/// The runtime package a shared library's soname comes from, the Debian
/// way (`libssl.so.3` → `libssl3`, `libsqlite3.so.0` → `libsqlite3-0`).
pub fn for_soname(soname: &str) -> Option<String> {
    let (stem, version) = soname.split_once(".so.")?;
    let version = version.split('.').next().filter(|v| !v.is_empty())?;
    if stem.starts_with("libc") && matches!(stem, "libc" | "libm" | "libpthread" | "libdl") {
        return Some("libc6".to_owned());
    }
    if stem == "libssl" || stem == "libcrypto" {
        return Some(format!("libssl{}", soname.split_once(".so.")?.1));
    }
    let joiner = if stem.ends_with(|c: char| c.is_ascii_digit()) {
        "-"
    } else {
        ""
    };
    Some(format!("{stem}{joiner}{version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_common_names() {
        assert_eq!(for_library("ssl"), Some("libssl-dev"));
        assert_eq!(for_library("libsqlite3.so"), Some("libsqlite3-dev"));
        assert_eq!(for_library("crtbeginS.o"), Some("libgcc-dev"));
        assert_eq!(for_library("Scrt1.o"), Some("libc6-dev"));
        assert_eq!(for_pkg_config("dbus-1"), Some("libdbus-1-dev"));
        assert_eq!(for_library("asound"), Some("libasound2-dev"));
        assert_eq!(for_library("FLAC"), Some("libflac-dev"));
        assert_eq!(for_library("flac"), None);
        assert_eq!(
            for_library_other_case("flac"),
            Some(("libflac-dev", "FLAC"))
        );
        assert_eq!(for_library("gcc_s"), Some("libgcc-s1"));
        assert_eq!(for_header("openssl/opensslv.h"), Some("libssl-dev"));
        assert_eq!(for_header("bits/libc-header-start.h"), Some("libc6-dev"));
        assert_eq!(for_header("nothing-known.h"), None);
        assert_eq!(for_soname("libssl.so.1.1").as_deref(), Some("libssl1.1"));
        assert_eq!(for_soname("libssl.so.3").as_deref(), Some("libssl3"));
        assert_eq!(
            for_soname("libsqlite3.so.0").as_deref(),
            Some("libsqlite3-0")
        );
        assert_eq!(for_soname("libpq.so.5").as_deref(), Some("libpq5"));
    }
}
