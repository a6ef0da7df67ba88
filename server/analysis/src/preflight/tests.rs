//! Preflight over small hand-built graphs: root cause first, spans on the
//! manifest line, and what counts as already supplied.

use std::collections::BTreeMap;

use super::*;
use crate::finding::Kind;

const MANIFEST: &str = "[package]\nname = \"app\"\n\n[dependencies]\nreqwest = \"0.12\"\nrusqlite = { version = \"0.31\" }\n";

fn package(name: &str, links: Option<&str>, features: &[&str]) -> GraphPackage {
    GraphPackage {
        name: name.into(),
        version: "1.0.0".into(),
        links: links.map(Into::into),
        manifest_path: format!("/w/{name}/Cargo.toml"),
        enabled_features: features.iter().map(|f| (*f).to_owned()).collect(),
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

/// app → reqwest → hyper-tls → native-tls → openssl-sys, app → rusqlite →
/// libsqlite3-sys, and a build-dependency on a native crate that must not count.
fn graph(sqlite_features: &[&str]) -> ProjectGraph {
    let packages = vec![
        package("app", None, &[]),
        package("reqwest", None, &[]),
        package("hyper-tls", None, &[]),
        package("native-tls", None, &[]),
        package("openssl-sys", Some("openssl"), &[]),
        package("rusqlite", None, &[]),
        package("libsqlite3-sys", Some("sqlite3"), sqlite_features),
        package("libz-sys", Some("z"), &[]),
    ];
    let mut edges = vec![Vec::new(); packages.len()];
    edges[0] = vec![
        normal(1),
        normal(5),
        GraphEdge {
            to: 7,
            build: true,
            ..GraphEdge::default()
        },
    ];
    edges[1] = vec![normal(2)];
    edges[2] = vec![normal(3)];
    edges[3] = vec![normal(4)];
    edges[5] = vec![normal(6)];
    ProjectGraph {
        workspace_root: "/w".into(),
        packages,
        members: vec![0],
        edges,
    }
}

fn host(triple: &str) -> HostFacts {
    HostFacts {
        host_triple: triple.into(),
        os: "linux".into(),
        installed_targets: vec![triple.into()],
        rustup_targets: Some(vec!["aarch64-unknown-linux-gnu".into(), triple.into()]),
        ..HostFacts::default()
    }
}

fn run(
    graph: &ProjectGraph,
    host: &HostFacts,
    config: &TargetConfig,
    target: &str,
) -> Vec<Finding> {
    let manifests = BTreeMap::from([("/w/app/Cargo.toml".to_owned(), MANIFEST.to_owned())]);
    let input = PreflightInput {
        graph,
        host,
        config,
        manifests: &manifests,
    };
    preflight(&input, target)
}

#[test]
fn foreign_target_lists_std_linker_and_libraries_root_cause_first() {
    let findings = run(
        &graph(&[]),
        &host("x86_64-unknown-linux-gnu"),
        &TargetConfig::default(),
        "aarch64-unknown-linux-gnu",
    );
    let kinds: Vec<Kind> = findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::TargetNotInstalled,
            Kind::HostLinkerUsed,
            Kind::PkgConfigCross,
            Kind::OpensslNotFound
        ]
    );
    let openssl = &findings[3];
    assert_eq!(
        openssl.message,
        "openssl-sys (via reqwest → hyper-tls → native-tls → openssl-sys) needs OpenSSL for aarch64-unknown-linux-gnu; none is configured"
    );
    let span = openssl
        .evidence
        .file
        .as_ref()
        .expect("points at the manifest");
    assert_eq!(&MANIFEST[span.start..span.end], "reqwest = \"0.12\"");
    let fix_ids: Vec<&str> = openssl.fixes.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        fix_ids,
        [
            "fetch_sysroot_and_wire",
            "use_vendored_openssl",
            "use_rustls"
        ]
    );
}

