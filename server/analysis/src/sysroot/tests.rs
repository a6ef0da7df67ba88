//! Closure rules, each on a small hand-written Packages excerpt.

use crossport_formats::packages::PackageIndex;

use super::*;

const HASH: &str = "5e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85";

/// A Packages index from compact stanzas separated by blank lines; each gets
/// the download fields a real index has.
fn index(text: &str) -> PackageIndex {
    let full: String = text
        .trim()
        .split("\n\n")
        .map(|stanza| {
            format!(
                "{}\nFilename: pool/x.deb\nSize: 100\nSHA256: {HASH}\n\n",
                stanza.trim()
            )
        })
        .collect();
    let (index, errors) = PackageIndex::parse(&full);
    assert!(errors.is_empty(), "{errors:?}");
    index
}

fn request(roots: &[&str]) -> ResolveRequest {
    ResolveRequest {
        base_set: false,
        ..ResolveRequest::new("arm64", roots)
    }
}

/// `name=version:arch` for every package of the closure.
fn closure(indexes: &[&PackageIndex], request: &ResolveRequest) -> Vec<String> {
    let resolution = resolve(indexes, request).expect("resolves");
    resolution
        .packages
        .iter()
        .map(|entry| {
            format!(
                "{}={}:{}",
                entry.package.name, entry.package.version, entry.package.architecture
            )
        })
        .collect()
}

fn error(indexes: &[&PackageIndex], request: &ResolveRequest) -> String {
    resolve(indexes, request).expect_err("fails").to_string()
}

#[test]
fn follows_depends_and_pre_depends_with_paths() {
    let packages = index(
        "Package: libssl-dev\nVersion: 3.0.15-1\nArchitecture: arm64\nDepends: libssl3 (= 3.0.15-1)

Package: libssl3\nVersion: 3.0.15-1\nArchitecture: arm64\nMulti-Arch: same\nPre-Depends: libc6 (>= 2.34)

Package: libc6\nVersion: 2.36-9\nArchitecture: arm64\nDepends: libgcc-s1

Package: libgcc-s1\nVersion: 12.2.0-14\nArchitecture: arm64\nDepends: libc6 (>= 2.35)

Package: unrelated\nVersion: 1\nArchitecture: arm64",
    );
    let resolution = resolve(&[&packages], &request(&["libssl-dev"])).expect("resolves");
    let names: Vec<_> = resolution
        .packages
        .iter()
        .map(|p| p.package.name.as_str())
        .collect();
    assert_eq!(names, ["libc6", "libgcc-s1", "libssl-dev", "libssl3"]);
    let gcc = resolution.get("libgcc-s1").expect("in closure");
    assert_eq!(gcc.path, ["libssl-dev", "libssl3", "libc6", "libgcc-s1"]);
    assert_eq!(resolution.get("libssl-dev").map(|p| p.path.len()), Some(1));
    assert_eq!(resolution.download_size(), 400);
}

#[test]
fn cycles_terminate() {
    let packages = index(
        "Package: a\nVersion: 1\nArchitecture: arm64\nDepends: b

Package: b\nVersion: 1\nArchitecture: all\nDepends: c

Package: c\nVersion: 1\nArchitecture: arm64\nPre-Depends: a",
    );
    assert_eq!(
        closure(&[&packages], &request(&["a"])),
        ["a=1:arm64", "b=1:all", "c=1:arm64"]
    );
}

#[test]
fn alternatives_take_the_first_satisfiable_or_what_is_already_there() {
    let packages = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: missing | libfoo (>= 2) | libbar

Package: libfoo\nVersion: 1.5\nArchitecture: arm64

Package: libbar\nVersion: 1\nArchitecture: arm64

Package: libbaz\nVersion: 1\nArchitecture: arm64

Package: tool\nVersion: 1\nArchitecture: arm64\nDepends: libbar | libbaz",
    );
    // missing: unknown; libfoo: too old; libbar: chosen.
    assert_eq!(
        closure(&[&packages], &request(&["app"])),
        ["app=1:arm64", "libbar=1:arm64"]
    );
    // libbaz was requested first, so tool's `libbar | libbaz` is already met.
    assert_eq!(
        closure(&[&packages], &request(&["libbaz", "tool"])),
        ["libbaz=1:arm64", "tool=1:arm64"]
    );
}

