//! The dependency closure of a sysroot: what apt would install for the requested packages.
//!
//! Policy, in the order it is applied:
//! - Only packages of the target architecture and `Architecture: all` are
//!   candidates: a sysroot holds the target's files and nothing else. A
//!   dependency that only another architecture could satisfy is an error.
//! - Depends and Pre-Depends are followed (Pre-Depends first); Recommends
//!   and Suggests are not, as with `apt-get install --no-install-recommends`.
//! - A group `a | b` is satisfied by whatever is already selected if
//!   possible; otherwise by the first alternative that has a candidate,
//!   like apt. A candidate is the highest version (over all indexes given)
//!   of the real package; failing that a provider of the name (Provides),
//!   ranked by Priority then name. A versioned dependency is satisfied by a
//!   provider only through a versioned `Provides: name (= v)`.
//! - Multi-Arch follows dpkg's `deparchsatisfied`: `name:any` needs a
//!   `Multi-Arch: allowed` package; `name:native` means the target; an
//!   explicit `name:arch` needs that architecture (or `all`). `same` and
//!   `foreign` change nothing when every package has one architecture.
//! - One version per package name: if the selected version does not
//!   satisfy a later constraint, the group fails with the path to both.
//! - Conflicts and Breaks are not checked: a sysroot is unpacked files, not
//!   a running system, and the tests compare whole closures with apt's.
//! - Names in [`ResolveRequest::exclude`] count as installed: they are not
//!   fetched and their dependencies are not followed. Nothing is excluded
//!   by default; the real closure of the `-dev` packages a linker needs is
//!   small (libssl-dev for arm64 is 20-odd packages with the base set).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crossport_formats::debrelation::{
    self, Alternatives, ArchQualifier, Relation, display_alternatives,
};
use crossport_formats::debversion::Version;
use crossport_formats::packages::{MultiArch, Package, PackageIndex};

use super::base_set::choose_base_set;
use super::error::{ResolveError, via};
use super::links::dev_package_for_links;

/// What to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRequest {
    /// The Debian architecture of the sysroot (`arm64`).
    pub arch: String,
    /// Requested packages, in relation syntax: `libssl-dev`,
    /// `libssl-dev (>= 3)`, `libfoo-dev | libbar-dev`.
    pub roots: Vec<String>,
    /// Add libc6-dev, linux-libc-dev, libgcc-N-dev and libstdc++-N-dev.
    pub base_set: bool,
    /// Package names treated as already installed (see the module docs).
    pub exclude: Vec<String>,
}

impl ResolveRequest {
    /// A request for `roots` on `arch`, with the base set and no exclusions.
    pub fn new(arch: &str, roots: &[&str]) -> Self {
        Self {
            arch: arch.to_owned(),
            roots: roots.iter().map(|root| (*root).to_owned()).collect(),
            base_set: true,
            exclude: Vec::new(),
        }
    }
}

/// One package of the closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionPackage<'a> {
    pub package: &'a Package,
    /// Which of the given indexes it came from.
    pub index: usize,
    /// The chain of package names from a root down to this package
    /// (the root alone for a requested package).
    pub path: Vec<String>,
}

/// The closure: every package to fetch, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'a> {
    pub packages: Vec<ResolutionPackage<'a>>,
    /// The base-set names that were added (empty when not requested).
    pub base_set: Vec<String>,
    /// Excluded names some dependency asked for (so were left out).
    pub excluded: Vec<String>,
}

impl Resolution<'_> {
    /// The resolved package with this name.
    pub fn get(&self, name: &str) -> Option<&ResolutionPackage<'_>> {
        self.packages
            .iter()
            .find(|entry| entry.package.name == name)
    }

    /// Total download size in bytes.
    pub fn download_size(&self) -> u64 {
        self.packages.iter().map(|entry| entry.package.size).sum()
    }
}

