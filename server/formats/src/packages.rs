//! Packages indexes: one entry per binary package with the fields a sysroot needs.
//!
//! A Debian `Packages` file lists every binary package of one component and
//! architecture (~60k stanzas, ~50 MB for bookworm main). The sysroot
//! resolver needs each package's name, version, architecture, Multi-Arch
//! and relationship fields; the downloader needs Filename, Size and SHA256,
//! the last link of apt's trust chain. Relationship fields stay raw text and
//! are parsed when the resolver visits the package, so indexing a whole file
//! costs about as much as reading it.
//!
//! A stanza that lacks what a sysroot needs (or has a malformed version,
//! size or hash) is skipped and reported; the rest of the index is kept.

use std::collections::HashMap;
use std::fmt;

use crate::deb822;
use crate::debrelation::{self, Alternatives, Op, RelationError};
use crate::debversion::{Version, VersionError};

/// The `Multi-Arch` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MultiArch {
    /// Absent or `no`.
    #[default]
    No,
    /// Co-installable with itself for other architectures (libraries).
    Same,
    /// Satisfies dependencies of packages of any architecture (tools, data).
    Foreign,
    /// Satisfies `pkg:any` dependencies from any architecture.
    Allowed,
}

impl MultiArch {
    fn parse(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some("same") => Self::Same,
            Some("foreign") => Self::Foreign,
            Some("allowed") => Self::Allowed,
            _ => Self::No,
        }
    }
}

/// One binary package of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: Version,
    /// `arm64`, `all` …
    pub architecture: String,
    pub multi_arch: MultiArch,
    /// Raw `Depends` field (empty when absent); see [`Package::depends`].
    pub depends_raw: String,
    /// Raw `Pre-Depends` field (empty when absent).
    pub pre_depends_raw: String,
    /// Raw `Provides` field (empty when absent).
    pub provides_raw: String,
    /// Path of the .deb relative to the mirror's base URI (`pool/main/…`).
    pub filename: String,
    pub size: u64,
    /// Lower-case hex SHA256 of the .deb.
    pub sha256: String,
    /// The source package name (without the `(version)` part), when given.
    pub source: Option<String>,
    pub essential: bool,
    pub priority: Option<String>,
    /// 1-based line of the stanza in the index.
    pub line: usize,
}

impl Package {
    /// The parsed `Depends` field.
    pub fn depends(&self) -> Result<Vec<Alternatives>, RelationError> {
        debrelation::parse_relations(&self.depends_raw)
    }

    /// The parsed `Pre-Depends` field.
    pub fn pre_depends(&self) -> Result<Vec<Alternatives>, RelationError> {
        debrelation::parse_relations(&self.pre_depends_raw)
    }

    /// `name:arch (= version)`, for messages.
    pub fn label(&self) -> String {
        format!("{}:{} (= {})", self.name, self.architecture, self.version)
    }
}

/// A package that provides a (virtual) name, with the version it provides
/// it at (`Provides: foo (= 1.2)`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Position of the providing package in [`PackageIndex::packages`].
    pub package: usize,
    /// The provided version, only for versioned provides.
    pub version: Option<Version>,
}

/// What was wrong with a stanza; it was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackagesErrorKind {
    Syntax(deb822::Deb822ErrorKind),
    MissingField(&'static str),
    BadVersion(VersionError),
    BadSize(String),
    BadSha256(String),
    /// A bad `Provides` field: the package is kept without its provides.
    BadProvides(RelationError),
}

impl fmt::Display for PackagesErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(kind) => write!(f, "{kind}"),
            Self::MissingField(field) => write!(f, "missing field {field}"),
            Self::BadVersion(error) => write!(f, "{error}"),
            Self::BadSize(size) => write!(f, "bad size `{size}`"),
            Self::BadSha256(hash) => write!(f, "bad SHA256 `{hash}`"),
            Self::BadProvides(error) => write!(f, "bad Provides: {error}"),
        }
    }
}

/// A stanza (or a line of one) the index could not use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {kind}", package.as_deref().map(|name| format!(" (package {name})")).unwrap_or_default())]
pub struct PackagesError {
    pub line: usize,
    /// The package's name, when the stanza had one.
    pub package: Option<String>,
    pub kind: PackagesErrorKind,
}

