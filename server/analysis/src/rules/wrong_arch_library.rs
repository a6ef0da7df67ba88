//! Detects `wrong_arch_library`: the linker met a library built for another
//! architecture than the one it links for.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

/// bfd's `Relocations in generic ELF (EM: N)` in its translations (da, es,
/// fi, fr, id, ja, pt, ro, ru, sr, sv, tr, uk, vi), English first.
macro_rules! relocations_words {
    () => {
        "[Rr]elocations in generic ELF|Relokeringer i generisk ELF|Reubicaciones en ELF genérico|Sijoituksia geneerisessä ELF|Réadressages en format ELF générique|Relokasi dalam ELF standar|一般的な ELF 内の再配置|relocalizações em ELF|Realocări în ELF generic|Перемещения в универсальном ELF|Премештања у општем|omlokaliseringar i vanlig ELF|Normal ELF'de yerdeğişimler|пересування у типовому ELF|Định vị lại trong ELF chung"
    };
}
pub(super) use relocations_words;

/// GNU ld's `%s architecture of input file `%s' is incompatible with %s
/// output` in its translations (es, fr, ru, pt_BR, uk, it, zh_CN, zh_TW,
/// ja), up to the file name.
macro_rules! input_architecture_words {
    () => {
        "(?:arquitectura \\S+ del fichero de entrada|architecture \\S+ du fichier d'entrée|архитектура \\S+ входного файла|a arquitetura \\S+ do arquivo de entrada|архітектура \\S+ файла вхідних даних|l'architettura del file di input|架构于输入文件|架構於輸入檔案|アーキテクチャ \\(入力ファイル)"
    };
}
pub(super) use input_architecture_words;

/// GNU ld's `error adding symbols` and bfd's `file in wrong format` /
/// `file format not recognized` in their translations, English first.
macro_rules! wrong_format_words {
    () => {
        "(?:[Ee]rror adding symbols: )?[Ff]ile in wrong format|(?:[Ee]rror adding symbols: )?[Ff]ile format not recognized|error al añadir símbolos|erreur lors de l'ajout de symboles|ошибка добавления символов|erro ao adicionar símbolos|грешка при добавяне на имената|помилка під час спроби додати символи|无法添加符号|無法加入符號|semboller eklenirken hata|грешка додавања симбола|earráid agus siombailí á gcur leis|fichier dans un mauvais format|файл в неправильном формате|ficheiro em formato errado|fișier în format eronat|файл у помилковому форматі|датотека је у погрешном запису|format de fichier non reconnu|формат файла не распознан|formato de ficheiro não reconhecido"
    };
}
pub(super) use wrong_format_words;

pub(super) const SUMMARY: &str =
    "the linker found a library or object built for another architecture";

