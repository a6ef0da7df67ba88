//! Verdicts for a built binary against Debian releases and a probed server.
//!
//! The ELF facts come from `crossport_formats::elf`; the server facts from
//! the text a probe printed. This module decides whether the binary will
//! start there (architecture, glibc, libstdc++ and OpenSSL sonames), which
//! Debian release and target triple a server wants, and what a Dockerfile
//! for the binary looks like. It does no IO.

use std::collections::BTreeMap;

use crossport_formats::arch::{debian_arch_for_triple, triples_with_debian_sysroot};
use crossport_formats::distro::{
    Archive, KnownRelease, RELEASES, Vendor, known_release, release_for_os,
};
use crossport_formats::elf::{ElfFacts, Linkage, VersionNeed};
use serde::Serialize;

/// A dotted version (`2.34`, `3.4.30`), compared numerically part by part.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct DottedVersion(pub Vec<u32>);

impl DottedVersion {
    /// Parses `2.34` or `3.4.30`; `None` for anything else.
    pub fn parse(text: &str) -> Option<DottedVersion> {
        let parts: Option<Vec<u32>> = text.split('.').map(|part| part.parse().ok()).collect();
        parts.filter(|parts| !parts.is_empty()).map(DottedVersion)
    }

    fn from_pair((major, minor): (u32, u32)) -> DottedVersion {
        DottedVersion(vec![major, minor])
    }
}

impl std::fmt::Display for DottedVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

impl From<DottedVersion> for String {
    fn from(version: DottedVersion) -> String {
        version.to_string()
    }
}

/// The highest version of one family (`GLIBC`, `GLIBCXX`, `CXXABI`) a
/// binary requires, and the symbols that require exactly that version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub family: String,
    pub version: DottedVersion,
    pub symbols: Vec<String>,
}

/// What a binary asks of the system's C and C++ runtimes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Requirements {
    pub glibc: Option<Requirement>,
    pub glibcxx: Option<Requirement>,
    pub cxxabi: Option<Requirement>,
}

/// The glibc release that introduced `GLIBC_ABI_DT_RELR`: a binary linked
/// with packed relative relocations needs at least this glibc even when no
/// symbol says so.
const DT_RELR_GLIBC: (u32, u32) = (2, 36);

/// Finds the highest GLIBC_, GLIBCXX_ and CXXABI_ versions required.
pub fn requirements(facts: &ElfFacts) -> Requirements {
    let mut result = Requirements::default();
    for need in &facts.version_needs {
        if need.version == "GLIBC_ABI_DT_RELR" {
            let version = DottedVersion::from_pair(DT_RELR_GLIBC);
            raise(&mut result.glibc, "GLIBC", version, need);
            continue;
        }
        let Some((family, version)) = need.version.split_once('_') else {
            continue;
        };
        let Some(version) = DottedVersion::parse(version) else {
            continue;
        };
        let slot = match family {
            "GLIBC" => &mut result.glibc,
            "GLIBCXX" => &mut result.glibcxx,
            "CXXABI" => &mut result.cxxabi,
            _ => continue,
        };
        raise(slot, family, version, need);
    }
    result
}

fn raise(slot: &mut Option<Requirement>, family: &str, version: DottedVersion, need: &VersionNeed) {
    match slot {
        Some(current) if current.version > version => {}
        Some(current) if current.version == version => {
            current.symbols.extend(need.symbols.iter().cloned());
        }
        _ => {
            *slot = Some(Requirement {
                family: family.to_owned(),
                version,
                symbols: need.symbols.clone(),
            })
        }
    }
}

/// The newest GLIBCXX_ and CXXABI_ versions a release's libstdc++6
/// defines (from the releases table).
fn libstdcxx_versions(release: &KnownRelease) -> (DottedVersion, DottedVersion) {
    (
        DottedVersion(release.libstdcxx.glibcxx.to_vec()),
        DottedVersion(release.libstdcxx.cxxabi.to_vec()),
    )
}

/// Whether a binary runs somewhere, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What was checked: a release codename, `glibc 2.31`, or a host.
    pub against: String,
    pub runs: bool,
    /// One sentence per reason it would not start.
    pub problems: Vec<String>,
}

impl Verdict {
    fn from_problems(against: impl Into<String>, problems: Vec<String>) -> Verdict {
        Verdict {
            against: against.into(),
            runs: problems.is_empty(),
            problems,
        }
    }
}

/// Everything inspect needs to know about a binary to judge it.
#[derive(Debug, Clone)]
pub struct Binary<'a> {
    pub facts: &'a ElfFacts,
    pub requirements: &'a Requirements,
}

impl<'a> Binary<'a> {
    fn is_dynamic(&self) -> bool {
        self.facts.linkage == Linkage::Dynamic
    }

    /// A dynamic binary whose loader is musl's starts only where musl is
    /// installed, which a stock Debian system is not.
    fn loader_problem(&self, where_: &str) -> Option<String> {
        let interpreter = self.facts.interpreter.as_deref()?;
        interpreter.contains("ld-musl").then(|| {
            format!(
                "asks for musl's loader {interpreter}, which {where_} does not have \
                 without the musl package (link it statically instead)"
            )
        })
    }