/// A parsed Packages file with lookups by name and by provided name.
#[derive(Debug, Clone, Default)]
pub struct PackageIndex {
    packages: Vec<Package>,
    by_name: HashMap<String, Vec<usize>>,
    providers: HashMap<String, Vec<Provider>>,
}

impl PackageIndex {
    /// Parses a whole Packages file. Unusable stanzas are skipped and
    /// returned as errors.
    pub fn parse(text: &str) -> (Self, Vec<PackagesError>) {
        let mut index = Self::default();
        let mut errors = Vec::new();
        for item in deb822::paragraphs(text) {
            match item {
                Ok(paragraph) => match package_from(&paragraph) {
                    Ok((package, provides_error)) => {
                        if let Some(kind) = provides_error {
                            errors.push(PackagesError {
                                line: package.line,
                                package: Some(package.name.clone()),
                                kind,
                            });
                        }
                        index.push(package);
                    }
                    Err(error) => errors.push(error),
                },
                Err(error) => errors.push(PackagesError {
                    line: error.line,
                    package: None,
                    kind: PackagesErrorKind::Syntax(error.kind),
                }),
            }
        }
        (index, errors)
    }

    /// Adds a package, indexing its name and what it provides.
    pub fn push(&mut self, package: Package) {
        let position = self.packages.len();
        // Provides were validated when the package was read; a package
        // built by hand with a bad field simply provides nothing.
        for group in debrelation::parse_relations(&package.provides_raw).unwrap_or_default() {
            for relation in group {
                let version = relation
                    .constraint
                    .filter(|constraint| constraint.op == Op::Equal)
                    .map(|constraint| constraint.version);
                self.providers
                    .entry(relation.name)
                    .or_default()
                    .push(Provider {
                        package: position,
                        version,
                    });
            }
        }
        match self.by_name.get_mut(package.name.as_str()) {
            Some(positions) => positions.push(position),
            None => {
                self.by_name.insert(package.name.clone(), vec![position]);
            }
        }
        self.packages.push(package);
    }

    /// Every package, in index order.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// The package at a position (from [`Provider::package`] or [`PackageIndex::positions`]).
    pub fn package(&self, position: usize) -> Option<&Package> {
        self.packages.get(position)
    }

    /// Positions of the packages with this exact name (any version, any architecture).
    pub fn positions(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The packages with this exact name (any version, any architecture).
    pub fn get(&self, name: &str) -> impl Iterator<Item = &Package> {
        self.positions(name)
            .iter()
            .filter_map(|&position| self.packages.get(position))
    }

    /// Who provides `name` (virtual or not).
    pub fn providers(&self, name: &str) -> &[Provider] {
        self.providers.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// Builds a package from a stanza; the second value reports a bad Provides
/// field (the package is still usable).
fn package_from(
    paragraph: &deb822::Paragraph<'_>,
) -> Result<(Package, Option<PackagesErrorKind>), PackagesError> {
    let name = paragraph.get("Package");
    let fail = |kind| PackagesError {
        line: paragraph.line,
        package: name.map(str::to_owned),
        kind,
    };
    let required = |field: &'static str| {
        paragraph
            .get(field)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| fail(PackagesErrorKind::MissingField(field)))
    };
    let name = required("Package")?;
    let version = required("Version")?
        .parse::<Version>()
        .map_err(|error| fail(PackagesErrorKind::BadVersion(error)))?;
    let architecture = required("Architecture")?;
    let filename = required("Filename")?;
    let size_text = required("Size")?;
    let size = size_text
        .parse::<u64>()
        .map_err(|_| fail(PackagesErrorKind::BadSize(size_text.to_owned())))?;
    let sha256 = required("SHA256")?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(fail(PackagesErrorKind::BadSha256(sha256.to_owned())));
    }
    let provides_raw = paragraph.get("Provides").unwrap_or("");
    let (provides_raw, provides_error) = match debrelation::parse_relations(provides_raw) {
        Ok(_) => (provides_raw, None),
        Err(error) => ("", Some(PackagesErrorKind::BadProvides(error))),
    };
    let package = Package {
        name: name.to_owned(),
        version,
        architecture: architecture.to_owned(),
        multi_arch: MultiArch::parse(paragraph.get("Multi-Arch")),
        depends_raw: paragraph.get("Depends").unwrap_or("").to_owned(),
        pre_depends_raw: paragraph.get("Pre-Depends").unwrap_or("").to_owned(),
        provides_raw: provides_raw.to_owned(),
        filename: filename.to_owned(),
        size,
        sha256: sha256.to_ascii_lowercase(),
        source: paragraph
            .get("Source")
            .and_then(|source| source.split_whitespace().next())
            .map(str::to_owned),
        essential: paragraph
            .get("Essential")
            .is_some_and(|value| value.eq_ignore_ascii_case("yes")),
        priority: paragraph.get("Priority").map(str::to_owned),
        line: paragraph.line,
    };
    Ok((package, provides_error))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "5e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85";

