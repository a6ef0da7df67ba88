//! The native libraries `-sys` crates link, and the Debian package that ships each.
//!
//! One table, used by preflight (`doctor`, the language server), the log
//! rules (`explain`, `build`) and the sysroot resolver: a crate name, its
//! `links` key, a pkg-config module, a `-l` library or a header all lead to
//! the same row and the same `-dev` package. The rows are data, not guesses:
//! the live test (`tests/debian_live`) reads the release's signed
//! `Contents-arm64` index (file → package) and checks that each row's
//! package really ships its first `.pc` file and its first `lib….so` link
//! for bookworm, and that every package exists in bullseye, bookworm and
//! trixie. `-dev` package names are stable across those three releases (the
//! 64-bit time_t renames touched runtime packages only).
//!
//! The crates are the most downloaded crates on crates.io that link a
//! library from the system (docs/diagnostics.md lists them). A crate that
//! can compile its library from source is still listed: whether it does is
//! decided from its features (preflight's `native_need`).

/// One native library and everything that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeLibrary {
    /// The Debian `-dev` package with the headers, the `.pc` file and the
    /// `lib….so` link.
    pub dev_package: &'static str,
    /// Crates that link it.
    pub crates: &'static [&'static str],
    /// Values of those crates' `links` key.
    pub links: &'static [&'static str],
    /// pkg-config modules, the one the crates ask for first.
    pub pkg_config: &'static [&'static str],
    /// Library names as given to the linker (`-lssl`), first the main one.
    pub libraries: &'static [&'static str],
    /// Header paths or directory prefixes (`openssl/`) under /usr/include.
    pub headers: &'static [&'static str],
}

macro_rules! row {
    ($dev:literal, [$($c:literal),*], [$($l:literal),*], [$($pc:literal),*], [$($lib:literal),*], [$($h:literal),*]) => {
        NativeLibrary {
            dev_package: $dev,
            crates: &[$($c),*],
            links: &[$($l),*],
            pkg_config: &[$($pc),*],
            libraries: &[$($lib),*],
            headers: &[$($h),*],
        }
    };
}