#[test]
fn version_constraints_pick_the_highest_fitting_version_across_indexes() {
    let main = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: libfoo (<< 3)

Package: libfoo\nVersion: 2.0-1\nArchitecture: arm64

Package: libfoo\nVersion: 3.0-1\nArchitecture: arm64",
    );
    let updates = index("Package: libfoo\nVersion: 2.0-1+deb12u1\nArchitecture: arm64");
    assert_eq!(
        closure(&[&main, &updates], &request(&["app"])),
        ["app=1:arm64", "libfoo=2.0-1+deb12u1:arm64"]
    );
    let resolution = resolve(&[&main, &updates], &request(&["app"])).expect("resolves");
    assert_eq!(resolution.get("libfoo").map(|p| p.index), Some(1));
    // A root may carry a constraint too.
    assert_eq!(
        closure(&[&main], &request(&["libfoo (>= 3)"])),
        ["libfoo=3.0-1:arm64"]
    );
}

#[test]
fn unsatisfiable_constraints_report_the_path() {
    let packages = index(
        "Package: libssl-dev\nVersion: 3.0\nArchitecture: arm64\nDepends: libssl3

Package: libssl3\nVersion: 3.0\nArchitecture: arm64\nDepends: libc6 (>= 2.38)

Package: libc6\nVersion: 2.36-9\nArchitecture: arm64

Package: libc6\nVersion: 2.40-1\nArchitecture: amd64",
    );
    assert_eq!(
        error(&[&packages], &request(&["libssl-dev"])),
        "cannot satisfy `libc6 (>= 2.38)` for arm64 (needed by libssl-dev → libssl3): \
         libc6 (>= 2.38) is not met by libc6:amd64 (= 2.40-1), libc6:arm64 (= 2.36-9)"
    );
}

#[test]
fn one_version_per_package() {
    let packages = index(
        "Package: a\nVersion: 1\nArchitecture: arm64\nDepends: lib (= 1)

Package: b\nVersion: 1\nArchitecture: arm64\nDepends: lib (= 2)

Package: lib\nVersion: 1\nArchitecture: arm64

Package: lib\nVersion: 2\nArchitecture: arm64",
    );
    assert_eq!(
        error(&[&packages], &request(&["a", "b"])),
        "cannot satisfy `lib (= 2)` for arm64 (needed by b): \
         lib:arm64 (= 1) is already selected (needed by a), which does not satisfy it"
    );
}

#[test]
fn unknown_packages_are_named_with_their_path() {
    let packages = index("Package: app\nVersion: 1\nArchitecture: arm64\nDepends: libnowhere1");
    assert_eq!(
        error(&[&packages], &request(&["app"])),
        "unknown package `libnowhere1` for arm64 (needed by app)"
    );
    assert_eq!(
        error(&[&packages], &request(&["nosuch-dev"])),
        "unknown package `nosuch-dev` for arm64"
    );
    let real = index(
        "Package: libssl-dev\nVersion: 3\nArchitecture: arm64

Package: libsqlite3-dev\nVersion: 3\nArchitecture: arm64

Package: libpcap0.8-dev\nVersion: 1\nArchitecture: arm64\nProvides: libpcap-dev",
    );
    for (typed, meant) in [
        ("openssl", "libssl-dev"),
        ("sqlite3", "libsqlite3-dev"),
        ("ssl", "libssl-dev"),
        ("pcap", "libpcap-dev"),
    ] {
        assert_eq!(
            error(&[&real], &request(&[typed])),
            format!("unknown package `{typed}` for arm64; did you mean `{meant}`?")
        );
    }
    assert!(matches!(
        resolve(&[&packages], &request(&["bad ("])),
        Err(ResolveError::BadRoot { .. })
    ));
}

