//! Detects `musl_static`: failures particular to musl targets and static
//! C runtimes (crate types they cannot build, glibc-only symbols, dynamic
//! loading, glibc binaries on musl systems).

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind, Severity};

pub(super) const SUMMARY: &str = "a failure particular to musl or a static C runtime (crate types, glibc-only symbols, dynamic loading)";

pub(super) const TRIGGERS: &[&str] = &[
    // cargo's message, with the package and target in backticks (cargo
    // 1.4x–1.7x) or bare (newer cargo: `for foo v0.3.1 as the target …`).
    r"cannot produce (?:proc-macro|cdylib|dylib) for [`'‘]?[^`'’]+?[`'’]? as the target [`'‘]?[^`'’\s]+[`'’]? does not support these crate types",
    r"dropping unsupported crate type [`'‘]?\w+[`'’]? for target [`'‘]?[^`'’\s]+[`'’]?",
    r"Dynamic loading not supported",
    // musl's loader asked for glibc's own libraries: a glibc binary
    // started on a musl system (Alpine without gcompat).
    r"Error loading shared library (?:ld-linux[\w.-]*\.so\.\d|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2)(?-u:\b)",
    // glibc's static libraries (libdl.a, libpthread.a …) in a musl link:
    // they clash with musl's own libc.a.
    r"multiple definition of [`'‘][^'’]+['’];.*(?:libc|libdl|libpthread|libm|librt|libutil)\.a\(",
    // glibc-only symbols (fortified `__*_chk`, `__isoc99_*`, versioned
    // `@GLIBC_*`), as GNU ld, lld and mold say it.
    r"(?:undefined reference to (?:symbol )?[`'‘]|undefined symbol: )(?:__\w+_chk|__isoc\d+_\w+|gnu_get_libc_version|__res_n?init|__res_\w+|__dn_\w+|__open(?:at)?(?:64)?_2|__strdup|__libc_\w+|secure_getenv|__register_atfork|__cxa_thread_atexit_impl|__(?:f|l)?xstat(?:at)?(?:64)?|fcntl64|__sched_cpucount|__explicit_bzero_chk|__dl(?:open|close|sym|vsym|error|addr|info|iterate_phdr)|__libc_dl\w+|\w+@@?GLIBC_[\d.]+)(?-u:\b)",
    // The same in ld's translations (German, French, Russian, Italian,
    // Portuguese, Polish; Spanish, Chinese, Japanese put the symbol first).
    r"(?:undefinierter Verweis auf|référence indéfinie vers|неопределённая ссылка на|riferimento non definito a|referência não definida para|niezdefiniowane odwołanie do)\s*[»«“„`'‘\x22]\s*(?:__\w+_chk|__isoc99_\w+|gnu_get_libc_version|__res_n?init|__register_atfork|__cxa_thread_atexit_impl|[a-z]+64)(?-u:\b)",
    r"[»«“`'‘\x22](?:__\w+_chk|__isoc99_\w+|gnu_get_libc_version|__res_n?init|__register_atfork|__cxa_thread_atexit_impl|[a-z]+64)[’'»”\x22]\s*(?:sin definir|に対する定義されていない参照|未定义的引用)",
    // musl 1.2.4 dropped the LFS64 names (`stat64`, `lseek64` …) that
    // glibc-built objects call.
    r"(?:undefined reference to [`'‘]|undefined symbol: )(?:f?stat(?:at)?64|lstat64|statfs64|fstatfs64|lseek64|pread64|pwrite64|open64|openat64|fopen64|freopen64|ftello64|fseeko64|ftruncate64|truncate64|mmap64|readdir64(?:_r)?|getrlimit64|setrlimit64|posix_fadvise64|posix_fallocate64|sendfile64|tmpfile64|glob64|scandir64|alphasort64)['’]?(?:\s|$)",
    // glibc extensions musl leaves out (execinfo, fts, argp, obstack,
    // error(3), mallinfo …): only with musl nearby, the names are common.
    r"(?:undefined reference to [`'‘]|undefined symbol: )(?:backtrace(?:_symbols(?:_fd)?)?|mallinfo2?|malloc_stats|fts_(?:open|read|close|children|set)|argp_\w+|_?obstack_\w+|error_at_line|error|rawmemchr|fopencookie|getcontext|__progname_full|program_invocation_(?:short_)?name|re_comp|re_exec)['’]?(?:\s|$)",
    // A static link given shared objects, or non-PIE objects for a
    // static-pie musl binary; libgcc_s, which a static musl link lacks.
    r"attempted static link of dynamic object",
    r"can ?not be used when making a PIE object",
    r"(?i)cannot find -lgcc_s(?-u:\b)",
    // A static link of a C library that uses OpenSSL or ucontext, from a
    // -sys crate's archive: libssl/libcrypto (or musl's missing ucontext)
    // did not come after it.
    r"(?:undefined reference to [`'‘]|undefined symbol: )(?:SSL_|TLS_|DTLS_|ERR_|EVP_|CRYPTO_|BIO_|X509_|OPENSSL_|PEM_|RSA_|getcontext|makecontext|setcontext|swapcontext)\w*",
    r"can't find crate for [`'‘]proc_macro[`'’]",
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
/// __memcpy_chk`, `fstat64`, `backtrace`; only glibc defines the fortified
/// and `__isoc99_*` ones), `attempted static link of dynamic object`,
/// `Dynamic loading not supported`, a glibc binary on a musl
/// system (`Error relocating …: symbol not found`, or musl's loader asking
/// for `ld-linux-*.so` / `libc.so.6`), glibc's static `libdl.a` linked
/// next to musl's `libc.a` (`multiple definition of 'dlerror'`, `undefined
/// reference to '__dlopen'`, glibc's `dlopen` warning in a musl link), or
/// glibc warning that a "static" binary still needs its shared libraries
/// (`getaddrinfo`). OpenSSL symbols missing from a static archive count only
/// off glibc targets and sysroots (on glibc they are a link order problem).
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
        // A static link prints a page of missing symbols: one finding for
        // the page, named after its first symbol, with all of them listed.
        if let Some(page) = findings
            .iter_mut()
            .find(|known| same_page_of_symbols(known, &finding))
        {
            extend_page(page, &finding);
            continue;
        }
        if !findings
            .iter()
            .any(|known| known.message == finding.message)
        {
            findings.push(finding);
        }
    }
    findings
}