/// Every native library crossport maps, one row per `-dev` package.
#[rustfmt::skip]
pub const NATIVE_LIBRARIES: &[NativeLibrary] = &[
    // TLS, compression, databases
    row!("libssl-dev", ["openssl-sys"], ["openssl"], ["openssl", "libssl", "libcrypto"], ["ssl", "crypto"], ["openssl/"]),
    row!("zlib1g-dev", ["libz-sys"], ["z"], ["zlib"], ["z"], ["zlib.h", "zconf.h"]),
    row!("libsqlite3-dev", ["libsqlite3-sys", "sqlite3-sys"], ["sqlite3"], ["sqlite3"], ["sqlite3"], ["sqlite3.h", "sqlite3ext.h"]),
    row!("libgit2-dev", ["libgit2-sys"], ["git2"], ["libgit2"], ["git2"], ["git2.h", "git2/"]),
    row!("libssh2-1-dev", ["libssh2-sys"], ["ssh2"], ["libssh2"], ["ssh2"], ["libssh2.h", "libssh2_sftp.h"]),
    row!("libcurl4-openssl-dev", ["curl-sys"], ["curl"], ["libcurl"], ["curl"], ["curl/"]),
    row!("libnghttp2-dev", ["libnghttp2-sys"], ["nghttp2"], ["libnghttp2"], ["nghttp2"], ["nghttp2/"]),
    row!("libzstd-dev", ["zstd-sys"], ["zstd"], ["libzstd"], ["zstd"], ["zstd.h", "zdict.h"]),
    row!("liblzma-dev", ["lzma-sys", "liblzma-sys"], ["lzma"], ["liblzma"], ["lzma"], ["lzma.h", "lzma/"]),
    row!("libbz2-dev", ["bzip2-sys"], ["bzip2", "bz2"], ["bzip2"], ["bz2"], ["bzlib.h"]),
    row!("liblz4-dev", ["lz4-sys"], ["lz4"], ["liblz4"], ["lz4"], ["lz4.h", "lz4frame.h"]),
    row!("libsnappy-dev", ["snappy-sys"], ["snappy"], ["snappy"], ["snappy"], ["snappy-c.h"]),
    row!("libpq-dev", ["pq-sys"], ["pq"], ["libpq"], ["pq"], ["libpq-fe.h", "postgresql/"]),
    row!("default-libmysqlclient-dev", ["mysqlclient-sys"], ["mysqlclient"], ["mysqlclient"], ["mysqlclient"], ["mysql/"]),
    row!("libmariadb-dev", ["mysqlclient-sys"], ["mariadb"], ["libmariadb"], ["mariadb"], ["mariadb/"]),
    row!("librocksdb-dev", ["librocksdb-sys"], ["rocksdb"], ["rocksdb"], ["rocksdb"], ["rocksdb/"]),
    row!("liblmdb-dev", ["lmdb-sys", "lmdb-master-sys"], ["lmdb"], ["lmdb"], ["lmdb"], ["lmdb.h"]),
    row!("librdkafka-dev", ["rdkafka-sys"], ["rdkafka"], ["rdkafka"], ["rdkafka"], ["librdkafka/"]),
    row!("libzmq3-dev", ["zmq-sys"], ["zmq"], ["libzmq"], ["zmq"], ["zmq.h"]),
    row!("libsodium-dev", ["libsodium-sys", "libsodium-sys-stable"], ["sodium"], ["libsodium"], ["sodium"], ["sodium.h", "sodium/"]),
    row!("libsasl2-dev", ["sasl2-sys"], ["sasl2"], ["libsasl2"], ["sasl2"], ["sasl/"]),
    row!("libkrb5-dev", ["libgssapi-sys"], ["gssapi_krb5"], ["krb5-gssapi"], ["gssapi_krb5"], ["gssapi/", "gssapi.h"]),
    row!("libpcre2-dev", ["pcre2-sys"], ["pcre2"], ["libpcre2-8"], ["pcre2-8"], ["pcre2.h"]),
    row!("libonig-dev", ["onig_sys"], ["onig"], ["oniguruma"], ["onig"], ["oniguruma.h"]),
    row!("libarchive-dev", ["libarchive3-sys"], ["archive"], ["libarchive"], ["archive"], ["archive.h", "archive_entry.h"]),
    row!("libxml2-dev", ["libxml"], ["xml2"], ["libxml-2.0"], ["xml2"], ["libxml2/"]),
    row!("libexpat1-dev", ["expat-sys"], ["expat"], ["expat"], ["expat"], ["expat.h"]),
    row!("libffi-dev", ["libffi-sys"], ["ffi"], ["libffi"], ["ffi"], ["ffi.h"]),
    row!("libgmp-dev", ["gmp-mpfr-sys"], ["gmp"], ["gmp"], ["gmp"], ["gmp.h"]),
    row!("libmagic-dev", ["magic-sys"], ["magic"], [], ["magic"], ["magic.h"]),
    row!("libgpgme-dev", ["gpgme-sys"], ["gpgme"], ["gpgme"], ["gpgme"], ["gpgme.h"]),
    row!("libgpg-error-dev", ["libgpg-error-sys"], ["gpg-error"], ["gpg-error"], ["gpg-error"], ["gpg-error.h"]),
    row!("libtss2-dev", ["tss-esapi-sys"], ["tss2-esys"], ["tss2-esys"], ["tss2-esys"], ["tss2/"]),
    row!("libhdf5-dev", ["hdf5-sys"], ["hdf5"], ["hdf5-serial", "hdf5"], ["hdf5_serial", "hdf5"], ["hdf5/serial/", "hdf5.h"]),
    row!("libproj-dev", ["proj-sys"], ["proj"], ["proj"], ["proj"], ["proj.h"]),
    row!("libgdal-dev", ["gdal-sys"], ["gdal"], ["gdal"], ["gdal"], ["gdal/"]),
    row!("libgeos-dev", ["geos-sys"], ["geos_c"], ["geos"], ["geos_c"], ["geos_c.h"]),
    row!("libtesseract-dev", ["tesseract-sys"], ["tesseract"], ["tesseract"], ["tesseract"], ["tesseract/"]),
    row!("libleptonica-dev", ["leptonica-sys"], ["lept"], ["lept"], ["lept"], ["leptonica/"]),
    // System services and hardware
    row!("libdbus-1-dev", ["libdbus-sys"], ["dbus", "dbus-1"], ["dbus-1"], ["dbus-1"], ["dbus/", "dbus-1.0/"]),
    row!("libudev-dev", ["libudev-sys"], ["udev"], ["libudev"], ["udev"], ["libudev.h"]),
    row!("libsystemd-dev", ["libsystemd-sys"], ["systemd"], ["libsystemd"], ["systemd"], ["systemd/"]),
    row!("libusb-1.0-0-dev", ["libusb1-sys"], ["usb-1.0"], ["libusb-1.0"], ["usb-1.0"], ["libusb-1.0/"]),
    row!("libhidapi-dev", ["hidapi"], ["hidapi"], ["hidapi-hidraw", "hidapi-libusb"], ["hidapi-hidraw", "hidapi-libusb"], ["hidapi/"]),
    row!("libpcsclite-dev", ["pcsc-sys"], ["pcsclite"], ["libpcsclite"], ["pcsclite"], ["PCSC/"]),
    row!("libseccomp-dev", ["libseccomp-sys"], ["seccomp"], ["libseccomp"], ["seccomp"], ["seccomp.h"]),
    row!("libbpf-dev", ["libbpf-sys"], ["bpf"], ["libbpf"], ["bpf"], ["bpf/"]),
    row!("libelf-dev", ["libelf-sys", "elf-sys"], ["elf"], ["libelf"], ["elf"], ["libelf.h", "gelf.h"]),
    row!("libpcap-dev", ["pcap", "pcap-sys"], ["pcap"], ["libpcap"], ["pcap"], ["pcap.h", "pcap/"]),
    row!("libmnl-dev", ["mnl-sys"], ["mnl"], ["libmnl"], ["mnl"], ["libmnl/"]),
    row!("libnftnl-dev", ["nftnl-sys"], ["nftnl"], ["libnftnl"], ["nftnl"], ["libnftnl/"]),
    row!("libselinux1-dev", ["selinux-sys"], ["selinux"], ["libselinux"], ["selinux"], ["selinux/"]),
    row!("libpam0g-dev", ["pam-sys"], ["pam"], [], ["pam"], ["security/"]),
    row!("uuid-dev", ["uuid-sys", "libuuid-sys"], ["uuid"], ["uuid"], ["uuid"], ["uuid/"]),
    row!("libblkid-dev", ["blkid-sys"], ["blkid"], ["blkid"], ["blkid"], ["blkid/"]),
    row!("libmount-dev", ["libmount-sys"], ["mount"], ["mount"], ["mount"], ["libmount/"]),
    row!("libcryptsetup-dev", ["libcryptsetup-rs-sys"], ["cryptsetup"], ["libcryptsetup"], ["cryptsetup"], ["libcryptsetup.h"]),
    row!("libfuse3-dev", ["fuser", "libfuse3-sys"], ["fuse3", "fuse"], ["fuse3"], ["fuse3"], ["fuse3/"]),
    row!("libinput-dev", ["input-sys"], ["input"], ["libinput"], ["input"], ["libinput.h"]),
    row!("libunwind-dev", ["unwind-sys"], ["unwind"], ["libunwind"], ["unwind"], ["libunwind.h"]),
    row!("libncurses-dev", ["ncurses"], ["ncurses", "ncursesw"], ["ncursesw", "ncurses"], ["ncursesw", "ncurses", "tinfo"], ["ncurses.h", "curses.h"]),
    row!("libreadline-dev", ["readline-sys"], ["readline"], ["readline"], ["readline"], ["readline/"]),
    // Audio and video
    row!("libasound2-dev", ["alsa-sys"], ["alsa", "asound"], ["alsa"], ["asound"], ["alsa/"]),
    row!("libpulse-dev", ["libpulse-sys", "libpulse-simple-sys"], ["pulse"], ["libpulse", "libpulse-simple"], ["pulse", "pulse-simple"], ["pulse/"]),
    row!("libjack-jackd2-dev", ["jack-sys"], ["jack"], ["jack"], ["jack"], ["jack/"]),
    row!("libpipewire-0.3-dev", ["pipewire-sys"], ["pipewire-0.3"], ["libpipewire-0.3"], ["pipewire-0.3"], ["pipewire-0.3/"]),
    row!("libspa-0.2-dev", ["libspa-sys"], ["spa-0.2"], ["libspa-0.2"], [], ["spa-0.2/"]),
    row!("libflac-dev", ["libflac-sys", "flac-sys"], ["FLAC", "flac"], ["flac"], ["FLAC"], ["FLAC/"]),
    row!("libopus-dev", ["audiopus_sys", "opus-sys"], ["opus"], ["opus"], ["opus"], ["opus/"]),
    row!("libogg-dev", ["ogg-sys"], ["ogg"], ["ogg"], ["ogg"], ["ogg/"]),
    row!("libvorbis-dev", ["vorbis-sys"], ["vorbis"], ["vorbis"], ["vorbis", "vorbisfile", "vorbisenc"], ["vorbis/"]),
    row!("libsndfile1-dev", ["sndfile-sys"], ["sndfile"], ["sndfile"], ["sndfile"], ["sndfile.h"]),
    row!("libsamplerate0-dev", ["libsamplerate-sys"], ["samplerate"], ["samplerate"], ["samplerate"], ["samplerate.h"]),
    row!("portaudio19-dev", ["portaudio-sys"], ["portaudio"], ["portaudio-2.0"], ["portaudio"], ["portaudio.h"]),
    row!("libsdl2-dev", ["sdl2-sys"], ["SDL2"], ["sdl2"], ["SDL2"], ["SDL2/"]),
    row!("libavcodec-dev", ["ffmpeg-sys-next", "ffmpeg-sys"], ["ffmpeg", "avcodec"], ["libavcodec"], ["avcodec"], ["libavcodec/"]),
    row!("libavformat-dev", ["ffmpeg-sys-next", "ffmpeg-sys"], ["avformat"], ["libavformat"], ["avformat"], ["libavformat/"]),
    row!("libavutil-dev", ["ffmpeg-sys-next", "ffmpeg-sys"], ["avutil"], ["libavutil"], ["avutil"], ["libavutil/"]),
    row!("libswscale-dev", ["ffmpeg-sys-next", "ffmpeg-sys"], ["swscale"], ["libswscale"], ["swscale"], ["libswscale/"]),
    row!("libgstreamer1.0-dev", ["gstreamer-sys", "gstreamer-base-sys"], ["gstreamer-1.0"], ["gstreamer-1.0", "gstreamer-base-1.0"], ["gstreamer-1.0", "gstbase-1.0"], ["gstreamer-1.0/"]),
    row!("libgstreamer-plugins-base1.0-dev", ["gstreamer-video-sys", "gstreamer-audio-sys", "gstreamer-app-sys"], ["gstvideo-1.0"], ["gstreamer-video-1.0", "gstreamer-audio-1.0", "gstreamer-app-1.0"], ["gstvideo-1.0", "gstaudio-1.0", "gstapp-1.0"], []),
    row!("libmpv-dev", ["libmpv-sys", "libmpv2-sys"], ["mpv"], ["mpv"], ["mpv"], ["mpv/"]),
    // Graphics, windowing and desktop
    row!("libx11-dev", ["x11"], ["X11"], ["x11"], ["X11"], ["X11/Xlib.h", "X11/X.h"]),
    row!("libxcb1-dev", ["xcb"], ["xcb"], ["xcb"], ["xcb"], ["xcb/"]),
    row!("libxkbcommon-dev", ["xkbcommon", "xkbcommon-sys"], ["xkbcommon"], ["xkbcommon"], ["xkbcommon"], ["xkbcommon/"]),
    row!("libwayland-dev", ["wayland-sys"], ["wayland-client", "wayland"], ["wayland-client", "wayland-server", "wayland-cursor", "wayland-egl"], ["wayland-client", "wayland-server", "wayland-cursor", "wayland-egl"], ["wayland-client.h", "wayland-server.h", "wayland-util.h"]),
    row!("libgbm-dev", ["gbm-sys"], ["gbm"], ["gbm"], ["gbm"], ["gbm.h"]),
    row!("libfreetype-dev", ["freetype-sys"], ["freetype"], ["freetype2"], ["freetype"], ["ft2build.h", "freetype2/"]),
    row!("libfontconfig-dev", ["yeslogic-fontconfig-sys", "servo-fontconfig-sys"], ["fontconfig"], ["fontconfig"], ["fontconfig"], ["fontconfig/"]),
    row!("libpng-dev", ["libpng-sys"], ["png"], ["libpng"], ["png"], ["png.h", "libpng16/"]),
    row!("libglib2.0-dev", ["glib-sys", "gobject-sys", "gio-sys"], ["glib-2.0", "gobject-2.0", "gio-2.0", "glib", "gobject", "gio"], ["glib-2.0", "gobject-2.0", "gio-2.0"], ["glib-2.0", "gobject-2.0", "gio-2.0"], ["glib-2.0/", "glib.h"]),
    row!("libcairo2-dev", ["cairo-sys-rs"], ["cairo"], ["cairo"], ["cairo"], ["cairo/"]),
    row!("libpango1.0-dev", ["pango-sys", "pangocairo-sys"], ["pango", "pango-1.0"], ["pango", "pangocairo"], ["pango-1.0", "pangocairo-1.0"], ["pango-1.0/"]),
    row!("libgdk-pixbuf-2.0-dev", ["gdk-pixbuf-sys"], ["gdk_pixbuf-2.0", "gdk_pixbuf"], ["gdk-pixbuf-2.0"], ["gdk_pixbuf-2.0"], ["gdk-pixbuf-2.0/"]),
    row!("libatk1.0-dev", ["atk-sys"], ["atk-1.0", "atk"], ["atk"], ["atk-1.0"], ["atk-1.0/"]),
    row!("libgtk-3-dev", ["gtk-sys", "gdk-sys"], ["gtk-3", "gdk-3", "gtk", "gdk"], ["gtk+-3.0", "gdk-3.0"], ["gtk-3", "gdk-3"], ["gtk-3.0/"]),
    row!("libgtk-4-dev", ["gtk4-sys", "gdk4-sys"], ["gtk4"], ["gtk4"], ["gtk-4"], ["gtk-4.0/"]),
    row!("libsoup-3.0-dev", ["soup3-sys"], ["soup-3.0"], ["libsoup-3.0"], ["soup-3.0"], ["libsoup-3.0/"]),
    row!("libwebkit2gtk-4.1-dev", ["webkit2gtk-sys"], ["webkit2gtk-4.1"], ["webkit2gtk-4.1"], ["webkit2gtk-4.1"], ["webkitgtk-4.1/"]),
    row!("libjavascriptcoregtk-4.1-dev", ["javascriptcore-rs-sys"], ["javascriptcoregtk-4.1"], ["javascriptcoregtk-4.1"], ["javascriptcoregtk-4.1"], []),
    row!("libnotify-dev", ["libnotify-sys"], ["notify"], ["libnotify"], ["notify"], ["libnotify/"]),
    row!("libayatana-appindicator3-dev", ["libappindicator-sys"], ["ayatana-appindicator3"], ["ayatana-appindicator3-0.1"], ["ayatana-appindicator3"], ["libayatana-appindicator3-0.1/"]),
];

