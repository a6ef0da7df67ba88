//! apt sources: deb822 .sources files and one-line sources.list, to find the host's mirror.
//!
//! crossport never hard-codes a mirror: when the user configured none, it
//! uses the Debian mirror the host's apt already uses. Both formats apt
//! reads are supported: deb822 `.sources` files (`Types`, `URIs`, `Suites`,
//! `Components`, `Enabled`, `Architectures`, `Signed-By`) and one-line
//! `sources.list` entries (`deb [arch=amd64 signed-by=/k.gpg] URI suite comp…`).

use std::fmt;

use crate::deb822;
use crate::distro::{Vendor, releases_of};

/// `deb` (binary packages) or `deb-src` (sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    Deb,
    DebSrc,
}

/// One apt source: a deb822 stanza or a one-line entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptSource {
    pub types: Vec<SourceType>,
    pub uris: Vec<String>,
    pub suites: Vec<String>,
    pub components: Vec<String>,
    /// False for `Enabled: no`.
    pub enabled: bool,
    /// `Architectures:` / `arch=`; empty means the host's.
    pub architectures: Vec<String>,
    /// `Signed-By:` / `signed-by=`: a key file path or an inline key block.
    pub signed_by: Option<String>,
    /// The file it came from, as given to [`parse_sources_file`].
    pub file: String,
    /// 1-based line where the stanza or entry starts.
    pub line: usize,
}

/// A line or stanza that could not be read; it was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct AptSourcesError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parses a sources file, choosing the format from its name: `*.sources` is
/// deb822, anything else (`sources.list`, `*.list`) is one-line.
pub fn parse_sources_file(name: &str, text: &str) -> (Vec<AptSource>, Vec<AptSourcesError>) {
    if name.ends_with(".sources") {
        parse_deb822_sources(name, text)
    } else {
        parse_one_line_sources(name, text)
    }
}

/// Parses a deb822 `.sources` file.
pub fn parse_deb822_sources(name: &str, text: &str) -> (Vec<AptSource>, Vec<AptSourcesError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let error = |line, message: String| AptSourcesError {
        file: name.to_owned(),
        line,
        message,
    };
    for item in deb822::paragraphs(text) {
        let paragraph = match item {
            Ok(paragraph) => paragraph,
            Err(syntax) => {
                errors.push(error(syntax.line, syntax.kind.to_string()));
                continue;
            }
        };
        let words = |field: &str| -> Vec<String> {
            paragraph
                .lines(field)
                .flat_map(str::split_whitespace)
                .map(str::to_owned)
                .collect()
        };
        let mut types = Vec::new();
        for word in words("Types") {
            match parse_type(&word) {
                Some(kind) => types.push(kind),
                None => errors.push(error(paragraph.line, format!("unknown type `{word}`"))),
            }
        }
        let source = AptSource {
            types,
            uris: words("URIs"),
            suites: words("Suites"),
            components: words("Components"),
            enabled: paragraph
                .get("Enabled")
                .is_none_or(|value| !value.eq_ignore_ascii_case("no")),
            architectures: words("Architectures"),
            signed_by: paragraph.get("Signed-By").map(str::to_owned),
            file: name.to_owned(),
            line: paragraph.line,
        };
        if source.types.is_empty() || source.uris.is_empty() || source.suites.is_empty() {
            errors.push(error(
                paragraph.line,
                "stanza needs Types, URIs and Suites".to_owned(),
            ));
            continue;
        }
        sources.push(source);
    }
    (sources, errors)
}

fn parse_type(word: &str) -> Option<SourceType> {
    match word {
        "deb" => Some(SourceType::Deb),
        "deb-src" => Some(SourceType::DebSrc),
        _ => None,
    }
}

/// Parses a one-line `sources.list` file. `deb-src` entries are kept (with
/// their type) so a caller sees the whole file; mirror choice skips them.
pub fn parse_one_line_sources(name: &str, text: &str) -> (Vec<AptSource>, Vec<AptSourcesError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match parse_one_line(line) {
            Ok(mut source) => {
                source.file = name.to_owned();
                source.line = index + 1;
                sources.push(source);
            }
            Err(message) => errors.push(AptSourcesError {
                file: name.to_owned(),
                line: index + 1,
                message,
            }),
        }
    }
    (sources, errors)
}

