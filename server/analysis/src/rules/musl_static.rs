//! Detects `musl_static`: failures particular to musl targets and static
//! C runtimes (crate types they cannot build, glibc-only symbols, dynamic
//! loading, glibc binaries on musl systems).

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind, Severity};

pub(super) const SUMMARY: &str = "a failure particular to musl or a static C runtime (crate types, glibc-only symbols, dynamic loading)";

pub(super) const TRIGGERS: &[&str] = &[
    r"cannot produce (?:proc-macro|cdylib|dylib) for `[^`]+` as the target `[^`]+` does not support these crate types",
    r"dropping unsupported crate type `\w+` for target `[^`]+`",
    r"Dynamic loading not supported",
    r"undefined reference to (?:symbol )?[`'](?:__\w+_chk|__isoc\d+_\w+|gnu_get_libc_version|__res_n?init|__libc_\w+|secure_getenv|__register_atfork|__cxa_thread_atexit_impl|\w+@@?GLIBC_[\d.]+)'",
    r"can't find crate for `proc_macro`",
    r"Error relocating \S+: \S+: symbol not found",
    r"in statically linked applications requires at runtime the shared libraries from the glibc version used for linking",
];

/// Diagnostic: musl_static
///
/// **What it means.** A failure that only happens with musl or a static C
/// runtime: `cannot produce proc-macro … as the target … does not support
/// these crate types` (static CRT with `-C target-feature=+crt-static` but no
/// `--target`), `dropping unsupported crate type cdylib`, C libraries built
/// against glibc failing to link into a musl binary (`undefined reference to
/// __memcpy_chk`), `Dynamic loading not supported`, a glibc binary on a musl
/// system (`Error relocating …: symbol not found`), or glibc warning that a
/// "static" binary still needs its shared libraries (`getaddrinfo`).
///
/// **Why it happens.** musl targets link statically by default and cannot load
/// proc-macros or shared libraries; static glibc is only partly static; and
/// C code compiled for glibc does not link against musl.
///
/// **How to fix.** Pass `--target` explicitly so proc-macros build for the host
/// (`pass_target_flag`); build C dependencies for musl (vendored OpenSSL,
/// `use_vendored_openssl`, or a musl sysroot, `fetch_sysroot_and_wire`); or use a
/// `-gnu` target with a sysroot of the server's release when dynamic loading
/// is needed (`use_gnu_target`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for &index in hits {
        let Some(finding) = describe(cx, index) else {
            continue;
        };
        if !findings
            .iter()
            .any(|known| known.message == finding.message)
        {
            findings.push(finding);
        }
    }
    findings
}

fn describe(cx: &Context<'_>, index: usize) -> Option<Finding> {
    let content = cx.content(index);
    let crate_types = regex!(
        r"cannot produce (proc-macro|cdylib|dylib) for `([^`]+)` as the target `([^`]+)`|dropping unsupported crate type `(\w+)` for target `([^`]+)`"
    );
    if let Some(captures) = crate_types.captures(content) {
        return describe_crate_type(cx, index, &captures);
    }
    if content.contains("can't find crate for `proc_macro`") {
        return Some(describe_missing_proc_macro(cx, index));
    }
    let symbol = regex!(
        r"undefined reference to (?:symbol )?[`']([^'@]+)[^']*'|Error relocating (\S+): (\S+): symbol not found"
    );
    if let Some(captures) = symbol.captures(content) {
        return describe_glibc_symbol(cx, index, &captures);
    }
    Some(describe_static_runtime(cx, index))
}

/// A crate type the target cannot build (proc-macro, cdylib).
fn describe_crate_type(
    cx: &Context<'_>,
    index: usize,
    captures: &regex::Captures<'_>,
) -> Option<Finding> {
    let crate_type = captures.get(1).or(captures.get(4)).map(|m| m.as_str())?;
    let target = captures
        .get(3)
        .or(captures.get(5))
        .map(|m| m.as_str().to_owned());
    let mut finding = cx.finding(Kind::MuslStatic, "", index, index);
    if target.is_some() {
        finding.target = target;
    }
    if let Some(krate) = captures.get(2) {
        let (name, version) = split_crate(krate.as_str());
        finding = text_fact(finding, "crate", Some(name));
        finding = text_fact(finding, "crate_version", version);
    }
    finding = text_fact(finding, "crate_type", Some(crate_type));
    let for_target = cx.for_target(&finding);
    finding.message = format!("a static C runtime{for_target} cannot build `{crate_type}` crates");
    if crate_type == "proc-macro" {
        return Some(finding.with_fix(
            fix::PASS_TARGET_FLAG,
            "Pass --target explicitly so proc-macros are built for the host without crt-static",
        ));
    }
    finding.severity = Severity::Warning;
    Some(finding.with_fix(
        fix::USE_GNU_TARGET,
        "Build for a -gnu target when a dynamic library is needed",
    ))
}

fn describe_missing_proc_macro(cx: &Context<'_>, index: usize) -> Finding {
    let mut finding = cx.finding(Kind::MuslStatic, "", index, index);
    let for_target = cx.for_target(&finding);
    finding.message =
        format!("proc-macros cannot be built{for_target}: the target has no `proc_macro` crate");
    finding.with_fix(
        fix::PASS_TARGET_FLAG,
        "Pass --target explicitly so proc-macros are built for the host",
    )
}

