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

    /// The parsed `Provides` field.
    pub fn provides(&self) -> Result<Vec<Alternatives>, RelationError> {
        debrelation::parse_relations(&self.provides_raw)
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
///
/// Lookups use sorted position lists rather than hash maps: building them is
/// one sort after parsing, with no per-name allocation.
#[derive(Debug, Clone, Default)]
pub struct PackageIndex {
    packages: Vec<Package>,
    /// Positions into `packages`, sorted by (name, position).
    by_name: Vec<usize>,
    /// Provided names, sorted, parallel to `provider_entries`.
    provided_names: Vec<String>,
    provider_entries: Vec<Provider>,
}

impl PackageIndex {
    /// Parses a whole Packages file. Unusable stanzas are skipped and
    /// returned as errors.
    pub fn parse(text: &str) -> (Self, Vec<PackagesError>) {
        let mut index = Self::default();
        let mut errors = Vec::new();
        let mut provided = Vec::new();
        for item in deb822::paragraphs(text) {
            let paragraph = match item {
                Ok(paragraph) => paragraph,
                Err(error) => {
                    errors.push(PackagesError {
                        line: error.line,
                        package: None,
                        kind: PackagesErrorKind::Syntax(error.kind),
                    });
                    continue;
                }
            };
            match package_from(&paragraph) {
                Ok(package) => {
                    let position = index.packages.len();
                    match provides_of(&package.provides_raw) {
                        Ok(provides) => {
                            provided.extend(provides.into_iter().map(|(name, version)| {
                                (
                                    name,
                                    Provider {
                                        package: position,
                                        version,
                                    },
                                )
                            }))
                        }
                        Err(error) => errors.push(PackagesError {
                            line: package.line,
                            package: Some(package.name.clone()),
                            kind: PackagesErrorKind::BadProvides(error),
                        }),
                    }
                    index.packages.push(package);
                }
                Err(error) => errors.push(error),
            }
        }
        index.build_lookups(provided);
        (index, errors)
    }

    /// Adds a package, indexing its name and what it provides. A package
    /// with an unreadable Provides field provides nothing.
    pub fn push(&mut self, package: Package) {
        let position = self.packages.len();
        let provided = provides_of(&package.provides_raw).unwrap_or_default();
        let mut entries: Vec<(String, Provider)> = self
            .provided_names
            .drain(..)
            .zip(self.provider_entries.drain(..))
            .collect();
        entries.extend(provided.into_iter().map(|(name, version)| {
            (
                name,
                Provider {
                    package: position,
                    version,
                },
            )
        }));
        self.packages.push(package);
        self.build_lookups(entries);
    }

    fn build_lookups(&mut self, mut provided: Vec<(String, Provider)>) {
        let packages = &self.packages;
        self.by_name = (0..packages.len()).collect();
        self.by_name
            .sort_by(|&a, &b| packages[a].name.cmp(&packages[b].name).then(a.cmp(&b)));
        provided.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.package.cmp(&b.1.package)));
        (self.provided_names, self.provider_entries) = provided.into_iter().unzip();
    }

    /// Every package, in index order.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// The package at a position (from [`Provider::package`] or [`PackageIndex::positions`]).
    pub fn package(&self, position: usize) -> Option<&Package> {
        self.packages.get(position)
    }

    /// Positions of the packages with this exact name (any version, any
    /// architecture), in index order.
    pub fn positions(&self, name: &str) -> &[usize] {
        let key = |position: &usize| self.packages[*position].name.as_str();
        let start = self.by_name.partition_point(|p| key(p) < name);
        let end = start + self.by_name[start..].partition_point(|p| key(p) == name);
        &self.by_name[start..end]
    }

    /// The packages with this exact name (any version, any architecture).
    pub fn get(&self, name: &str) -> impl Iterator<Item = &Package> {
        self.positions(name)
            .iter()
            .filter_map(|&position| self.packages.get(position))
    }

    /// Who provides `name` (virtual or not).
    pub fn providers(&self, name: &str) -> &[Provider] {
        let start = self
            .provided_names
            .partition_point(|provided| provided.as_str() < name);
        let end = start
            + self.provided_names[start..].partition_point(|provided| provided.as_str() == name);
        &self.provider_entries[start..end]
    }

    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// The names a Provides field provides, with the version of a versioned
/// provide (`foo (= 1.2)`).
fn provides_of(raw: &str) -> Result<Vec<(String, Option<Version>)>, RelationError> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let groups = debrelation::parse_relations(raw)?;
    Ok(groups
        .into_iter()
        .flatten()
        .map(|relation| {
            let version = relation
                .constraint
                .filter(|constraint| constraint.op == Op::Equal)
                .map(|constraint| constraint.version);
            (relation.name, version)
        })
        .collect())
}

/// The fields of a stanza the index keeps, found in one pass.
#[derive(Default)]
struct Wanted<'a> {
    package: Option<&'a str>,
    version: Option<&'a str>,
    architecture: Option<&'a str>,
    multi_arch: Option<&'a str>,
    depends: Option<&'a str>,
    pre_depends: Option<&'a str>,
    provides: Option<&'a str>,
    filename: Option<&'a str>,
    size: Option<&'a str>,
    sha256: Option<&'a str>,
    source: Option<&'a str>,
    essential: Option<&'a str>,
    priority: Option<&'a str>,
}