/// Whether two symbol findings come from one link: the second starts
/// within a few lines of where the first ends (the same relocating binary
/// for a musl loader's list).
fn same_page_of_symbols(known: &Finding, new: &Finding) -> bool {
    // Under one `linking with` header every finding starts at the header:
    // compare where each symbol's line is.
    let (Some([_, known_last]), Some([_, new_last])) = (known.evidence.lines, new.evidence.lines)
    else {
        return false;
    };
    let both_symbols = known.facts.contains_key("symbol")
        && new.facts.contains_key("symbol")
        && known.kind == new.kind
        && known.severity == new.severity;
    let same_binary = known.facts.get("binary") == new.facts.get("binary");
    both_symbols && same_binary && new_last >= known_last && new_last - known_last <= 12
}

fn extend_page(page: &mut Finding, next: &Finding) {
    if let (Some([first, _]), Some([_, last])) = (page.evidence.lines, next.evidence.lines) {
        page.evidence.lines = Some([first, last]);
    }
    let Some(symbol) = next.facts.get("symbol").cloned() else {
        return;
    };
    let first = page.facts.get("symbol").cloned();
    let symbols = page
        .facts
        .entry("symbols".to_owned())
        .or_insert_with(|| serde_json::json!(first.into_iter().collect::<Vec<_>>()));
    if let Some(list) = symbols.as_array_mut()
        && !list.contains(&symbol)
    {
        list.push(symbol);
    }
}