    fn glibc_problem(&self, available: &DottedVersion, where_: &str) -> Option<String> {
        let required = self.requirements.glibc.as_ref()?;
        (required.version > *available).then(|| {
            format!(
                "needs glibc {} ({}), {where_} has {available}",
                required.version,
                symbol_list(&required.symbols)
            )
        })
    }

    /// Sonames of libssl / libcrypto the binary needs.
    fn openssl_sonames(&self) -> impl Iterator<Item = &str> {
        self.facts
            .needed
            .iter()
            .map(String::as_str)
            .filter(|soname| {
                soname.starts_with("libssl.so.") || soname.starts_with("libcrypto.so.")
            })
    }
}

/// At most `shown` symbol names, then how many more: an old-glibc binary
/// has hundreds of symbols at its highest version.
pub fn summarise_symbols(symbols: &[String], shown: usize) -> String {
    if symbols.len() <= shown {
        return symbols.join(", ");
    }
    format!(
        "{} and {} more",
        symbols[..shown].join(", "),
        symbols.len() - shown
    )
}

fn symbol_list(symbols: &[String]) -> String {
    match symbols {
        [] => "no symbol names; version reference only".to_owned(),
        [one] => format!("needed by {one}"),
        [first, second] => format!("needed by {first} and {second}"),
        [first, rest @ ..] => format!("needed by {first} and {} more", rest.len()),
    }
}

/// The Debian architectures whose binaries have this ELF machine.
pub fn debian_arches_for_machine(machine: &str) -> Vec<&'static str> {
    let mut arches: Vec<&'static str> = triples_with_debian_sysroot()
        .filter_map(debian_arch_for_triple)
        .filter(|arch| arch.elf_machine == machine)
        .map(|arch| arch.name)
        .collect();
    arches.dedup();
    arches
}

/// Would the binary run on a stock install of this release?
pub fn verdict_for_release(binary: &Binary<'_>, release: &KnownRelease) -> Verdict {
    let mut problems = Vec::new();
    let arches = debian_arches_for_machine(&binary.facts.machine);
    if !arches
        .iter()
        .any(|arch| release.architectures.contains(arch))
    {
        problems.push(format!(
            "{} has no port for {} binaries",
            release.codename, binary.facts.machine
        ));
    }
    if binary.is_dynamic() {
        let glibc = DottedVersion::from_pair(release.glibc);
        problems.extend(binary.loader_problem(&format!("a stock {}", release.codename)));
        problems.extend(binary.glibc_problem(&glibc, release.codename));
        problems.extend(libstdcxx_problems(binary, release));
        for soname in binary.openssl_sonames() {
            if !same_openssl_series(soname, release.libssl_soname) {
                // libcrypto comes in the same series as libssl: name the
                // library the binary asked for, not its sibling.
                let shipped = match soname.strip_prefix("libcrypto") {
                    Some(_) => release.libssl_soname.replacen("libssl", "libcrypto", 1),
                    None => release.libssl_soname.to_owned(),
                };
                problems.push(format!(
                    "needs {soname}, {} ships {shipped}",
                    release.codename
                ));
            }
        }
    }
    Verdict::from_problems(release.codename, problems)
}

fn libstdcxx_problems(binary: &Binary<'_>, release: &KnownRelease) -> Vec<String> {
    let (glibcxx, cxxabi) = libstdcxx_versions(release);
    let codename = release.codename;
    let mut problems = Vec::new();
    for (required, available) in [
        (&binary.requirements.glibcxx, glibcxx),
        (&binary.requirements.cxxabi, cxxabi),
    ] {
        if let Some(required) = required
            && required.version > available
        {
            problems.push(format!(
                "needs {}_{} ({}), {codename}'s libstdc++6 has {available}",
                required.family,
                required.version,
                symbol_list(&required.symbols)
            ));
        }
    }
    problems
}

/// `libcrypto.so.3` belongs to the same OpenSSL series as `libssl.so.3`.
fn same_openssl_series(needed: &str, libssl_soname: &str) -> bool {
    let suffix = |soname: &str| soname.split_once(".so.").map(|(_, v)| v.to_owned());
    suffix(needed) == suffix(libssl_soname)
}

