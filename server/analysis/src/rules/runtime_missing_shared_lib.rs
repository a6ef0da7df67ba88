//! Detects `runtime_missing_shared_lib`: at run time, the loader could not
//! find a shared library the program needs.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, packages, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "at run time, a shared library the program needs is not installed on the machine";

pub(super) const TRIGGERS: &[&str] = &[
    r"error while loading shared libraries: \S+: cannot open shared object file",
    r"Library not loaded: \S+",
    r"Error loading shared library \S+: No such file",
    r"was unable to find (?:\S+\.dll)|The code execution cannot proceed because \S+\.dll was not found",
];

/// Diagnostic: runtime_missing_shared_lib
///
/// **What it means.** The program was built but does not start: the dynamic
/// loader reports `error while loading shared libraries: libssl.so.3: cannot
/// open shared object file` (glibc), `Error loading shared library …` (musl),
/// or `dyld: Library not loaded: …` (macOS).
///
/// **Why it happens.** The binary links a shared library dynamically (OpenSSL,
/// SQLite, a C library of the project) and the machine running it has a
/// different version (bullseye ships `libssl.so.1.1`, bookworm `libssl.so.3`)
/// or none; under qemu the target's libraries are not where the emulator looks.
///
/// **How to fix.** Install the library's runtime package on that machine
/// (`install_runtime_library`); build against the server's own release so the
/// binary asks for the version it has (`fetch_sysroot_and_wire`); or link the
/// library statically (`use_vendored_openssl` for OpenSSL). Under qemu, point
/// the runner at the target's sysroot (`configure_runner`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| {
        let (program, library) = program_and_library(cx.content(index))?;
        (!is_compiler_tool(program.as_deref())).then_some((program, library))
    })
    .into_iter()
    .map(|((program, library), index)| describe(cx, index, program, &library))
    .collect()
}

fn program_and_library(content: &str) -> Option<(Option<String>, String)> {
    let pattern = regex!(
        r"(?:(\S+): )?error while loading shared libraries: ([^:\s]+)|Library not loaded: '?([^'\s]+)|Error loading shared library ([^:\s]+): No such file[^(]*(?:\(needed by ([^)]+)\))?|because (\S+\.dll) was not found|unable to find (\S+\.dll)"
    );
    let captures = pattern.captures(content)?;
    let library = [2, 3, 4, 6, 7]
        .iter()
        .find_map(|&group| captures.get(group))?
        .as_str()
        .to_owned();
    let program = captures
        .get(1)
        .or_else(|| captures.get(5))
        .map(|m| m.as_str().to_owned());
    Some((program, library))
}

/// Loader errors of a compiler's own programs mean a broken toolchain
/// (`cc_toolchain_broken`), not a missing runtime library.
fn is_compiler_tool(program: Option<&str>) -> bool {
    let Some(program) = program else {
        return false;
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    let base = base.rsplit('-').next().unwrap_or(base);
    matches!(
        base,
        "as" | "ld"
            | "ld.bfd"
            | "ld.gold"
            | "cc1"
            | "cc1plus"
            | "collect2"
            | "gcc"
            | "g++"
            | "cc"
            | "clang"
    )
}

fn describe(cx: &Context<'_>, index: usize, program: Option<String>, library: &str) -> Finding {
    let mut finding = cx.finding(Kind::RuntimeMissingSharedLib, "", index, index);
    let file = library.rsplit('/').next().unwrap_or(library);
    let package = packages::for_soname(file);
    finding = text_fact(finding, "library", Some(file));
    finding = text_fact(finding, "binary", program.as_deref());
    finding = text_fact(finding, "debian_package", package.as_deref());
    let who = program.as_deref().unwrap_or("the program");
    finding.message = format!("{who} cannot start: the shared library `{file}` is not installed");
    let install = match &package {
        Some(package) => format!("Install `{package}` on the machine that runs it"),
        None => format!("Install the package that provides `{file}` on the machine that runs it"),
    };
    let mut finding = finding
        .with_fix(fix::INSTALL_RUNTIME_LIBRARY, install)
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            "Build against the server's Debian release so the binary asks for the library it has",
        );
    if file.starts_with("libssl.") || file.starts_with("libcrypto.") {
        finding = finding.with_fix(
            fix::USE_VENDORED_OPENSSL,
            "Link OpenSSL statically with the openssl crate's `vendored` feature",
        );
    }
    if mentions_qemu(cx, index) {
        finding = finding.with_fix(
            fix::CONFIGURE_RUNNER,
            "Run target binaries under qemu with the target's sysroot as library prefix",
        );
    }
    finding
}

fn mentions_qemu(cx: &Context<'_>, index: usize) -> bool {
    let start = index.saturating_sub(20);
    let end = (index + 5).min(cx.log.lines.len());
    (start..end).any(|i| cx.content(i).contains("qemu-"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn glibc_loader_missing_libcrypto() {
        let log = "/srv/app/oslhost: error while loading shared libraries: libcrypto.so.3: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libcrypto.so.3"));
        assert_eq!(fact(&finding, "binary"), Some("/srv/app/oslhost"));
        assert_eq!(fact(&finding, "debian_package"), Some("libssl3"));
        assert_eq!(
            fix_ids(&finding),
            [
                "install_runtime_library",
                "fetch_sysroot_and_wire",
                "use_vendored_openssl"
            ]
        );
    }

    #[test]
    fn under_qemu_suggests_a_runner() {
        let log = "$ qemu-aarch64 ./usegreet-arm64\n./usegreet-arm64: error while loading shared libraries: libgreet.so.1: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert!(fix_ids(&finding).contains(&"configure_runner"));
    }

    #[test]
    fn musl_and_macos_loaders() {
        let log = "Error loading shared library libssl.so.3: No such file or directory (needed by /app)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "binary"), Some("/app"));
        let log = "dyld[123]: Library not loaded: /opt/homebrew/opt/openssl@3/lib/libssl.3.dylib\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libssl.3.dylib"));
    }
}
