//! Fix plans over a small project: the config and scripts they write, the
//! manifest edits, and the diffs shown for them.

use std::collections::BTreeMap;

use expect_test::expect;

use super::*;
use crate::preflight::{GraphEdge, GraphPackage};
use crossport_formats::distro::known_release as debian_release;

const ROOT: &str = "/w/app";
const CONFIG: &str = "/w/app/.cargo/config.toml";
const MANIFEST: &str = "/w/app/Cargo.toml";

fn graph() -> ProjectGraph {
    let package = |name: &str, links: Option<&str>| GraphPackage {
        name: name.into(),
        version: "0.10.66".into(),
        links: links.map(Into::into),
        manifest_path: if name == "app" {
            MANIFEST.into()
        } else {
            format!("/r/{name}/Cargo.toml")
        },
        ..GraphPackage::default()
    };
    let edge = |to| GraphEdge {
        to,
        normal: true,
        ..GraphEdge::default()
    };
    ProjectGraph {
        workspace_root: ROOT.into(),
        packages: vec![
            package("app", None),
            package("openssl", None),
            package("openssl-sys", Some("openssl")),
            package("rusqlite", None),
            package("libsqlite3-sys", Some("sqlite3")),
        ],
        members: vec![0],
        edges: vec![
            vec![edge(1), edge(3)],
            vec![edge(2)],
            vec![],
            vec![edge(4)],
            vec![],
        ],
    }
}

fn host() -> HostFacts {
    HostFacts {
        host_triple: "x86_64-unknown-linux-gnu".into(),
        os: "linux".into(),
        installed_targets: vec!["x86_64-unknown-linux-gnu".into()],
        tools: ["clang", "ld.lld", "pkg-config"]
            .iter()
            .map(|t| ((*t).to_owned(), format!("/usr/bin/{t}")))
            .collect(),
        package_manager: Some(crate::preflight::PackageManager::Apt),
        ..HostFacts::default()
    }
}

fn plan_all(target: &str, ids: &[&str], config: Option<&str>) -> (Vec<FixPlan>, Workspace) {
    let graph = graph();
    let host = host();
    let release = debian_release("bullseye").expect("known release");
    let layout = Layout::project(ROOT, CONFIG, target, "bullseye");
    let cx = FixContext {
        target,
        release,
        host: &host,
        graph: &graph,
        lock: &[],
        layout: &layout,
    };
    let mut files = Workspace::new(BTreeMap::from([
        (CONFIG.to_owned(), config.map(str::to_owned)),
        (MANIFEST.to_owned(), Some("[package]\nname = \"app\"\n\n[dependencies]\nopenssl = \"0.10\"\nrusqlite = \"0.31\"\n".to_owned())),
    ]));
    let plans = ids
        .iter()
        .map(|id| plan_fix(&cx, id, &mut files).expect("plans"))
        .collect();
    (plans, files)
}

