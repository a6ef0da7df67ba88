//! Detects `wrong_arch_library`: the linker met a library built for another
//! architecture than the one it links for.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the linker found a library or object built for another architecture";

pub(super) const TRIGGERS: &[&str] = &[
    r"skipping incompatible \S+ when searching for ",
    r"\.(?:so|a|dylib)(?:\.[\d.]+)?(?:\([^)]*\))?: (?:error adding symbols: )?[Ff]ile in wrong format",
    r"\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?: Relocations in generic ELF",
    r"\.(?:so|a)(?:\.[\d.]+)? is incompatible with \S+",
    r"ignoring file \S+\.(?:dylib|a|tbd)\b.*building for .* but attempting to link with file built for",
    r"found architecture '[^']+', required architecture '[^']+'",
    // C objects of another architecture inside an rlib (a -sys crate's
    // `libfoo_sys-….rlib(bio.c.o)`), or loose C objects given to a cross linker.
    r"\.rlib\([^)]+\.o\)(?::)? (?:is incompatible with|Relocations in generic ELF)",
    r"\.rlib\([^)]+\.o\): (?:error adding symbols: )?[Ff]ile in wrong format",
    r"\.o: Relocations in generic ELF",
];

/// Diagnostic: wrong_arch_library
///
/// **What it means.** The linker (a correct one for the target) found a
/// library of another architecture where it searched: GNU ld's `skipping
/// incompatible /usr/lib/x86_64-linux-gnu/libsqlite3.so when searching for
/// -lsqlite3`, `file in wrong format`, lld's `libgreet.so is incompatible with
/// elf64-x86-64`, or Apple ld's `ignoring file …, building for macOS-arm64 but
/// attempting to link with file built for macOS-x86_64`.
///
/// **Why it happens.** A library search path points at the host's libraries
/// (`-L /usr/lib/x86_64-linux-gnu`, a `*_LIB_DIR` or pkg-config answer for
/// the host), or a prebuilt library for one architecture is linked into a
/// build for another.
///
/// **How to fix.** Link against the target's own libraries: fetch a Debian
/// sysroot for the target with the library's `-dev` package and point the
/// search paths and pkg-config there instead of at the host's directories
/// (`fetch_sysroot_and_wire`, `configure_pkg_config`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for &index in hits {
        let Some(library) = library_named(cx.content(index)) else {
            continue;
        };
        if is_rust_object(&library) {
            continue;
        }
        // A loose C object given to the host's own linker is the host
        // linker being used for the target (host_linker_used says so).
        if library.ends_with(".o") && super::host_linker_used::is_host_ld_line(cx.content(index)) {
            continue;
        }
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
        match groups.iter_mut().find(|(known, _)| *known == start) {
            Some((_, lines)) => lines.push(index),
            None => groups.push((start, vec![index])),
        }
    }
    groups
        .into_iter()
        .map(|(start, lines)| describe(cx, start, &lines))
        .collect()
}

fn library_named(content: &str) -> Option<String> {
    let pattern = regex!(
        r"skipping incompatible (\S+) when|(\S+\.rlib\([^)]+\.o\))(?::)? (?:is incompatible with|Relocations|(?:error adding symbols: )?[Ff]ile in wrong format)|(\S+\.o): Relocations|(\S+\.(?:so|a|dylib)(?:\.[\d.]+)?)(?:\([^)]*\))?: (?:error adding symbols: )?[Ff]ile in wrong format|(\S+\.(?:so|a)(?:\.[\d.]+)?)(?:\([^)]*\))?: Relocations|(\S+) is incompatible with|ignoring file ([^,\s]+),|found architecture '[^']+', required architecture '[^']+'\): (\S+)"
    );
    let captures = pattern.captures(content)?;
    let library = captures.iter().skip(1).flatten().next()?.as_str();
    Some(library.trim_matches(['\'', '`', ',']).to_owned())
}

fn is_rust_object(path: &str) -> bool {
    path.ends_with(".rcgu.o") || (path.ends_with(".o") && path.contains("/target/"))
}

/// The `-l` name a library was searched for, from `skipping … for -lX`.
fn searched_name(content: &str) -> Option<&str> {
    regex!(r"when searching for -l(\S+)")
        .captures(content)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

fn describe(cx: &Context<'_>, start: usize, lines: &[usize]) -> Finding {
    let libraries: Vec<String> = lines
        .iter()
        .filter_map(|&i| library_named(cx.content(i)))
        .fold(Vec::new(), |mut all, library| {
            if !all.contains(&library) {
                all.push(library);
            }
            all
        });
    // libc is skipped as a side effect of a wrong search path; the library
    // the user asked for says more.
    let is_libc = |path: &str| {
        let file = path.rsplit('/').next().unwrap_or(path);
        [
            "libc.",
            "libm.",
            "libdl.",
            "libpthread.",
            "libgcc",
            "libc_nonshared.",
        ]
        .iter()
        .any(|prefix| file.starts_with(prefix))
    };
    let primary = libraries
        .iter()
        .find(|library| !is_libc(library))
        .or(libraries.first())
        .cloned()
        .unwrap_or_default();
    let last = *lines.last().unwrap_or(&start);
    let linker = cx.linking_error(last).map(|(_, linker)| linker);
    let mut finding = cx.finding(Kind::WrongArchLibrary, "", start, last);
    let searched = lines
        .iter()
        .find(|&&i| library_named(cx.content(i)).as_deref() == Some(primary.as_str()))
        .and_then(|&i| searched_name(cx.content(i)));
    finding = text_fact(finding, "library", Some(&primary));
    finding = text_fact(finding, "searched_for", searched);
    finding = text_fact(finding, "linker", linker.as_deref());
    finding = finding.with_fact("libraries", serde_json::json!(libraries));
    let for_target = cx.for_target(&finding);
    finding.message = format!(
        "the linker{for_target} found `{primary}`, which is built for another architecture"
    );
    finding
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            "Fetch a Debian sysroot for the target and link against its libraries instead",
        )
        .with_fix(
            fix::CONFIGURE_PKG_CONFIG,
            "Point library search paths and pkg-config at the target's libraries, not the host's",
        )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind};
    use crate::finding::Kind;

    #[test]
    fn skipping_incompatible_host_libraries() {
        let log = "error: linking with `aarch64-linux-gnu-gcc` failed: exit status: 1
  = note: /usr/aarch64-linux-gnu/bin/ld: skipping incompatible /usr/lib/x86_64-linux-gnu/libc.so when searching for -lc
          /usr/aarch64-linux-gnu/bin/ld: skipping incompatible /usr/lib/x86_64-linux-gnu/libsqlite3.so when searching for -lsqlite3
          /usr/aarch64-linux-gnu/bin/ld: cannot find -lsqlite3: No such file or directory
";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libsqlite3.so")
        );
        assert_eq!(fact(&finding, "searched_for"), Some("sqlite3"));
        assert_eq!(finding.evidence.lines, Some([1, 3]));
        let kinds: Vec<Kind> = super::super::testing::explain(log)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(kinds, [Kind::WrongArchLibrary, Kind::MissingLibraryAtLink]);
    }

    #[test]
    fn lld_incompatible_shared_library() {
        let log = "  = note: rust-lld: error: /w/prebuilt/aarch64/libgreet.so is incompatible with elf64-x86-64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/w/prebuilt/aarch64/libgreet.so")
        );
    }

    #[test]
    fn apple_ld_ignoring_file() {
        let log = "ld: warning: ignoring file /opt/homebrew/lib/libssl.dylib, building for macOS-x86_64 but attempting to link with file built for macOS-arm64\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }
}