#[test]
fn bundled_and_configured_libraries_are_not_reported() {
    let mut config = TargetConfig::default();
    config.env.insert(
        "X86_64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR".into(),
        ConfigSetting {
            value: "x".into(),
            origin: Origin::Env { var: "X".into() },
        },
    );
    let findings = run(
        &graph(&["bundled"]),
        &host("x86_64-unknown-linux-gnu"),
        &config,
        "x86_64-unknown-linux-gnu",
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn the_host_target_warns_about_host_libraries() {
    let findings = run(
        &graph(&[]),
        &host("x86_64-unknown-linux-gnu"),
        &TargetConfig::default(),
        "x86_64-unknown-linux-gnu",
    );
    assert_eq!(findings.len(), 2);
    assert!(
        findings
            .iter()
            .all(|f| f.severity == crate::finding::Severity::Warning)
    );
}

#[test]
fn a_missing_configured_linker_points_at_its_line() {
    let config = TargetConfig {
        linker: Some(ConfigSetting {
            value: "aarch64-linux-gnu-gcc".into(),
            origin: Origin::File {
                path: "/w/.cargo/config.toml".into(),
                span: Some((30, 62)),
            },
        }),
        linker_found: Some(false),
        ..TargetConfig::default()
    };
    let mut host = host("x86_64-unknown-linux-gnu");
    host.installed_targets
        .push("aarch64-unknown-linux-gnu".into());
    let findings = run(
        &ProjectGraph::default(),
        &host,
        &config,
        "aarch64-unknown-linux-gnu",
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].kind, Kind::LinkerNotFound);
    assert_eq!(
        findings[0].evidence.file.as_ref().map(|f| f.start),
        Some(30)
    );
}

fn debian_host() -> HostFacts {
    HostFacts {
        rustup_targets: None,
        toolchain: Some(RustToolchain {
            rustc: "/usr/bin/rustc".into(),
            chosen_by: ToolchainSource::Env {
                var: "RUSTC".into(),
            },
            sysroot: "/usr".into(),
            version: "rustc 1.96.0".into(),
            kind: ToolchainKind::Debian {
                std_package: "libstd-rust-web-dev".into(),
            },
        }),
        ..host("x86_64-unknown-linux-gnu")
    }
}

#[test]
fn debians_rustc_gets_its_std_from_the_architectures_package() {
    let findings = run(
        &graph(&[]),
        &debian_host(),
        &TargetConfig::default(),
        "armv7-unknown-linux-gnueabihf",
    );
    let std = &findings[0];
    assert_eq!(std.kind, Kind::TargetNotInstalled);
    assert_eq!(
        std.facts.get("command"),
        Some(&serde_json::Value::from(
            "apt-get install libstd-rust-web-dev:armhf"
        ))
    );
    assert_eq!(std.fixes[0].id, "add_target");
    assert!(std.fixes[0].title.contains("libstd-rust-web-dev:armhf"));

    // Debian ships no musl std: that is not something to install.
    let findings = run(
        &graph(&[]),
        &debian_host(),
        &TargetConfig::default(),
        "aarch64-unknown-linux-musl",
    );
    assert_eq!(findings[0].kind, Kind::StdUnavailableForTarget);
    assert!(findings[0].fixes.is_empty());
}

#[test]
fn an_installed_target_of_debians_rustc_needs_nothing() {
    let mut host = debian_host();
    host.installed_targets
        .push("aarch64-unknown-linux-gnu".into());
    let findings = run(
        &graph(&[]),
        &host,
        &TargetConfig::default(),
        "aarch64-unknown-linux-gnu",
    );
    assert!(
        findings
            .iter()
            .all(|f| f.kind != Kind::TargetNotInstalled && f.kind != Kind::StdUnavailableForTarget),
        "{findings:?}"
    );
}

#[test]
fn debian_std_packages_follow_the_compilers_package() {
    assert_eq!(
        debian_std_package("rustc").as_deref(),
        Some("libstd-rust-dev")
    );
    assert_eq!(
        debian_std_package("rustc-web").as_deref(),
        Some("libstd-rust-web-dev")
    );
    assert_eq!(
        debian_std_package("rustc-1.80").as_deref(),
        Some("libstd-rust-1.80-dev")
    );
    assert_eq!(debian_std_package("rustcx"), None);
    assert_eq!(debian_std_package("cargo"), None);
}
