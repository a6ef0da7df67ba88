//! A `-sys` crate's `links` key → the Debian `-dev` package with its headers and `.so` link.
//!
//! Cargo's `links` names the native library a build script links
//! (`openssl-sys` has `links = "openssl"`). To put that library into a
//! sysroot, crossport needs the Debian development package: the names are
//! data in [`crate::native_libs`], checked against the release's real
//! indexes by the live test. Names stay
//! the same across bullseye, bookworm and trixie (the 64-bit time_t renames
//! touched runtime packages, not `-dev` ones); the resolver follows the
//! real Depends from there.

/// The Debian `-dev` package for a crate's `links` value, if crossport
/// knows it (from [`crate::native_libs`], the one table of native libraries).
pub fn dev_package_for_links(links: &str) -> Option<&'static str> {
    crate::native_libs::for_links(links).map(|row| row.dev_package)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(dev_package_for_links("not-a-library"), None);
    }
}