fn describe(cx: &Context<'_>, index: usize) -> Option<Finding> {
    let content = cx.content(index);
    let crate_types = regex!(
        r"cannot produce (proc-macro|cdylib|dylib) for [`'‘]?([^`'’]+?)[`'’]? as the target [`'‘]?([^`'’\s]+?)[`'’]? does not|dropping unsupported crate type [`'‘]?(\w+)[`'’]? for target [`'‘]?([^`'’\s]+?)[`'’]?(?:\s|$)"
    );
    if let Some(captures) = crate_types.captures(content) {
        return describe_crate_type(cx, index, &captures);
    }
    if content.contains("can't find crate for") && content.contains("proc_macro") {
        return Some(describe_missing_proc_macro(cx, index));
    }
    let symbol = regex!(
        r"undefined reference to (?:symbol )?[`'‘]([^'’@]+)[^'’]*['’]|undefined symbol: ([^\s@]+)|Error relocating (\S+): (\S+): symbol not found|(?:Verweis auf|vers|ссылка на|non definito a|definida para|odwołanie do)\s*[»«“„`'‘\x22]\s*([A-Za-z_]\w*)|[»«“`'‘\x22]([A-Za-z_]\w*)[’'»”\x22]\s*(?:sin definir|に対する|未定义)"
    );
    if let Some(captures) = symbol.captures(content) {
        return describe_glibc_symbol(cx, index, &captures);
    }
    if regex!(r"(?i)attempted static link|making a PIE object|cannot find -lgcc_s")
        .is_match(content)
    {
        return describe_static_link(cx, index);
    }
    if let Some(c) = regex!(r"Error loading shared library (\S+?):? ").captures(content) {
        let mut finding = cx.finding(Kind::MuslStatic, "", index, index);
        let library = c[1].to_owned();
        finding = text_fact(finding, "library", Some(&library));
        finding.message =
            format!("a glibc binary was started on a musl system: musl's loader has no {library}");
        return Some(
            finding
                .with_fix(
                    fix::USE_MUSL_TARGET,
                    "Build a static musl binary for musl systems",
                )
                .with_fix(
                    fix::FETCH_SYSROOT_AND_WIRE,
                    "Or run it on a glibc system of the release it was linked for",
                ),
        );
    }
    if content.contains("multiple definition of")
        || content.contains("in statically linked applications requires")
    {
        if let Some(finding) = describe_glibc_archive_in_musl_link(cx, index) {
            return Some(finding);
        }
        if content.contains("multiple definition of") {
            return None;
        }
    }
    Some(describe_static_runtime(cx, index))
}

