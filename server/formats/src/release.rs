//! Release / InRelease fields: suite, dates, Valid-Until, and the SHA256 list of indexes.
//!
//! The Release file is the root of apt's trust chain: once its signature is
//! checked (see `inrelease`), its SHA256 list is what every Packages index is
//! verified against, and its `Valid-Until` is what stops a replayed, stale
//! archive. This module reads the signed text; it checks nothing itself.

use crate::deb822;

/// One line of the SHA256 list: `hash size path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHash {
    /// Lower-case hex SHA256 (64 characters).
    pub sha256: String,
    pub size: u64,
    /// Path relative to the `dists/<suite>/` directory, e.g.
    /// `main/binary-arm64/Packages.xz`.
    pub path: String,
}

impl FileHash {
    /// The path under which an Acquire-By-Hash archive also serves this file:
    /// `main/binary-arm64/by-hash/SHA256/<hash>`.
    pub fn by_hash_path(&self) -> String {
        match self.path.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/by-hash/SHA256/{}", self.sha256),
            None => format!("by-hash/SHA256/{}", self.sha256),
        }
    }
}

/// The fields of a Release file a sysroot needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    pub origin: Option<String>,
    pub label: Option<String>,
    /// `stable`, `oldstable` … (may be absent in third-party archives).
    pub suite: Option<String>,
    /// `bookworm` …
    pub codename: Option<String>,
    pub version: Option<String>,
    /// `Date`, in unix seconds.
    pub date: Option<i64>,
    /// `Valid-Until`, in unix seconds (absent in Debian's main archive,
    /// present in the security archive).
    pub valid_until: Option<i64>,
    pub architectures: Vec<String>,
    pub components: Vec<String>,
    pub acquire_by_hash: bool,
    /// The SHA256 file list, in file order.
    pub sha256: Vec<FileHash>,
}

/// What made a Release unusable (or a line of it unreadable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    #[error("release file has no fields")]
    Empty,
    #[error("release file has no SHA256 list")]
    NoSha256,
    #[error("line {line}: bad {field} date `{value}`")]
    BadDate {
        line: usize,
        field: &'static str,
        value: String,
    },
    #[error("line {line}: bad SHA256 entry `{entry}`")]
    BadHashLine { line: usize, entry: String },
    #[error("{0}")]
    Syntax(#[from] deb822::Deb822Error),
}

