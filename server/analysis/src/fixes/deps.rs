//! The "change the dependency instead" fixes: build OpenSSL or SQLite from
//! source, or move reqwest to rustls, so the target needs no native
//! library at all.
//!
//! Features are chosen by the locked version and checked against the
//! features the package really declares (from `cargo metadata`), so an edit
//! never names a feature that does not exist.

use crossport_formats::cargo_lock::locked_version;
use crossport_formats::manifest::{DependencyDecl, Manifest, ManifestEdit, edit_manifest};

use super::wire::bring_c_toolchain;
use super::{FixContext, FixPlan, PlanError, Workspace};
use crate::preflight::{DependencyPath, GraphPackage, paths_to_native_crates};

pub(super) fn use_vendored_openssl(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "use_vendored_openssl";
    let path = path_to(cx, id, "openssl-sys")?;
    let manifest_path = member_manifest(cx, &path);
    let manifest = parse(files, &manifest_path)?;
    let through_reqwest = declared(&manifest, "reqwest")
        .filter(|_| passes(cx, &path, "reqwest"))
        .filter(|_| declares_feature(cx, "reqwest", "native-tls-vendored"));
    let edit = if let Some(openssl) = declared(&manifest, "openssl") {
        add_features(&openssl, &["vendored"])
    } else if let Some(reqwest) = through_reqwest {
        add_features(&reqwest, &["native-tls-vendored"])
    } else {
        ManifestEdit::AddDependency {
            table: vec!["dependencies".into()],
            key: "openssl-sys".into(),
            version: major_minor(&cx.graph.packages[path.native()].version),
            features: vec!["vendored".into()],
        }
    };
    let mut plan = plan(
        cx,
        id,
        "build OpenSSL from source for the target (openssl `vendored`)",
    );
    plan.notes.push(format!(
        "openssl-src runs OpenSSL's Configure (perl) and make, and compiles C for {}",
        cx.target
    ));
    write_manifest(files, &manifest_path, &[edit], &mut plan)?;
    bring_c_toolchain(cx, files, &["openssl-sys"], false, &mut plan)?;
    Ok(plan)
}

pub(super) fn use_bundled_sqlite(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "use_bundled_sqlite";
    let path = path_to(cx, id, "libsqlite3-sys")?;
    let manifest_path = member_manifest(cx, &path);
    let manifest = parse(files, &manifest_path)?;
    let edit = if let Some(rusqlite) = declared(&manifest, "rusqlite") {
        add_features(&rusqlite, &["bundled"])
    } else if let Some(sys) = declared(&manifest, "libsqlite3-sys") {
        add_features(&sys, &["bundled"])
    } else {
        ManifestEdit::AddDependency {
            table: vec!["dependencies".into()],
            key: "libsqlite3-sys".into(),
            version: major_minor(&cx.graph.packages[path.native()].version),
            features: vec!["bundled".into()],
        }
    };
    let mut plan = plan(
        cx,
        id,
        "build SQLite from source for the target (rusqlite `bundled`)",
    );
    plan.notes.push(format!(
        "the bundled SQLite is compiled with the C compiler for {}",
        cx.target
    ));
    write_manifest(files, &manifest_path, &[edit], &mut plan)?;
    bring_c_toolchain(cx, files, &["libsqlite3-sys"], false, &mut plan)?;
    Ok(plan)
}