/// glibc's static libraries linked into a musl binary: `libdl.a`'s
/// `dlerror` defined twice next to musl's own `libc.a`, or glibc's warning
/// that `dlopen` in a static binary needs glibc's shared libraries, in a
/// link for a musl target.
fn describe_glibc_archive_in_musl_link(cx: &Context<'_>, index: usize) -> Option<Finding> {
    let content = cx.content(index);
    let musl = cx.target_at(index).is_some_and(|t| t.contains("musl"))
        || (index.saturating_sub(12)..=index + 3).any(|i| {
            let lower = cx.content(i).to_ascii_lowercase();
            lower.contains("musl") || lower.contains("alpine")
        });
    if !musl {
        return None;
    }
    let archive = regex!(r"(?:^|[\s;/])((?:libc|libdl|libpthread|libm|librt|libutil)\.a)\(")
        .captures_iter(content)
        .map(|c| c[1].to_owned())
        .find(|name| name != "libc.a" || !content.contains("self-contained"));
    let symbol = regex!(r"(?:multiple definition of [`'‘]|Using ')([^'’]+)['’]")
        .captures(content)
        .map(|c| c[1].to_owned());
    let start = cx.linking_error(index).map_or(index, |(header, _)| header);
    let mut finding = cx.finding(Kind::MuslStatic, "", start, index);
    finding = text_fact(finding, "symbol", symbol.as_deref());
    finding = text_fact(finding, "library", archive.as_deref());
    let for_target = cx.for_target(&finding);
    let what = archive.as_deref().map_or_else(
        || "glibc's static libraries".to_owned(),
        |archive| format!("glibc's {archive}"),
    );
    finding.message = format!(
        "a musl link{for_target} pulled in {what}, which clashes with musl's own C library"
    );
    Some(
        finding
            .with_fix(
                fix::FETCH_SYSROOT_AND_WIRE,
                "Link against musl's libraries only (a musl sysroot), not the host's glibc archives",
            )
            .with_fix(
                fix::USE_GNU_TARGET,
                "Build for a -gnu target when the code needs dlopen",
            ),
    )
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
    // rustc's `dropping unsupported crate type` is a warning; `cannot
    // produce cdylib` stops the build.
    if cx
        .content(index)
        .contains("dropping unsupported crate type")
    {
        finding.severity = Severity::Warning;
    }
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
    let relocating_binary = captures.get(3).map(|m| m.as_str());
    let symbol = captures
        .get(1)
        .or(captures.get(2))
        .or(captures.get(4))
        .or(captures.get(5))
        .or(captures.get(6))?
        .as_str();
    // `_Unwind_*` missing at load time is libgcc_s not being installed: the
    // loader says so on its own line (runtime_missing_shared_lib).
    if relocating_binary.is_some() && symbol.starts_with("_Unwind_") {
        return None;
    }
    // musl's loader lists the symbols of a library it could not load
    // (`Error loading shared library libstdc++.so.6 … (needed by ./app)`):
    // the missing library is the cause (runtime_missing_shared_lib), unless
    // the symbol is one only glibc has: then the binary is a glibc one.
    let glibc_only = regex!(
        r"^(?:__\w+_chk|__isoc\d+_\w+|gnu_get_libc_version|__res_n?init|__libc_\w+|__register_atfork|__cxa_thread_atexit_impl|__(?:f|l)?xstat(?:at)?(?:64)?|fcntl64|__sched_cpucount)$"
    )
    .is_match(symbol);
    if let Some(binary) = relocating_binary.filter(|_| !glibc_only) {
        let needed_by = format!("(needed by {binary})");
        let missing_library_first = (index.saturating_sub(40)..index).any(|i| {
            let line = cx.content(i);
            line.starts_with("Error loading shared library") && line.contains(&needed_by)
        });
        if missing_library_first {
            return None;
        }
    }
    // The object the linker was reading: the `in function` line above
    // (GNU ld), or lld's `>>> referenced by … in archive …` lines below.
    let nearby = (index.saturating_sub(12)..=index + 3).map(|i| cx.content(i));
    let mut static_archive = false;
    let mut musl_nearby = false;
    for line in nearby {
        let lower = line.to_ascii_lowercase();
        musl_nearby |=
            lower.contains("musl") || lower.contains("-static") || lower.contains("alpine");
        static_archive |= line.contains(".a(")
            || line.contains(".rlib(")
            || regex!(r"in archive \S+\.(?:a|rlib)\b").is_match(line);
    }
    let openssl_or_ucontext = regex!(
        r"^(?:SSL_|TLS_|DTLS_|ERR_|EVP_|CRYPTO_|BIO_|X509_|OPENSSL_|PEM_|RSA_|getcontext|makecontext|setcontext|swapcontext)"
    )
    .is_match(symbol);
    // Only glibc defines these, on every system: a link that misses one
    // has another C library (musl, or a static glibc without them), unless
    // the target is a bare-metal, Apple, Windows or Android one.
    let only_glibc_defines = regex!(
        r"^(?:__\w+_chk|__isoc99_\w+|gnu_get_libc_version|__res_n?init|__res_n\w+|__dn_expand|__open(?:at)?(?:64)?_2|__strdup|__register_atfork|__cxa_thread_atexit_impl|__dl(?:open|close|sym|vsym|error|addr|info)|__libc_dl\w+)$"
    )
    .is_match(symbol)
        && !cx.target_at(index).is_some_and(|t| {
            regex!(r"none|eabi$|apple|windows|android|wasm|uefi").is_match(&t)
        });
    // OpenSSL's symbols missing from a static archive on a glibc target
    // (`arm-unknown-linux-gnueabihf`) are a link order or a missing
    // libcrypto, not musl.
    let glibc_target = || {
        !musl_nearby
            && (cx
                .target_at(index)
                .is_some_and(|t| !t.contains("musl") && !t.contains("alpine"))
                || (index.saturating_sub(12)..=index + 3)
                    .any(|i| regex!(r"[a-z0-9_]-linux-gnu").is_match(cx.content(i))))
    };
    let musl_involved = relocating_binary.is_some()
        || only_glibc_defines
        || musl_nearby
        || (openssl_or_ucontext && static_archive && !glibc_target())
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
        None if openssl_or_ucontext => format!(
            "a static link is missing `{symbol}`: the C library that needs it was linked without a static OpenSSL (or musl's ucontext) after it"
        ),
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

/// A static link that cannot be made: shared objects given to it
/// (`attempted static link of dynamic object`), objects not built as PIE
/// for a static-pie musl binary, or libgcc_s, which has no static form.
/// Without a musl or static link nearby these are other rules' (a plain
/// missing library, a PIC problem).
fn describe_static_link(cx: &Context<'_>, index: usize) -> Option<Finding> {
    let content = cx.content(index);
    let dynamic_object =
        regex!(r"attempted static link of dynamic object [`'‘]?([^'’\s]+?)['’]?(?:\s|$)")
            .captures(content)
            .map(|c| c[1].to_owned());
    let static_nearby = (index.saturating_sub(12)..=index + 3).any(|i| {
        let lower = cx.content(i).to_ascii_lowercase();
        lower.contains("musl") || lower.contains("-static") || lower.contains("alpine")
    });
    let musl = static_nearby
        || cx.target_at(index).is_some_and(|t| t.contains("musl"))
        || cx
            .linking_error(index)
            .is_some_and(|(_, linker)| linker.contains("musl"));
    if dynamic_object.is_none() && !musl {
        return None;
    }
    let start = cx.linking_error(index).map_or(index, |(header, _)| header);
    let mut finding = cx.finding(Kind::MuslStatic, "", start, index);
    let for_target = cx.for_target(&finding);
    finding.message = if let Some(object) = &dynamic_object {
        format!("a static link{for_target} was given the shared library {object}")
    } else if content.contains("PIE object") {
        format!("a static-pie musl link{for_target} got C objects built without -fPIE")
    } else {
        format!("a static musl link{for_target} asked for libgcc_s, which has no static form")
    };
    finding = text_fact(finding, "library", dynamic_object.as_deref());
    Some(
        finding
            .with_fix(
                fix::FETCH_SYSROOT_AND_WIRE,
                "Link against a musl sysroot with static (.a) libraries built for the target",
            )
            .with_fix(
                fix::USE_VENDORED_OPENSSL,
                "Build C dependencies from source for musl (e.g. vendored OpenSSL)",
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

    #[test]
    fn pages_of_openssl_symbols_from_a_sys_crate_in_straight_quotes() {
        let log = "  /usr/bin/ld: /w/target/x86_64-unknown-linux-musl/release/deps/libpq_sys-9.rlib(fe-secure-openssl.o): in function 'pgtls_init':
  fe-secure-openssl.c:(.text+0x1a): undefined reference to 'SSL_CTX_new'
  fe-secure-openssl.c:(.text+0x2b): undefined reference to 'SSL_CTX_set_options'
  fe-secure-openssl.c:(.text+0x3c): undefined reference to 'ERR_get_error'
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("SSL_CTX_new"));
        assert_eq!(super::super::testing::explain(log).len(), 1);
    }

    #[test]
    fn lld_undefined_symbol_in_an_archive() {
        let log = "ld.lld: error: undefined symbol: SSL_CTX_new
>>> referenced by fe-secure-openssl.c
>>>               fe-secure-openssl.o:(pgtls_init) in archive /w/target/x86_64-unknown-linux-musl/release/deps/libpq_sys-1.rlib
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("SSL_CTX_new"));
    }

    #[test]
    fn crate_type_messages_in_straight_quotes() {
        let log = "error: cannot produce proc-macro for 'serde_derive v1.0.200' as the target 'x86_64-unknown-linux-musl' does not support these crate types\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "crate"), Some("serde_derive"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-musl"));
        let log = "error[E0463]: can't find crate for 'proc_macro'\n";
        first_of_kind(log, Kind::MuslStatic);
    }

    #[test]
    fn glibc_stat_symbols_in_a_musl_link() {
        let log = "  /usr/lib/gcc/x86_64-alpine-linux-musl/13/../../../../x86_64-alpine-linux-musl/bin/ld: /opt/lib/libfoo.a(io.o): in function `read_all':
  io.c:(.text+0x9): undefined reference to `__fxstat64'
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("__fxstat64"));
    }

    #[test]
    fn symbols_of_a_library_the_musl_loader_could_not_load_are_not_this_rule() {
        let log = "Error loading shared library libstdc++.so.6: No such file or directory (needed by ./app)
Error relocating ./app: __cxa_guard_acquire: symbol not found
";
        first_of_kind(log, Kind::RuntimeMissingSharedLib);
        let glibc = "Error loading shared library libgcc_s.so.1: No such file or directory (needed by /bin/br)
Error relocating /bin/br: __isoc23_sscanf: symbol not found
";
        first_of_kind(glibc, Kind::MuslStatic);
    }

    #[test]
    fn fortified_symbols_need_no_musl_word_nearby() {
        // An Alpine build with a plain `/usr/bin/ld` and a prebuilt archive:
        // only glibc defines `__memcpy_chk`, so its absence is musl.
        let log = "/usr/bin/ld: libcore_static.a(vrf.c.o): in function `ge_from_uniform':
vrf.c:(.text+0x2e1): undefined reference to `__memcpy_chk'
/usr/bin/ld: vrf.c:(.text+0x2f8): undefined reference to `__memset_chk'
collect2: error: ld returned 1 exit status
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("__memcpy_chk"));
        let log = "#14 52.1   = note: ld.lld: error: undefined symbol: gnu_get_libc_version\n#14 52.1           >>> referenced by util.c\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("gnu_get_libc_version"));
        let log = "2026-01-02T03:04:05.6789012Z mold: error: undefined symbol: __isoc99_sscanf\n";
        first_of_kind(log, Kind::MuslStatic);
    }

    #[test]
    fn fortified_symbols_on_bare_metal_are_not_musl() {
        let log = "error: linking with `arm-none-eabi-gcc` failed: exit status: 1\n  = note: /w/target/thumbv7em-none-eabihf/debug/deps/libfoo.rlib(x.o): undefined reference to `__memcpy_chk'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
    }

    #[test]
    fn lfs64_symbols_gone_from_musl_1_2_4() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/lib/gcc/x86_64-alpine-linux-musl/13.2.1/../../../../x86_64-alpine-linux-musl/bin/ld: /w/target/release/deps/librocksdb_sys-1.rlib(env_posix.o): in function `rocksdb::PosixFileSystem::GetFileSize':
          env_posix.cc:(.text+0x55): undefined reference to `fstat64'
          env_posix.cc:(.text+0x9a): undefined reference to `lseek64'
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("fstat64"));
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        // Without musl anywhere it is not this rule.
        let log = "  /usr/bin/ld: x.o: in function `f':\n  x.c:(.text+0x1): undefined reference to `lseek64'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
    }

    #[test]
    fn glibc_only_symbols_in_ld_translations() {
        let cases = [
            "/usr/bin/ld: x.c:(.text+0x9): undefinierter Verweis auf »__memcpy_chk«\n",
            "/usr/bin/ld : x.c:(.text+0x9) : référence indéfinie vers « __fprintf_chk »\n",
            "/usr/bin/ld: x.c:(.text+0x9): неопределённая ссылка на «__isoc99_sscanf»\n",
            "/usr/bin/ld: x.c:(.text+0x9): referencia a `__memcpy_chk' sin definir\n",
            "/usr/bin/ld: x.c:(.text+0x9)：对‘__memcpy_chk’未定义的引用\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::MuslStatic);
            assert!(
                fact(&finding, "symbol").is_some_and(|s| s.starts_with("__")),
                "{log}"
            );
        }
    }

    #[test]
    fn static_links_that_cannot_be_made() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: attempted static link of dynamic object `/usr/lib/x86_64-linux-gnu/libssl.so'
          collect2: error: ld returned 1 exit status
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libssl.so")
        );
        assert_eq!(finding.evidence.lines, Some([1, 2]));
        let log = "error: linking with `musl-gcc` failed: exit status: 1
  = note: /usr/bin/ld: /usr/lib/x86_64-linux-gnu/libz.a(deflate.o): relocation R_X86_64_32 against `.rodata' can not be used when making a PIE object; recompile with -fPIE