#[test]
fn virtual_packages_and_versioned_provides() {
    let packages = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: libssl3 (>= 3.0.2), awk, zzz-virtual

Package: libssl3t64\nVersion: 3.3.2-1\nArchitecture: arm64\nMulti-Arch: same\nProvides: libssl3 (= 3.3.2-1)

Package: mawk\nVersion: 1.3.4\nArchitecture: arm64\nMulti-Arch: foreign\nPriority: required\nProvides: awk

Package: gawk\nVersion: 5.2\nArchitecture: arm64\nMulti-Arch: foreign\nPriority: optional\nProvides: awk

Package: b-impl\nVersion: 1\nArchitecture: all\nProvides: zzz-virtual

Package: a-impl\nVersion: 1\nArchitecture: all\nProvides: zzz-virtual",
    );
    // The t64 rename is followed through Provides; mawk wins by Priority,
    // a-impl by name.
    assert_eq!(
        closure(&[&packages], &request(&["app"])),
        [
            "a-impl=1:all",
            "app=1:arm64",
            "libssl3t64=3.3.2-1:arm64",
            "mawk=1.3.4:arm64"
        ]
    );
    // An already selected provider is kept.
    assert_eq!(
        closure(&[&packages], &request(&["gawk", "app"])),
        [
            "a-impl=1:all",
            "app=1:arm64",
            "gawk=5.2:arm64",
            "libssl3t64=3.3.2-1:arm64"
        ]
    );
    let unversioned = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: awk (>= 1)

Package: mawk\nVersion: 1.3.4\nArchitecture: arm64\nProvides: awk",
    );
    assert_eq!(
        error(&[&unversioned], &request(&["app"])),
        "cannot satisfy `awk (>= 1)` for arm64 (needed by app): \
         awk (>= 1) is not met by mawk:arm64 (= 1.3.4) provides awk"
    );
}

#[test]
fn multi_arch_rules() {
    let packages = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: python3:any, perl:any | perl-alt, data:arm64, tool:native

Package: python3\nVersion: 3.11\nArchitecture: arm64\nMulti-Arch: allowed

Package: python3\nVersion: 3.12\nArchitecture: amd64\nMulti-Arch: allowed

Package: perl\nVersion: 5.36\nArchitecture: arm64\nMulti-Arch: foreign

Package: perl-alt\nVersion: 1\nArchitecture: all\nMulti-Arch: foreign

Package: data\nVersion: 1\nArchitecture: all\nMulti-Arch: foreign

Package: tool\nVersion: 1\nArchitecture: arm64\nMulti-Arch: foreign",
    );
    // python3:any takes the arm64 package (amd64 is never a candidate);
    // perl:any is not met by a foreign package, so the alternative is used;
    // data:arm64 is met by an `all` package.
    assert_eq!(
        closure(&[&packages], &request(&["app"])),
        [
            "app=1:arm64",
            "data=1:all",
            "perl-alt=1:all",
            "python3=3.11:arm64",
            "tool=1:arm64"
        ]
    );
    let other_arch_only = index(
        "Package: app\nVersion: 1\nArchitecture: arm64\nDepends: helper:amd64

Package: helper\nVersion: 1\nArchitecture: amd64\nMulti-Arch: foreign",
    );
    assert_eq!(
        error(&[&other_arch_only], &request(&["app"])),
        "cannot satisfy `helper:amd64` for arm64 (needed by app): \
         helper:amd64 is not met by helper:amd64 (= 1)"
    );
}

