//! Native libraries: which `-sys` crates need a library for the target, and
//! whether the project already supplies it (a vendored/bundled feature, or
//! the per-target env of a wired sysroot).

use crate::finding::{FileSpan, Finding, Kind, RelatedNote, Severity};
use crate::native_libs::{self, NativeLibrary};
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
    /// The config wires in a sysroot, but the sysroot lacks the library's
    /// `.pc` file and `lib….so`.
    MissingFromSysroot,
}

/// What a native crate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeNeed {
    pub crate_name: String,
    /// The `links` key, or the library its sources name (`flac`).
    pub links: String,
    /// The first package of [`Self::debian_packages`].
    pub debian_package: Option<&'static str>,
    /// Every `-dev` package the crate needs (ffmpeg's needs several).
    pub debian_packages: Vec<&'static str>,
    /// The table's row for the main library, when known.
    pub library: Option<&'static NativeLibrary>,
    /// How the library is really spelled when the crate's name for it
    /// differs only in case (`-lflac`, the package ships `libFLAC.so`).
    pub spelled: Option<&'static str>,
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

/// The table's rows for a package: by crate name, then `links` key, then
/// the library names its sources give the linker (case-insensitively, so
/// a mis-capitalised name is still recognised and can be named).
fn rows_for(package: &GraphPackage) -> (Vec<&'static NativeLibrary>, Option<&'static str>) {
    let by_crate: Vec<_> = native_libs::for_crate(&package.name).collect();
    if !by_crate.is_empty() {
        return (by_crate, None);
    }
    if let Some(row) = package.links.as_deref().and_then(native_libs::for_links) {
        return (vec![row], None);
    }
    for name in &package.link_names {
        if let Some(row) = native_libs::for_library_name(name) {
            return (vec![row], None);
        }
        if let Some((row, real)) = native_libs::for_library_name_ignoring_case(name) {
            return (vec![row], Some(real));
        }
    }
    (Vec::new(), None)
}

/// The library a native package links, as a name: its `links` key or the
/// first library named in its sources.
fn library_key(package: &GraphPackage, rows: &[&'static NativeLibrary]) -> Option<String> {
    package
        .links
        .clone()
        .or_else(|| {
            package
                .link_names
                .iter()
                .find(|name| native_libs::for_library_name(name).is_some())
                .or(package.link_names.first())
                .cloned()
        })
        .or_else(|| {
            rows.first()
                .and_then(|row| row.libraries.first())
                .map(|l| (*l).to_owned())
        })
}

/// Classifies one native package (see [`GraphPackage::is_native`]) for a target.
pub fn native_need(
    package: &GraphPackage,
    config: &TargetConfig,
    target: &str,
) -> Option<NativeNeed> {
    let (rows, spelled) = rows_for(package);
    let links = library_key(package, &rows)?;
    let debian_packages: Vec<&'static str> = rows.iter().map(|row| row.dev_package).collect();
    let debian_package = debian_packages.first().copied();
    let has = |feature: &str| package.enabled_features.iter().any(|f| f == feature);
    let from_source = SOURCE_FEATURES.iter().any(|f| has(f))
        || SOURCE_FALLBACK.contains(&package.name.as_str())
        || SOURCE_UNLESS_FEATURE
            .iter()
            .any(|(name, feature)| *name == package.name && !has(feature));
    let status = if from_source {
        NativeStatus::BuiltFromSource
    } else if is_configured(&package.name, config, target) {
        match (&config.sysroot, rows.first()) {
            (Some(contents), Some(row)) if !sysroot_holds(contents, row) => {
                NativeStatus::MissingFromSysroot
            }
            _ => NativeStatus::Configured,
        }
    } else {
        NativeStatus::Needed
    };
    // A links key crossport cannot map (ring's `ring_core_0_17`) is a crate
    // that compiles its own C: the linker fixes cover it.
    if debian_package.is_none() && status == NativeStatus::Needed && package.links.is_some() {
        return None;
    }
    Some(NativeNeed {
        crate_name: package.name.clone(),
        links,
        debian_package,
        debian_packages,
        library: rows.first().copied(),
        spelled,
        status,
    })
}

/// Whether a sysroot holds a library: one of its `.pc` files, or one of
/// its `lib….so`/`lib….a` files.
pub fn sysroot_holds(contents: &crate::preflight::SysrootContents, row: &NativeLibrary) -> bool {
    row.pkg_config
        .iter()
        .any(|module| contents.pkg_config.contains(*module))
        || row
            .libraries
            .iter()
            .any(|library| contents.libraries.contains(*library))
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
            matches!(
                need.status,
                NativeStatus::Needed | NativeStatus::MissingFromSysroot
            )
            .then(|| finding_for(input, target, &path, &need))
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
    let (severity, message) = if need.status == NativeStatus::MissingFromSysroot {
        let root = input
            .config
            .sysroot
            .as_ref()
            .map_or("the configured sysroot", |s| s.root.as_str());
        let row = need.library;
        let files: Vec<String> = row
            .map(|row| {
                row.pkg_config
                    .first()
                    .map(|pc| format!("{pc}.pc"))
                    .into_iter()
                    .chain(row.libraries.first().map(|lib| format!("lib{lib}.so")))
                    .collect()
            })
            .unwrap_or_default();
        (
            Severity::Error,
            format!(
                "{} (via {via}) needs {library} for {target}, but the sysroot at {root} has no {}; \
                 `crossport fix --target {target} --apply` will add {} to it (a sysroot only grows)",
                need.crate_name,
                if files.is_empty() {
                    "file of it".to_owned()
                } else {
                    files.join(" or ")
                },
                need.debian_package.unwrap_or("the library's -dev package"),
            ),
        )
    } else if foreign {
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
    } else if package.links.is_none() && !package.link_names.is_empty() {
        // `#[link(name = …)]` asks the linker directly, with no pkg-config.
        Kind::MissingLibraryAtLink
    } else {
        Kind::PkgConfigCross
    };
    let mut message = message;
    if let Some(real) = need.spelled {
        message.push_str(&format!(
            "; note: it asks for -l{} but the library is lib{real}.so, and file names are case-sensitive",
            need.links
        ));
    }
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
            "debian_packages",
            serde_json::Value::from(need.debian_packages.clone()),
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
    let related = if path.packages.len() == 1 {
        format!(
            "{} names the library itself (#[link] or its build script)",
            graph.packages[path.member()].name
        )
    } else {
        format!(
            "dependency path: {} → {via}",
            graph.packages[path.member()].name
        )
    };
    finding.evidence.related.push(RelatedNote {
        message: related,
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

pub(super) fn library_name(links: &str) -> String {
    match links {
        "openssl" => "OpenSSL".to_owned(),
        "sqlite3" => "SQLite".to_owned(),
        "z" => "zlib".to_owned(),
        "pq" => "libpq (PostgreSQL)".to_owned(),
        "alsa" | "asound" => "ALSA (libasound)".to_owned(),
        other if other.starts_with("lib") => other.to_owned(),
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