pub(super) const TRIGGERS: &[&str] = &[
    // GNU ld (bfd) and mold: `skipping incompatible X when searching for -lY`.
    r"(?i)skipping incompatible \S+ when searching for ",
    r"(?i)skipping incompatible file ",
    r"(?i)\.(?:so|a|dylib|lib)(?:\.[\d.]+)?(?:\([^)]*\))?: (?:error adding symbols: )?file in wrong format",
    r"(?i)\.(?:so|a|dylib)(?:\.[\d.]+)?(?:\([^)]*\))?: file not recognized: file format not recognized",
    r"(?i)\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?: relocations in generic ELF",
    // lld, and gold's `incompatible target`.
    r"\.(?:so|a|lib)(?:\.[\d.]+)?(?:\([^)]*\))?:? is incompatible with \S+",
    // mold: `libz.a(adler32.o): incompatible file type: aarch64 is expected
    // but got x86_64`.
    r"\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?: incompatible file type",
    r"\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?: incompatible target",
    // lld (ELF) and mold on a library of another object format (a Mach-O
    // or COFF archive): `ld.lld: error: libfoo.a: unknown file type`.
    r"(?:lld|mold)(?:-[\d.]+)?(?:\.exe)?: (?:error|fatal): \S+\.(?:so|a|dylib|lib)(?:\.[\d.]+)?(?:\([^)]*\))?: unknown file type",
    // gold: `libfoo.so: unsupported ELF machine number 62`.
    r"\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?: unsupported ELF machine number \d+",
    r"architecture of input file [`'‘][^'’]*\.(?:a|so)(?-u:\b)[^'’]*['’] is incompatible with",
    concat!(
        input_architecture_words!(),
        r",?\s?[`'‘«“„\x22]?\s?\S+\.(?:a|so)(?:\.[\d.]+)?(?:\([^)]*\))?\s?['’»”\x22]"
    ),
    // Apple ld, old and new (ld-prime, Xcode 15).
    // (Paths with spaces, as Xcode projects have; C objects too: on macOS
    // one ld links every architecture, so it is the objects that are wrong.)
    r"ignoring file '?[^,']+, building for .* but attempting to link with file built for",
    r"ignoring file '?[^,']+'?[,:] (?:file was built for \S+ which is not the architecture being linked|found architecture '[^']+', required architecture|missing required architecture)",
    r"found architecture '[^']+', required architecture '[^']+'",
    // ld64's message with the `ignoring file …,` head cut off (an excerpt
    // quoting only the architectures).
    r"building for '?[\w.-]+'? but attempting to link with file built for '?[\w.-]+",
    r"building for '?[\w -]+'?, but linking in (?:dylib|object file|library) (?:\(.*?\) )?built for",
    // MSVC link.exe.
    // MSVC link.exe in any language: the code and the two quoted machine
    // types stay (`LNK1112: 模块计算机类型“x64”与目标计算机类型“X86”冲突`).
    r"LNK(?:1112|4272): ",
    r"\.(?:lib|obj)(?:\([^)]*\))?: machine type \S+ conflicts with \S+",
    // C objects of another architecture inside an rlib (a -sys crate's
    // `libfoo_sys-….rlib(bio.c.o)`), or loose C objects given to a cross linker.
    r"(?i)\.rlib\([^)]+\.o\)(?::)? (?:is incompatible with|relocations in generic ELF)",
    r"(?i)\.rlib\([^)]+\.o\): (?:error adding symbols: )?file in wrong format",
    // A cross ld refusing a whole rlib: a -sys crate's C objects in it were
    // built for the host.
    r"(?i)\.rlib: (?:error adding symbols: )?file (?:in wrong format|format not recognized)",
    r"(?i)\.o: relocations in generic ELF",
    // The same in bfd's and ld's translations.
    concat!(
        r"\.(?:so|a|rlib\([^)]+\.o\))(?:\.[\d.]+)?(?:\([^)]*\))?\s?:\s?(?:",
        relocations_words!(),
        "|",
        wrong_format_words!(),
        ")"
    ),
    // The same messages with the file name wrapped onto the lines above
    // (a terminal or an issue tracker that wraps at 80 columns).
    WRAPPED_TAIL,
];

/// The start of a linker message whose file name was wrapped onto the
/// lines before it: `): Relocations in generic ELF (EM: 3)`, `adding
/// symbols: File in wrong format`.
pub(super) const WRAPPED_TAIL: &str = r"(?i)^(?:\)?:? ?|(?:error )?adding symbols: )(?:relocations in generic ELF|file in wrong format|file format not recognized)";

/// A line with the parts of it wrapped onto the lines above joined back
/// on, and the index of its first part: a trigger line that starts with
/// the tail of a message (`): Relocations …`, `adding symbols: …`) gets
/// the line before it, and a joined text that starts with a path gets a
/// bare `ld:` prefix line before that. Any other line is itself.
pub(super) fn unwrapped<'a>(cx: &Context<'a>, index: usize) -> (usize, std::borrow::Cow<'a, str>) {
    let content = cx.content(index);
    let starts_as_a_tail = regex!(
        r"(?i)^(?:\)|:|(?:error )?adding symbols: |relocations in generic|file in wrong format|file format not)"
    );
    if index == 0 || !starts_as_a_tail.is_match(content) {
        return (index, std::borrow::Cow::Borrowed(content));
    }
    let mut first = index;
    let mut text = content.to_owned();
    for _ in 0..3 {
        let Some(previous) = first.checked_sub(1) else {
            break;
        };
        let before = cx.content(previous).trim_end();
        if before.is_empty() {
            break;
        }
        let tail = starts_as_a_tail.is_match(&text);
        let path_after_a_tool = text.starts_with(['/', '.', '\\']) && before.ends_with(':');
        let glue = if text.starts_with([')', ':']) {
            ""
        } else if tail || path_after_a_tool {
            " "
        } else {
            break;
        };
        text = format!("{before}{glue}{text}");
        first = previous;
    }
    (first, std::borrow::Cow::Owned(text))
}

