//! Debian's `Contents-<arch>` index: which package ships each file.
//!
//! Each line is `path<whitespace>section/package[,section/package…]`; the
//! path may itself hold spaces, the package list never does. The index is
//! large (bookworm's arm64 one has over a million lines), so it is read as
//! a stream and only the lines a query asks about are kept. A line that
//! does not have that shape is skipped, never fatal.

use std::collections::BTreeSet;
use std::io::BufRead;

/// One line of the index: a file and the packages that ship it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentsLine<'a> {
    /// The path without a leading `/` (`usr/lib/aarch64-linux-gnu/libFLAC.so`).
    pub path: &'a str,
    /// Package names without their section (`libflac-dev`).
    pub packages: Vec<&'a str>,
}

/// Splits one line, or `None` for a line without a package list.
pub fn parse_line(line: &str) -> Option<ContentsLine<'_>> {
    let (path, packages) = line.trim_end().rsplit_once(char::is_whitespace)?;
    let path = path.trim_end().trim_start_matches('/');
    if path.is_empty() || packages.is_empty() {
        return None;
    }
    let packages = packages
        .split(',')
        .map(|qualified| qualified.rsplit('/').next().unwrap_or(qualified))
        .filter(|name| !name.is_empty())
        .collect();
    Some(ContentsLine { path, packages })
}

/// A file of the index that answers a library query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LibraryFile {
    /// The path in the index.
    pub path: String,
    /// The library name as the file spells it (`FLAC` for `libFLAC.so`).
    pub spelled: String,
    /// The packages that ship it.
    pub packages: Vec<String>,
}

/// What the index says about one `-l` name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibraryAnswer {
    /// The name the linker was asked for (`flac`).
    pub library: String,
    /// Files spelled exactly as asked (`libflac.so`, `libflac.a`).
    pub exact: Vec<LibraryFile>,
    /// Files that differ only in case (`libFLAC.so` for `-lflac`).
    pub other_case: Vec<LibraryFile>,
}

impl LibraryAnswer {
    /// The first package shipping the library as asked, else as spelled
    /// otherwise; `-dev` packages first (they ship the `.so` link).
    pub fn package(&self) -> Option<&str> {
        let files = if self.exact.is_empty() {
            &self.other_case
        } else {
            &self.exact
        };
        let all: Vec<&str> = files
            .iter()
            .flat_map(|file| &file.packages)
            .map(String::as_str)
            .collect();
        all.iter()
            .find(|name| name.ends_with("-dev"))
            .or(all.first())
            .copied()
    }

    /// The spelling that links, when only another case exists.
    pub fn other_spelling(&self) -> Option<&str> {
        if !self.exact.is_empty() {
            return None;
        }
        self.other_case.first().map(|file| file.spelled.as_str())
    }
}

/// The directories a linker searches in a Debian sysroot for `multiarch`
/// (`aarch64-linux-gnu`), as the index spells them.
pub fn library_dirs(multiarch: &str) -> [String; 4] {
    [
        format!("usr/lib/{multiarch}"),
        format!("lib/{multiarch}"),
        "usr/lib".to_owned(),
        "lib".to_owned(),
    ]
}

/// The library name of a file name the linker would take for `-l`
/// (`libFLAC.so` → `FLAC`, `libz.a` → `z`); versioned `.so.N` files are
/// not what `-l` finds.
pub fn linkable_name(file: &str) -> Option<&str> {
    let stem = file.strip_prefix("lib")?;
    stem.strip_suffix(".so")
        .or_else(|| stem.strip_suffix(".a"))
        .filter(|name| !name.is_empty())
}