/// Libraries of the C toolchain itself: the base set of every sysroot
/// already has them, so they never need a package of their own.
pub const TOOLCHAIN_LIBRARIES: &[(&str, &str)] = &[
    ("c", "libc6-dev"),
    ("m", "libc6-dev"),
    ("dl", "libc6-dev"),
    ("pthread", "libc6-dev"),
    ("rt", "libc6-dev"),
    ("util", "libc6-dev"),
    ("resolv", "libc6-dev"),
    ("gcc_s", "libgcc-s1"),
    ("gcc", "libgcc-dev"),
    ("stdc++", "libstdc++-dev"),
];

/// The rows for a crate (most crates have one; ffmpeg's has several).
pub fn for_crate(name: &str) -> impl Iterator<Item = &'static NativeLibrary> + '_ {
    NATIVE_LIBRARIES
        .iter()
        .filter(move |row| row.crates.contains(&name))
}

/// The row for a `links` key (`openssl`, `sqlite3`, `z`).
pub fn for_links(links: &str) -> Option<&'static NativeLibrary> {
    NATIVE_LIBRARIES
        .iter()
        .find(|row| row.links.contains(&links))
}

/// The row of a `-dev` package.
pub fn for_package(package: &str) -> Option<&'static NativeLibrary> {
    NATIVE_LIBRARIES
        .iter()
        .find(|row| row.dev_package == package)
}