/// Would the binary run on a machine with this glibc (architecture and
/// other libraries unchecked)?
pub fn verdict_for_glibc(binary: &Binary<'_>, glibc: &DottedVersion) -> Verdict {
    let against = format!("glibc {glibc}");
    let problems = if binary.is_dynamic() {
        binary
            .glibc_problem(glibc, "the target")
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    Verdict::from_problems(against, problems)
}

/// One verdict per release crossport knows (Debian, then Ubuntu), oldest first.
pub fn verdicts_for_releases(binary: &Binary<'_>) -> Vec<Verdict> {
    RELEASES
        .iter()
        .map(|release| verdict_for_release(binary, release))
        .collect()
}

/// What a probe found out about a server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServerFacts {
    /// `uname -m` (`x86_64`, `aarch64`, `armv7l`).
    pub uname_machine: String,
    /// `/etc/os-release` keys (`ID`, `VERSION_CODENAME`, `PRETTY_NAME` …).
    pub os_release: BTreeMap<String, String>,
    /// The glibc version, when `getconf` or `ldd` told it.
    pub glibc: Option<DottedVersion>,
    /// libssl sonames found in the standard library directories.
    pub libssl_sonames: Vec<String>,
    /// The server's apt sources (`/etc/apt/sources.list`,
    /// `sources.list.d/*.list` and `*.sources`): path and text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apt_sources: Vec<(String, String)>,
}

/// Section markers the probe script prints between its commands.
pub mod probe_markers {
    pub const UNAME: &str = "--- crossport uname";
    pub const OS_RELEASE: &str = "--- crossport os-release";
    pub const GLIBC: &str = "--- crossport glibc";
    pub const LIBSSL: &str = "--- crossport libssl";
    /// Followed by the file's path; one section per apt sources file.
    pub const APT_FILE: &str = "--- crossport apt-file ";
    pub const END: &str = "--- crossport end";
}

/// The shell command a probe runs on the server. It is a constant: nothing
/// the user typed is ever part of it.
pub fn probe_script() -> String {
    use probe_markers::*;
    let lib_dirs = "/lib/*/libssl.so.* /usr/lib/*/libssl.so.* /lib/libssl.so.* \
                    /usr/lib/libssl.so.* /lib64/libssl.so.* /usr/lib64/libssl.so.*";
    [
        format!("echo '{UNAME}'; uname -m"),
        format!(
            "echo '{OS_RELEASE}'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null"
        ),
        format!(
            "echo '{GLIBC}'; getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -n 1"
        ),
        format!("echo '{LIBSSL}'; for f in {lib_dirs}; do [ -e \"$f\" ] && echo \"$f\"; done"),
        format!(
            "for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources; do [ -f \"$f\" ] && \
             {{ echo \"{APT_FILE}$f\"; cat \"$f\"; echo; }}; done"
        ),
        format!("echo '{END}'"),
    ]
    .join("; ")
}

/// Why the probe output could not be understood.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProbeParseError {
    #[error(
        "the server's reply is incomplete (no `{0}` section); is its login shell POSIX sh compatible?"
    )]
    MissingSection(&'static str),
    #[error("the server did not report its architecture (`uname -m` printed nothing)")]
    NoMachine,
}

/// Parses what [`probe_script`] printed.
pub fn parse_probe_output(text: &str) -> Result<ServerFacts, ProbeParseError> {
    use probe_markers::*;
    let section = |marker: &'static str| -> Result<Vec<&str>, ProbeParseError> {
        let mut lines = text.lines().skip_while(|line| line.trim_end() != marker);
        if lines.next().is_none() {
            return Err(ProbeParseError::MissingSection(marker));
        }
        Ok(lines
            .take_while(|line| !line.starts_with("--- crossport "))
            .collect())
    };
    section(END)?;
    let uname_machine = section(UNAME)?
        .into_iter()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .ok_or(ProbeParseError::NoMachine)?
        .to_owned();
    let os_release = parse_os_release(&section(OS_RELEASE)?.join("\n"));
    let glibc = section(GLIBC)?.into_iter().find_map(glibc_from_line);
    let mut libssl_sonames: Vec<String> = section(LIBSSL)?
        .into_iter()
        .filter_map(|path| path.trim().rsplit('/').next())
        .filter(|name| name.starts_with("libssl.so."))
        .map(str::to_owned)
        .collect();
    libssl_sonames.sort();
    libssl_sonames.dedup();
    let mut apt_sources: Vec<(String, String)> = Vec::new();
    let mut in_apt_file = false;
    for line in text.lines() {
        if let Some(path) = line.strip_prefix(APT_FILE) {
            apt_sources.push((path.trim().to_owned(), String::new()));
            in_apt_file = true;
        } else if line.starts_with("--- crossport ") {
            in_apt_file = false;
        } else if in_apt_file && let Some((_, body)) = apt_sources.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    Ok(ServerFacts {
        uname_machine,
        os_release,
        glibc,
        libssl_sonames,
        apt_sources,
    })
}

/// `glibc 2.36` (getconf) or `ldd (Debian GLIBC 2.36-9+deb12u4) 2.36`.
fn glibc_from_line(line: &str) -> Option<DottedVersion> {
    let last = line.split_whitespace().last()?;
    let version = DottedVersion::parse(last)?;
    (version.0.len() >= 2).then_some(version)
}

/// Parses os-release(5): `KEY=value` lines, values optionally quoted.
pub fn parse_os_release(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim().split_once('='))
        .filter(|(key, _)| !key.is_empty() && !key.starts_with('#'))
        .map(|(key, value)| (key.to_owned(), unquote(value)))
        .collect()
}