#[test]
fn wiring_a_sysroot_writes_relative_paths_only() {
    let target = "x86_64-unknown-linux-gnu";
    let (plans, files) = plan_all(
        target,
        &["fetch_sysroot_and_wire", "configure_runner"],
        Some("# mine\n"),
    );
    expect![[r#"
        # mine

        [target.x86_64-unknown-linux-gnu]
        linker = ".cargo/crossport/x86_64-unknown-linux-gnu-cc"
        runner = ".cargo/crossport/x86_64-unknown-linux-gnu-run"

        [env]
        CC_x86_64-unknown-linux-gnu = { value = ".cargo/crossport/x86_64-unknown-linux-gnu-cc", relative = true }
        CXX_x86_64-unknown-linux-gnu = { value = ".cargo/crossport/x86_64-unknown-linux-gnu-c++", relative = true }
        AR_x86_64-unknown-linux-gnu = "ar"
        PKG_CONFIG_SYSROOT_DIR_x86_64-unknown-linux-gnu = { value = "target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye", relative = true }
        PKG_CONFIG_LIBDIR_x86_64-unknown-linux-gnu = { value = "target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye/usr/lib/x86_64-linux-gnu/pkgconfig", relative = true }
        X86_64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR = { value = "target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye/usr/lib/x86_64-linux-gnu", relative = true }
        X86_64_UNKNOWN_LINUX_GNU_OPENSSL_INCLUDE_DIR = { value = "target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye/usr/include", relative = true }
    "#]]
    .assert_eq(files.text(CONFIG).unwrap_or_default());
    expect![[r##"
        #!/bin/sh
        # Written by `crossport fix`; `crossport fix` rewrites it.
        # Runs x86_64-unknown-linux-gnu binaries with the Debian bullseye sysroot's loader and libraries.
        # Sysroots are unpacked without permission bits, so the loader may need +x.
        here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
        sysroot="$here/../../target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye"
        loader="$sysroot/lib64/ld-linux-x86-64.so.2"
        [ -x "$loader" ] || chmod u+x "$loader"
        exec "$loader" --library-path "$sysroot/lib/x86_64-linux-gnu:$sysroot/usr/lib/x86_64-linux-gnu" "$@"
    "##]]
    .assert_eq(files.text("/w/app/.cargo/crossport/x86_64-unknown-linux-gnu-run").unwrap_or_default());
    assert_eq!(
        plans[0].commands[0].display(),
        "crossport sysroot fetch --target x86_64-unknown-linux-gnu --release bullseye libssl-dev libsqlite3-dev --dir /w/app/target/crossport/sysroots/x86_64-unknown-linux-gnu-bullseye"
    );
    let merged = merged_edits(&plans);
    assert_eq!(merged.iter().filter(|e| e.path == CONFIG).count(), 1);
    assert_eq!(
        merged
            .iter()
            .find(|e| e.path == CONFIG)
            .and_then(|e| e.old.as_deref()),
        Some("# mine\n")
    );
}

#[test]
fn a_foreign_runner_uses_qemu_and_says_how_to_install_it() {
    let (plans, files) = plan_all("aarch64-unknown-linux-gnu", &["configure_runner"], None);
    let script = files
        .text("/w/app/.cargo/crossport/aarch64-unknown-linux-gnu-run")
        .unwrap_or_default();
    assert!(script.contains("exec qemu-aarch64 -L \"$here/../../target/crossport/sysroots/aarch64-unknown-linux-gnu-bullseye\" \"$@\""));
    assert_eq!(
        plans[0].commands[0].display(),
        "sudo apt-get install qemu-user"
    );
    assert!(plans[0].edits.iter().all(|e| e.old.is_none()));
}

#[test]
fn dependency_fixes_edit_the_manifest() {
    let (_, files) = plan_all(
        "aarch64-unknown-linux-gnu",
        &["use_vendored_openssl", "use_bundled_sqlite"],
        None,
    );
    expect![[r#"
        [package]
        name = "app"

        [dependencies]
        openssl = { version = "0.10", features = ["vendored"] }
        rusqlite = { version = "0.31", features = ["bundled"] }
    "#]]
    .assert_eq(files.text(MANIFEST).unwrap_or_default());
}

#[test]
fn diffs_show_new_files_from_dev_null() {
    let edit = FileEdit {
        path: "/x".into(),
        old: None,
        new: "a\n".into(),
        executable: false,
    };
    expect![[r#"
        --- /dev/null
        +++ b/x
        @@ -0,0 +1 @@
        +a
    "#]]
    .assert_eq(&edit.unified_diff("x"));
}

#[test]
fn rustls_by_the_locked_reqwest_version() {
    let edge = |to| GraphEdge {
        to,
        normal: true,
        ..GraphEdge::default()
    };
    let reqwest = GraphPackage {
        name: "reqwest".into(),
        version: "0.13.1".into(),
        manifest_path: "/r/reqwest/Cargo.toml".into(),
        declared_features: [
            (
                "default",
                vec!["rustls", "charset", "http2", "system-proxy"],
            ),
            ("rustls", vec![]),
            ("native-tls", vec!["dep:hyper-tls"]),
            ("charset", vec![]),
            ("http2", vec![]),
            ("system-proxy", vec![]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect(),
        ..GraphPackage::default()
    };
    let graph = ProjectGraph {
        workspace_root: ROOT.into(),
        packages: vec![
            GraphPackage {
                name: "app".into(),
                manifest_path: MANIFEST.into(),
                ..GraphPackage::default()
            },
            reqwest,
            GraphPackage {
                name: "openssl-sys".into(),
                version: "0.9.100".into(),
                links: Some("openssl".into()),
                ..GraphPackage::default()
            },
        ],
        members: vec![0],
        edges: vec![vec![edge(1)], vec![edge(2)], vec![]],
    };
    let host = host();
    let release = debian_release("bookworm").expect("known release");
    let target = "aarch64-unknown-linux-gnu";
    let layout = Layout::project(ROOT, CONFIG, target, "bookworm");
    let lock = [crossport_formats::cargo_lock::LockedPackage {
        name: "reqwest".into(),
        version: "0.13.1".into(),
        source: None,
    }];
    let cx = FixContext {
        target,
        release,
        host: &host,
        graph: &graph,
        lock: &lock,
        layout: &layout,
    };
    let mut files = Workspace::new(BTreeMap::from([(
        MANIFEST.to_owned(),
        Some(
            "[dependencies]\nreqwest = { version = \"0.13\", features = [\"native-tls\"] }\n"
                .to_owned(),
        ),
    )]));
    let plan = plan_fix(&cx, "use_rustls", &mut files).expect("plans");
    expect![[r#"
        [dependencies]
        reqwest = { version = "0.13", features = ["charset", "http2", "system-proxy", "rustls"], default-features = false }
    "#]]
    .assert_eq(files.text(MANIFEST).unwrap_or_default());
    assert!(plan.notes[0].contains("aws-lc-rs"), "{:?}", plan.notes);
    assert!(plan.notes[0].contains("ring"), "{:?}", plan.notes);
}

#[test]
fn add_target_for_debians_rustc_names_the_std_package_not_rustup() {
    use crate::preflight::{RustToolchain, ToolchainKind, ToolchainSource};
    let graph = graph();
    let target = "aarch64-unknown-linux-gnu";
    let mut host = host();
    let release = debian_release("bookworm").expect("known release");
    let layout = Layout::project(ROOT, CONFIG, target, "bookworm");
    let plan = |host: &HostFacts| {
        let cx = FixContext {
            target,
            release,
            host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::new(BTreeMap::new());
        plan_fix(&cx, "add_target", &mut files).expect("plans")
    };
    assert_eq!(
        plan(&host).commands[0].display(),
        format!("rustup target add {target}")
    );
    host.toolchain = Some(RustToolchain {
        rustc: "/usr/bin/rustc".into(),
        chosen_by: ToolchainSource::Env {
            var: "RUSTC".into(),
        },
        sysroot: "/usr".into(),
        version: "rustc 1.96.0".into(),
        kind: ToolchainKind::Debian {
            std_package: "libstd-rust-web-dev".into(),
        },
    });
    let plan = plan(&host);
    assert!(
        matches!(&plan.commands[..], [PlanCommand::Install { hint }] if hint == "apt-get install libstd-rust-web-dev:arm64"),
        "{:?}",
        plan.commands
    );
}

#[test]
fn rustls_is_refused_where_openssl_comes_in_through_git2() {
    let edge = |to| GraphEdge {
        to,
        normal: true,
        ..GraphEdge::default()
    };
    let package = |name: &str, links: Option<&str>| GraphPackage {
        name: name.into(),
        version: "0.19.0".into(),
        links: links.map(Into::into),
        manifest_path: if name == "app" {
            MANIFEST.into()
        } else {
            format!("/r/{name}/Cargo.toml")
        },
        ..GraphPackage::default()
    };
    // app → git2 → libgit2-sys → {libssh2-sys → openssl-sys, openssl-sys}
    let graph = ProjectGraph {
        workspace_root: ROOT.into(),
        packages: vec![
            package("app", None),
            package("git2", None),
            package("libgit2-sys", Some("git2")),
            package("libssh2-sys", Some("ssh2")),
            package("openssl-sys", Some("openssl")),
        ],
        members: vec![0],
        edges: vec![
            vec![edge(1)],
            vec![edge(2)],
            vec![edge(3), edge(4)],
            vec![edge(4)],
            vec![],
        ],
    };
    let host = host();
    let release = debian_release("bookworm").expect("known release");
    let target = "aarch64-unknown-linux-gnu";
    let layout = Layout::project(ROOT, CONFIG, target, "bookworm");
    let cx = FixContext {
        target,
        release,
        host: &host,
        graph: &graph,
        lock: &[],
        layout: &layout,
    };
    let mut files = Workspace::new(BTreeMap::from([(
        MANIFEST.to_owned(),
        Some("[dependencies]\ngit2 = \"0.19\"\n".to_owned()),
    )]));
    match plan_fix(&cx, "use_rustls", &mut files) {
        Err(PlanError::NotApplicable { reason, .. }) => {
            assert!(reason.contains("git2"), "{reason}");
        }
        other => panic!("use_rustls planned through git2: {other:?}"),
    }
    let defaults = default_fix_ids(&cx);
    assert!(!defaults.contains(&"use_rustls"), "{defaults:?}");
    // The fixes that do apply still plan.
    plan_fix(&cx, "use_vendored_openssl", &mut files).expect("vendored OpenSSL plans");
}