/// Diagnostic: wrong_arch_library
///
/// **What it means.** The linker (a correct one for the target) found a
/// library of another architecture where it searched: GNU ld's `skipping
/// incompatible /usr/lib/x86_64-linux-gnu/libsqlite3.so when searching for
/// -lsqlite3`, `file in wrong format`, lld's `libgreet.so is incompatible with
/// elf64-x86-64`, or Apple ld's `ignoring file …, building for macOS-arm64 but
/// attempting to link with file built for macOS-x86_64` (paths with spaces,
/// C objects too). binutils' translations (`Перемещения в универсальном
/// ELF`, `erreur lors de l'ajout de symboles`) and messages whose file name
/// is wrapped onto the lines above are read as well. `skipping incompatible`
/// alone is a note: it is no finding in a build that finished, or when only
/// the C runtime's own libraries were skipped and nothing failed. When only
/// those were skipped and then not found (`cannot find -lgcc` in a 32-bit
/// link without multilib), the missing runtime (missing_library_at_link)
/// is the cause and no finding of this kind is made.
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
        let (first, content) = unwrapped(cx, index);
        let Some(library) = any_library(&content) else {
            continue;
        };
        if is_rust_object(&library) {
            continue;
        }
        // A loose C object, or one inside an rlib, given to the host's own
        // linker is the host linker being used for the target
        // (host_linker_used says so).
        let c_object = library.ends_with(".o") || library.contains(".rlib");
        if c_object
            && !content.contains("ignoring file")
            && super::host_linker_used::is_host_ld_line(&content)
        {
            continue;
        }
        let start = cx.linking_error(index).map_or(first, |(header, _)| header);
        match groups.iter_mut().find(|(known, _)| *known == start) {
            Some((_, lines)) => lines.push(index),
            None => groups.push((start, vec![index])),
        }
    }
    // Whether any line outside the skips shows a failure: read once, and
    // only when a group of skips needs it.
    let failure_shown = std::cell::OnceCell::new();
    let runtime_not_found = std::cell::OnceCell::new();
    groups
        .into_iter()
        .filter(|(_, lines)| !only_cosmetic_skips(cx, lines, &failure_shown))
        .filter(|(_, lines)| !runtime_absent(cx, lines, &runtime_not_found))
        .map(|(start, lines)| describe(cx, start, &lines))
        .collect()
}

/// `skipping incompatible` is a note: GNU ld goes on searching and
/// usually finds the right library further down the path. Alone it is no
/// failure when the build finished, or when only the C runtime's own
/// libraries were skipped (a 64-bit link passing the 32-bit /usr/lib) and
/// the log shows nothing failing.
/// Whether a library skipped is one of the C runtime's own (libc, libm,
/// libgcc …), which every link searches for.
fn is_runtime_library(path: &str) -> bool {
    regex!(r"^lib(?:c|m|dl|rt|pthread|anl|util|resolv|gcc|gcc_s|gcc_eh|c_nonshared|stdc\+\+)\.(?:so|a)(?:\.[\d.]+)?$")
        .is_match(super::context::base_name(path))
}

/// Only the C runtime's own libraries were skipped, and the linker then
/// found none for the target (`cannot find -lgcc`, as a 32-bit link on a
/// 64-bit system without multilib says): the target's C runtime is not
/// installed, which missing_library_at_link reports; the 64-bit copies it
/// passed on the way are a symptom.
fn runtime_absent(
    cx: &Context<'_>,
    lines: &[usize],
    runtime_not_found: &std::cell::OnceCell<bool>,
) -> bool {
    let skipped = lines.iter().map(|&i| {
        regex!(r"(?i)skipping incompatible (\S+?):? when searching for ")
            .captures(cx.content(i))
            .map(|c| c[1].to_owned())
    });
    let mut runtime_only = true;
    for library in skipped {
        runtime_only &= library.is_some_and(|path| is_runtime_library(&path));
    }
    runtime_only
        && *runtime_not_found.get_or_init(|| {
            let missing = regex!(
                r"(?i)cannot find -l(?:c|m|dl|rt|pthread|gcc|gcc_s|gcc_eh|stdc\+\+)(?::|\s|$)"
            );
            cx.log
                .lines
                .iter()
                .any(|line| missing.is_match(line.content()))
        })
}