fn unquote(value: &str) -> String {
    let trimmed = value.trim();
    let inner = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .or_else(|| {
            trimmed
                .strip_prefix('\'')
                .and_then(|rest| rest.strip_suffix('\''))
        })
        .unwrap_or(trimmed);
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// `uname -m` → the ELF machine name crossport uses.
pub fn elf_machine_for_uname(uname: &str) -> Option<&'static str> {
    Some(match uname {
        "x86_64" | "amd64" => "x86_64",
        "aarch64" | "arm64" => "aarch64",
        "armv7l" | "armv8l" | "armv6l" | "armhf" => "arm",
        "i386" | "i486" | "i586" | "i686" => "x86",
        "riscv64" => "riscv64",
        "ppc64le" => "ppc64",
        "s390x" => "s390x",
        "loongarch64" => "loongarch64",
        "mips64" => "mips64",
        _ => return None,
    })
}

/// `uname -m` → the Rust triple to build for.
pub fn triple_for_uname(uname: &str) -> Option<&'static str> {
    Some(match uname {
        "x86_64" | "amd64" => "x86_64-unknown-linux-gnu",
        "aarch64" | "arm64" => "aarch64-unknown-linux-gnu",
        "armv7l" | "armv8l" => "armv7-unknown-linux-gnueabihf",
        "i386" | "i486" | "i586" | "i686" => "i686-unknown-linux-gnu",
        "riscv64" => "riscv64gc-unknown-linux-gnu",
        "ppc64le" => "powerpc64le-unknown-linux-gnu",
        "s390x" => "s390x-unknown-linux-gnu",
        "loongarch64" => "loongarch64-unknown-linux-gnu",
        _ => return None,
    })
}

/// What crossport recommends building for a probed server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub target: Option<String>,
    /// The Debian release whose sysroot matches the server.
    pub release: Option<String>,
    /// How the release was chosen (`os-release` or `glibc`).
    pub release_reason: Option<String>,
    /// The `crossport sysroot fetch …` command to run, when target and
    /// release are known.
    pub sysroot_command: Option<String>,
    /// The mirror the server's own apt sources name for its release.
    pub mirror: Option<ServerMirror>,
}

/// A mirror found in the server's apt sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerMirror {
    pub uri: String,
    /// Which of the release's archives it is for: `main`, or `ports`
    /// (Ubuntu's second archive for arm64, armhf, riscv64, ppc64el, s390x).
    pub archive: Archive,
    /// `file:line` on the server.
    pub origin: String,
}

/// The mirror the server's apt sources name for `release`, as the archive
/// the server's architecture lives in.
pub fn server_mirror(server: &ServerFacts, release: &KnownRelease) -> Option<ServerMirror> {
    use crossport_formats::apt_sources::{
        debian_mirror_for_release, parse_deb822_sources, parse_one_line_sources,
    };
    let mut sources = Vec::new();
    for (path, text) in &server.apt_sources {
        let (found, _errors) = if path.ends_with(".sources") {
            parse_deb822_sources(path, text)
        } else {
            parse_one_line_sources(path, text)
        };
        sources.extend(found);
    }
    let choice = debian_mirror_for_release(&sources, release.codename)?;
    let arch = triple_for_uname(&server.uname_machine)
        .and_then(debian_arch_for_triple)
        .map(|arch| arch.name)?;
    Some(ServerMirror {
        uri: choice.uri.to_owned(),
        archive: release.archive_for(arch),
        origin: format!("{}:{}", choice.file, choice.line),
    })
}

/// Picks the triple, the Debian release and the sysroot command for a server.
pub fn recommend(server: &ServerFacts) -> Recommendation {
    let target = triple_for_uname(&server.uname_machine).map(str::to_owned);
    let found = release_for_server(server);
    let mirror = found.and_then(|(release, _)| server_mirror(server, release));
    let (release, reason) = match found {
        Some((release, reason)) => (Some(release.codename.to_owned()), Some(reason.to_owned())),
        None => (None, None),
    };
    let sysroot_command = match (&target, &release) {
        (Some(target), Some(release)) => {
            let mut command =
                format!("crossport sysroot fetch --target {target} --release {release}");
            if let Some(mirror) = &mirror {
                let flag = mirror.archive.mirror_flag();
                command.push_str(&format!(" {flag} {}", mirror.uri));
            }
            if !server.libssl_sonames.is_empty() {
                command.push_str(" libssl-dev");
            }
            Some(command)
        }
        _ => None,
    };
    Recommendation {
        target,
        release,
        release_reason: reason,
        sysroot_command,
        mirror,
    }
}

/// A Debian or Ubuntu server in the releases table names its release; for
/// any other choose the newest Debian release whose glibc is not newer than
/// the server's.
pub fn release_for_server(server: &ServerFacts) -> Option<(&'static KnownRelease, &'static str)> {
    let field = |name: &str| server.os_release.get(name).map(String::as_str);
    if let Some(id) = field("ID")
        && let Some(release) = release_for_os(id, field("VERSION_CODENAME"), field("VERSION_ID"))
    {
        return Some((release, "os-release"));
    }
    let glibc = server.glibc.as_ref()?;
    RELEASES
        .iter()
        .filter(|release| release.vendor == Vendor::Debian)
        .rev()
        .find(|release| DottedVersion::from_pair(release.glibc) <= *glibc)
        .map(|release| (release, "glibc"))
}

