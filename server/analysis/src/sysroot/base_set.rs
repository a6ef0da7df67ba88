//! The packages every sysroot gets: what a linker needs to link a Rust binary for glibc.
//!
//! rustc links through a C compiler driver, which needs the C library's
//! headers, CRT objects and `libc.so` script (libc6-dev), the kernel headers
//! they include (linux-libc-dev), and GCC's runtime objects and libraries
//! (`crtbeginS.o`, `libgcc.a`, `libgcc_s.so`: libgcc-N-dev) plus libstdc++
//! for crates that build C++ (libstdc++-N-dev). N is the release's default
//! GCC: read from what the `gcc` package depends on, never guessed, falling
//! back to the highest N the index has both packages for.

use crossport_formats::packages::PackageIndex;

use super::error::ResolveError;

/// The fixed part of the base set.
pub const BASE_PACKAGES: &[&str] = &["libc6-dev", "linux-libc-dev"];

/// The base set for `arch`: [`BASE_PACKAGES`] plus libgcc-N-dev and
/// libstdc++-N-dev.
pub fn choose_base_set(indexes: &[&PackageIndex], arch: &str) -> Result<Vec<String>, ResolveError> {
    let major = gcc_major(indexes, arch).ok_or_else(|| ResolveError::NoCompilerRuntime {
        arch: arch.to_owned(),
    })?;
    let mut set: Vec<String> = BASE_PACKAGES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    set.push(format!("libgcc-{major}-dev"));
    set.push(format!("libstdc++-{major}-dev"));
    Ok(set)
}

/// The GCC major version whose runtime packages the sysroot gets.
pub fn gcc_major(indexes: &[&PackageIndex], arch: &str) -> Option<u32> {
    let has_pair = |major: u32| {
        has_package(indexes, &format!("libgcc-{major}-dev"), arch)
            && has_package(indexes, &format!("libstdc++-{major}-dev"), arch)
    };
    default_gcc_majors(indexes, arch)
        .into_iter()
        .filter(|&major| has_pair(major))
        .max()
        .or_else(|| {
            highest_libgcc_dev(indexes, arch)
                .into_iter()
                .filter(|&major| has_pair(major))
                .max()
        })
}

fn has_package(indexes: &[&PackageIndex], name: &str, arch: &str) -> bool {
    indexes
        .iter()
        .any(|index| index.get(name).any(|package| package.architecture == arch))
}

/// The N of every `gcc-N…` that `gcc` (for `arch`) depends on, directly or
/// through its `gcc-…` dependencies (trixie's `gcc` goes through
/// `gcc-<triplet>` to `gcc-14-<triplet>`).
fn default_gcc_majors(indexes: &[&PackageIndex], arch: &str) -> Vec<u32> {
    let mut majors = Vec::new();
    let mut names = vec!["gcc".to_owned()];
    let mut visited = Vec::new();
    while let Some(name) = names.pop() {
        if visited.contains(&name) || visited.len() > 8 {
            continue;
        }
        for index in indexes {
            for package in index.get(&name).filter(|p| p.architecture == arch) {
                for dependency in dependency_names(&package.depends_raw) {
                    match major_of(dependency) {
                        Some(major) => majors.push(major),
                        None if dependency.starts_with("gcc-") => {
                            names.push(dependency.to_owned());
                        }
                        None => {}
                    }
                }
            }
        }
        visited.push(name);
    }
    majors
}

/// Package names in a raw relationship field, without parsing versions.
fn dependency_names(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '|']).filter_map(|relation| {
        relation
            .trim()
            .split([' ', '(', ':', '['])
            .next()
            .filter(|name| !name.is_empty())
    })
}

/// `gcc-12` or `gcc-14-aarch64-linux-gnu` → the major version.
fn major_of(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("gcc-")?;
    let digits = rest.split('-').next()?;
    digits.parse().ok()
}

/// Every N with a `libgcc-N-dev` for `arch`.
fn highest_libgcc_dev(indexes: &[&PackageIndex], arch: &str) -> Vec<u32> {
    indexes
        .iter()
        .flat_map(|index| index.packages())
        .filter(|package| package.architecture == arch)
        .filter_map(|package| {
            package
                .name
                .strip_prefix("libgcc-")?
                .strip_suffix("-dev")?
                .parse()
                .ok()
        })
        .collect()
}