fn parse_one_line(line: &str) -> Result<AptSource, String> {
    let (kind, rest) = line
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("incomplete entry `{line}`"))?;
    let kind = parse_type(kind).ok_or_else(|| format!("unknown type `{kind}`"))?;
    let mut rest = rest.trim_start();
    let mut source = AptSource {
        types: vec![kind],
        uris: Vec::new(),
        suites: Vec::new(),
        components: Vec::new(),
        enabled: true,
        architectures: Vec::new(),
        signed_by: None,
        file: String::new(),
        line: 0,
    };
    if let Some(options) = rest.strip_prefix('[') {
        let (options, after) = options
            .split_once(']')
            .ok_or_else(|| "unterminated `[` options".to_owned())?;
        apply_options(&mut source, options)?;
        rest = after;
    }
    let mut words = rest.split_whitespace();
    let (Some(uri), Some(suite)) = (words.next(), words.next()) else {
        return Err(format!("entry needs a URI and a suite: `{line}`"));
    };
    source.uris.push(uri.to_owned());
    source.suites.push(suite.to_owned());
    source.components = words.map(str::to_owned).collect();
    Ok(source)
}

/// Applies `[arch=amd64,arm64 signed-by=/x.gpg trusted=yes]` options.
fn apply_options(source: &mut AptSource, options: &str) -> Result<(), String> {
    for option in options.split_whitespace() {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| format!("option `{option}` has no value"))?;
        // `arch+=` and `arch-=` adjust the default list; for us the named
        // architectures are what matters.
        let key = key.trim_end_matches(['+', '-']);
        match key {
            "arch" => source
                .architectures
                .extend(value.split(',').map(str::to_owned)),
            "signed-by" => source.signed_by = Some(value.to_owned()),
            "enabled" => source.enabled = value != "no",
            _ => {}
        }
    }
    Ok(())
}

/// The mirror chosen for a release and the source entry it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorChoice<'a> {
    /// The base URI, without a trailing slash (`http://mirror.example/debian`).
    pub uri: &'a str,
    pub file: &'a str,
    pub line: usize,
}

impl fmt::Display for MirrorChoice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {}:{})", self.uri, self.file, self.line)
    }
}

/// Suite names that name a Debian release, besides the codenames.
const DEBIAN_SUITE_NAMES: &[&str] = &[
    "stable",
    "oldstable",
    "oldoldstable",
    "testing",
    "unstable",
    "sid",
    "experimental",
    "buster",
    "forky",
    "duke",
];

fn is_debian_suite(suite: &str) -> bool {
    DEBIAN_SUITE_NAMES.contains(&suite) || releases_of(Vendor::Debian).any(|r| r.codename == suite)
}

fn is_usable(source: &AptSource) -> bool {
    source.enabled && source.types.contains(&SourceType::Deb)
}

fn is_network_uri(uri: &str) -> bool {
    uri.starts_with("http://") || uri.starts_with("https://")
}