/// Would the binary run on the probed server?
pub fn verdict_for_server(binary: &Binary<'_>, server: &ServerFacts, host: &str) -> Verdict {
    let mut problems = Vec::new();
    match elf_machine_for_uname(&server.uname_machine) {
        Some(machine) if machine == binary.facts.machine => {}
        _ => problems.push(format!(
            "the binary is for {}, the server is {}",
            binary.facts.machine, server.uname_machine
        )),
    }
    if binary.is_dynamic() {
        problems.extend(binary.loader_problem("the server"));
        match &server.glibc {
            Some(glibc) => problems.extend(binary.glibc_problem(glibc, "the server")),
            None => problems.push("the server reported no glibc version".to_owned()),
        }
        for soname in binary.openssl_sonames() {
            let present = server
                .libssl_sonames
                .iter()
                .any(|libssl| same_openssl_series(soname, libssl));
            if !present {
                problems.push(format!("needs {soname}, which the server does not have"));
            }
        }
    }
    Verdict::from_problems(host, problems)
}

/// A NEEDED soname, where the sysroot has it and the package that ships it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeededLibrary {
    pub soname: String,
    /// The path inside the sysroot, when it was found there.
    pub path: Option<String>,
    /// The Debian package that ships it.
    pub package: Option<String>,
    /// Where the package name came from: `sysroot-manifest` or `known`.
    pub package_source: Option<String>,
}

/// Runtime packages of well-known libraries, for when no sysroot manifest
/// says which package ships a soname. Names follow each release's real
/// package (trixie's 64-bit time_t rename included).
pub fn known_runtime_package(soname: &str, codename: &str) -> Option<&'static str> {
    let libc_parts = [
        "libc.so.6",
        "libm.so.6",
        "libdl.so.2",
        "libpthread.so.0",
        "librt.so.1",
        "libutil.so.1",
        "libresolv.so.2",
    ];
    if libc_parts.contains(&soname) || soname.starts_with("ld-linux") {
        return Some("libc6");
    }
    if let Some(release) = known_release(codename)
        && same_openssl_series(soname, release.libssl_soname)
        && (soname.starts_with("libssl.so.") || soname.starts_with("libcrypto.so."))
    {
        return Some(release.libssl_package);
    }
    Some(match (soname, codename) {
        ("libsqlite3.so.0", _) => "libsqlite3-0",
        ("libz.so.1", _) => "zlib1g",
        ("libgcc_s.so.1", _) => "libgcc-s1",
        ("libstdc++.so.6", _) => "libstdc++6",
        _ => return None,
    })
}

/// Packages a container needs on top of `debian:<release>-slim` (which
/// already has libc6 and libgcc-s1), sorted and unique.
pub fn runtime_packages(libraries: &[NeededLibrary], codename: &str) -> Vec<String> {
    let mut packages: Vec<String> = libraries
        .iter()
        .filter_map(|library| {
            library
                .package
                .clone()
                .or_else(|| known_runtime_package(&library.soname, codename).map(str::to_owned))
        })
        .filter(|package| !matches!(package.as_str(), "libc6" | "libgcc-s1"))
        .collect();
    packages.sort();
    packages.dedup();
    packages
}

/// A Dockerfile that runs the binary on the release's slim image as a
/// non-root user. `binary_name` must be a plain file name.
pub fn dockerfile(codename: &str, packages: &[String], binary_name: &str) -> String {
    // Ubuntu publishes no -slim tags: its plain image is already minimal.
    let (vendor, image) = match known_release(codename).map(|release| release.vendor) {
        Some(Vendor::Ubuntu) => ("Ubuntu", format!("ubuntu:{codename}")),
        _ => ("Debian", format!("debian:{codename}-slim")),
    };
    let mut text = format!(
        "# Written by crossport deploy: runs {binary_name} on {vendor} {codename}.\n\
         FROM {image}\n"
    );
    if !packages.is_empty() {
        text.push_str(&format!(
            "RUN apt-get update \\\n \
             && apt-get install -y --no-install-recommends {} \\\n \
             && rm -rf /var/lib/apt/lists/*\n",
            packages.join(" ")
        ));
    }
    text.push_str(&format!(
        "RUN useradd --system --no-create-home --shell /usr/sbin/nologin app\n\
         COPY {binary_name} /usr/local/bin/{binary_name}\n\
         USER app\n\
         ENTRYPOINT [\"/usr/local/bin/{binary_name}\"]\n"
    ));
    text
}

