//! Debian version numbers and dpkg's comparison (epochs, tildes).
//!
//! A sysroot resolver compares versions constantly (`libc6 (>= 2.34)`), and
//! a wrong order silently picks the wrong package, so this follows dpkg's
//! `verrevcmp` exactly: the epoch numerically, then upstream version and
//! revision by alternating non-digit and digit runs, where `~` sorts before
//! everything (even the end of the string), letters before non-letters, and
//! digit runs compare as numbers. A test checks it against the real
//! `dpkg --compare-versions`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A Debian version: `[epoch:]upstream[-revision]`.
#[derive(Debug, Clone)]
pub struct Version {
    /// The epoch, 0 when absent.
    pub epoch: u32,
    /// The upstream version.
    pub upstream: String,
    /// The Debian revision, empty when absent (native packages).
    pub revision: String,
}

/// Why a string is not a Debian version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("empty version")]
    Empty,
    #[error("invalid epoch in version `{0}`")]
    BadEpoch(String),
    #[error("empty revision in version `{0}`")]
    EmptyRevision(String),
    #[error("empty upstream version in `{0}`")]
    EmptyUpstream(String),
    #[error("upstream version of `{0}` does not start with a digit")]
    UpstreamNotDigit(String),
    #[error("invalid character {1:?} in version `{0}`")]
    BadCharacter(String, char),
}

impl Version {
    /// Builds a version from its parts without checking them.
    pub fn new(epoch: u32, upstream: &str, revision: &str) -> Self {
        Self {
            epoch,
            upstream: upstream.to_owned(),
            revision: revision.to_owned(),
        }
    }
}

impl FromStr for Version {
    type Err = VersionError;

    /// Parses like dpkg's `parseversion`: the epoch ends at the first `:`,
    /// the revision starts after the last `-`. Like dpkg, an upstream part
    /// that does not start with a digit is an error.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                let epoch = epoch
                    .parse::<u32>()
                    .map_err(|_| VersionError::BadEpoch(text.to_owned()))?;
                (epoch, rest)
            }
            None => (0, text),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if rest.ends_with('-') {
            return Err(VersionError::EmptyRevision(text.to_owned()));
        }
        if upstream.is_empty() {
            return Err(VersionError::EmptyUpstream(text.to_owned()));
        }
        if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(VersionError::UpstreamNotDigit(text.to_owned()));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || ".+~-:".contains(c);
        if let Some(bad) = upstream.chars().find(|&c| !allowed(c)) {
            return Err(VersionError::BadCharacter(text.to_owned(), bad));
        }
        let allowed_rev = |c: char| c.is_ascii_alphanumeric() || ".+~".contains(c);
        if let Some(bad) = revision.chars().find(|&c| !allowed_rev(c)) {
            return Err(VersionError::BadCharacter(text.to_owned(), bad));
        }
        Ok(Self::new(epoch, upstream, revision))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if !self.revision.is_empty() {
            write!(f, "-{}", self.revision)?;
        }
        Ok(())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(&self.upstream, &other.upstream))
            .then_with(|| compare_part(&self.revision, &other.revision))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equal in dpkg's sense: `1.0` and `0:1.0` are the same version, and so are
/// `1.01` and `1.1` (digit runs compare as numbers).
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

/// The weight dpkg gives a character in a non-digit run: `~` below the end
/// of the string, the end (0) below letters, letters below other characters.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one part (upstream or revision).
pub fn compare_part(left: &str, right: &str) -> Ordering {
    let (mut a, mut b) = (left.as_bytes(), right.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // Non-digit prefix, character by character.
        while a.first().is_some_and(|c| !c.is_ascii_digit())
            || b.first().is_some_and(|c| !c.is_ascii_digit())
        {
            let (ca, cb) = (order(a.first().copied()), order(b.first().copied()));
            if ca != cb {
                return ca.cmp(&cb);
            }
            a = &a[1.min(a.len())..];
            b = &b[1.min(b.len())..];
        }
        // Digit run, numerically (leading zeros ignored, any length).
        let (digits_a, rest_a) = split_digits(a);
        let (digits_b, rest_b) = split_digits(b);
        let ordering = compare_digits(digits_a, digits_b);
        if ordering != Ordering::Equal {
            return ordering;
        }
        a = rest_a;
        b = rest_b;
    }
    Ordering::Equal
}

fn split_digits(text: &[u8]) -> (&[u8], &[u8]) {
    let end = text
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

fn compare_digits(a: &[u8], b: &[u8]) -> Ordering {
    let strip = |digits: &[u8]| -> usize { digits.iter().take_while(|&&c| c == b'0').count() };
    let a = &a[strip(a)..];
    let b = &b[strip(b)..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().expect("valid version in test")
    }

    #[test]
    fn parses_epoch_upstream_revision() {
        let version = v("1:2.30-0ubuntu1~deb12u1");
        assert_eq!(version.epoch, 1);
        assert_eq!(version.upstream, "2.30");
        assert_eq!(version.revision, "0ubuntu1~deb12u1");
        let dashed = v("3.0.0-beta1-2");
        assert_eq!(
            (dashed.upstream.as_str(), dashed.revision.as_str()),
            ("3.0.0-beta1", "2")
        );
        assert_eq!(v("2.36").to_string(), "2.36");
        assert_eq!(v("1:2.36-9+deb12u7").to_string(), "1:2.36-9+deb12u7");
    }

    #[test]
    fn rejects_what_dpkg_rejects() {
        assert_eq!("".parse::<Version>(), Err(VersionError::Empty));
        assert!(matches!(
            "x:1".parse::<Version>(),
            Err(VersionError::BadEpoch(_))
        ));
        assert!(matches!(
            "abc".parse::<Version>(),
            Err(VersionError::UpstreamNotDigit(_))
        ));
        assert!(matches!(
            "1.0 beta".parse::<Version>(),
            Err(VersionError::BadCharacter(..))
        ));
        assert!(matches!(
            "1:-1".parse::<Version>(),
            Err(VersionError::EmptyUpstream(_))
        ));
    }

    #[test]
    fn orders_like_dpkg() {
        let ascending = [
            "0.9", "1.0~rc1", "1.0", "1.0-1", "1.0a", "1.0+b1", "1.0.1", "1.01.2", "1.10", "1:0.1",
        ];
        for pair in ascending.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0"), v("0:1.0"));
        assert_eq!(v("1.01"), v("1.1"));
        assert!(v("2.36-9+deb12u7") > v("2.36-9+deb12u4"));
        assert!(v("3.0.15-1~deb12u1") < v("3.0.15-1"));
        assert!(v("1.0~~") < v("1.0~"));
    }
}