/// Computes the closure of `request.roots` (plus the base set) over
/// `indexes` for `request.arch`.
pub fn resolve<'a>(
    indexes: &[&'a PackageIndex],
    request: &ResolveRequest,
) -> Result<Resolution<'a>, ResolveError> {
    let mut resolver = Resolver::new(indexes, request);
    let base_set = if request.base_set {
        choose_base_set(indexes, &request.arch)?
    } else {
        Vec::new()
    };
    for root in request.roots.iter().chain(&base_set) {
        let group =
            debrelation::parse_alternatives(root).map_err(|source| ResolveError::BadRoot {
                root: root.clone(),
                source,
            })?;
        resolver.require(&group, None)?;
    }
    while let Some(key) = resolver.queue.pop_front() {
        resolver.expand(key)?;
    }
    Ok(resolver.finish(base_set))
}

/// Where a package lives: (index, position in that index).
type Key = (usize, usize);

struct Selected {
    key: Key,
    /// Who pulled it in; None for a root.
    parent: Option<Key>,
}

struct Resolver<'a, 'r> {
    indexes: &'r [&'a PackageIndex],
    request: &'r ResolveRequest,
    exclude: HashSet<&'r str>,
    /// Selected packages by name.
    selected: HashMap<&'a str, Selected>,
    parents: HashMap<Key, Option<Key>>,
    queue: VecDeque<Key>,
    excluded_hits: BTreeMap<String, ()>,
}

/// One way to satisfy a relation.
struct Candidate {
    key: Key,
}