/// A Dockerfile for a statically linked binary on an empty (`scratch`)
/// image: no C library and no runtime packages, since the binary carries
/// what it needs. `binary_name` must be a plain file name.
pub fn static_dockerfile(binary_name: &str) -> String {
    format!(
        "# Written by crossport deploy: {binary_name} is statically linked, so the image holds only the binary.\n\
         # scratch has no CA certificates: a binary that makes TLS connections needs them copied in\n\
         # (or rustls with webpki-roots).\n\
         FROM scratch\n\
         COPY {binary_name} /{binary_name}\n\
         USER 65534:65534\n\
         ENTRYPOINT [\"/{binary_name}\"]\n"
    )
}

/// Whether a report's binary needs neither a loader nor shared libraries.
pub fn is_static(report: &InspectReport) -> bool {
    matches!(report.linkage, "static" | "static-pie") && report.needed.is_empty()
}

/// The Debian release a container image for the binary should use, as the
/// verdict for it: the one the user named (`report.target`), else the newest
/// release the binary runs on, else the newest release (a failing verdict
/// the caller must refuse or override).
pub fn image_verdict(report: &InspectReport) -> Option<Verdict> {
    if let Some(target) = &report.target {
        return Some(target.clone());
    }
    // Images are Debian's slim ones unless the user named a release.
    let debian = RELEASES.iter().filter(|r| r.vendor == Vendor::Debian);
    let newest_first = debian.rev().filter_map(|release| {
        report
            .verdicts
            .iter()
            .find(|verdict| verdict.against == release.codename)
    });
    newest_first
        .clone()
        .find(|verdict| verdict.runs)
        .or_else(|| newest_first.clone().next())
        .cloned()
}

/// The full inspect result, as `crossport inspect --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub path: String,
    pub class: u8,
    pub machine: String,
    pub endian: crossport_formats::elf::Endian,
    pub linkage: &'static str,
    pub interpreter: Option<String>,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub rpath: Vec<String>,
    pub runpath: Vec<String>,
    /// `"2.34"`, or null when the binary needs no versioned glibc symbol.
    pub glibc_required: Option<String>,
    pub glibcxx_required: Option<String>,
    pub cxxabi_required: Option<String>,
    pub requirements: Requirements,
    /// Every version requirement, as in `.gnu.version_r`.
    pub version_needs: Vec<VersionNeed>,
    /// The NEEDED sonames, resolved against the sysroot when one was given.
    pub libraries: Vec<NeededLibrary>,
    /// `{"bullseye": true, …}`
    pub releases: BTreeMap<String, bool>,
    /// The same, with the reasons.
    pub verdicts: Vec<Verdict>,
    /// The verdict for what `--release`, `--glibc` or `--sysroot` named.
    pub target: Option<Verdict>,
}

