//! Which Debian package provides a library, header or pkg-config module.
//!
//! A finding that says "`-lsqlite3` is missing for aarch64" is more useful
//! with the package a sysroot needs (`libsqlite3-dev`). This is a small
//! table of the common `-sys` crates' libraries, not a package search: the
//! sysroot fetcher resolves the real dependency closure from the index.

/// (library name as in `-l`, pkg-config module, header prefix, -dev package)
const TABLE: &[(&str, &str, &str, &str)] = &[
    ("ssl", "openssl", "openssl/", "libssl-dev"),
    ("crypto", "libcrypto", "openssl/", "libssl-dev"),
    ("sqlite3", "sqlite3", "sqlite3.h", "libsqlite3-dev"),
    ("z", "zlib", "zlib.h", "zlib1g-dev"),
    ("pq", "libpq", "libpq-fe.h", "libpq-dev"),
    ("dbus-1", "dbus-1", "dbus/", "libdbus-1-dev"),
    ("asound", "alsa", "alsa/", "libasound2-dev"),
    ("udev", "libudev", "libudev.h", "libudev-dev"),
    ("systemd", "libsystemd", "systemd/", "libsystemd-dev"),
    ("ssh2", "libssh2", "libssh2.h", "libssh2-1-dev"),
    ("git2", "libgit2", "git2.h", "libgit2-dev"),
    ("curl", "libcurl", "curl/", "libcurl4-openssl-dev"),
    ("zstd", "libzstd", "zstd.h", "libzstd-dev"),
    ("lzma", "liblzma", "lzma.h", "liblzma-dev"),
    ("bz2", "bzip2", "bzlib.h", "libbz2-dev"),
    ("usb-1.0", "libusb-1.0", "libusb-1.0/", "libusb-1.0-0-dev"),
    ("xkbcommon", "xkbcommon", "xkbcommon/", "libxkbcommon-dev"),
    (
        "wayland-client",
        "wayland-client",
        "wayland-client.h",
        "libwayland-dev",
    ),
    ("X11", "x11", "X11/", "libx11-dev"),
    (
        "fontconfig",
        "fontconfig",
        "fontconfig/",
        "libfontconfig-dev",
    ),
    ("freetype", "freetype2", "ft2build.h", "libfreetype-dev"),
    ("gtk-3", "gtk+-3.0", "gtk/", "libgtk-3-dev"),
    ("glib-2.0", "glib-2.0", "glib.h", "libglib2.0-dev"),
    ("pulse", "libpulse", "pulse/", "libpulse-dev"),
    ("mysqlclient", "mysqlclient", "mysql/", "libmysqlclient-dev"),
    ("gcc_s", "", "", "libgcc-s1"),
    ("stdc++", "", "", "libstdc++-dev"),
    ("c", "", "", "libc6-dev"),
    ("m", "", "", "libc6-dev"),
    ("dl", "", "", "libc6-dev"),
    ("pthread", "", "", "libc6-dev"),
    ("rt", "", "", "libc6-dev"),
    ("util", "", "", "libc6-dev"),
];

/// The -dev package for a library as named by `-l` (or `libfoo.so`).
pub fn for_library(library: &str) -> Option<&'static str> {
    let name = library
        .strip_prefix("lib")
        .filter(|_| library.contains(".so") || library.contains(".a"))
        .unwrap_or(library);
    let name = name.split(".so").next().unwrap_or(name);
    let name = name.strip_suffix(".a").unwrap_or(name);
    if name.starts_with("crt") || name.starts_with("Scrt") {
        return Some(
            if name.starts_with("crtbegin") || name.starts_with("crtend") {
                "libgcc-dev"
            } else {
                "libc6-dev"
            },
        );
    }
    TABLE
        .iter()
        .find(|(lib, ..)| *lib == name)
        .map(|(.., package)| *package)
}

/// The -dev package for a pkg-config module.
pub fn for_pkg_config(module: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(_, pc, ..)| !pc.is_empty() && *pc == module)
        .map(|(.., package)| *package)
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
    TABLE
        .iter()
        .find(|(_, _, prefix, _)| !prefix.is_empty() && header.starts_with(prefix))
        .map(|(.., package)| *package)
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
