//! apt's policy on a signed Release, as pure rules (no IO, no clock: the
//! caller passes `now` and the replay floor).
//!
//! The signature is checked elsewhere ([`crate::inrelease`]); a Release
//! without a SHA256 list already fails to parse ([`crate::release`]).

use crate::release::Release;

/// How far in the future a Release's `Date` may be (apt's default
/// `Acquire::Max-FutureTime`, 10 days).
pub const MAX_FUTURE_SECS: i64 = 10 * 24 * 3600;

/// Which rule a Release broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// Past its `Valid-Until`.
    Expired,
    /// `Date` more than [`MAX_FUTURE_SECS`] ahead of now.
    FutureDate,
    /// For another suite than the one asked for (codename and suite both
    /// differ).
    WrongSuite { found: String },
}

/// Checks Valid-Until, a future Date and the suite/codename against
/// `suite`, in that order.
pub fn check(release: &Release, suite: &str, now: i64) -> Result<(), Violation> {
    if release.is_expired(now) {
        return Err(Violation::Expired);
    }
    // A Release dated far ahead is a broken clock or an attempt to outlive
    // a key's expiry checks.
    if release
        .date
        .is_some_and(|date| date > now + MAX_FUTURE_SECS)
    {
        return Err(Violation::FutureDate);
    }
    // apt refuses a Release for another suite than the one asked for: a
    // mirror could serve an older signed release (or the release itself in
    // place of its -security pocket).
    let names = [release.codename.as_deref(), release.suite.as_deref()];
    if let Some(codename) = &release.codename
        && !names.contains(&Some(suite))
    {
        return Err(Violation::WrongSuite {
            found: codename.clone(),
        });
    }
    Ok(())
}

/// apt's rule against replay: a Release older than the newest one already
/// verified for the suite (`floor`) is refused. A Release without a Date,
/// or no floor yet, passes.
pub fn is_replayed(release: &Release, floor: Option<i64>) -> bool {
    matches!((release.date, floor), (Some(date), Some(newest)) if date < newest)
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn format_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// 2023-06-10 08:00:00 UTC.
    const DATE: i64 = 1_686_384_000;

    fn release(extra: &str) -> Release {
        let text = format!(
            "Origin: Debian\nSuite: stable\nCodename: bookworm\n\
             Date: Sat, 10 Jun 2023 08:00:00 UTC\n{extra}\
             Architectures: arm64\nComponents: main\nSHA256:\n \
             {SHA} 0 main/binary-arm64/Packages\n"
        );
        Release::parse(&text).unwrap()
    }

    #[test]
    fn parsed_date_is_the_one_written() {
        assert_eq!(release("").date, Some(DATE));
        assert_eq!(format_date(DATE), "2023-06-10 08:00:00 UTC");
        assert_eq!(format_date(0), "1970-01-01 00:00:00 UTC");
    }

    #[test]
    fn current_release_for_the_asked_suite_passes() {
        assert_eq!(check(&release(""), "bookworm", DATE + 60), Ok(()));
        assert_eq!(check(&release(""), "stable", DATE + 60), Ok(()));
    }

    #[test]
    fn expired_release_is_refused() {
        let r = release("Valid-Until: Sat, 17 Jun 2023 08:00:00 UTC\n");
        assert_eq!(check(&r, "bookworm", DATE + 86_400), Ok(()));
        assert_eq!(
            check(&r, "bookworm", DATE + 8 * 86_400),
            Err(Violation::Expired)
        );
    }

    #[test]
    fn date_far_in_the_future_is_refused() {
        let r = release("");
        assert_eq!(check(&r, "bookworm", DATE - 9 * 86_400), Ok(()));
        assert_eq!(
            check(&r, "bookworm", DATE - 11 * 86_400),
            Err(Violation::FutureDate)
        );
    }

    #[test]
    fn wrong_codename_is_refused() {
        assert_eq!(
            check(&release(""), "trixie", DATE),
            Err(Violation::WrongSuite {
                found: "bookworm".into()
            })
        );
    }

    #[test]
    fn older_than_the_floor_is_a_replay() {
        let r = release("");
        assert!(!is_replayed(&r, None));
        assert!(!is_replayed(&r, Some(DATE)));
        assert!(is_replayed(&r, Some(DATE + 1)));
    }

    #[test]
    fn missing_sha256_list_does_not_parse() {
        let text = "Suite: stable\nCodename: bookworm\nDate: Sat, 10 Jun 2023 08:00:00 UTC\n";
        assert!(Release::parse(text).is_err());
    }
}