#[test]
fn exclusions_count_as_installed() {
    let packages = index(
        "Package: libfoo\nVersion: 1\nArchitecture: arm64\nDepends: debconf (>= 0.5) | debconf-2.0, libc6

Package: debconf\nVersion: 1.5\nArchitecture: all\nPre-Depends: perl-base

Package: perl-base\nVersion: 5.36\nArchitecture: arm64\nEssential: yes

Package: libc6\nVersion: 2.36\nArchitecture: arm64",
    );
    let mut excluding = request(&["libfoo"]);
    excluding.exclude = vec!["debconf".to_owned()];
    let resolution = resolve(&[&packages], &excluding).expect("resolves");
    let names: Vec<_> = resolution
        .packages
        .iter()
        .map(|p| p.package.name.as_str())
        .collect();
    assert_eq!(names, ["libc6", "libfoo"]);
    assert_eq!(resolution.excluded, ["debconf"]);
    assert_eq!(closure(&[&packages], &request(&["libfoo"])).len(), 4);
}

#[test]
fn base_set_follows_the_default_gcc() {
    let bookworm = index(
        "Package: gcc\nVersion: 4:12.2.0-3\nArchitecture: arm64\nDepends: cpp (= 4:12.2.0-3), gcc-12 (>= 12.2.0-1~)

Package: libgcc-12-dev\nVersion: 12.2.0-14\nArchitecture: arm64

Package: libstdc++-12-dev\nVersion: 12.2.0-14\nArchitecture: arm64

Package: libgcc-13-dev\nVersion: 13.1.0-1\nArchitecture: arm64

Package: libc6-dev\nVersion: 2.36-9\nArchitecture: arm64

Package: linux-libc-dev\nVersion: 6.1.1\nArchitecture: arm64",
    );
    assert_eq!(gcc_major(&[&bookworm], "arm64"), Some(12));
    let resolution = resolve(&[&bookworm], &ResolveRequest::new("arm64", &[])).expect("resolves");
    assert_eq!(
        resolution.base_set,
        [
            "libc6-dev",
            "linux-libc-dev",
            "libgcc-12-dev",
            "libstdc++-12-dev"
        ]
    );
    assert_eq!(resolution.packages.len(), 4);
    // trixie's gcc goes through gcc-<triplet> to gcc-14-<triplet>.
    let trixie = index(
        "Package: gcc\nVersion: 4:14.2.0-1\nArchitecture: arm64\nDepends: cpp (= 4:14.2.0-1), gcc-aarch64-linux-gnu (= 4:14.2.0-1)

Package: gcc-aarch64-linux-gnu\nVersion: 4:14.2.0-1\nArchitecture: arm64\nDepends: gcc-14-aarch64-linux-gnu (>= 14.2.0-6~)

Package: libgcc-14-dev\nVersion: 14.2.0-19\nArchitecture: arm64

Package: libstdc++-14-dev\nVersion: 14.2.0-19\nArchitecture: arm64",
    );
    assert_eq!(gcc_major(&[&trixie], "arm64"), Some(14));
    // Without gcc, the highest complete pair.
    let no_gcc = index(
        "Package: libgcc-10-dev\nVersion: 10.2.1-6\nArchitecture: armhf

Package: libstdc++-10-dev\nVersion: 10.2.1-6\nArchitecture: armhf

Package: libgcc-9-dev\nVersion: 9.3.0\nArchitecture: armhf

Package: libstdc++-9-dev\nVersion: 9.3.0\nArchitecture: armhf

Package: libgcc-11-dev\nVersion: 11\nArchitecture: armhf",
    );
    assert_eq!(gcc_major(&[&no_gcc], "armhf"), Some(10));
    assert_eq!(gcc_major(&[&no_gcc], "arm64"), None);
    assert_eq!(
        error(&[&no_gcc], &ResolveRequest::new("arm64", &[])),
        "the index has no libgcc-N-dev and libstdc++-N-dev pair for arm64"
    );
}

#[test]
fn bad_relation_fields_name_the_package() {
    let packages = index("Package: app\nVersion: 1\nArchitecture: arm64\nDepends: libc6 (>= )");
    assert_eq!(
        error(&[&packages], &request(&["app"])),
        "bad Depends of package `app`: bad version in `libc6 (>= )`: empty version"
    );
}

