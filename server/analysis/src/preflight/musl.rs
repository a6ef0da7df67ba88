//! musl targets: a static binary cannot take the system's libraries.
//!
//! A `-linux-musl` binary links statically, and the host's `libssl.so` or
//! `libsqlite3.so` are built against glibc: they cannot go into it. Every
//! `-sys` crate that would link a system library has to build its library
//! from source instead (openssl `vendored`, rusqlite `bundled`, libz-sys
//! `static`, git2 `vendored-libgit2`) or be dropped (reqwest's rustls). The
//! feature offered is the one the locked version of the crate declares.
//!
//! Static C runtimes have their own pitfalls, which `explain` knows from
//! build logs (`musl_static`) and doctor predicts here from the config:
//! `-crt-static` on a musl target makes the binary need `ld-musl-*.so.1`,
//! `+crt-static` on a glibc target is only partly static, and a crate that
//! loads shared libraries at run time gets `Dynamic loading not supported`.

use crate::finding::{Finding, Kind, RelatedNote, Severity};
use crate::sysroot::dev_package_for_links;

use super::graph::{DependencyPath, paths_to_native_crates};
use super::input::{GraphPackage, PreflightInput, ProjectGraph};
use super::native::{NativeStatus, declaration_span, library_name, native_need};

/// Whether a target links against musl.
pub fn is_musl(target: &str) -> bool {
    target.contains("-linux-musl")
}

/// A way to build a crate's library from source, as a feature of a crate
/// on the dependency path.
struct StaticBuild {
    /// The native crate.
    native: &'static str,
    /// The fix id that turns it on.
    fix: &'static str,
    /// `(crate, feature)` in order of preference: the first that is the
    /// direct dependency (or the native crate itself) and declares the
    /// feature is edited.
    features: &'static [(&'static str, &'static str)],
    /// Whether the crate builds from source on its own when nothing forces
    /// it (a fallback after pkg-config), so the feature only makes it sure.
    falls_back: bool,
}

const STATIC_BUILDS: &[StaticBuild] = &[
    StaticBuild {
        native: "openssl-sys",
        fix: "use_vendored_openssl",
        features: &[
            ("openssl", "vendored"),
            ("reqwest", "native-tls-vendored"),
            ("openssl-sys", "vendored"),
        ],
        falls_back: false,
    },
    StaticBuild {
        native: "libsqlite3-sys",
        fix: "use_bundled_sqlite",
        features: &[("rusqlite", "bundled"), ("libsqlite3-sys", "bundled")],
        falls_back: false,
    },
    StaticBuild {
        native: "libz-sys",
        fix: "use_static_zlib",
        features: &[("libz-sys", "static")],
        falls_back: true,
    },
    StaticBuild {
        native: "libgit2-sys",
        fix: "use_vendored_libgit2",
        features: &[("git2", "vendored-libgit2"), ("libgit2-sys", "vendored")],
        falls_back: true,
    },
];

/// Crates that load shared libraries at run time, which a static musl
/// binary cannot do.
const DYNAMIC_LOADERS: &[&str] = &["libloading", "dlopen", "dlopen2", "libloading-mini"];

/// The findings for a musl target's native libraries, and the static-CRT
/// pitfalls of any target.
pub(super) fn findings(input: &PreflightInput<'_>, target: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(crt_static_finding(input, target));
    if is_musl(target) {
        for path in paths_to_native_crates(input.graph) {
            findings.extend(native_finding(input, target, &path));
        }
        findings.extend(dynamic_loading_finding(input, target));
    }
    findings
}

/// The static build a native crate offers, and where to turn it on.
pub struct StaticChoice {
    pub fix: &'static str,
    /// The crate whose feature is turned on, and the feature.
    pub package: String,
    pub version: String,
    pub feature: &'static str,
}

/// The static build of the native crate at the end of `path`, chosen from
/// the features the resolved (locked) versions declare.
pub fn static_choice(graph: &ProjectGraph, path: &DependencyPath) -> Option<StaticChoice> {
    let native = &graph.packages[path.native()];
    let build = STATIC_BUILDS.iter().find(|b| b.native == native.name)?;
    build.features.iter().find_map(|(name, feature)| {
        let package = [path.direct(), path.native()]
            .into_iter()
            .map(|i| &graph.packages[i])
            .find(|p| p.name == *name)?;
        declares(package, feature).then(|| StaticChoice {
            fix: build.fix,
            package: package.name.clone(),
            version: package.version.clone(),
            feature,
        })
    })
}

/// Whether the resolved version of a package declares a feature (from
/// `cargo metadata`, so a fix never names a feature that does not exist).
fn declares(package: &GraphPackage, feature: &str) -> bool {
    package.declared_features.contains_key(feature)
}