    fn stanza(fields: &str) -> String {
        format!("{fields}\nFilename: pool/main/x/x.deb\nSize: 10\nSHA256: {HASH}\n\n")
    }

    #[test]
    fn indexes_names_and_provides() {
        let text = [
            stanza("Package: libssl3\nSource: openssl (3.0.15-1~deb12u1)\nVersion: 3.0.15-1~deb12u1\nArchitecture: arm64\nMulti-Arch: same\nDepends: libc6 (>= 2.34)\nPriority: optional"),
            stanza("Package: mawk\nVersion: 1.3.4.20200120-3.1\nArchitecture: arm64\nMulti-Arch: foreign\nPre-Depends: libc6 (>= 2.34)\nProvides: awk\nEssential: yes"),
            stanza("Package: libssl-dev\nVersion: 3.0.15-1~deb12u1\nArchitecture: arm64\nProvides: libssl-dev-virtual (= 3.0.15), other"),
        ]
        .concat();
        let (index, errors) = PackageIndex::parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(index.len(), 3);
        let ssl = index.get("libssl3").next().expect("libssl3");
        assert_eq!(ssl.multi_arch, MultiArch::Same);
        assert_eq!(ssl.source.as_deref(), Some("openssl"));
        assert_eq!(ssl.depends().expect("depends")[0][0].name, "libc6");
        assert_eq!(ssl.priority.as_deref(), Some("optional"));
        assert_eq!(ssl.sha256, HASH);
        let mawk = index.get("mawk").next().expect("mawk");
        assert!(mawk.essential);
        assert_eq!(mawk.pre_depends().expect("pre")[0][0].name, "libc6");
        assert_eq!(index.providers("awk")[0].package, 1);
        assert_eq!(index.providers("awk")[0].version, None);
        let virtual_provider = &index.providers("libssl-dev-virtual")[0];
        assert_eq!(
            virtual_provider
                .version
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("3.0.15")
        );
        assert_eq!(index.get("nothing").count(), 0);
        assert!(index.providers("nothing").is_empty());
    }

    #[test]
    fn skips_unusable_stanzas_and_keeps_the_rest() {
        let text = [
            "Package: nofile\nVersion: 1\nArchitecture: all\n\n".to_owned(),
            stanza("Package: badversion\nVersion: x1\nArchitecture: all"),
            "Package: badhash\nVersion: 1\nArchitecture: all\nFilename: f\nSize: 1\nSHA256: abc\n\n".to_owned(),
            stanza("Package: badprovides\nVersion: 1\nArchitecture: all\nProvides: a (>= "),
            stanza("Package: good\nVersion: 1\nArchitecture: all"),
        ]
        .concat();
        let (index, errors) = PackageIndex::parse(&text);
        let names: Vec<_> = index.packages().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["badprovides", "good"]);
        let kinds: Vec<_> = errors
            .iter()
            .map(|e| (e.package.as_deref(), e.line))
            .collect();
        assert_eq!(
            kinds,
            [
                (Some("nofile"), 1),
                (Some("badversion"), 5),
                (Some("badhash"), 12),
                (Some("badprovides"), 19)
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            "line 1 (package nofile): missing field Filename"
        );
    }
}