fn only_cosmetic_skips(
    cx: &Context<'_>,
    lines: &[usize],
    failure_shown: &std::cell::OnceCell<bool>,
) -> bool {
    let skips: Vec<String> = lines
        .iter()
        .filter_map(|&i| {
            regex!(r"(?i)skipping incompatible (\S+?):? when searching for ")
                .captures(cx.content(i))
                .map(|c| c[1].to_owned())
        })
        .collect();
    if skips.len() != lines.len() {
        return false;
    }
    if cx.build_finished() {
        return true;
    }
    let runtime_only = skips.iter().all(|path| is_runtime_library(path));
    runtime_only
        && !*failure_shown.get_or_init(|| {
            let failure = regex!(
                r"(?i)\berror\b|cannot find|undefined reference|undefined symbol|returned 1|exit status|failed|not found|\*\*\*"
            );
            cx.log.lines.iter().any(|line| {
                let content = line.content();
                !content.contains("skipping incompatible") && failure.is_match(content)
            })
        })
}

fn library_named(content: &str) -> Option<String> {
    let pattern = regex!(
        r#"(?ix)
        (\S+):\ skipping\ incompatible\ file\ 
        | skipping\ incompatible\ (\S+?):?(?:\ when\ |\s*$)
        | (\S+\.rlib):\ (?:error\ adding\ symbols:\ )?file\ (?:in\ wrong\ format|format\ not\ recognized)
        | (\S+\.rlib\([^)]+\.o\)):?\ (?:is\ incompatible\ with|relocations|(?:error\ adding\ symbols:\ )?file\ in\ wrong\ format)
        | (\S+\.(?:so|a|dylib|lib)(?:\.[\d.]+)?(?:\([^)]*\))?):\ (?:error\ adding\ symbols:\ )?file\ (?:in\ wrong\ format|not\ recognized)
        | (\S+\.(?:so|a)(?:\.[\d.]+)?(?:\([^)]*\))?):\ (?:relocations|incompatible\ target|incompatible\ file\ type|unsupported\ ELF\ machine)
        | (?:lld|mold)\S*:\ (?:error|fatal):\ (\S+\.(?:so|a|dylib|lib)(?:\.[\d.]+)?(?:\([^)]*\))?):\ unknown\ file\ type
        | (\S+\.o):\ relocations
        | architecture\ of\ input\ file\ [`'‘]([^'’]+)['’]
        | ignoring\ file\ '?([^,']+?)'?[,:]\ 
        | found\ architecture\ '[^']+',\ required\ architecture\ '[^']+'\):\ (\S+)
        | linking\ in\ (?:dylib|object\ file|library)\ \((.+?)\)\ built\ for
        | linking\ in\ (?:dylib|object\ file|library)\ \(([^)]+)\)
        | file\ '([^']+)'\ for\ architecture
        | (\S+\.(?:lib|obj)(?:\([^)]*\))?):\ machine\ type\ \S+\ conflicts\ with
        | (\S+?):?\ is\ incompatible\ with
        "#
    );
    let translated = regex!(
        r"(\S+\.(?:so|a|dylib|lib)(?:\.[\d.]+)?(?:\([^)]*\))?|\S+\.rlib\([^)]+\.o\))\s?:\s?(?:",
        relocations_words!(),
        "|",
        wrong_format_words!(),
        ")"
    );
    if !pattern.is_match(content)
        && let Some(captures) = translated.captures(content)
    {
        return Some(captures[1].to_owned());
    }
    let architecture = regex!(
        input_architecture_words!(),
        r",?\s?[`'‘«“„\x22]?\s?(\S+\.(?:a|so|o)(?:\.[\d.]+)?(?:\([^)]*\))?)\s?['’»”\x22]"
    );
    if !pattern.is_match(content)
        && let Some(captures) = architecture.captures(content)
    {
        return Some(captures[1].to_owned());
    }
    let captures = pattern.captures(content)?;
    let library = captures.iter().skip(1).flatten().next()?.as_str();
    let library = library.trim_matches(['\'', '`', ',', '‘', '’', '"']);
    // `ld: error: ` is the linker, not the library.
    (!library.is_empty() && !library.ends_with(':')).then(|| library.to_owned())
}