/// glibc-only symbols: a glibc-built C library linked into a musl binary,
/// or a glibc binary started on a musl system.
fn describe_glibc_symbol(
    cx: &Context<'_>,
    index: usize,
    captures: &regex::Captures<'_>,
) -> Option<Finding> {
    let content = cx.content(index);
    let relocating_binary = captures.get(2).map(|m| m.as_str());
    let symbol = captures.get(1).or(captures.get(3))?.as_str();
    let musl_involved = relocating_binary.is_some()
        || cx.target_at(index).is_some_and(|t| t.contains("musl"))
        || content.contains("-musl/")
        || cx
            .linking_error(index)
            .is_some_and(|(_, linker)| linker.contains("musl"));
    if !musl_involved {
        return None;
    }
    let start = cx.linking_error(index).map_or(index, |(header, _)| header);
    let mut finding = cx.finding(Kind::MuslStatic, "", start, index);
    finding = text_fact(finding, "symbol", Some(symbol));
    finding = text_fact(finding, "binary", relocating_binary);
    finding.message = match relocating_binary {
        Some(binary) => {
            format!("{binary} was built for glibc and cannot run on this musl system (`{symbol}`)")
        }
        None => format!("a C library built for glibc was linked into a musl binary (`{symbol}`)"),
    };
    Some(
        finding
            .with_fix(
                fix::USE_VENDORED_OPENSSL,
                "Build C dependencies from source for musl (e.g. vendored OpenSSL)",
            )
            .with_fix(
                fix::FETCH_SYSROOT_AND_WIRE,
                "Link against a sysroot of the right C library",
            )
            .with_fix(
                fix::USE_MUSL_TARGET,
                "Build a static musl binary for musl systems",
            ),
    )
}

/// Dynamic loading in a static musl binary, or glibc's warning that a
/// statically linked program still needs its shared libraries.
fn describe_static_runtime(cx: &Context<'_>, index: usize) -> Finding {
    let content = cx.content(index);
    let mut finding = cx.finding(Kind::MuslStatic, "", index, index);
    if content.contains("Dynamic loading not supported") {
        finding.message =
            "a static musl binary cannot load shared libraries at run time".to_owned();
        return finding.with_fix(
            fix::USE_GNU_TARGET,
            "Build for a -gnu target, which can load libraries",
        );
    }
    let function = regex!(r"Using '(\w+)'")
        .captures(content)
        .map(|c| c[1].to_owned());
    finding = text_fact(finding, "symbol", function.as_deref());
    finding.severity = Severity::Warning;
    finding.message =
        "a statically linked glibc binary still needs glibc's shared libraries at run time"
            .to_owned();
    finding.with_fix(
        fix::USE_MUSL_TARGET,
        "Build a static musl binary instead of static glibc",
    )
}

/// `serde_derive v1.0.0` → (`serde_derive`, `1.0.0`).
fn split_crate(text: &str) -> (&str, Option<&str>) {
    let mut words = text.split_whitespace();
    let name = words.next().unwrap_or(text);
    let version = words.next().map(|v| v.strip_prefix('v').unwrap_or(v));
    (name, version)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn proc_macro_with_crt_static() {
        let log = "error: cannot produce proc-macro for `serde_derive v1.0.200` as the target `x86_64-unknown-linux-gnu` does not support these crate types\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "crate"), Some("serde_derive"));
        assert_eq!(fact(&finding, "crate_version"), Some("1.0.200"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(fix_ids(&finding), ["pass_target_flag"]);
    }

    #[test]
    fn glibc_symbols_in_a_musl_link() {
        let log = "error: linking with `musl-gcc` failed: exit status: 1
  = note: /usr/bin/ld: /usr/lib/x86_64-linux-gnu/libcrypto.a(x.o): in function `f':
          undefined reference to `__memcpy_chk'
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("__memcpy_chk"));
    }

    #[test]
    fn glibc_symbols_without_musl_are_not_this_rule() {
        let log = "  undefined reference to `__isoc23_sscanf'\n";
        first_of_kind(log, Kind::UnrecognisedFailure);
    }

    #[test]
    fn versioned_glibc_symbol_in_a_musl_target_dir() {
        let log = " = note: /usr/mipsel-linux-gnu/bin/ld: /w/target/mipsel-unknown-linux-musl/release/deps/libopenssl_sys-1.rlib(cryptlib.o): undefined reference to symbol '__vfprintf_chk@@GLIBC_2.3.4'\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("__vfprintf_chk"));
        assert_eq!(finding.target.as_deref(), Some("mipsel-unknown-linux-musl"));
    }

    #[test]
    fn proc_macro_crate_missing() {
        let log = "error[E0463]: can't find crate for `proc_macro`\n --> src/lib.rs:1:1\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fix_ids(&finding), ["pass_target_flag"]);
    }

    #[test]
    fn glibc_binary_on_alpine() {
        let log = "Error relocating /app/server: __memcpy_chk: symbol not found\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "binary"), Some("/app/server"));
    }
}