impl<'a> Wanted<'a> {
    fn from(paragraph: &deb822::Paragraph<'a>) -> Self {
        let mut wanted = Self::default();
        for field in paragraph.fields() {
            if let Some(slot) = wanted.slot(field.name)
                && slot.is_none()
            {
                *slot = Some(field.value);
            }
        }
        wanted
    }

    /// Where a field goes; the length test first keeps the comparisons few.
    fn slot(&mut self, name: &str) -> Option<&mut Option<&'a str>> {
        let is = |known: &str| known.eq_ignore_ascii_case(name);
        Some(match name.len() {
            4 if is("Size") => &mut self.size,
            6 if is("SHA256") => &mut self.sha256,
            6 if is("Source") => &mut self.source,
            7 if is("Package") => &mut self.package,
            7 if is("Version") => &mut self.version,
            7 if is("Depends") => &mut self.depends,
            8 if is("Filename") => &mut self.filename,
            8 if is("Provides") => &mut self.provides,
            8 if is("Priority") => &mut self.priority,
            9 if is("Essential") => &mut self.essential,
            10 if is("Multi-Arch") => &mut self.multi_arch,
            11 if is("Pre-Depends") => &mut self.pre_depends,
            12 if is("Architecture") => &mut self.architecture,
            _ => return None,
        })
    }
}

/// Builds a package from a stanza. Its Provides field is checked by the caller.
fn package_from(paragraph: &deb822::Paragraph<'_>) -> Result<Package, PackagesError> {
    let wanted = Wanted::from(paragraph);
    let fail = |kind| PackagesError {
        line: paragraph.line,
        package: wanted.package.map(str::to_owned),
        kind,
    };
    let need = |value: Option<&str>, field: &'static str| {
        value
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| fail(PackagesErrorKind::MissingField(field)))
    };
    let name = need(wanted.package, "Package")?;
    let version_text = need(wanted.version, "Version")?;
    let version = version_text
        .parse::<Version>()
        .map_err(|error| fail(PackagesErrorKind::BadVersion(error)))?;
    let architecture = need(wanted.architecture, "Architecture")?;
    let filename = need(wanted.filename, "Filename")?;
    let size_text = need(wanted.size, "Size")?;
    let size = size_text
        .parse::<u64>()
        .map_err(|_| fail(PackagesErrorKind::BadSize(size_text.clone())))?;
    let mut sha256 = need(wanted.sha256, "SHA256")?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(fail(PackagesErrorKind::BadSha256(sha256)));
    }
    sha256.make_ascii_lowercase();
    let owned = |value: Option<&str>| value.unwrap_or("").to_owned();
    Ok(Package {
        name,
        version,
        architecture,
        multi_arch: MultiArch::parse(wanted.multi_arch),
        depends_raw: owned(wanted.depends),
        pre_depends_raw: owned(wanted.pre_depends),
        provides_raw: owned(wanted.provides),
        filename,
        size,
        sha256,
        source: wanted
            .source
            .and_then(|source| source.split_whitespace().next())
            .map(str::to_owned),
        essential: wanted
            .essential
            .is_some_and(|value| value.eq_ignore_ascii_case("yes")),
        priority: wanted.priority.map(str::to_owned),
        line: paragraph.line,
    })
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
        assert_eq!(mawk.provides().expect("provides")[0][0].name, "awk");
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

    #[test]
    fn reads_real_packages_excerpts() {
        for (text, count) in [
            (
                include_str!("../../../fixtures/debian/bookworm-main-arm64-Packages"),
                45,
            ),
            (
                include_str!("../../../fixtures/debian/trixie-main-arm64-Packages"),
                30,
            ),
        ] {
            let (index, errors) = PackageIndex::parse(text);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(index.len(), count);
        }
        let (bookworm, _) = PackageIndex::parse(include_str!(
            "../../../fixtures/debian/bookworm-main-arm64-Packages"
        ));
        let libc6 = bookworm.get("libc6").next().expect("libc6");
        assert_eq!(libc6.architecture, "arm64");
        assert_eq!(libc6.multi_arch, MultiArch::Same);
        assert!(libc6.filename.starts_with("pool/main/g/glibc/libc6_2.36-9"));
        assert_eq!(libc6.source.as_deref(), Some("glibc"));
        assert_eq!(bookworm.providers("awk").len(), 1);
        let perl = bookworm.get("perl").next().expect("perl");
        assert_eq!(perl.multi_arch, MultiArch::Allowed);
        // perl's long Provides list carries versions.
        let provider = &bookworm.providers("libhttp-tiny-perl")[0];
        assert_eq!(
            provider
                .version
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("0.080")
        );
        let (trixie, _) = PackageIndex::parse(include_str!(
            "../../../fixtures/debian/trixie-main-arm64-Packages"
        ));
        let t64 = &trixie.providers("libssl3")[0];
        assert_eq!(
            trixie.package(t64.package).map(|p| p.name.as_str()),
            Some("libssl3t64")
        );
    }
}