fn native_finding(
    input: &PreflightInput<'_>,
    target: &str,
    path: &DependencyPath,
) -> Option<Finding> {
    let graph = input.graph;
    let package = &graph.packages[path.native()];
    let need = native_need(package, input.config, target);
    let build = STATIC_BUILDS.iter().find(|b| b.native == package.name);
    let forced = build.is_some_and(|b| {
        b.features
            .iter()
            .any(|(name, feature)| passes(graph, path, name, feature))
    });
    let via = path.describe(graph);
    let links = package.links.clone()?;
    let library = library_name(&links);
    let (severity, message) = match (need.as_ref().map(|n| n.status), build) {
        (Some(NativeStatus::Needed), _) | (Some(NativeStatus::Configured), _) => (
            Severity::Error,
            format!(
                "{} (via {via}) links the system's {library}, which is built for glibc and cannot go into a static {target} binary; build it from source for musl",
                package.name
            ),
        ),
        (Some(NativeStatus::BuiltFromSource), Some(b)) if b.falls_back && !forced => (
            Severity::Warning,
            format!(
                "{} (via {via}) builds {library} from source only when it finds none on the system; for a static {target} binary make it always build it",
                package.name
            ),
        ),
        _ => return None,
    };
    let mut finding = Finding::new(Kind::MuslStatic, severity, message)
        .with_fact("crate", serde_json::Value::from(package.name.clone()))
        .with_fact(
            "crate_version",
            serde_json::Value::from(package.version.clone()),
        )
        .with_fact("library", serde_json::Value::from(links.clone()))
        .with_fact(
            "direct_dependency",
            serde_json::Value::from(graph.packages[path.direct()].name.clone()),
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
    if let Some(choice) = static_choice(graph, path) {
        finding = finding
            .with_fact("static_feature", serde_json::Value::from(choice.feature))
            .with_fix(
                choice.fix,
                format!(
                    "build {library} from source ({} {} `{}`)",
                    choice.package, choice.version, choice.feature
                ),
            );
    }
    if package.name == "openssl-sys"
        && let Some(reqwest) = path
            .packages
            .iter()
            .map(|&i| &graph.packages[i])
            .find(|p| p.name == "reqwest")
    {
        let backend = rustls_feature(&reqwest.version);
        finding = finding.with_fix(
            "use_rustls",
            format!(
                "switch reqwest {} to rustls (`{backend}`) and drop OpenSSL",
                reqwest.version
            ),
        );
    }
    if build.is_none() {
        let dev = dev_package_for_links(&links).unwrap_or("its -dev package");
        finding.evidence.related.push(RelatedNote {
            message: format!(
                "{} has no feature that builds {library} from source; Debian's {dev} is for glibc: build for a -gnu target against the server's release instead",
                package.name
            ),
            file: None,
            lines: None,
        });
    }
    Some(finding)
}

/// reqwest's rustls feature: `rustls-tls` before 0.13, `rustls` since.
pub fn rustls_feature(reqwest_version: &str) -> &'static str {
    let mut parts = reqwest_version.split('.');
    let major: u64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    if (major, minor) >= (0, 13) {
        "rustls"
    } else {
        "rustls-tls"
    }
}

/// Whether `name` on the path has `feature` turned on.
fn passes(graph: &ProjectGraph, path: &DependencyPath, name: &str, feature: &str) -> bool {
    path.packages.iter().any(|&i| {
        let package = &graph.packages[i];
        package.name == name && package.enabled_features.iter().any(|f| f == feature)
    })
}

/// `-crt-static` on musl (dynamic musl binary) and `+crt-static` on glibc
/// (a partly static binary).
fn crt_static_finding(input: &PreflightInput<'_>, target: &str) -> Option<Finding> {
    let rustflags = input.config.rustflags.as_ref()?;
    let flags = flag_words(&rustflags.value);
    let has = |feature: &str| {
        flags.iter().any(|flag| {
            let flag = flag.strip_prefix("-C").unwrap_or(flag);
            flag.split(',')
                .any(|part| part.trim_start_matches("target-feature=") == feature)
        })
    };
    let arch = target.split('-').next().unwrap_or(target);
    let mut finding = if is_musl(target) && has("-crt-static") {
        Finding::new(
            Kind::MuslStatic,
            Severity::Warning,
            format!(
                "rustflags for {target} turn off crt-static: the binary will be dynamic and need ld-musl-{arch}.so.1 where it runs, which Debian and Ubuntu servers do not have"
            ),
        )
    } else if target.contains("-linux-gnu") && has("+crt-static") {
        Finding::new(
            Kind::MuslStatic,
            Severity::Warning,
            format!(
                "rustflags for {target} turn on crt-static: static glibc still loads NSS and iconv modules of the glibc it was linked with at run time (getaddrinfo, getpwnam); a {arch} musl target gives a fully static binary"
            ),
        )
    } else {
        return None;
    };
    finding.target = Some(target.to_owned());
    if let super::input::Origin::File {
        path,
        span: Some((start, end)),
    } = &rustflags.origin
    {
        finding.evidence.file = Some(crate::finding::FileSpan {
            path: path.clone(),
            start: *start,
            end: *end,
        });
    }
    Some(finding)
}

fn flag_words(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// A crate that `dlopen`s libraries, in a static musl binary.
fn dynamic_loading_finding(input: &PreflightInput<'_>, target: &str) -> Option<Finding> {
    let graph = input.graph;
    let loader = graph
        .packages
        .iter()
        .find(|p| DYNAMIC_LOADERS.contains(&p.name.as_str()))?;
    let mut finding = Finding::new(
        Kind::MuslStatic,
        Severity::Warning,
        format!(
            "{} {} loads shared libraries at run time, which a static {target} binary cannot do (`Dynamic loading not supported`)",
            loader.name, loader.version
        ),
    )
    .with_fact("crate", serde_json::Value::from(loader.name.clone()));
    finding.target = Some(target.to_owned());
    Some(finding)
}

#[cfg(test)]
#[path = "musl_tests.rs"]
mod tests;