/// Picks the Debian mirror base URI to fetch `release` (a codename) from:
/// the first enabled `deb` source that lists `release` itself, else the
/// first that lists any Debian codename or archive name (`stable` …), else
/// the first whose URI path ends in `/debian`. Suites like
/// `bookworm-security` do not count: the security archive is not a mirror
/// of the main one. Only http(s) URIs are considered.
pub fn debian_mirror_for_release<'a>(
    sources: &'a [AptSource],
    release: &str,
) -> Option<MirrorChoice<'a>> {
    let candidates = || {
        sources
            .iter()
            .filter(|source| is_usable(source))
            .flat_map(|source| {
                source
                    .uris
                    .iter()
                    .filter(|uri| is_network_uri(uri))
                    .map(move |uri| (source, uri))
            })
    };
    let choose = |(source, uri): (&'a AptSource, &'a String)| MirrorChoice {
        uri: uri.trim_end_matches('/'),
        file: &source.file,
        line: source.line,
    };
    candidates()
        .find(|(source, _)| source.suites.iter().any(|suite| suite == release))
        .or_else(|| {
            candidates().find(|(source, _)| source.suites.iter().any(|s| is_debian_suite(s)))
        })
        .or_else(|| candidates().find(|(_, uri)| uri.trim_end_matches('/').ends_with("/debian")))
        .map(choose)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEB822: &str = "\
Types: deb
# a snapshot alternative, commented out
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Enabled: no
Types: deb deb-src
URIs: http://disabled.example/debian
Suites: trixie
Components: main
";

    #[test]
    fn reads_deb822_sources() {
        let (sources, errors) = parse_sources_file("debian.sources", DEB822);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[0].uris, ["http://mirror.example/debian"]);
        assert_eq!(sources[0].suites, ["bookworm", "bookworm-updates"]);
        assert_eq!(
            sources[0].signed_by.as_deref(),
            Some("/usr/share/keyrings/debian-archive-keyring.gpg")
        );
        assert_eq!(sources[1].line, 8);
        assert!(!sources[2].enabled);
        assert_eq!(sources[2].types, [SourceType::Deb, SourceType::DebSrc]);
    }

    #[test]
    fn reads_one_line_sources() {
        let text = "\
# comment
deb [arch=amd64,arm64 signed-by=/etc/apt/keyrings/x.gpg] http://mirror.example/debian bookworm main contrib # trailing
deb-src http://mirror.example/debian bookworm main

deb http://other.example/ubuntu jammy main
deb-bad http://x y
deb http://only-uri.example
";
        let (sources, errors) = parse_sources_file("sources.list", text);
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[0].architectures, ["amd64", "arm64"]);
        assert_eq!(
            sources[0].signed_by.as_deref(),
            Some("/etc/apt/keyrings/x.gpg")
        );
        assert_eq!(sources[0].components, ["main", "contrib"]);
        assert_eq!(sources[0].line, 2);
        assert_eq!(sources[1].types, [SourceType::DebSrc]);
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [6, 7]);
        assert!(
            errors[0]
                .to_string()
                .starts_with("sources.list:6: unknown type")
        );
    }

    #[test]
    fn picks_the_debian_mirror() {
        let (sources, _) = parse_sources_file("debian.sources", DEB822);
        let choice = debian_mirror_for_release(&sources, "bullseye").expect("a mirror");
        assert_eq!(choice.uri, "http://mirror.example/debian");
        assert_eq!((choice.file, choice.line), ("debian.sources", 1));
        // The disabled trixie source is never chosen.
        let choice = debian_mirror_for_release(&sources, "trixie").expect("a mirror");
        assert_eq!(choice.uri, "http://mirror.example/debian");
    }

    #[test]
    fn prefers_a_source_listing_the_release_and_skips_others() {
        let text = "\
deb-src http://src.example/debian bookworm main
deb http://ppa.example/ubuntu jammy main
deb http://security.example/debian-security bookworm-security main
deb cdrom:[Debian]/ bookworm main
deb https://old.example/debian/ bullseye main
deb https://new.example/debian-mirror trixie main
";
        let (sources, errors) = parse_sources_file("sources.list", text);
        assert!(errors.is_empty(), "{errors:?}");
        let uri = |release| debian_mirror_for_release(&sources, release).map(|c| c.uri);
        assert_eq!(uri("trixie"), Some("https://new.example/debian-mirror"));
        assert_eq!(uri("bullseye"), Some("https://old.example/debian"));
        assert_eq!(uri("bookworm"), Some("https://old.example/debian"));
        let (ubuntu_only, _) =
            parse_sources_file("u.list", "deb http://ppa.example/ubuntu jammy main\n");
        assert_eq!(debian_mirror_for_release(&ubuntu_only, "bookworm"), None);
        let (by_path, _) = parse_sources_file(
            "p.list",
            "deb http://corp.example/mirrors/debian custom main\n",
        );
        assert_eq!(
            debian_mirror_for_release(&by_path, "bookworm").map(|c| c.uri),
            Some("http://corp.example/mirrors/debian")
        );
    }

    #[test]
    fn reads_the_fixture_sources_in_both_formats() {
        let (deb822, errors) = parse_sources_file(
            "debian.sources",
            include_str!("../../../fixtures/debian/debian.sources"),
        );
        assert!(errors.is_empty(), "{errors:?}");
        let (one_line, errors) = parse_sources_file(
            "sources.list",
            include_str!("../../../fixtures/debian/sources.list"),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(deb822.len(), 2);
        assert_eq!(one_line.len(), 4);
        for sources in [&deb822, &one_line] {
            let choice = debian_mirror_for_release(sources, "bookworm").expect("a mirror");
            assert_eq!(choice.uri, "http://mirror.example/debian");
        }
        assert_eq!(one_line[2].architectures, ["amd64", "arm64"]);
        assert_eq!(one_line[3].types, [SourceType::DebSrc]);
    }
}