/// The row for a pkg-config module (`dbus-1`, `libudev`).
pub fn for_pkg_config(module: &str) -> Option<&'static NativeLibrary> {
    NATIVE_LIBRARIES
        .iter()
        .find(|row| row.pkg_config.contains(&module))
}

/// The row for a library as given to the linker (`-lFLAC` → `FLAC`).
pub fn for_library_name(name: &str) -> Option<&'static NativeLibrary> {
    NATIVE_LIBRARIES
        .iter()
        .find(|row| row.libraries.contains(&name))
}

/// The row and the real spelling for a library name that matches only
/// when case is ignored (`-lflac` where the package ships `libFLAC.so`):
/// Linux file systems are case-sensitive, so the link still fails.
pub fn for_library_name_ignoring_case(
    name: &str,
) -> Option<(&'static NativeLibrary, &'static str)> {
    NATIVE_LIBRARIES.iter().find_map(|row| {
        row.libraries
            .iter()
            .find(|library| library.eq_ignore_ascii_case(name) && **library != name)
            .map(|library| (row, *library))
    })
}

/// The row for a header as written in `#include <…>`: an exact file or a
/// directory prefix.
pub fn for_header(header: &str) -> Option<&'static NativeLibrary> {
    NATIVE_LIBRARIES.iter().find(|row| {
        row.headers.iter().any(|known| {
            if known.ends_with('/') {
                header.starts_with(known)
            } else {
                header == *known
            }
        })
    })
}

