//! A `-sys` crate's `links` key → the Debian `-dev` package with its headers and `.so` link.
//!
//! Cargo's `links` names the native library a build script links
//! (`openssl-sys` has `links = "openssl"`). To put that library into a
//! sysroot, crossport needs the Debian development package: the names are
//! data, checked against a real Packages index by the live test. Names stay
//! the same across bullseye, bookworm and trixie (the 64-bit time_t renames
//! touched runtime packages, not `-dev` ones); the resolver follows the
//! real Depends from there.

/// `(links, Debian -dev package)`, sorted by `links`.
pub const LINKS_TO_DEV_PACKAGE: &[(&str, &str)] = &[
    ("EGL", "libegl-dev"),
    ("GL", "libgl-dev"),
    ("X11", "libx11-dev"),
    ("archive", "libarchive-dev"),
    ("asound", "libasound2-dev"),
    ("blkid", "libblkid-dev"),
    ("bpf", "libbpf-dev"),
    ("bz2", "libbz2-dev"),
    ("bzip2", "libbz2-dev"),
    ("cairo", "libcairo2-dev"),
    ("curl", "libcurl4-openssl-dev"),
    ("dbus", "libdbus-1-dev"),
    ("dbus-1", "libdbus-1-dev"),
    ("drm", "libdrm-dev"),
    ("elf", "libelf-dev"),
    ("expat", "libexpat1-dev"),
    ("ffi", "libffi-dev"),
    ("fontconfig", "libfontconfig-dev"),
    ("freetype", "libfreetype-dev"),
    ("fuse3", "libfuse3-dev"),
    ("gbm", "libgbm-dev"),
    ("gdk-3", "libgtk-3-dev"),
    ("gio-2.0", "libglib2.0-dev"),
    ("git2", "libgit2-dev"),
    ("glib-2.0", "libglib2.0-dev"),
    ("gobject-2.0", "libglib2.0-dev"),
    ("gpg-error", "libgpg-error-dev"),
    ("gpgme", "libgpgme-dev"),
    ("gtk-3", "libgtk-3-dev"),
    ("hidapi", "libhidapi-dev"),
    ("lz4", "liblz4-dev"),
    ("lzma", "liblzma-dev"),
    ("magic", "libmagic-dev"),
    ("mnl", "libmnl-dev"),
    ("mount", "libmount-dev"),
    ("mysqlclient", "default-libmysqlclient-dev"),
    ("ncurses", "libncurses-dev"),
    ("ncursesw", "libncurses-dev"),
    ("openssl", "libssl-dev"),
    ("opus", "libopus-dev"),
    ("pam", "libpam0g-dev"),
    ("pango-1.0", "libpango1.0-dev"),
    ("pcap", "libpcap-dev"),
    ("png", "libpng-dev"),
    ("pq", "libpq-dev"),
    ("pulse", "libpulse-dev"),
    ("rdkafka", "librdkafka-dev"),
    ("readline", "libreadline-dev"),
    ("sasl2", "libsasl2-dev"),
    ("seccomp", "libseccomp-dev"),
    ("selinux", "libselinux1-dev"),
    ("snappy", "libsnappy-dev"),
    ("sodium", "libsodium-dev"),
    ("sqlite3", "libsqlite3-dev"),
    ("ssh2", "libssh2-1-dev"),
    ("systemd", "libsystemd-dev"),
    ("udev", "libudev-dev"),
    ("unwind", "libunwind-dev"),
    ("usb-1.0", "libusb-1.0-0-dev"),
    ("uuid", "uuid-dev"),
    ("vulkan", "libvulkan-dev"),
    ("wayland-client", "libwayland-dev"),
    ("xcb", "libxcb1-dev"),
    ("xkbcommon", "libxkbcommon-dev"),
    ("xml2", "libxml2-dev"),
    ("z", "zlib1g-dev"),
    ("zmq", "libzmq3-dev"),
    ("zstd", "libzstd-dev"),
];

/// The Debian `-dev` package for a crate's `links` value, if crossport
/// knows it.
pub fn dev_package_for_links(links: &str) -> Option<&'static str> {
    LINKS_TO_DEV_PACKAGE
        .binary_search_by(|(key, _)| (*key).cmp(links))
        .ok()
        .map(|position| LINKS_TO_DEV_PACKAGE[position].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in LINKS_TO_DEV_PACKAGE.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
    }

    #[test]
    fn maps_the_common_sys_crates() {
        assert_eq!(dev_package_for_links("openssl"), Some("libssl-dev"));
        assert_eq!(dev_package_for_links("sqlite3"), Some("libsqlite3-dev"));
        assert_eq!(dev_package_for_links("z"), Some("zlib1g-dev"));
        assert_eq!(dev_package_for_links("usb-1.0"), Some("libusb-1.0-0-dev"));
        assert_eq!(
            dev_package_for_links("mysqlclient"),
            Some("default-libmysqlclient-dev")
        );
        assert_eq!(dev_package_for_links("EGL"), Some("libegl-dev"));
        assert_eq!(dev_package_for_links("not-a-library"), None);
    }
}
