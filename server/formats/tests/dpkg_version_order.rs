//! dpkg's own `--compare-versions` is the reference for `Version`'s order.
//!
//! A few hundred generated pairs, biased towards what makes Debian versions
//! hard (epochs, `~`, leading zeros, letters against punctuation, revisions
//! with hyphens), are compared by us and by the real dpkg. Debian and Ubuntu
//! hosts always have dpkg; elsewhere (macOS) the test says it skipped.

#[path = "../../../tests/common/gate.rs"]
mod gate;

use std::cmp::Ordering;
use std::process::Command;

use crossport_formats::debversion::Version;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn dpkg_available() -> bool {
    Command::new("dpkg")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// dpkg's verdict for `left op right` (`lt`, `eq`, `gt`).
fn dpkg_says(left: &str, op: &str, right: &str) -> bool {
    let status = Command::new("dpkg")
        .args(["--compare-versions", left, op, right])
        .status()
        .expect("dpkg runs");
    status.success()
}

fn dpkg_order(left: &str, right: &str) -> Ordering {
    if dpkg_says(left, "lt", right) {
        Ordering::Less
    } else if dpkg_says(left, "eq", right) {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

/// A part of a version: runs of digits (with leading zeros) and of the
/// characters whose order is subtle.
fn part(extra: &'static str) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "0{0,2}[0-9]{1,2}".prop_map(|s| s),
        proptest::sample::select(vec!["~", "~~", ".", "+", "a", "b", "z", "A", "Z"])
            .prop_map(str::to_owned),
        proptest::sample::select(if extra.is_empty() {
            vec!["."]
        } else {
            vec![extra]
        })
        .prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

fn version() -> impl Strategy<Value = String> {
    (
        proptest::option::of(0u32..3),
        "[0-9]{1,2}",
        part("-"),
        proptest::option::of(part("")),
    )
        .prop_map(|(epoch, head, rest, revision)| {
            let mut text = String::new();
            if let Some(epoch) = epoch {
                text.push_str(&format!("{epoch}:"));
            }
            text.push_str(&head);
            text.push_str(&rest);
            if let Some(revision) = revision {
                // A revision must not be empty: give it a digit.
                text.push_str(&format!("-{revision}1"));
            } else if text.ends_with('-') {
                text.push('1');
            }
            text
        })
}

/// Pairs that are often close, so equal prefixes are common.
fn pair() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (version(), version()),
        (version(), part("")).prop_map(|(base, tail)| {
            let other = format!("{base}{tail}");
            (
                base,
                if other.ends_with('-') {
                    format!("{other}1")
                } else {
                    other
                },
            )
        }),
    ]
}

#[test]
fn version_order_matches_dpkg() {
    if !dpkg_available() {
        gate::skipped(
            "version_order_matches_dpkg",
            "dpkg is not installed on this host, so its order cannot be compared",
        );
        return;
    }
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let compared = std::cell::Cell::new(0);
    runner
        .run(&pair(), |(left, right)| {
            let (Ok(ours_left), Ok(ours_right)) =
                (left.parse::<Version>(), right.parse::<Version>())
            else {
                // Both sides are built valid; dpkg agrees they parse.
                prop_assert!(false, "generated an invalid version: {left} / {right}");
                return Ok(());
            };
            compared.set(compared.get() + 1);
            prop_assert_eq!(
                ours_left.cmp(&ours_right),
                dpkg_order(&left, &right),
                "{} vs {}",
                left,
                right
            );
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert!(compared.get() >= 300, "compared {} pairs", compared.get());
}

#[test]
fn known_tricky_pairs_match_dpkg() {
    if !dpkg_available() {
        gate::skipped(
            "known_tricky_pairs_match_dpkg",
            "dpkg is not installed on this host, so its order cannot be compared",
        );
        return;
    }
    let pairs = [
        ("1.0~rc1", "1.0"),
        ("1.0", "1.0-0"),
        ("1.0-1", "1.0-1~bpo1"),
        ("1:1.0", "2.0"),
        ("1.0a", "1.0+"),
        ("1.0.", "1.0"),
        ("001.2", "1.02"),
        ("2.36-9+deb12u7", "2.36-9+deb12u10"),
        ("3.0.15-1~deb12u1", "3.0.15-1"),
        ("1.0~~a", "1.0~"),
        ("1-2-3", "1-2"),
        ("99999999999999999999", "99999999999999999998"),
    ];
    for (left, right) in pairs {
        let ours = left
            .parse::<Version>()
            .expect("valid")
            .cmp(&right.parse::<Version>().expect("valid"));
        assert_eq!(ours, dpkg_order(left, right), "{left} vs {right}");
    }
}
