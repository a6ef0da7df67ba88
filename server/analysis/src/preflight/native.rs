//! Native libraries: which `-sys` crates need a library for the target, and
//! whether the project already supplies it (a vendored/bundled feature, or
//! the per-target env of a wired sysroot).

use crate::finding::{FileSpan, Finding, Kind, RelatedNote, Severity};
use crate::sysroot::dev_package_for_links;
use crossport_formats::manifest::Manifest;

use super::graph::{DependencyPath, paths_to_native_crates};
use super::input::{GraphPackage, PreflightInput, ProjectGraph, TargetConfig};
use super::same_arch;

/// How a `-sys` crate gets its library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeStatus {
    /// From the system: the target needs it and nothing supplies it yet.
    Needed,
    /// The crate compiles the library itself (a feature such as `vendored`,
    /// or its default); only a C compiler for the target is needed.
    BuiltFromSource,
    /// The config points the build script at a library for the target.
    Configured,
}

/// What a native crate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeNeed {
    pub crate_name: String,
    pub links: String,
    pub debian_package: Option<&'static str>,
    pub status: NativeStatus,
}

/// Crates whose library is compiled from source unless a feature asks for
/// the system's, or that build from source when the system has none.
const SOURCE_UNLESS_FEATURE: &[(&str, &str)] = &[
    ("zstd-sys", "pkg-config"),
    ("rdkafka-sys", "dynamic-linking"),
];
const SOURCE_FALLBACK: &[&str] = &[
    "libz-sys",
    "libgit2-sys",
    "curl-sys",
    "libssh2-sys",
    "lzma-sys",
    "liblzma-sys",
    "bzip2-sys",
    "lz4-sys",
    "libnghttp2-sys",
];
/// Features that make a crate build its library from source.
const SOURCE_FEATURES: &[&str] = &[
    "vendored",
    "bundled",
    "bundled-sqlcipher",
    "bundled-sqlcipher-vendored-openssl",
    "static",
];

/// Classifies one package with a `links` key for a target.
pub fn native_need(
    package: &GraphPackage,
    config: &TargetConfig,
    target: &str,
) -> Option<NativeNeed> {
    let links = package.links.clone()?;
    let debian_package = dev_package_for_links(&links);
    let has = |feature: &str| package.enabled_features.iter().any(|f| f == feature);
    let from_source = SOURCE_FEATURES.iter().any(|f| has(f))
        || SOURCE_FALLBACK.contains(&package.name.as_str())
        || SOURCE_UNLESS_FEATURE
            .iter()
            .any(|(name, feature)| *name == package.name && !has(feature));
    let status = if from_source {
        NativeStatus::BuiltFromSource
    } else if is_configured(&package.name, config, target) {
        NativeStatus::Configured
    } else {
        NativeStatus::Needed
    };
    // A links key crossport cannot map (ring's `ring_core_0_17`) is a crate
    // that compiles its own C: the linker fixes cover it.
    if debian_package.is_none() && status == NativeStatus::Needed {
        return None;
    }
    Some(NativeNeed {
        crate_name: package.name.clone(),
        links,
        debian_package,
        status,
    })
}

fn is_configured(crate_name: &str, config: &TargetConfig, target: &str) -> bool {
    let upper = target.to_uppercase().replace('-', "_");
    let underscored = target.replace('-', "_");
    let set = |name: String| config.env.contains_key(&name);
    if crate_name == "openssl-sys" {
        return set(format!("{upper}_OPENSSL_DIR"))
            || set(format!("{upper}_OPENSSL_LIB_DIR"))
            || set("OPENSSL_DIR".into())
            || set("OPENSSL_LIB_DIR".into());
    }
    set(format!("PKG_CONFIG_SYSROOT_DIR_{target}"))
        || set(format!("PKG_CONFIG_SYSROOT_DIR_{underscored}"))
        || set(format!("PKG_CONFIG_LIBDIR_{target}"))
        || set(format!("PKG_CONFIG_LIBDIR_{underscored}"))
}