/// Reads the whole index from `reader` and answers each `-l` name in
/// `libraries` for the architecture's `multiarch` directories. A line that
/// cannot be read as text ends the scan with what was found so far (the
/// caller checked the file's SHA256 before, so that is not expected).
pub fn find_libraries(
    reader: &mut dyn BufRead,
    multiarch: &str,
    libraries: &[String],
) -> Vec<LibraryAnswer> {
    let dirs: BTreeSet<String> = library_dirs(multiarch).into_iter().collect();
    let mut answers: Vec<LibraryAnswer> = libraries
        .iter()
        .map(|library| LibraryAnswer {
            library: library.clone(),
            ..LibraryAnswer::default()
        })
        .collect();
    let lowered: Vec<String> = libraries.iter().map(|l| l.to_ascii_lowercase()).collect();
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        // Cheap filter first: every wanted file name holds `lib`.
        if !line.contains("lib") {
            continue;
        }
        let Some(parsed) = parse_line(&line) else {
            continue;
        };
        let Some((dir, file)) = parsed.path.rsplit_once('/') else {
            continue;
        };
        if !dirs.contains(dir) {
            continue;
        }
        let Some(name) = linkable_name(file) else {
            continue;
        };
        let name_lower = name.to_ascii_lowercase();
        for (answer, wanted) in answers.iter_mut().zip(&lowered) {
            if name_lower != *wanted {
                continue;
            }
            let found = LibraryFile {
                path: parsed.path.to_owned(),
                spelled: name.to_owned(),
                packages: parsed.packages.iter().map(|p| (*p).to_owned()).collect(),
            };
            if name == answer.library {
                answer.exact.push(found);
            } else {
                answer.other_case.push(found);
            }
        }
    }
    for answer in &mut answers {
        answer.exact.sort();
        answer.other_case.sort();
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "\
usr/bin/flac                                            sound/flac
usr/lib/aarch64-linux-gnu/libFLAC.so                    libdevel/libflac-dev
usr/lib/aarch64-linux-gnu/libFLAC.so.12.0.0             libs/libflac12
usr/lib/aarch64-linux-gnu/libFLAC.a                     libdevel/libflac-dev
usr/lib/x86_64-linux-gnu/libgpiod.so                    libdevel/libgpiod-dev
usr/lib/aarch64-linux-gnu/libgpiod.so                   libdevel/libgpiod-dev
usr/share/doc/a file with spaces/libz.so                doc/weird
lib/aarch64-linux-gnu/libz.so                           libdevel/zlib1g-dev,oldlibs/zlib-compat
a line without a package list
";

    fn answer(libraries: &[&str]) -> Vec<LibraryAnswer> {
        let wanted: Vec<String> = libraries.iter().map(|l| (*l).to_owned()).collect();
        find_libraries(&mut INDEX.as_bytes(), "aarch64-linux-gnu", &wanted)
    }

    #[test]
    fn a_line_splits_into_path_and_packages() {
        let line = parse_line("usr/share/doc/a b/c  doc/x,libs/y\n").unwrap();
        assert_eq!(line.path, "usr/share/doc/a b/c");
        assert_eq!(line.packages, ["x", "y"]);
        assert_eq!(parse_line("nothing"), None);
    }

    #[test]
    fn names_the_package_of_a_library_for_the_architecture() {
        let [gpiod, z] = answer(&["gpiod", "z"]).try_into().unwrap();
        assert_eq!(gpiod.package(), Some("libgpiod-dev"));
        assert_eq!(gpiod.exact[0].path, "usr/lib/aarch64-linux-gnu/libgpiod.so");
        assert_eq!(gpiod.exact.len(), 1, "amd64's file is not arm64's");
        assert_eq!(z.package(), Some("zlib1g-dev"));
        assert_eq!(z.exact.len(), 1, "a doc directory is not a library dir");
    }

    #[test]
    fn a_case_mismatch_names_the_spelling_that_links() {
        let [flac] = answer(&["flac"]).try_into().unwrap();
        assert!(flac.exact.is_empty());
        assert_eq!(flac.other_spelling(), Some("FLAC"));
        assert_eq!(flac.package(), Some("libflac-dev"));
        let [exact] = answer(&["FLAC"]).try_into().unwrap();
        assert_eq!(exact.other_spelling(), None);
        assert_eq!(exact.exact.len(), 2, "{exact:?}");
    }

    #[test]
    fn a_library_no_package_ships_has_no_package() {
        let [none] = answer(&["nosuchlib"]).try_into().unwrap();
        assert_eq!(none.package(), None);
        assert_eq!(none.other_spelling(), None);
    }
}
