//! musl preflight over hand-built graphs whose packages declare the
//! features their real versions do.

use std::collections::BTreeMap;

use crate::finding::{Kind, Severity};
use crate::preflight::*;

const MANIFEST: &str = "[package]\nname = \"app\"\n\n[dependencies]\nreqwest = \"0.12\"\nrusqlite = \"0.32\"\ngit2 = \"0.19\"\n";
const MUSL: &str = "x86_64-unknown-linux-musl";

fn package(name: &str, version: &str, links: Option<&str>, declared: &[&str]) -> GraphPackage {
    GraphPackage {
        name: name.into(),
        version: version.into(),
        links: links.map(Into::into),
        manifest_path: format!("/w/{name}/Cargo.toml"),
        declared_features: declared
            .iter()
            .map(|f| ((*f).to_owned(), Vec::new()))
            .collect(),
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
/// libsqlite3-sys, app → git2 → libgit2-sys → libz-sys.
fn graph(reqwest_version: &str) -> ProjectGraph {
    let packages = vec![
        package("app", "0.1.0", None, &[]),
        package(
            "reqwest",
            reqwest_version,
            None,
            &["default", "native-tls-vendored", "rustls-tls", "rustls"],
        ),
        package("hyper-tls", "0.6.0", None, &[]),
        package("native-tls", "0.2.12", None, &["vendored"]),
        package("openssl-sys", "0.9.103", Some("openssl"), &["vendored"]),
        package("rusqlite", "0.32.1", None, &["bundled"]),
        package("libsqlite3-sys", "0.30.1", Some("sqlite3"), &["bundled"]),
        package("git2", "0.19.0", None, &["vendored-libgit2"]),
        package("libgit2-sys", "0.17.0", Some("git2"), &["vendored"]),
        package("libz-sys", "1.1.20", Some("z"), &["static"]),
    ];
    let mut edges = vec![Vec::new(); packages.len()];
    edges[0] = vec![normal(1), normal(5), normal(7)];
    edges[1] = vec![normal(2)];
    edges[2] = vec![normal(3)];
    edges[3] = vec![normal(4)];
    edges[5] = vec![normal(6)];
    edges[7] = vec![normal(8)];
    edges[8] = vec![normal(9)];
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
        installed_targets: vec!["x86_64-unknown-linux-gnu".into(), MUSL.into()],
        ..HostFacts::default()
    }
}

fn run(graph: &ProjectGraph, config: &TargetConfig, target: &str) -> Vec<crate::finding::Finding> {
    let manifests = BTreeMap::from([("/w/app/Cargo.toml".to_owned(), MANIFEST.to_owned())]);
    let input = PreflightInput {
        graph,
        host: &host(),
        config,
        manifests: &manifests,
    };
    preflight(&input, target)
}

fn fixes(finding: &crate::finding::Finding) -> Vec<(&str, &str)> {
    finding
        .fixes
        .iter()
        .map(|f| (f.id.as_str(), f.title.as_str()))
        .collect()
}

#[test]
fn system_libraries_cannot_go_into_a_static_musl_binary() {
    let mut findings = run(&graph("0.12.9"), &TargetConfig::default(), MUSL);
    let order = ["openssl-sys", "libsqlite3-sys", "libgit2-sys", "libz-sys"];
    findings.sort_by_key(|f| order.iter().position(|c| f.facts["crate"] == *c));
    let crates: Vec<(&str, Severity)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f.kind, Kind::MuslStatic, "{f:#?}");
            (f.facts["crate"].as_str().unwrap(), f.severity)
        })
        .collect();
    assert_eq!(
        crates,
        [
            ("openssl-sys", Severity::Error),
            ("libsqlite3-sys", Severity::Error),
            ("libgit2-sys", Severity::Warning),
            ("libz-sys", Severity::Warning),
        ]
    );
    let openssl = &findings[0];
    assert_eq!(
        openssl.message,
        "openssl-sys (via reqwest → hyper-tls → native-tls → openssl-sys) links the system's OpenSSL, which is built for glibc and cannot go into a static x86_64-unknown-linux-musl binary; build it from source for musl"
    );
    let span = openssl.evidence.file.as_ref().expect("points at reqwest");
    assert_eq!(&MANIFEST[span.start..span.end], "reqwest = \"0.12\"");
    assert_eq!(
        fixes(openssl),
        [
            (
                "use_vendored_openssl",
                "build OpenSSL from source (reqwest 0.12.9 `native-tls-vendored`)"
            ),
            (
                "use_rustls",
                "switch reqwest 0.12.9 to rustls (`rustls-tls`) and drop OpenSSL"
            ),
        ]
    );
    assert_eq!(
        fixes(&findings[1]),
        [(
            "use_bundled_sqlite",
            "build SQLite from source (rusqlite 0.32.1 `bundled`)"
        )]
    );
    assert_eq!(fixes(&findings[2])[0].0, "use_vendored_libgit2");
    assert!(
        fixes(&findings[2])[0]
            .1
            .contains("git2 0.19.0 `vendored-libgit2`")
    );
    assert_eq!(fixes(&findings[3])[0].0, "use_static_zlib");
    // Nothing suggests a Debian sysroot: its libraries are glibc's.
    assert!(
        findings
            .iter()
            .all(|f| f.fixes.iter().all(|x| x.id != "fetch_sysroot_and_wire"))
    );
}