impl<'a, 'r> Resolver<'a, 'r> {
    fn new(indexes: &'r [&'a PackageIndex], request: &'r ResolveRequest) -> Self {
        Self {
            indexes,
            request,
            exclude: request.exclude.iter().map(String::as_str).collect(),
            selected: HashMap::new(),
            parents: HashMap::new(),
            queue: VecDeque::new(),
            excluded_hits: BTreeMap::new(),
        }
    }

    fn package(&self, (index, position): Key) -> &'a Package {
        let index: &'a PackageIndex = self.indexes[index];
        &index.packages()[position]
    }

    /// The chain of names from a root to `key`.
    fn path_to(&self, key: Option<Key>) -> Vec<String> {
        let mut path = Vec::new();
        let mut current = key;
        while let Some(key) = current {
            path.push(self.package(key).name.clone());
            current = self.parents.get(&key).copied().flatten();
        }
        path.reverse();
        path
    }

    fn expand(&mut self, key: Key) -> Result<(), ResolveError> {
        let package = self.package(key);
        let bad = |field, source| ResolveError::BadRelation {
            package: package.name.clone(),
            field,
            source,
        };
        let pre_depends = package.pre_depends().map_err(|e| bad("Pre-Depends", e))?;
        let depends = package.depends().map_err(|e| bad("Depends", e))?;
        for group in pre_depends.iter().chain(&depends) {
            self.require(group, Some(key))?;
        }
        Ok(())
    }

    /// Makes sure one alternative of `group` is selected.
    fn require(&mut self, group: &Alternatives, parent: Option<Key>) -> Result<(), ResolveError> {
        // Relations restricted to other architectures or to build profiles
        // do not apply to a binary install for this architecture.
        let group: Vec<&Relation> = group
            .iter()
            .filter(|r| r.applies_to_arch(&self.request.arch) && r.applies_with_profiles(&[]))
            .collect();
        if group.is_empty() || self.already_satisfied(&group) {
            return Ok(());
        }
        let mut reasons = Vec::new();
        for relation in &group {
            match self.best_candidate(relation) {
                Ok(candidate) => {
                    self.select(candidate.key, parent);
                    return Ok(());
                }
                Err(reason) => reasons.push(reason),
            }
        }
        let arch = self.request.arch.clone();
        let path = self.path_to(parent);
        if let [relation] = group.as_slice()
            && !self.name_exists_anywhere(&relation.name)
        {
            let suggestion = if parent.is_none() {
                self.suggest(&relation.name)
            } else {
                None
            };
            return Err(ResolveError::UnknownPackage {
                name: relation.name.clone(),
                arch,
                path,
                suggestion,
            });
        }
        let relation = display_alternatives(&group.into_iter().cloned().collect::<Vec<_>>());
        Err(ResolveError::Unsatisfiable {
            relation,
            arch,
            path,
            reason: reasons.join("; "),
        })
    }

    fn select(&mut self, key: Key, parent: Option<Key>) {
        let package = self.package(key);
        self.selected
            .insert(&package.name, Selected { key, parent });
        self.parents.insert(key, parent);
        self.queue.push_back(key);
    }

    fn already_satisfied(&mut self, group: &[&Relation]) -> bool {
        for relation in group {
            if self.exclude.contains(relation.name.as_str()) {
                self.excluded_hits.insert(relation.name.clone(), ());
                return true;
            }
            if let Some(selected) = self.selected.get(relation.name.as_str()) {
                let package = self.package(selected.key);
                if self.arch_ok(package, relation) && version_ok(relation, &package.version) {
                    return true;
                }
            }
            if self.selected_provider(relation) {
                return true;
            }
        }
        false
    }

    /// Whether a selected package provides `relation`.
    fn selected_provider(&self, relation: &Relation) -> bool {
        self.indexes.iter().enumerate().any(|(index, packages)| {
            packages.providers(&relation.name).iter().any(|provider| {
                let key = (index, provider.package);
                let package = self.package(key);
                self.selected
                    .get(package.name.as_str())
                    .is_some_and(|selected| selected.key == key)
                    && self.arch_ok(package, relation)
                    && provided_version_ok(relation, provider.version.as_ref())
            })
        })
    }

    /// The package to install for one alternative, or why there is none.
    fn best_candidate(&self, relation: &Relation) -> Result<Candidate, String> {
        if let Some(key) = self.best_real(relation)? {
            return Ok(Candidate { key });
        }
        if let Some(key) = self.best_provider(relation) {
            return Ok(Candidate { key });
        }
        Err(self.explain_missing(relation))
    }

    /// The highest version of the real package named by `relation`.
    /// Err when that name is already selected at a version that does not
    /// fit (a second version of one package cannot be installed).
    fn best_real(&self, relation: &Relation) -> Result<Option<Key>, String> {
        if let Some(selected) = self.selected.get(relation.name.as_str()) {
            let package = self.package(selected.key);
            return Err(format!(
                "{} is already selected{}, which does not satisfy it",
                package.label(),
                via(&self.path_to(selected.parent))
            ));
        }
        let mut best: Option<Key> = None;
        for (index, packages) in self.indexes.iter().enumerate() {
            for &position in packages.positions(&relation.name) {
                let key = (index, position);
                let package = self.package(key);
                if !self.arch_ok(package, relation) || !version_ok(relation, &package.version) {
                    continue;
                }
                if best.is_none_or(|best| package.version > self.package(best).version) {
                    best = Some(key);
                }
            }
        }
        Ok(best)
    }

    /// The best provider of `relation.name`: Priority, then name, then
    /// the highest version.
    fn best_provider(&self, relation: &Relation) -> Option<Key> {
        let mut candidates: Vec<Key> = Vec::new();
        for (index, packages) in self.indexes.iter().enumerate() {
            for provider in packages.providers(&relation.name) {
                let key = (index, provider.package);
                let package = self.package(key);
                let taken = self
                    .selected
                    .get(package.name.as_str())
                    .is_some_and(|selected| selected.key != key);
                if !taken
                    && self.arch_ok(package, relation)
                    && provided_version_ok(relation, provider.version.as_ref())
                {
                    candidates.push(key);
                }
            }
        }
        candidates.into_iter().min_by(|&a, &b| {
            let (a, b) = (self.package(a), self.package(b));
            priority_rank(a)
                .cmp(&priority_rank(b))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| b.version.cmp(&a.version))
        })
    }

    /// dpkg's `deparchsatisfied`, with the sysroot's target as the native
    /// architecture and only target and `all` packages as candidates.
    fn arch_ok(&self, package: &Package, relation: &Relation) -> bool {
        let target = self.request.arch.as_str();
        let arch = package.architecture.as_str();
        if arch != target && arch != "all" {
            return false;
        }
        match &relation.arch_qualifier {
            None | Some(ArchQualifier::Native) => true,
            Some(ArchQualifier::Any) => package.multi_arch == MultiArch::Allowed,
            Some(ArchQualifier::Arch(wanted)) => {
                wanted == arch || (arch == "all" && wanted == target)
            }
        }
    }

    /// A package for a mistyped request: the `-dev` package of a library
    /// name (`openssl`, `sqlite3`, `z`), or the usual `lib…-dev` spellings.
    fn suggest(&self, name: &str) -> Option<String> {
        let from_links = dev_package_for_links(name).map(str::to_owned);
        from_links
            .into_iter()
            .chain([
                format!("lib{name}-dev"),
                format!("{name}-dev"),
                format!("lib{name}"),
            ])
            .find(|candidate| candidate != name && self.name_exists_anywhere(candidate))
    }

    fn name_exists_anywhere(&self, name: &str) -> bool {
        self.indexes.iter().any(|packages| {
            !packages.positions(name).is_empty() || !packages.providers(name).is_empty()
        })
    }

    /// Why no package satisfies `relation`, naming what exists.
    fn explain_missing(&self, relation: &Relation) -> String {
        let mut seen: Vec<String> = Vec::new();
        for packages in self.indexes {
            for package in packages.get(&relation.name) {
                seen.push(package.label());
            }
            for provider in packages.providers(&relation.name) {
                if let Some(package) = packages.package(provider.package) {
                    let version = provider
                        .version
                        .as_ref()
                        .map(|v| format!(" (= {v})"))
                        .unwrap_or_default();
                    seen.push(format!(
                        "{} provides {}{version}",
                        package.label(),
                        relation.name
                    ));
                }
            }
        }
        seen.sort();
        seen.dedup();
        if seen.is_empty() {
            format!("no package named or providing {}", relation.name)
        } else {
            const SHOWN: usize = 4;
            let more = seen.len().saturating_sub(SHOWN);
            seen.truncate(SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{relation} is not met by {}{more}", seen.join(", "))
        }
    }

    fn finish(self, base_set: Vec<String>) -> Resolution<'a> {
        let mut packages: Vec<ResolutionPackage<'a>> = self
            .selected
            .values()
            .map(|selected| ResolutionPackage {
                package: self.package(selected.key),
                index: selected.key.0,
                path: self.path_to(Some(selected.key)),
            })
            .collect();
        packages.sort_by(|a, b| a.package.name.cmp(&b.package.name));
        Resolution {
            packages,
            base_set,
            excluded: self.excluded_hits.into_keys().collect(),
        }
    }
}

fn version_ok(relation: &Relation, version: &Version) -> bool {
    relation
        .constraint
        .as_ref()
        .is_none_or(|constraint| constraint.satisfied_by(version))
}

/// Debian Policy: an unversioned Provides never satisfies a versioned
/// dependency; a versioned one does when its version fits.
fn provided_version_ok(relation: &Relation, provided: Option<&Version>) -> bool {
    match (&relation.constraint, provided) {
        (None, _) => true,
        (Some(constraint), Some(version)) => constraint.satisfied_by(version),
        (Some(_), None) => false,
    }
}

fn priority_rank(package: &Package) -> u8 {
    match package.priority.as_deref() {
        Some("required") => 0,
        Some("important") => 1,
        Some("standard") => 2,
        Some("optional") => 3,
        Some("extra") => 4,
        _ => 5,
    }
}