impl Release {
    /// Parses the Release text (after signature checking). Hard errors (no
    /// fields, no SHA256 list, bad dates) make the whole file unusable: a
    /// Release that cannot be read completely must not be trusted.
    pub fn parse(text: &str) -> Result<Self, ReleaseError> {
        let paragraph = match deb822::paragraphs(text).next() {
            None => return Err(ReleaseError::Empty),
            Some(Err(error)) => return Err(error.into()),
            Some(Ok(paragraph)) => paragraph,
        };
        let owned = |name: &str| paragraph.get(name).map(str::to_owned);
        let words = |name: &str| {
            paragraph
                .get(name)
                .map(|value| value.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let date = |name: &'static str| -> Result<Option<i64>, ReleaseError> {
            let Some(field) = paragraph.field(name) else {
                return Ok(None);
            };
            parse_rfc2822(field.value)
                .map(Some)
                .ok_or_else(|| ReleaseError::BadDate {
                    line: field.line,
                    field: name,
                    value: field.value.to_owned(),
                })
        };
        let release = Release {
            origin: owned("Origin"),
            label: owned("Label"),
            suite: owned("Suite"),
            codename: owned("Codename"),
            version: owned("Version"),
            date: date("Date")?,
            valid_until: date("Valid-Until")?,
            architectures: words("Architectures"),
            components: words("Components"),
            acquire_by_hash: paragraph
                .get("Acquire-By-Hash")
                .is_some_and(|value| value.eq_ignore_ascii_case("yes")),
            sha256: parse_hash_list(&paragraph)?,
        };
        Ok(release)
    }

    /// The SHA256 entry for a path relative to `dists/<suite>/`.
    pub fn sha256_entry(&self, path: &str) -> Option<&FileHash> {
        self.sha256.iter().find(|entry| entry.path == path)
    }

    /// Whether the Release is past its Valid-Until at `now` (unix seconds).
    pub fn is_expired(&self, now: i64) -> bool {
        self.valid_until.is_some_and(|until| now > until)
    }
}

fn parse_hash_list(paragraph: &deb822::Paragraph<'_>) -> Result<Vec<FileHash>, ReleaseError> {
    let Some(field) = paragraph.field("SHA256") else {
        return Err(ReleaseError::NoSha256);
    };
    let mut entries = Vec::new();
    for (offset, line) in field.value.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || ReleaseError::BadHashLine {
            line: field.value_line + offset,
            entry: line.to_owned(),
        };
        let mut parts = line.split_whitespace();
        let (Some(hash), Some(size), Some(path), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let size = size.parse::<u64>().map_err(|_| bad())?;
        entries.push(FileHash {
            sha256: hash.to_ascii_lowercase(),
            size,
            path: path.to_owned(),
        });
    }
    if entries.is_empty() {
        return Err(ReleaseError::NoSha256);
    }
    Ok(entries)
}

/// Parses the RFC 2822 dates Release files use (`Sat, 11 Jul 2026 10:16:37
/// UTC`) into unix seconds. The weekday is optional and not checked; zones
/// may be `UTC`, `GMT`, `Z` or a numeric offset like `+0000`.
pub fn parse_rfc2822(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = match text.split_once(',') {
        Some((_, rest)) => rest,
        None => text,
    };
    let mut parts = text.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = month_number(parts.next()?)?;
    let year: i64 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let offset = match parts.next() {
        None => 0,
        Some(zone) => zone_offset(zone)?,
    };
    if parts.next().is_some() {
        return None;
    }
    let mut clock = time.split(':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: i64 = match clock.next() {
        Some(second) => second.parse().ok()?,
        None => 0,
    };
    if clock.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = name.get(..3)?;
    let position = MONTHS
        .iter()
        .position(|month| prefix.eq_ignore_ascii_case(month))?;
    u32::try_from(position + 1).ok()
}

/// A zone's offset from UTC in seconds.
fn zone_offset(zone: &str) -> Option<i64> {
    if ["UTC", "GMT", "Z", "UT"]
        .iter()
        .any(|name| zone.eq_ignore_ascii_case(name))
    {
        return Some(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    Some(sign * (hours * 3600 + minutes * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = "\
Origin: Debian
Label: Debian
Suite: oldstable
Version: 12.15
Codename: bookworm
Date: Sat, 11 Jul 2026 10:16:37 UTC
Valid-Until: Sat, 18 Jul 2026 10:16:37 UTC
Acquire-By-Hash: yes
Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x
Components: main contrib non-free-firmware non-free
MD5Sum:
 3b716e59badbf5fabc139c31e360ddf4 49434864 main/binary-arm64/Packages
SHA256:
 C0FFEE00112233445566778899aabbccddeeff00112233445566778899aabbcc 49434864 main/binary-arm64/Packages
 a3f1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f  8689464 main/binary-arm64/Packages.xz
";

    #[test]
    fn reads_the_fields_a_sysroot_needs() {
        let release = Release::parse(RELEASE).expect("valid release");
        assert_eq!(release.codename.as_deref(), Some("bookworm"));
        assert_eq!(release.suite.as_deref(), Some("oldstable"));
        assert_eq!(release.date, Some(1_783_764_997));
        assert_eq!(
            release.valid_until,
            release.date.map(|date| date + 7 * 86_400)
        );
        assert!(release.acquire_by_hash);
        assert_eq!(release.architectures.len(), 10);
        assert_eq!(release.components[0], "main");
        let xz = release
            .sha256_entry("main/binary-arm64/Packages.xz")
            .expect("entry");
        assert_eq!(xz.size, 8_689_464);
        assert_eq!(
            xz.by_hash_path(),
            format!("main/binary-arm64/by-hash/SHA256/{}", xz.sha256)
        );
        let plain = release
            .sha256_entry("main/binary-arm64/Packages")
            .expect("entry");
        assert!(plain.sha256.starts_with("c0ffee"), "hashes are lower-cased");
        assert_eq!(release.sha256_entry("main/binary-armhf/Packages.xz"), None);
        assert!(release.is_expired(release.date.unwrap_or(0) + 8 * 86_400));
        assert!(!release.is_expired(release.date.unwrap_or(0)));
    }

    #[test]
    fn dates_convert_to_unix_seconds() {
        assert_eq!(parse_rfc2822("Thu, 01 Jan 1970 00:00:00 UTC"), Some(0));
        assert_eq!(
            parse_rfc2822("Sat, 11 Jul 2026 10:16:37 UTC"),
            Some(1_783_764_997)
        );
        assert_eq!(
            parse_rfc2822("29 Feb 2024 12:00:00 +0200"),
            Some(1_709_200_800)
        );
        assert_eq!(
            parse_rfc2822("Sat, 11 Jul 2026 10:16:37"),
            Some(1_783_764_997)
        );
        assert_eq!(parse_rfc2822("Sat, 11 Foo 2026 10:16:37 UTC"), None);
        assert_eq!(parse_rfc2822("yesterday"), None);
        assert_eq!(parse_rfc2822("Sat, 11 Jü 2026 10:16:37 UTC"), None);
        assert_eq!(parse_rfc2822("Sat, 11 Jul 2026 25:16:37 UTC"), None);
    }

    #[test]
    fn refuses_incomplete_release_files() {
        assert_eq!(Release::parse(""), Err(ReleaseError::Empty));
        assert_eq!(
            Release::parse("Origin: Debian\nCodename: bookworm\n"),
            Err(ReleaseError::NoSha256)
        );
        assert!(matches!(
            Release::parse("Date: someday\nSHA256:\n 00 1 x\n"),
            Err(ReleaseError::BadDate { line: 1, .. })
        ));
        assert!(matches!(
            Release::parse("Origin: x\nSHA256:\n nothex 1 main/x\n"),
            Err(ReleaseError::BadHashLine { line: 3, .. })
        ));
    }

    /// The signed text of a clearsigned file: after the armor header.
    fn signed_text(inrelease: &str) -> &str {
        inrelease.split_once("\n\n").map_or("", |(_, body)| body)
    }

    #[test]
    fn reads_real_release_headers() {
        let bookworm = Release::parse(signed_text(include_str!(
            "../../../fixtures/debian/bookworm-InRelease-head"
        )))
        .expect("bookworm parses");
        assert_eq!(bookworm.codename.as_deref(), Some("bookworm"));
        assert_eq!(bookworm.origin.as_deref(), Some("Debian"));
        assert_eq!(
            bookworm.date,
            parse_rfc2822("Sat, 11 Jul 2026 10:16:37 UTC")
        );
        assert_eq!(bookworm.valid_until, None);
        assert!(bookworm.acquire_by_hash);
        assert!(bookworm.architectures.iter().any(|arch| arch == "mips64el"));
        let xz = bookworm
            .sha256_entry("main/binary-arm64/Packages.xz")
            .expect("arm64 Packages.xz listed");
        assert_eq!(xz.size, 8_689_464);
        assert_eq!(
            xz.sha256,
            "2ddb1737692e8c45c53e8d57c0ce4cd21c78c5703b830c3226b1423566a06c00"
        );
        assert_eq!(bookworm.sha256.len(), 12);
        let trixie = Release::parse(signed_text(include_str!(
            "../../../fixtures/debian/trixie-InRelease-head"
        )))
        .expect("trixie parses");
        assert_eq!(trixie.codename.as_deref(), Some("trixie"));
        assert!(trixie.architectures.iter().any(|arch| arch == "riscv64"));
        assert!(
            trixie
                .sha256_entry("main/binary-armhf/Packages.xz")
                .is_some()
        );
    }
}