/// A finding for every native library the target needs and nothing supplies.
pub(super) fn native_findings(input: &PreflightInput<'_>, target: &str) -> Vec<Finding> {
    let graph = input.graph;
    if super::musl::is_musl(target) {
        // A static musl binary takes no system library: see `musl`.
        return Vec::new();
    }
    paths_to_native_crates(graph)
        .into_iter()
        .filter_map(|path| {
            let package = &graph.packages[path.native()];
            let need = native_need(package, input.config, target)?;
            (need.status == NativeStatus::Needed).then(|| finding_for(input, target, &path, &need))
        })
        .collect()
}

fn finding_for(
    input: &PreflightInput<'_>,
    target: &str,
    path: &DependencyPath,
    need: &NativeNeed,
) -> Finding {
    let graph = input.graph;
    let package = &graph.packages[path.native()];
    let via = path.describe(graph);
    let library = library_name(&need.links);
    let foreign = !same_arch(&input.host.host_triple, target) || input.host.os != "linux";
    let (severity, message) = if foreign {
        (
            Severity::Error,
            format!(
                "{} (via {via}) needs {library} for {target}; none is configured",
                need.crate_name
            ),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "{} (via {via}) will link this machine's {library} for {target}; the binary will need the same library version where it runs",
                need.crate_name
            ),
        )
    };
    let kind = if need.crate_name == "openssl-sys" {
        Kind::OpensslNotFound
    } else {
        Kind::PkgConfigCross
    };
    let mut finding = Finding::new(kind, severity, message)
        .with_fact("crate", serde_json::Value::from(package.name.clone()))
        .with_fact(
            "crate_version",
            serde_json::Value::from(package.version.clone()),
        )
        .with_fact("library", serde_json::Value::from(need.links.clone()))
        .with_fact(
            "debian_package",
            need.debian_package.map(serde_json::Value::from),
        )
        .with_fact(
            "direct_dependency",
            serde_json::Value::from(graph.packages[path.direct()].name.clone()),
        )
        .with_fact(
            "dependency_path",
            serde_json::Value::from(
                path.packages
                    .iter()
                    .map(|&i| graph.packages[i].name.clone())
                    .collect::<Vec<_>>(),
            ),
        );
    finding.target = Some(target.to_owned());
    finding.evidence.file = declaration_span(input, path);
    finding.evidence.related.push(RelatedNote {
        message: format!(
            "dependency path: {} → {via}",
            graph.packages[path.member()].name
        ),
        file: None,
        lines: None,
    });
    add_fixes(finding, graph, path, need)
}

fn add_fixes(
    mut finding: Finding,
    graph: &ProjectGraph,
    path: &DependencyPath,
    need: &NativeNeed,
) -> Finding {
    let dev = need.debian_package.unwrap_or("the -dev package");
    finding = finding.with_fix(
        "fetch_sysroot_and_wire",
        format!("fetch a Debian sysroot with {dev} and wire it into .cargo/config.toml"),
    );
    let through = |name: &str| {
        path.packages
            .iter()
            .any(|&i| graph.packages[i].name == name)
    };
    match need.crate_name.as_str() {
        "openssl-sys" => {
            finding = finding.with_fix(
                "use_vendored_openssl",
                "build OpenSSL from source (openssl `vendored`)",
            );
            if through("reqwest") {
                finding =
                    finding.with_fix("use_rustls", "switch reqwest to rustls and drop OpenSSL");
            }
        }
        "libsqlite3-sys" => {
            finding = finding.with_fix(
                "use_bundled_sqlite",
                "build SQLite from source (rusqlite `bundled`)",
            );
        }
        _ => {}
    }
    finding
}

fn library_name(links: &str) -> String {
    match links {
        "openssl" => "OpenSSL".to_owned(),
        "sqlite3" => "SQLite".to_owned(),
        "z" => "zlib".to_owned(),
        "pq" => "libpq (PostgreSQL)".to_owned(),
        other => format!("lib{other}"),
    }
}

/// The span of the direct dependency's declaration in the member's manifest.
pub(super) fn declaration_span(
    input: &PreflightInput<'_>,
    path: &DependencyPath,
) -> Option<FileSpan> {
    let graph = input.graph;
    let manifest_path = &graph.packages[path.member()].manifest_path;
    let text = input.manifests.get(manifest_path)?;
    let manifest = Manifest::parse(text).ok()?;
    let decl = manifest.find_dependency(&graph.packages[path.direct()].name)?;
    let span = decl.span?;
    Some(FileSpan {
        path: manifest_path.clone(),
        start: span.start,
        end: span.end,
    })
}