pub(super) fn use_rustls(cx: &FixContext<'_>, files: &mut Workspace) -> Result<FixPlan, PlanError> {
    let id = "use_rustls";
    let not_applicable = |reason: String| PlanError::NotApplicable {
        id: id.into(),
        reason,
    };
    let path = path_to(cx, id, "openssl-sys")?;
    if !passes(cx, &path, "reqwest") {
        return Err(not_applicable(format!(
            "OpenSSL comes in through {}, not reqwest",
            path.describe(cx.graph)
        )));
    }
    let manifest_path = member_manifest(cx, &path);
    let manifest = parse(files, &manifest_path)?;
    let reqwest_decl = declared(&manifest, "reqwest").ok_or_else(|| {
        not_applicable("reqwest is not a direct dependency of the package".into())
    })?;
    if reqwest_decl.inherited {
        return Err(not_applicable(
            "reqwest is inherited from [workspace.dependencies]: turn its default features off there".into(),
        ));
    }
    let reqwest = cx
        .graph
        .package("reqwest")
        .ok_or_else(|| not_applicable("reqwest is not in the dependency graph".into()))?;
    let version = locked_version(cx.lock, "reqwest")
        .and_then(|p| p.major_minor())
        .or_else(|| parse_major_minor(&reqwest.version))
        .unwrap_or((0, 12));
    let backend = if version >= (0, 13) {
        "rustls"
    } else {
        "rustls-tls"
    };
    if !reqwest.declared_features.contains_key(backend) {
        return Err(not_applicable(format!(
            "reqwest {} has no `{backend}` feature",
            reqwest.version
        )));
    }
    let mut features: Vec<String> = reqwest
        .declared_features
        .get("default")
        .into_iter()
        .flatten()
        .filter(|f| !f.contains("tls") && !f.starts_with("dep:"))
        .cloned()
        .collect();
    features.push(backend.to_owned());
    let (table, key) = edit_location(&reqwest_decl);
    let native_tls: Vec<String> = reqwest_decl
        .features
        .iter()
        .filter(|f| f.contains("native-tls") || *f == "default-tls")
        .cloned()
        .collect();
    let edits = [
        ManifestEdit::RemoveFeatures {
            table: table.clone(),
            key: key.clone(),
            features: native_tls,
        },
        ManifestEdit::SetDefaultFeatures {
            table: table.clone(),
            key: key.clone(),
            enabled: false,
        },
        ManifestEdit::AddFeatures {
            table,
            key,
            features,
        },
    ];
    let mut plan = plan(
        cx,
        id,
        &format!(
            "switch reqwest {} to rustls (`{backend}`) and drop OpenSSL",
            reqwest.version
        ),
    );
    if version >= (0, 13) {
        plan.notes.push(format!(
            "reqwest 0.13's `rustls` uses aws-lc-rs, which compiles C: it needs a C compiler for {} (brought here) and, off x86_64/aarch64 Linux, cmake; to avoid both, use `rustls-no-provider` with rustls' `ring` feature and call `rustls::crypto::ring::default_provider().install_default()` at startup",
            cx.target
        ));
    }
    write_manifest(files, &manifest_path, &edits, &mut plan)?;
    // ring (reqwest 0.12's rustls) and aws-lc-sys (0.13's) compile C and
    // assembly for the target. aws-lc-rs 1.7+ documents a C/C++ compiler
    // alone for {x86_64,aarch64}-linux-{gnu,musl} and i686-linux-gnu
    // (without `fips`); other targets also need cmake.
    let cc_only = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "i686-unknown-linux-gnu",
    ];
    let needs_cmake = version >= (0, 13) && !cc_only.contains(&cx.target);
    bring_c_toolchain(cx, files, &["openssl-sys"], needs_cmake, &mut plan)?;
    Ok(plan)
}

pub(super) fn plan(cx: &FixContext<'_>, id: &str, title: &str) -> FixPlan {
    FixPlan {
        id: id.to_owned(),
        title: title.to_owned(),
        target: cx.target.to_owned(),
        edits: Vec::new(),
        commands: Vec::new(),
        notes: Vec::new(),
    }
}

fn path_to(cx: &FixContext<'_>, id: &str, crate_name: &str) -> Result<DependencyPath, PlanError> {
    paths_to_native_crates(cx.graph)
        .into_iter()
        .find(|path| cx.graph.packages[path.native()].name == crate_name)
        .ok_or_else(|| PlanError::NotApplicable {
            id: id.to_owned(),
            reason: format!("nothing in the project depends on {crate_name}"),
        })
}

fn passes(cx: &FixContext<'_>, path: &DependencyPath, name: &str) -> bool {
    path.packages
        .iter()
        .any(|&i| cx.graph.packages[i].name == name)
}

fn declares_feature(cx: &FixContext<'_>, package: &str, feature: &str) -> bool {
    cx.graph
        .package(package)
        .is_some_and(|p: &GraphPackage| p.declared_features.contains_key(feature))
}

pub(super) fn member_manifest(cx: &FixContext<'_>, path: &DependencyPath) -> String {
    cx.graph.packages[path.member()].manifest_path.clone()
}

pub(super) fn parse(files: &Workspace, path: &str) -> Result<Manifest, PlanError> {
    let text = files.text(path).ok_or_else(|| PlanError::Edit {
        path: path.to_owned(),
        message: "the manifest could not be read".into(),
    })?;
    Manifest::parse(text).map_err(|err| PlanError::Edit {
        path: path.to_owned(),
        message: err.to_string(),
    })
}

/// A normal (non-workspace) declaration of a package in this manifest.
pub(super) fn declared(manifest: &Manifest, package: &str) -> Option<DependencyDecl> {
    manifest
        .find_dependency(package)
        .filter(|decl| decl.kind == crossport_formats::manifest::DependencyKind::Normal)
}

fn edit_location(decl: &DependencyDecl) -> (Vec<String>, String) {
    (decl.table.clone(), decl.key.clone())
}

pub(super) fn add_features(decl: &DependencyDecl, features: &[&str]) -> ManifestEdit {
    let (table, key) = edit_location(decl);
    ManifestEdit::AddFeatures {
        table,
        key,
        features: features.iter().map(|f| (*f).to_owned()).collect(),
    }
}

fn parse_major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// `0.9.103` → `0.9`, `1.2.3` → `1`: the requirement `cargo add` would write.
pub(super) fn major_minor(version: &str) -> String {
    match parse_major_minor(version) {
        Some((0, minor)) => format!("0.{minor}"),
        Some((major, _)) => major.to_string(),
        None => version.to_owned(),
    }
}

pub(super) fn write_manifest(
    files: &mut Workspace,
    path: &str,
    edits: &[ManifestEdit],
    plan: &mut FixPlan,
) -> Result<(), PlanError> {
    let old = files.text(path).unwrap_or("").to_owned();
    let new = edit_manifest(&old, edits).map_err(|err| PlanError::Edit {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    plan.edits.extend(files.write(path, new, false));
    Ok(())
}