#[test]
fn the_rustls_feature_follows_the_locked_reqwest() {
    let findings = run(&graph("0.13.1"), &TargetConfig::default(), MUSL);
    let openssl = findings
        .iter()
        .find(|f| f.facts["crate"] == "openssl-sys")
        .expect("an openssl-sys finding");
    assert!(
        fixes(openssl).contains(&(
            "use_rustls",
            "switch reqwest 0.13.1 to rustls (`rustls`) and drop OpenSSL"
        )),
        "{findings:#?}"
    );
}

#[test]
fn static_builds_already_chosen_are_not_reported() {
    let mut graph = graph("0.12.9");
    for (name, feature) in [
        ("openssl-sys", "vendored"),
        ("libsqlite3-sys", "bundled"),
        ("libgit2-sys", "vendored"),
        ("libz-sys", "static"),
    ] {
        let package = graph.packages.iter_mut().find(|p| p.name == name).unwrap();
        package.enabled_features.push(feature.into());
    }
    let findings = run(&graph, &TargetConfig::default(), MUSL);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_library_without_a_static_build_says_what_to_do_instead() {
    let graph = ProjectGraph {
        workspace_root: "/w".into(),
        packages: vec![
            package("app", "0.1.0", None, &[]),
            package("pq-sys", "0.6.3", Some("pq"), &[]),
        ],
        members: vec![0],
        edges: vec![vec![normal(1)], Vec::new()],
    };
    let findings = run(&graph, &TargetConfig::default(), MUSL);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(findings[0].fixes.is_empty());
    assert!(
        findings[0]
            .evidence
            .related
            .iter()
            .any(|n| n.message.contains("libpq-dev is for glibc")),
        "{:#?}",
        findings[0]
    );
}

fn rustflags(flags: &[&str]) -> TargetConfig {
    TargetConfig {
        rustflags: Some(ConfigSetting {
            value: serde_json::Value::from(flags.to_vec()),
            origin: Origin::File {
                path: "/w/.cargo/config.toml".into(),
                span: Some((10, 40)),
            },
        }),
        ..TargetConfig::default()
    }
}

#[test]
fn crt_static_pitfalls_are_predicted_from_rustflags() {
    let empty = ProjectGraph::default();
    let dynamic = run(
        &empty,
        &rustflags(&["-C", "target-feature=-crt-static"]),
        MUSL,
    );
    assert_eq!(dynamic.len(), 1);
    assert!(dynamic[0].message.contains("ld-musl-x86_64.so.1"));
    assert_eq!(dynamic[0].evidence.file.as_ref().map(|f| f.start), Some(10));

    let gnu = "x86_64-unknown-linux-gnu";
    let partial = run(&empty, &rustflags(&["-Ctarget-feature=+crt-static"]), gnu);
    assert_eq!(partial.len(), 1);
    assert!(partial[0].message.contains("NSS"), "{partial:#?}");

    assert!(run(&empty, &rustflags(&["-Ctarget-feature=+crt-static"]), MUSL).is_empty());
}

#[test]
fn dynamic_loading_is_predicted_for_musl_only() {
    let graph = ProjectGraph {
        workspace_root: "/w".into(),
        packages: vec![
            package("app", "0.1.0", None, &[]),
            package("libloading", "0.8.5", None, &[]),
        ],
        members: vec![0],
        edges: vec![vec![normal(1)], Vec::new()],
    };
    let musl = run(&graph, &TargetConfig::default(), MUSL);
    assert_eq!(musl.len(), 1);
    assert!(musl[0].message.contains("Dynamic loading not supported"));
    assert!(run(&graph, &TargetConfig::default(), "x86_64-unknown-linux-gnu").is_empty());
}