/// Assembles the report from the ELF facts and resolved libraries.
pub fn inspect_report(
    path: &str,
    facts: &ElfFacts,
    libraries: Vec<NeededLibrary>,
    target: Option<Verdict>,
) -> InspectReport {
    let requirements = requirements(facts);
    let binary = Binary {
        facts,
        requirements: &requirements,
    };
    let verdicts = verdicts_for_releases(&binary);
    let version_string = |req: &Option<Requirement>| req.as_ref().map(|r| r.version.to_string());
    InspectReport {
        path: path.to_owned(),
        class: facts.class,
        machine: facts.machine.clone(),
        endian: facts.endian,
        linkage: facts.linkage.as_str(),
        interpreter: facts.interpreter.clone(),
        soname: facts.soname.clone(),
        needed: facts.needed.clone(),
        rpath: facts.rpath.clone(),
        runpath: facts.runpath.clone(),
        glibc_required: version_string(&requirements.glibc),
        glibcxx_required: version_string(&requirements.glibcxx),
        cxxabi_required: version_string(&requirements.cxxabi),
        releases: verdicts
            .iter()
            .map(|verdict| (verdict.against.clone(), verdict.runs))
            .collect(),
        verdicts,
        version_needs: facts.version_needs.clone(),
        requirements,
        libraries,
        target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossport_formats::elf::Endian;

    fn facts(needs: &[(&str, &str, &[&str])], needed: &[&str]) -> ElfFacts {
        ElfFacts {
            class: 64,
            machine: "x86_64".to_owned(),
            endian: Endian::Little,
            linkage: Linkage::Dynamic,
            interpreter: Some("/lib64/ld-linux-x86-64.so.2".to_owned()),
            soname: None,
            needed: needed.iter().map(|s| s.to_string()).collect(),
            rpath: Vec::new(),
            runpath: Vec::new(),
            version_needs: needs
                .iter()
                .map(|(library, version, symbols)| VersionNeed {
                    library: library.to_string(),
                    version: version.to_string(),
                    symbols: symbols.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn highest_versions_compare_numerically() {
        let facts = facts(
            &[
                ("libc.so.6", "GLIBC_2.9", &["a"]),
                ("libc.so.6", "GLIBC_2.34", &["__libc_start_main"]),
                ("libc.so.6", "GLIBC_2.4", &["b"]),
                ("libc.so.6", "GLIBC_PRIVATE", &["c"]),
                ("libstdc++.so.6", "GLIBCXX_3.4.9", &["d"]),
                ("libstdc++.so.6", "GLIBCXX_3.4.30", &["e"]),
                ("libstdc++.so.6", "CXXABI_1.3.13", &["f"]),
            ],
            &["libc.so.6"],
        );
        let req = requirements(&facts);
        let glibc = req.glibc.expect("glibc required");
        assert_eq!(glibc.version.to_string(), "2.34");
        assert_eq!(glibc.symbols, vec!["__libc_start_main"]);
        assert_eq!(
            req.glibcxx.map(|r| r.version.to_string()).as_deref(),
            Some("3.4.30")
        );
        assert_eq!(
            req.cxxabi.map(|r| r.version.to_string()).as_deref(),
            Some("1.3.13")
        );
    }

    #[test]
    fn dt_relr_needs_glibc_2_36() {
        let facts = facts(&[("libc.so.6", "GLIBC_ABI_DT_RELR", &[])], &["libc.so.6"]);
        let req = requirements(&facts);
        let report = inspect_report("x", &facts, Vec::new(), None);
        assert_eq!(
            req.glibc.map(|r| r.version.to_string()).as_deref(),
            Some("2.36")
        );
        assert_eq!(
            report.releases,
            BTreeMap::from([
                ("bullseye".to_owned(), false),
                ("bookworm".to_owned(), true),
                ("trixie".to_owned(), true),
                ("focal".to_owned(), false),
                ("jammy".to_owned(), false),
                ("noble".to_owned(), true)
            ])
        );
    }

    #[test]
    fn openssl_soname_decides_the_release() {
        let facts = facts(
            &[("libc.so.6", "GLIBC_2.28", &["x"])],
            &["libssl.so.3", "libcrypto.so.3", "libc.so.6"],
        );
        let report = inspect_report("x", &facts, Vec::new(), None);
        assert_eq!(report.releases.get("bullseye"), Some(&false));
        assert_eq!(report.releases.get("bookworm"), Some(&true));
        assert_eq!(
            report.verdicts[0].problems,
            vec![
                "needs libssl.so.3, bullseye ships libssl.so.1.1",
                "needs libcrypto.so.3, bullseye ships libcrypto.so.1.1"
            ]
        );
    }

    #[test]
    fn long_symbol_lists_are_summarised() {
        let symbols: Vec<String> = (0..250).map(|i| format!("sym{i}")).collect();
        assert_eq!(
            summarise_symbols(&symbols, 3),
            "sym0, sym1, sym2 and 247 more"
        );
        assert_eq!(summarise_symbols(&symbols[..2], 3), "sym0, sym1");
    }

    #[test]
    fn static_binaries_run_everywhere_their_arch_exists() {
        let mut facts = facts(&[], &[]);
        facts.linkage = Linkage::Static;
        facts.machine = "riscv64".to_owned();
        let report = inspect_report("x", &facts, Vec::new(), None);
        assert_eq!(report.releases.get("bookworm"), Some(&false));
        assert_eq!(report.releases.get("trixie"), Some(&true));
    }

    #[test]
    fn a_musl_loader_does_not_run_on_stock_debian() {
        let mut facts = facts(&[], &["libc.so"]);
        facts.interpreter = Some("/lib/ld-musl-x86_64.so.1".to_owned());
        let report = inspect_report("x", &facts, Vec::new(), None);
        assert_eq!(report.releases.get("trixie"), Some(&false));
        assert!(
            report.verdicts[2].problems[0].starts_with("asks for musl's loader"),
            "{:?}",
            report.verdicts[2].problems
        );
    }

    #[test]
    fn probe_output_parses_and_recommends() {
        let text = "motd noise\n--- crossport uname\naarch64\n--- crossport os-release\n\
                    PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_CODENAME=bookworm\n\
                    --- crossport glibc\nglibc 2.36\n--- crossport libssl\n\
                    /usr/lib/aarch64-linux-gnu/libssl.so.3\n--- crossport end\n";
        let server = parse_probe_output(text).expect("parses");
        assert_eq!(
            server.glibc.as_ref().map(ToString::to_string).as_deref(),
            Some("2.36")
        );
        assert_eq!(server.libssl_sonames, vec!["libssl.so.3"]);
        let recommendation = recommend(&server);
        assert_eq!(
            recommendation.sysroot_command.as_deref(),
            Some(
                "crossport sysroot fetch --target aarch64-unknown-linux-gnu --release bookworm libssl-dev"
            )
        );
    }

    #[test]
    fn ubuntu_gets_the_newest_debian_release_its_glibc_allows() {
        let text = "--- crossport uname\nx86_64\n--- crossport os-release\nID=ubuntu\n\
                    --- crossport glibc\nldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n\
                    --- crossport libssl\n--- crossport end\n";
        let server = parse_probe_output(text).expect("parses");
        let recommendation = recommend(&server);
        assert_eq!(recommendation.release.as_deref(), Some("bullseye"));
        assert_eq!(recommendation.release_reason.as_deref(), Some("glibc"));
    }

    #[test]
    fn a_known_ubuntu_release_is_its_own_release() {
        let text = "--- crossport uname\naarch64\n--- crossport os-release\nID=ubuntu\n\
                    VERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n\
                    --- crossport glibc\nldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n\
                    --- crossport libssl\n/usr/lib/aarch64-linux-gnu/libssl.so.3\n\
                    --- crossport end\n";
        let server = parse_probe_output(text).expect("parses");
        let recommendation = recommend(&server);
        assert_eq!(recommendation.release.as_deref(), Some("jammy"));
        assert_eq!(recommendation.release_reason.as_deref(), Some("os-release"));
        assert_eq!(
            known_runtime_package("libssl.so.3", "noble"),
            Some("libssl3t64")
        );
        assert_eq!(
            known_runtime_package("libcrypto.so.3", "jammy"),
            Some("libssl3")
        );
        assert!(dockerfile("jammy", &[], "web").contains("FROM ubuntu:jammy\n"));
    }

    #[test]
    fn the_servers_apt_sources_name_its_mirror() {
        let text = "--- crossport uname\naarch64\n--- crossport os-release\nID=ubuntu\n\
                    VERSION_CODENAME=jammy\n--- crossport glibc\nglibc 2.35\n\
                    --- crossport libssl\n\
                    --- crossport apt-file /etc/apt/sources.list\n\
                    # a comment\n\
                    --- crossport apt-file /etc/apt/sources.list.d/ubuntu.sources\n\
                    Types: deb\nURIs: http://mirror.invalid/ubuntu-ports/\n\
                    Suites: jammy jammy-updates\nComponents: main universe\n\n\
                    --- crossport end\n";
        let server = parse_probe_output(text).expect("parses");
        assert_eq!(server.apt_sources.len(), 2);
        let recommendation = recommend(&server);
        let mirror = recommendation.mirror.expect("a mirror");
        assert_eq!(mirror.uri, "http://mirror.invalid/ubuntu-ports");
        assert_eq!(mirror.archive, Archive::Ports);
        assert_eq!(mirror.origin, "/etc/apt/sources.list.d/ubuntu.sources:1");
        assert_eq!(
            recommendation.sysroot_command.as_deref(),
            Some(
                "crossport sysroot fetch --target aarch64-unknown-linux-gnu --release jammy \
                 --ports-mirror http://mirror.invalid/ubuntu-ports"
            )
        );
        assert!(probe_script().contains(probe_markers::APT_FILE));
    }

    #[test]
    fn truncated_probe_output_is_an_error() {
        assert_eq!(
            parse_probe_output("--- crossport uname\nx86_64\n"),
            Err(ProbeParseError::MissingSection(probe_markers::END))
        );
    }

    #[test]
    fn server_verdict_checks_arch_glibc_and_openssl() {
        let facts = facts(
            &[("libc.so.6", "GLIBC_2.38", &["strlcpy"])],
            &["libssl.so.3"],
        );
        let requirements = requirements(&facts);
        let binary = Binary {
            facts: &facts,
            requirements: &requirements,
        };
        let server = ServerFacts {
            uname_machine: "aarch64".to_owned(),
            glibc: DottedVersion::parse("2.36"),
            ..ServerFacts::default()
        };
        let verdict = verdict_for_server(&binary, &server, "host");
        assert_eq!(
            verdict.problems,
            vec![
                "the binary is for x86_64, the server is aarch64",
                "needs glibc 2.38 (needed by strlcpy), the server has 2.36",
                "needs libssl.so.3, which the server does not have"
            ]
        );
    }

    #[test]
    fn dockerfile_installs_runtime_packages_and_drops_root() {
        let libraries = vec![
            NeededLibrary {
                soname: "libssl.so.3".to_owned(),
                path: None,
                package: None,
                package_source: None,
            },
            NeededLibrary {
                soname: "libc.so.6".to_owned(),
                path: None,
                package: None,
                package_source: None,
            },
        ];
        let packages = runtime_packages(&libraries, "trixie");
        assert_eq!(packages, vec!["libssl3t64"]);
        expect_test::expect![[r#"
            # Written by crossport deploy: runs web on Debian trixie.
            FROM debian:trixie-slim
            RUN apt-get update \
             && apt-get install -y --no-install-recommends libssl3t64 \
             && rm -rf /var/lib/apt/lists/*
            RUN useradd --system --no-create-home --shell /usr/sbin/nologin app
            COPY web /usr/local/bin/web
            USER app
            ENTRYPOINT ["/usr/local/bin/web"]
        "#]]
        .assert_eq(&dockerfile("trixie", &packages, "web"));
    }

    #[test]
    fn a_static_binary_gets_an_empty_image() {
        let text = static_dockerfile("web");
        assert!(text.contains("FROM scratch\n"), "{text}");
        assert!(text.contains("ENTRYPOINT [\"/web\"]"), "{text}");
        assert!(!text.contains("apt-get"), "{text}");
    }
}
