//! Native libraries beyond OpenSSL and SQLite: crates found by name, by
//! `links` and by the `#[link]` names in their sources, and a configured
//! sysroot that must really hold what they link.

use std::collections::BTreeMap;

use super::*;
use crate::finding::{Kind, Severity};

const TARGET: &str = "aarch64-unknown-linux-gnu";

fn package(name: &str, links: Option<&str>, link_names: &[&str]) -> GraphPackage {
    GraphPackage {
        name: name.into(),
        version: "1.0.0".into(),
        links: links.map(Into::into),
        link_names: link_names.iter().map(|n| (*n).to_owned()).collect(),
        manifest_path: format!("/w/{name}/Cargo.toml"),
        ..GraphPackage::default()
    }
}

fn normal(to: usize) -> GraphEdge {
    GraphEdge {
        to,
        normal: true,
        ..GraphEdge::default()
    }
}

/// The Raspberry Pi home server: app → cpal → alsa-sys, app → tokio-udev →
/// libudev-sys, app → dbus → libdbus-sys, app → flac-decoder (a path crate
/// with `#[link(name = "flac")]`), app → pcap (no `links` key).
fn home_server() -> ProjectGraph {
    let packages = vec![
        package("app", None, &[]),
        package("cpal", None, &[]),
        package("alsa-sys", Some("alsa"), &[]),
        package("tokio-udev", None, &[]),
        package("libudev-sys", Some("udev"), &[]),
        package("dbus", None, &[]),
        package("libdbus-sys", Some("dbus"), &[]),
        package("flac-decoder", None, &["flac"]),
        package("pcap", None, &[]),
    ];
    let mut edges = vec![Vec::new(); packages.len()];
    edges[0] = vec![normal(1), normal(3), normal(5), normal(7), normal(8)];
    edges[1] = vec![normal(2)];
    edges[3] = vec![normal(4)];
    edges[5] = vec![normal(6)];
    ProjectGraph {
        workspace_root: "/w".into(),
        packages,
        members: vec![0],
        edges,
    }
}

fn host() -> HostFacts {
    HostFacts {
        host_triple: "x86_64-unknown-linux-gnu".into(),
        os: "linux".into(),
        installed_targets: vec!["x86_64-unknown-linux-gnu".into(), TARGET.into()],
        tools: [("clang".to_owned(), "/usr/bin/clang".to_owned())].into(),
        ..HostFacts::default()
    }
}

fn wired(sysroot: Option<SysrootContents>) -> TargetConfig {
    let mut config = TargetConfig {
        linker: Some(ConfigSetting {
            value: "clang".into(),
            origin: Origin::Env {
                var: "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER".into(),
            },
        }),
        linker_found: Some(true),
        sysroot,
        ..TargetConfig::default()
    };
    config.env.insert(
        format!("PKG_CONFIG_SYSROOT_DIR_{TARGET}"),
        ConfigSetting {
            value: "target/crossport/sysroots/aarch64".into(),
            origin: Origin::File {
                path: "/w/.cargo/config.toml".into(),
                span: None,
            },
        },
    );
    config
}

fn run(config: &TargetConfig) -> Vec<Finding> {
    let graph = home_server();
    let manifests = BTreeMap::new();
    let host = host();
    preflight(
        &PreflightInput {
            graph: &graph,
            host: &host,
            config,
            manifests: &manifests,
        },
        TARGET,
    )
}

fn package_of(finding: &Finding) -> Option<&str> {
    finding.facts.get("debian_package").and_then(|v| v.as_str())
}

#[test]
fn every_native_crate_is_named_with_its_package() {
    let findings = run(&TargetConfig::default());
    let named: Vec<(&str, Option<&str>)> = findings
        .iter()
        .filter_map(|f| Some((f.facts.get("crate")?.as_str()?, package_of(f))))
        .collect();
    assert_eq!(
        named,
        // Breadth first: the direct dependencies, then their -sys crates.
        [
            ("flac-decoder", Some("libflac-dev")),
            ("pcap", Some("libpcap-dev")),
            ("alsa-sys", Some("libasound2-dev")),
            ("libudev-sys", Some("libudev-dev")),
            ("libdbus-sys", Some("libdbus-1-dev")),
        ],
        "{findings:#?}"
    );
    let flac = findings
        .iter()
        .find(|f| f.facts.get("crate").is_some_and(|c| c == "flac-decoder"))
        .unwrap();
    assert_eq!(flac.kind, Kind::MissingLibraryAtLink);
    assert!(flac.message.contains("libFLAC.so"), "{}", flac.message);
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn a_wired_sysroot_without_the_library_is_not_all_clear() {
    let mut contents = SysrootContents {
        root: "target/crossport/sysroots/aarch64".into(),
        ..SysrootContents::default()
    };
    for file in [
        "usr/lib/aarch64-linux-gnu/pkgconfig/alsa.pc",
        "usr/lib/aarch64-linux-gnu/libasound.so",
        "usr/lib/aarch64-linux-gnu/pkgconfig/dbus-1.pc",
        "usr/lib/aarch64-linux-gnu/libFLAC.so.12",
        "usr/lib/aarch64-linux-gnu/libpcap.a",
    ] {
        contents.add_file(file);
    }
    let findings = run(&wired(Some(contents)));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let udev = &findings[0];
    assert_eq!(udev.facts["crate"], "libudev-sys");
    assert_eq!(udev.severity, Severity::Error);
    assert!(
        udev.message.contains("has no libudev.pc or libudev.so")
            && udev.message.contains("add libudev-dev")
            && udev
                .message
                .contains("crossport fix --target aarch64-unknown-linux-gnu --apply"),
        "{}",
        udev.message
    );
}

#[test]
fn a_sysroot_that_holds_everything_is_all_clear() {
    let mut contents = SysrootContents::default();
    for file in [
        "usr/lib/aarch64-linux-gnu/pkgconfig/alsa.pc",
        "usr/lib/aarch64-linux-gnu/pkgconfig/libudev.pc",
        "usr/share/pkgconfig/dbus-1.pc",
        "usr/lib/aarch64-linux-gnu/pkgconfig/flac.pc",
        "usr/lib/aarch64-linux-gnu/libpcap.so",
    ] {
        contents.add_file(file);
    }
    assert_eq!(run(&wired(Some(contents))), Vec::<Finding>::new());
    // Without contents (a sysroot crossport could not read) the wiring
    // alone is trusted, as before.
    assert!(run(&wired(None)).is_empty());
}

#[test]
fn sysroot_contents_reads_names_from_paths() {
    let mut contents = SysrootContents::default();
    contents.add_file("usr/lib/aarch64-linux-gnu/libssl.so.3");
    contents.add_file("usr/lib/aarch64-linux-gnu/libz.a");
    contents.add_file("usr/share/pkgconfig/zlib.pc");
    contents.add_file("etc/notes.pc");
    contents.add_file("usr/lib/libc.so");
    assert_eq!(
        contents.libraries.iter().collect::<Vec<_>>(),
        ["c", "ssl", "z"]
    );
    assert_eq!(contents.pkg_config.iter().collect::<Vec<_>>(), ["zlib"]);
}