/// The library an MSVC machine-type conflict is about, if the line names
/// one (`foo.lib(bar.obj) : fatal error LNK1112: …`).
/// The library or object a GNU-style or MSVC line says is of another arch.
fn any_library(content: &str) -> Option<String> {
    library_named(content)
        .or_else(|| msvc_library(content))
        .or_else(|| apple_file_of_arch(content))
}

/// ld64's `building for macOS-x86_64 but attempting to link with file
/// built for macOS-arm64` without the file's name: the file by its arch.
fn apple_file_of_arch(content: &str) -> Option<String> {
    regex!(r"building for '?[\w.-]+'? but attempting to link with file built for '?([\w.-]+)")
        .captures(content)
        .map(|c| format!("a file built for {}", &c[1]))
}

fn msvc_library(content: &str) -> Option<String> {
    let pattern = regex!(r"([^\s:]+\.(?:lib|obj)(?:\([^)]*\))?) : [^:]*LNK(?:1112|4272)");
    if let Some(captures) = pattern.captures(content) {
        return Some(captures[1].to_owned());
    }
    regex!(r#"LNK(?:1112|4272):[^'"“”„«»]*['"“”„«»]([^'"“”„«»]+)['"“”„«»]"#)
        .captures(content)
        .map(|c| format!("a {} library", &c[1]))
}

fn is_rust_object(path: &str) -> bool {
    path.ends_with(".rcgu.o") || (path.ends_with(".o") && path.contains("/target/"))
}

/// The `-l` name a library was searched for, from `skipping … for -lX`.
fn searched_name(content: &str) -> Option<&str> {
    regex!(r"(?i)when searching for -l(\S+)")
        .captures(content)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

fn describe(cx: &Context<'_>, start: usize, lines: &[usize]) -> Finding {
    let libraries: Vec<String> = lines
        .iter()
        .filter_map(|&i| any_library(&unwrapped(cx, i).1))
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
        .find(|&&i| any_library(&unwrapped(cx, i).1).as_deref() == Some(primary.as_str()))
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

    #[test]
    fn c_object_in_an_rlib_given_to_a_cross_ld_bfd() {
        let log = "          /opt/x-tools/aarch64-unknown-linux-gnu/bin/ld.bfd: /tmp/rustcX/libboring_sys-c4c7.rlib(bio.c.o): Relocations in generic ELF (EM: 62)\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/tmp/rustcX/libboring_sys-c4c7.rlib(bio.c.o)")
        );
        let lower = log.replace("Relocations", "relocations");
        first_of_kind(&lower, Kind::WrongArchLibrary);
    }

    #[test]
    fn archive_members_in_wrong_format_and_not_recognised() {
        let log = "aarch64-linux-gnu-ld: ../deps/libpng.a(png.o): error adding symbols: File in wrong format\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("../deps/libpng.a(png.o)"));
        let log = "  = note: /usr/lib/gcc-cross/arm-linux-gnueabihf/12/../../../../arm-linux-gnueabihf/bin/ld: /usr/lib/x86_64-linux-gnu/libasound.so: file not recognized: File format not recognized\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libasound.so")
        );
    }

    #[test]
    fn bfd_architecture_of_an_archive_member_and_gold() {
        let log = "[build:release   ] /usr/bin/ld: aarch64 architecture of input file `./Release/obj/libcrypto.a(dso_err.o)' is incompatible with i386:x86-64 output\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("./Release/obj/libcrypto.a(dso_err.o)")
        );
        let log = "/usr/bin/ld.gold: error: /usr/lib/i386-linux-gnu/libz.so: incompatible target\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn lld_archive_member_and_mold_skipping() {
        let log =
            "ld.lld: error: /w/vendor/lib/libfoo.a(foo.o) is incompatible with elf64-x86-64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/w/vendor/lib/libfoo.a(foo.o)")
        );
        let log = "mold: warning: /usr/lib/libm.so: skipping incompatible file 3 62\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("/usr/lib/libm.so"));
    }

    #[test]
    fn apple_ld_prime_and_older_wordings() {
        let log = "ld: warning: ignoring file '/opt/homebrew/lib/libssl.dylib': found architecture 'arm64', required architecture 'x86_64'\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/opt/homebrew/lib/libssl.dylib")
        );
        let log = "ld: warning: ignoring file /usr/local/lib/libz.dylib, file was built for x86_64 which is not the architecture being linked (arm64): /usr/local/lib/libz.dylib\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("/usr/local/lib/libz.dylib"));
        let log = "ld: building for iOS Simulator, but linking in object file built for iOS, file '/w/libs/libfoo.a' for architecture arm64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("/w/libs/libfoo.a"));
    }

    #[test]
    fn msvc_machine_type_conflicts() {
        let log = "zlib.lib(adler32.obj) : fatal error LNK1112: module machine type 'x64' conflicts with target machine type 'ARM64'\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("zlib.lib(adler32.obj)"));
        let log = "LINK : warning LNK4272: library machine type 'x86' conflicts with target machine type 'x64'\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn skipping_incompatible_from_a_windows_mingw_ld() {
        let log = "C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/13.2.0/../../../../x86_64-w64-mingw32/bin/ld.exe: skipping incompatible C:\\libs\\x86\\SDL2.lib when searching for -lSDL2\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "searched_for"), Some("SDL2"));
    }

    #[test]
    fn a_message_with_its_file_name_wrapped_onto_the_lines_above() {
        let log = "/usr/bin/ld:
/home/pi/src/vendor/lib/x64/libvendorcam.a(cam.o
): Relocations in generic ELF (EM: 62)
/home/pi/src/vendor/lib/x64/libvendorcam.a: error
adding symbols: File in wrong format
collect2: error: ld returned 1 exit status
";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/home/pi/src/vendor/lib/x64/libvendorcam.a(cam.o)")
        );
        assert_eq!(finding.evidence.lines.map(|[first, _]| first), Some(1));
        let log = "/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: /usr/lib/x86_64-linux-gnu/libz.so:
file in wrong format
";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libz.so")
        );
    }

    #[test]
    fn skipped_c_runtime_libraries_alone_are_a_note() {
        let runtime = "/usr/bin/ld: skipping incompatible /usr/lib/libm.so when searching for -lm
/usr/bin/ld: skipping incompatible /usr/lib/libpthread.a when searching for -lpthread
/usr/bin/ld: skipping incompatible /usr/lib/libc.so when searching for -lc
";
        assert!(super::super::testing::explain(runtime).is_empty());
        // With the link failing, or a library of the project skipped, they
        // are the cause.
        let failed = format!("{runtime}collect2: error: ld returned 1 exit status\n");
        first_of_kind(&failed, Kind::WrongArchLibrary);
        let user =
            "/usr/bin/ld: skipping incompatible /usr/lib/libzmq.so when searching for -lzmq\n";
        first_of_kind(user, Kind::WrongArchLibrary);
        // In a build that finished, every skip was harmless.
        let finished =
            format!("{user}    Finished `release` profile [optimized] target(s) in 41.0s\n");
        assert!(super::super::testing::explain(&finished).is_empty());
    }

    #[test]
    fn binutils_translations_on_libraries() {
        let cases = [
            (
                "/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: /usr/lib/x86_64-linux-gnu/libz.so: ошибка добавления символов: файл в неправильном формате\n",
                "/usr/lib/x86_64-linux-gnu/libz.so",
            ),
            (
                "aarch64-linux-gnu-ld : /opt/vendor/libcam.a(cam.o) : Réadressages en format ELF générique (EM: 62)\n",
                "/opt/vendor/libcam.a(cam.o)",
            ),
        ];
        for (log, library) in cases {
            let finding = first_of_kind(log, Kind::WrongArchLibrary);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }

    #[test]
    fn apple_ld_paths_with_spaces_and_c_objects() {
        let log = "ld: warning: ignoring file /Users/me/My Project/vendor/libfoo-1.2.a, building for iOS-arm64 but attempting to link with file built for macOS-x86_64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/Users/me/My Project/vendor/libfoo-1.2.a")
        );
        let log = "ld: warning: ignoring file build/obj/parser.c.o, building for macOS-x86_64 but attempting to link with file built for unknown-arm64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(fact(&finding, "library"), Some("build/obj/parser.c.o"));
    }

    #[test]
    fn a_cross_ld_refusing_a_whole_rlib() {
        let log = "  = note: /opt/cross/bin/aarch64-linux-gnu-ld: /w/target/aarch64-unknown-linux-gnu/release/deps/libzstd_sys-77.rlib: error adding symbols: file in wrong format\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/w/target/aarch64-unknown-linux-gnu/release/deps/libzstd_sys-77.rlib")
        );
        // The host's own ld refusing it is the host linker's.
        let host = log.replace("/opt/cross/bin/aarch64-linux-gnu-ld", "/usr/bin/ld");
        first_of_kind(&host, Kind::HostLinkerUsed);
    }

    #[test]
    fn mold_lld_with_a_colon_and_apples_quoted_platforms() {
        let cases = [
            (
                "mold: fatal: /usr/lib/x86_64-linux-gnu/libz.a(adler32.o): incompatible file type: aarch64 is expected but got x86_64\n",
                "/usr/lib/x86_64-linux-gnu/libz.a(adler32.o)",
            ),
            (
                "ld.lld: error: /w/vendor/libfoo.a(foo.o): is incompatible with aarch64linux\n",
                "/w/vendor/libfoo.a(foo.o)",
            ),
            (
                "ld: building for 'iOS-simulator', but linking in object file (/w/libs/libfoo.a[2](foo.o)) built for 'iOS'\n",
                "/w/libs/libfoo.a[2](foo.o)",
            ),
        ];
        for (log, library) in cases {
            let finding = first_of_kind(log, Kind::WrongArchLibrary);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }

    #[test]
    fn msvc_machine_conflicts_in_other_languages_and_apple_files_of_any_name() {
        let cases = [
            (
                "zlib.lib(adler32.obj) : fatal error LNK1112: 模块计算机类型“x64”与目标计算机类型“X86”冲突\n",
                "zlib.lib(adler32.obj)",
            ),
            (
                "LINK : fatal error LNK1112: Modulcomputertyp \"x64\" steht in Konflikt mit dem Zielcomputertyp \"ARM64\"\n",
                "a x64 library",
            ),
            (
                "ld: warning: ignoring file /w/build/Release/addon.node, building for macOS-arm64 but attempting to link with file built for macOS-x86_64\n",
                "/w/build/Release/addon.node",
            ),
        ];
        for (log, library) in cases {
            let finding = first_of_kind(log, Kind::WrongArchLibrary);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }

    #[test]
    fn a_32_bit_link_without_its_c_runtime() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: skipping incompatible /usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a when searching for -lgcc
          /usr/bin/ld: cannot find -lgcc: No such file or directory
          /usr/bin/ld: skipping incompatible /usr/lib/gcc/x86_64-linux-gnu/12/libgcc_s.so when searching for -lgcc_s
          /usr/bin/ld: cannot find -lgcc_s: No such file or directory
";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("gcc"));
        // A library of the project skipped is still the cause.
        let log = log.replace(
            "libgcc.a when searching for -lgcc",
            "libssl.so when searching for -lssl",
        );
        first_of_kind(&log, Kind::WrongArchLibrary);
    }

    /// ld64 (Xcode 12–14) `building for … but attempting to link with file
    /// built for …` quoted without its `ld: warning: ignoring file X,` head.
    #[test]
    fn apple_ld_architectures_without_the_file() {
        let log =
            "building for macOS-arm64 but attempting to link with file built for macOS-x86_64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("a file built for macOS-x86_64")
        );
    }

    /// gold (binutils 2.2x–2.4x) on a library of another machine.
    #[test]
    fn gold_unsupported_elf_machine_number_library() {
        let log = "/usr/bin/aarch64-linux-gnu-ld.gold: fatal error: /usr/lib/x86_64-linux-gnu/libz.so: unsupported ELF machine number 62\ncollect2: error: ld returned 1 exit status\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libz.so")
        );
    }

    /// lld (ELF) and mold (`path: unknown file type`) on a library of
    /// another object format.
    #[test]
    fn lld_and_mold_unknown_file_type_library() {
        for (log, library) in [
            (
                "ld.lld: error: /w/vendor/libfoo.a(foo.o): unknown file type\n",
                "/w/vendor/libfoo.a(foo.o)",
            ),
            (
                "mold: fatal: /w/vendor/libfoo.a: unknown file type\n",
                "/w/vendor/libfoo.a",
            ),
        ] {
            let finding = first_of_kind(log, Kind::WrongArchLibrary);
            assert_eq!(fact(&finding, "library"), Some(library));
        }
    }
}
