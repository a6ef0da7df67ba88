//! The Debian parsers read what mirrors and users hand them: arbitrary text
//! must give a value or an error, never a panic.
//!
//! Inputs are random mixes of the characters and tokens these formats are
//! made of (so the parsers get deep), plus arbitrary Unicode.

use crossport_formats::apt_sources::{debian_mirror_for_release, parse_sources_file};
use crossport_formats::deb822;
use crossport_formats::debrelation::parse_relations;
use crossport_formats::debversion::Version;
use crossport_formats::packages::PackageIndex;
use crossport_formats::release::{Release, parse_rfc2822};
use proptest::prelude::*;

/// Text built from format tokens and stray characters.
fn debianish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        proptest::sample::select(vec![
            "Package: ",
            "Version: ",
            "Architecture: ",
            "Depends: ",
            "Provides: ",
            "Pre-Depends: ",
            "Filename: ",
            "Size: ",
            "SHA256: ",
            "Multi-Arch: ",
            "Types: ",
            "URIs: ",
            "Suites: ",
            "Enabled: ",
            "Date: ",
            "Valid-Until: ",
            "\n",
            "\n\n",
            "\n ",
            "\r\n",
            " ",
            ":",
            ",",
            "|",
            "(",
            ")",
            "[",
            "]",
            "<",
            ">",
            "=",
            ">=",
            "<<",
            "~",
            "!",
            "#",
            "deb ",
            "deb-src ",
            "[arch=",
            "any",
            "all",
            "1:",
            "2.36-9",
            "libc6",
            "Sat, 11 Jul 2026 10:16:37 UTC",
            "-",
            "+",
            ".",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "http://mirror.example/debian",
            "bookworm",
            "é",
            "ü",
            "\u{1F600}",
            "\t",
        ])
        .prop_map(str::to_owned),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn deb822_paragraph_reader(text in debianish()) {
        for paragraph in deb822::paragraphs(&text).flatten() {
            for field in paragraph.fields() {
                let _ = paragraph.lines(field.name).count();
                let _ = paragraph.get_folded(field.name);
            }
        }
    }

    #[test]
    fn packages_release_and_sources(text in debianish()) {
        let (index, _) = PackageIndex::parse(&text);
        for package in index.packages() {
            let _ = package.depends();
            let _ = index.providers(&package.name);
        }
        let _ = Release::parse(&text);
        let _ = parse_rfc2822(&text);
        for name in ["x.sources", "sources.list"] {
            let (sources, _) = parse_sources_file(name, &text);
            let _ = debian_mirror_for_release(&sources, "bookworm");
        }
    }

    #[test]
    fn relations_and_versions(text in debianish()) {
        let _ = parse_relations(&text);
        if let Ok(version) = text.parse::<Version>() {
            // What parses prints back to something that parses equal.
            let again: Version = version.to_string().parse().expect("round trip");
            prop_assert_eq!(again, version);
        }
    }

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        let _ = deb822::parse_all(&text);
        let _ = PackageIndex::parse(&text);
        let _ = Release::parse(&text);
        let _ = parse_relations(&text);
        let _ = text.parse::<Version>();
        let _ = parse_sources_file("x.sources", &text);
        let _ = parse_sources_file("x.list", &text);
    }
}