";
        first_of_kind(log, Kind::MuslStatic);
        let log = "  = note: /usr/local/musl/bin/x86_64-linux-musl-ld: cannot find -lgcc_s: No such file or directory\n";
        first_of_kind(log, Kind::MuslStatic);
    }

    #[test]
    fn libgcc_s_or_pic_without_musl_are_not_this_rule() {
        let log = "  = note: /usr/aarch64-linux-gnu/bin/ld: cannot find -lgcc_s: No such file or directory\n";
        first_of_kind(log, Kind::MissingLibraryAtLink);
        let log = "/usr/bin/ld: libz.a(deflate.o): relocation R_X86_64_32 against `.rodata' can not be used when making a PIE object; recompile with -fPIE\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
    }

    #[test]
    fn more_symbols_only_glibc_defines() {
        for symbol in [
            "__open_2",
            "__openat64_2",
            "__res_nquery",
            "__dn_expand",
            "__strdup",
        ] {
            let log = format!(
                "  /usr/bin/ld: libfoo.a(x.o): in function `f':\n  x.c:(.text+0x9): undefined reference to `{symbol}'\n"
            );
            let finding = first_of_kind(&log, Kind::MuslStatic);
            assert_eq!(fact(&finding, "symbol"), Some(symbol));
        }
    }

    #[test]
    fn prefixed_and_crlf_excerpts() {
        let cases = [
            "#7 88.1   = note: /usr/local/bin/x86_64-linux-musl-ld: /w/target/x86_64-unknown-linux-musl/release/deps/libz_sys-1.rlib(gzlib.o): undefined reference to `__fprintf_chk'\r\n",
            "2026-05-06T07:08:09.1234567Z ld.lld: error: undefined symbol: __register_atfork\r\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::MuslStatic);
            assert!(fact(&finding, "symbol").is_some(), "{log}");
        }
    }

    #[test]
    fn glibc_extensions_musl_leaves_out() {
        let log = "error: linking with `x86_64-linux-musl-gcc` failed: exit status: 1
  = note: /usr/local/musl/bin/../lib/gcc/x86_64-linux-musl/9.2.0/../../../../x86_64-linux-musl/bin/ld: /w/target/x86_64-unknown-linux-musl/release/deps/libfoo_sys-1.rlib(trace.o): in function `dump':
          trace.c:(.text+0x1c): undefined reference to `backtrace'
          trace.c:(.text+0x2e): undefined reference to `backtrace_symbols_fd'
";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "symbol"), Some("backtrace"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-musl"));
        // On glibc a missing `error` is some other library's.
        let log = "  /usr/bin/ld: x.o: in function `f':\n  x.c:(.text+0x1): undefined reference to `error'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
    }

    #[test]
    fn openssl_symbols_missing_from_a_glibc_cross_sysroot_are_not_musl() {
        let log = "  /opt/x-tools/aarch64-unknown-linux-gnu/aarch64-unknown-linux-gnu/sysroot/usr/lib/libssl.a(ssl_lib.o): In function `SSL_CTX_new':
  ssl_lib.c:(.text+0x1c4): undefined reference to `EVP_MD_CTX_new'
  ssl_lib.c:(.text+0x1d8): undefined reference to `ERR_put_error'
";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
        // The same archive in a musl sysroot is this rule's.
        let musl = log.replace("aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl");
        first_of_kind(&musl, Kind::MuslStatic);
    }

    #[test]
    fn a_cdylib_the_target_cannot_produce_stops_the_build() {
        let log = "#9 31.2 error: cannot produce cdylib for `plugin v0.2.0 (/src/plugin)` as the target `armv7-unknown-linux-musleabihf` does not support these crate types\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(finding.severity, crate::finding::Severity::Error);
        assert_eq!(fact(&finding, "crate"), Some("plugin"));
        assert_eq!(fix_ids(&finding), ["use_gnu_target"]);
        let log = "warning: dropping unsupported crate type `cdylib` for target `x86_64-unknown-linux-musl`\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(finding.severity, crate::finding::Severity::Warning);
    }

    #[test]
    fn musls_loader_asked_for_glibcs_own_libraries() {
        for library in ["ld-linux-aarch64.so.1", "libc.so.6", "libpthread.so.0"] {
            let log = format!(
                "/ # ./srv\nError loading shared library {library}: No such file or directory (needed by ./srv)\n"
            );
            let finding = first_of_kind(&log, Kind::MuslStatic);
            assert_eq!(fact(&finding, "library"), Some(library));
        }
        // Any other library missing is just missing.
        let log = "Error loading shared library libpq.so.5: No such file or directory (needed by ./srv)\n";
        first_of_kind(log, Kind::RuntimeMissingSharedLib);
    }

    #[test]
    fn a_static_link_without_libc_a_is_a_missing_library() {
        // `-static` without the static C library installed: the library is
        // what is missing, musl or not.
        let log = "gcc -static -O2 tool.c -o tool\n/usr/bin/ld: cannot find -lc\ncollect2: error: ld returned 1 exit status\n";
        first_of_kind(log, Kind::MissingLibraryAtLink);
    }

    #[test]
    fn glibcs_static_libdl_in_a_musl_link() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: /w/target/x86_64-unknown-linux-musl/debug/deps/app-1.app.2-cgu.0.rcgu.o: in function `plugin::load':
          /w/src/plugin.rs:12: warning: Using 'dlopen' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking
          /usr/bin/ld: /opt/rust/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained/libc.a(dlsym.lo): in function `dlsym':
          dlsym.c:(.text+0x0): multiple definition of `dlsym'; /usr/lib/x86_64-linux-gnu/libdl.a(dlsym.o):(.text+0x0): first defined here
          /usr/bin/ld: /usr/lib/x86_64-linux-gnu/libdl.a(dlopen.o): in function `dlopen':
          (.text+0x9): undefined reference to `__dlopen'
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings[0].kind, Kind::MuslStatic, "{findings:#?}");
        assert_eq!(findings[0].severity, crate::finding::Severity::Error);
        assert!(findings[0].message.contains("glibc"), "{findings:#?}");
        let clash = log.lines().nth(4).unwrap_or_default();
        let finding = first_of_kind(
            &format!("cargo build --target x86_64-unknown-linux-musl\n{clash}\n"),
            Kind::MuslStatic,
        );
        assert_eq!(fact(&finding, "library"), Some("libdl.a"));
        // The glibc warning in a static glibc build stays a warning.
        let glibc = "/w/src/plugin.rs:12: warning: Using 'dlopen' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n";
        let finding = first_of_kind(glibc, Kind::MuslStatic);
        assert_eq!(finding.severity, crate::finding::Severity::Warning);
        // Two definitions of a symbol in a glibc link are not musl's.
        let log = "/usr/bin/ld: x.o: multiple definition of `dlerror'; /usr/lib/x86_64-linux-gnu/libdl.a(dlerror.o):(.text+0x0): first defined here\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MuslStatic)
        );
    }

    /// cargo's crate-type refusal as newer cargo prints it, the package
    /// and target bare (no backticks), and rustc's `dropping unsupported
    /// crate type` warning the same way.
    #[test]
    fn proc_macro_with_crt_static_without_backticks() {
        let log = "error: cannot produce proc-macro for my-derive v0.3.1 as the target x86_64-unknown-linux-gnu does not support these crate types\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "crate"), Some("my-derive"));
        assert_eq!(fact(&finding, "crate_version"), Some("0.3.1"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(fix_ids(&finding), ["pass_target_flag"]);
        let log = "warning: dropping unsupported crate type cdylib for target x86_64-unknown-linux-musl\n";
        let finding = first_of_kind(log, Kind::MuslStatic);
        assert_eq!(fact(&finding, "crate_type"), Some("cdylib"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-musl"));
    }
}