/// The library names a crate's source asks the linker for, found without
/// compiling it: `#[link(name = "flac")]` attributes and build scripts'
/// `cargo:rustc-link-lib=[KIND=]NAME` (also `cargo::`). Sorted, unique.
pub fn link_names_in_source(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        if let Some(at) = line.find("#[link(")
            && let Some(name) = quoted_value_after(&line[at..], "name")
        {
            names.push(name);
        }
        for marker in ["cargo:rustc-link-lib=", "cargo::rustc-link-lib="] {
            if let Some(at) = line.find(marker) {
                let rest = &line[at + marker.len()..];
                let value: String = rest
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '{' | ';'))
                    .collect();
                let value = value.rsplit('=').next().unwrap_or_default();
                let value = value.split(':').next().unwrap_or_default();
                if is_library_name(value) {
                    names.push(value.to_owned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// `name = "flac"` after `key` in an attribute.
fn quoted_value_after(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)?;
    let rest = text[at + key.len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    let value = &rest[..end];
    is_library_name(value).then(|| value.to_owned())
}

fn is_library_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn covers_at_least_forty_crates() {
        let crates: BTreeSet<&str> = NATIVE_LIBRARIES
            .iter()
            .flat_map(|row| row.crates.iter().copied())
            .collect();
        assert!(crates.len() >= 40, "{} crates", crates.len());
        for wanted in [
            "openssl-sys",
            "libsqlite3-sys",
            "alsa-sys",
            "libudev-sys",
            "libdbus-sys",
            "libgit2-sys",
            "libssh2-sys",
            "libz-sys",
        ] {
            assert!(crates.contains(wanted), "{wanted}");
        }
    }

    #[test]
    fn every_row_names_something_and_packages_are_unique() {
        let mut packages = BTreeSet::new();
        for row in NATIVE_LIBRARIES {
            assert!(
                packages.insert(row.dev_package),
                "{} twice",
                row.dev_package
            );
            assert!(!row.crates.is_empty(), "{}: no crate", row.dev_package);
            assert!(
                !row.libraries.is_empty() || !row.pkg_config.is_empty(),
                "{}: nothing to check it by",
                row.dev_package
            );
        }
    }

    #[test]
    fn one_library_leads_to_one_package_by_every_name() {
        assert_eq!(for_links("openssl").unwrap().dev_package, "libssl-dev");
        assert_eq!(for_links("asound").unwrap().dev_package, "libasound2-dev");
        assert_eq!(for_links("alsa").unwrap().dev_package, "libasound2-dev");
        assert_eq!(
            for_pkg_config("libudev").unwrap().dev_package,
            "libudev-dev"
        );
        assert_eq!(
            for_library_name("dbus-1").unwrap().dev_package,
            "libdbus-1-dev"
        );
        assert_eq!(
            for_header("alsa/asoundlib.h").unwrap().dev_package,
            "libasound2-dev"
        );
        assert_eq!(for_header("zlib.h").unwrap().dev_package, "zlib1g-dev");
        assert_eq!(for_header("zlib.hpp"), None);
        assert_eq!(
            for_crate("libudev-sys").next().unwrap().dev_package,
            "libudev-dev"
        );
        assert_eq!(for_crate("ffmpeg-sys-next").count(), 4);
        assert_eq!(for_package("libflac-dev").unwrap().libraries, &["FLAC"]);
        assert!(for_links("not-a-library").is_none());
    }

    #[test]
    fn a_case_mismatch_is_named() {
        let (row, real) = for_library_name_ignoring_case("flac").unwrap();
        assert_eq!((row.dev_package, real), ("libflac-dev", "FLAC"));
        assert!(for_library_name_ignoring_case("FLAC").is_none());
        assert!(for_library_name("flac").is_none());
    }

    #[test]
    fn link_names_come_from_attributes_and_build_scripts() {
        let source = r#"
            #[link(name = "flac")]
            unsafe extern "C" { fn FLAC__stream_decoder_new(); }
            #[link(name="vorbis", kind = "dylib")]
            // #[link(name = "commented")]
            fn main() {
                println!("cargo:rustc-link-lib=dylib=asound");
                println!("cargo::rustc-link-lib=static:+whole-archive=foo");
                println!("cargo:rustc-link-lib={}", name);
            }
        "#;
        assert_eq!(
            link_names_in_source(source),
            ["asound", "flac", "foo", "vorbis"]
        );
    }
}