/// `name version arch` lines of a closure, for snapshots.
fn listing(resolution: &Resolution<'_>) -> String {
    resolution
        .packages
        .iter()
        .map(|entry| {
            format!(
                "{} {} {}\n",
                entry.package.name, entry.package.version, entry.package.architecture
            )
        })
        .collect()
}

#[test]
fn real_bookworm_closure_of_libssl_dev() {
    let (packages, errors) = PackageIndex::parse(include_str!(
        "../../../../fixtures/debian/bookworm-main-arm64-Packages"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let resolution =
        resolve(&[&packages], &ResolveRequest::new("arm64", &["libssl-dev"])).expect("resolves");
    // The same 33 names `apt-get install -s --no-install-recommends` picks
    // on an empty system for amd64 (checked by the live test).
    expect_test::expect![[r#"
        gcc-12-base 12.2.0-14+deb12u1 arm64
        libasan8 12.2.0-14+deb12u1 arm64
        libatomic1 12.2.0-14+deb12u1 arm64
        libc-dev-bin 2.36-9+deb12u14 arm64
        libc6 2.36-9+deb12u14 arm64
        libc6-dev 2.36-9+deb12u14 arm64
        libcom-err2 1.47.0-2+b2 arm64
        libcrypt-dev 1:4.4.33-2 arm64
        libcrypt1 1:4.4.33-2 arm64
        libgcc-12-dev 12.2.0-14+deb12u1 arm64
        libgcc-s1 12.2.0-14+deb12u1 arm64
        libgomp1 12.2.0-14+deb12u1 arm64
        libgssapi-krb5-2 1.20.1-2+deb12u5 arm64
        libhwasan0 12.2.0-14+deb12u1 arm64
        libitm1 12.2.0-14+deb12u1 arm64
        libk5crypto3 1.20.1-2+deb12u5 arm64
        libkeyutils1 1.6.3-2 arm64
        libkrb5-3 1.20.1-2+deb12u5 arm64
        libkrb5support0 1.20.1-2+deb12u5 arm64
        liblsan0 12.2.0-14+deb12u1 arm64
        libnsl-dev 1.3.0-2 arm64
        libnsl2 1.3.0-2 arm64
        libssl-dev 3.0.20-1~deb12u2 arm64
        libssl3 3.0.20-1~deb12u2 arm64
        libstdc++-12-dev 12.2.0-14+deb12u1 arm64
        libstdc++6 12.2.0-14+deb12u1 arm64
        libtirpc-common 1.3.3+ds-1 all
        libtirpc-dev 1.3.3+ds-1 arm64
        libtirpc3 1.3.3+ds-1 arm64
        libtsan2 12.2.0-14+deb12u1 arm64
        libubsan1 12.2.0-14+deb12u1 arm64
        linux-libc-dev 6.1.176-1 arm64
        rpcsvc-proto 1.4.3-1 arm64
    "#]]
    .assert_eq(&listing(&resolution));
    let ssl3 = resolution.get("libssl3").expect("libssl3");
    assert_eq!(ssl3.path, ["libssl-dev", "libssl3"]);
}

#[test]
fn real_trixie_closure_follows_the_t64_rename() {
    let (packages, errors) = PackageIndex::parse(include_str!(
        "../../../../fixtures/debian/trixie-main-arm64-Packages"
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let resolution = resolve(
        &[&packages],
        &ResolveRequest::new("arm64", &["libssl-dev", "libssl3"]),
    )
    .expect("resolves");
    assert_eq!(
        resolution.base_set,
        [
            "libc6-dev",
            "linux-libc-dev",
            "libgcc-14-dev",
            "libstdc++-14-dev"
        ]
    );
    // `libssl3` is only provided (by libssl3t64) in trixie.
    assert!(resolution.get("libssl3").is_none());
    assert_eq!(
        resolution
            .get("libssl3t64")
            .map(|p| p.package.version.to_string()),
        Some("3.5.9-1~deb13u1".to_owned())
    );
    assert_eq!(
        resolution
            .get("linux-libc-dev")
            .map(|p| p.package.architecture.as_str()),
        Some("all")
    );
}
