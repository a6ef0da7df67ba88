//! Release trust: the keyring, the signed InRelease (or Release +
//! Release.gpg) and the policy checks on it (Valid-Until, future Date,
//! the lock's replay floor, hash algorithms, suite and codename).

#[allow(unused_imports)]
use super::*;

/// `--keyring FILE`, else the shipped keys the releases table names for
/// the release (Debian's for Debian, Ubuntu's for Ubuntu).
pub(super) fn load_keyring(
    path: Option<&Path>,
    release: &KnownRelease,
) -> Result<Keyring, SysrootError> {
    let Some(path) = path else {
        return Keyring::for_release(release).map_err(|source| SysrootError::Signature {
            url: format!("built-in {} archive keys", release.vendor.display_name()),
            source,
        });
    };
    let bytes = std::fs::read(path).map_err(|source| SysrootError::KeyringFile {
        path: path.to_owned(),
        source,
    })?;
    Keyring::from_file(&path.display().to_string(), &bytes).map_err(|source| {
        SysrootError::Signature {
            url: path.display().to_string(),
            source,
        }
    })
}

/// A verified, parsed Release.
pub(super) struct VerifiedRelease {
    pub(super) release: Release,
    pub(super) date_text: Option<String>,
    pub(super) url: String,
}

/// Fetches `suite`'s signed Release from `mirror` (or, offline, the
/// cache), verifies it with the context's keyring and apt's policy, and
/// refuses one older than `lock_floor` or the newest this cache has seen.
pub(super) async fn fetch_release(
    cx: &FetchContext<'_>,
    suite: &str,
    mirror: &Mirror,
    lock_floor: Option<i64>,
) -> Result<VerifiedRelease, SysrootError> {
    let FetchContext {
        http,
        plan,
        keyring,
        offline,
        counter,
        ..
    } = cx;
    let offline = *offline;
    let base = format!("{}/dists/{suite}", mirror.uri);
    let saved = plan.cache.release_dir(&mirror.uri, suite);
    let on_bytes = |n| {
        counter.add(n);
    };
    let now = unix_now();
    // InRelease first; fall back to Release + Release.gpg like apt.
    let inrelease_url = format!("{base}/InRelease");
    let fetched = if offline {
        read_cached(&saved.join("InRelease"))
    } else {
        match http.get(&inrelease_url, None, &on_bytes).await {
            Ok(bytes) => Some(bytes),
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(err.into()),
        }
    };
    let (url, verified, files) = match fetched {
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let verified =
                keyring
                    .verify_inrelease(&text, now)
                    .map_err(|source| SysrootError::Signature {
                        url: inrelease_url.clone(),
                        source,
                    })?;
            (inrelease_url, verified, vec![("InRelease", bytes)])
        }
        None => {
            let release_url = format!("{base}/Release");
            let (release, signature) = if offline {
                let not_cached = || SysrootError::NotCached {
                    what: format!("the signed Release of {suite}"),
                    cache: plan.cache.root.clone(),
                };
                (
                    read_cached(&saved.join("Release")).ok_or_else(not_cached)?,
                    read_cached(&saved.join("Release.gpg")).ok_or_else(not_cached)?,
                )
            } else {
                let release = http.get(&release_url, None, &on_bytes).await?;
                let signature = http
                    .get(&format!("{release_url}.gpg"), None, &on_bytes)
                    .await?;
                (release, signature)
            };
            let verified =
                keyring
                    .verify_detached(&release, &signature, now)
                    .map_err(|source| SysrootError::Signature {
                        url: release_url.clone(),
                        source,
                    })?;
            (
                release_url,
                verified,
                vec![("Release", release), ("Release.gpg", signature)],
            )
        }
    };
    let release = Release::parse(&verified.text).map_err(|err| SysrootError::Release {
        url: url.clone(),
        message: err.to_string(),
    })?;
    check_release(&release, suite, &url, &verified.text, now)?;
    // apt's rule against replay: never go back to an older Release than
    // one already verified for this suite (from this cache or the lock).
    let floor_file = saved.join("newest-date");
    let cache_floor = std::fs::read_to_string(&floor_file)
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok());
    let floor = cache_floor.max(lock_floor);
    if let Some(newest) = floor
        && crossport_formats::release_policy::is_replayed(&release, floor)
    {
        let from_cache = cache_floor == Some(newest);
        return Err(SysrootError::Replayed {
            url: url.clone(),
            release: suite.to_owned(),
            date: field_text(&verified.text, "Date").unwrap_or_default(),
            newest: format!(
                "{}, {}",
                crossport_formats::release_policy::format_date(newest),
                if from_cache {
                    "seen by this cache"
                } else {
                    "the lock's release_date"
                }
            ),
            hint: if from_cache {
                format!(
                    "if the mirror was rolled back on purpose, remove {}",
                    floor_file.display()
                )
            } else {
                "use a mirror at least as recent as the one the lock was made from, \
                 or --snapshot-mirror for old versions"
                    .to_owned()
            },
        });
    }
    if !offline {
        if let Some(date) = release.date
            && cache_floor.is_none_or(|newest| date > newest)
        {
            plan.cache
                .store(&floor_file, date.to_string().as_bytes())
                .map_err(io_error(&floor_file))?;
        }
        for (name, bytes) in files {
            plan.cache
                .store(&saved.join(name), &bytes)
                .map_err(io_error(&saved))?;
        }
    }
    let date_text = field_text(&verified.text, "Date");
    Ok(VerifiedRelease {
        release,
        date_text,
        url,
    })
}

pub(super) fn check_release(
    release: &Release,
    suite: &str,
    url: &str,
    text: &str,
    now: u64,
) -> Result<(), SysrootError> {
    use crossport_formats::release_policy::{Violation, check};
    check(release, suite, now as i64).map_err(|violation| match violation {
        Violation::Expired => SysrootError::Expired {
            url: url.to_owned(),
            valid_until: field_text(text, "Valid-Until").unwrap_or_default(),
        },
        Violation::FutureDate => SysrootError::Release {
            url: url.to_owned(),
            message: format!(
                "its Date ({}) is more than 10 days in the future; check the system clock",
                field_text(text, "Date").unwrap_or_default()
            ),
        },
        Violation::WrongSuite { found } => SysrootError::Release {
            url: url.to_owned(),
            message: format!("is for {found}, not {suite}"),
        },
    })
}

pub(super) fn field_text(text: &str, name: &str) -> Option<String> {
    crossport_formats::deb822::paragraphs(text)
        .next()?
        .ok()?
        .get(name)
        .map(str::to_owned)
}

pub(super) fn read_cached(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// 2023-06-10 08:00:00 UTC.
    const DATE: u64 = 1_686_384_000;

    fn text(codename: &str, extra: &str) -> String {
        format!(
            "Origin: Debian\nSuite: stable\nCodename: {codename}\n\
             Date: Sat, 10 Jun 2023 08:00:00 UTC\n{extra}\
             Architectures: arm64\nComponents: main\nSHA256:\n \
             {SHA} 0 main/binary-arm64/Packages\n"
        )
    }

    fn checked(text: &str, now: u64) -> Result<(), SysrootError> {
        let release = Release::parse(text).expect("parse");
        check_release(&release, "bookworm", "http://m/InRelease", text, now)
    }

    #[test]
    fn a_current_release_of_the_asked_suite_passes() {
        assert!(checked(&text("bookworm", ""), DATE + 60).is_ok());
    }

    #[test]
    fn an_expired_release_names_its_valid_until_as_written() {
        let text = text("bookworm", "Valid-Until: Sat, 17 Jun 2023 08:00:00 UTC\n");
        let err = checked(&text, DATE + 8 * 86_400).expect_err("expired");
        assert!(
            matches!(&err, SysrootError::Expired { url, valid_until }
                if url == "http://m/InRelease" && valid_until == "Sat, 17 Jun 2023 08:00:00 UTC"),
            "{err}"
        );
    }

    #[test]
    fn a_release_from_the_future_points_at_the_clock() {
        let err = checked(&text("bookworm", ""), DATE - 11 * 86_400).expect_err("future");
        let message = err.to_string();
        assert!(
            message.contains("Sat, 10 Jun 2023 08:00:00 UTC"),
            "{message}"
        );
        assert!(message.contains("check the system clock"), "{message}");
    }

    #[test]
    fn another_suites_release_is_refused_by_name() {
        let err = checked(&text("trixie", ""), DATE + 60).expect_err("wrong suite");
        assert!(
            matches!(&err, SysrootError::Release { message, .. } if message.contains("not bookworm")),
            "{err}"
        );
    }

    #[test]
    fn a_field_is_read_as_written_from_the_first_paragraph() {
        let text = text("bookworm", "");
        assert_eq!(
            field_text(&text, "Date").as_deref(),
            Some("Sat, 10 Jun 2023 08:00:00 UTC")
        );
        assert_eq!(field_text(&text, "Valid-Until"), None);
        assert_eq!(field_text("", "Date"), None);
    }

    #[test]
    fn a_keyring_file_that_is_missing_or_no_key_is_a_clear_error() {
        let release = known_release("bookworm").expect("bookworm");
        assert!(load_keyring(None, release).is_ok(), "the shipped keys load");
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.gpg");
        let err = load_keyring(Some(&missing), release).expect_err("missing");
        assert!(
            matches!(&err, SysrootError::KeyringFile { path, .. } if *path == missing),
            "{err}"
        );
        let junk = dir.path().join("junk.gpg");
        std::fs::write(&junk, b"not a key").expect("write");
        let err = load_keyring(Some(&junk), release).expect_err("junk");
        assert!(
            matches!(&err, SysrootError::Signature { url, .. } if url.ends_with("junk.gpg")),
            "{err}"
        );
    }

    #[test]
    fn offline_without_a_cached_release_names_the_suite_and_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = plan(
            "aarch64-unknown-linux-gnu",
            "bookworm",
            Some(dir.path()),
            Some(&dir.path().join("lock")),
        )
        .expect("plan");
        let progress = |_: ProgressEvent| {};
        let cx = FetchContext {
            keyring: load_keyring(None, plan.known).expect("keyring"),
            plan,
            http: Http::new().expect("http client"),
            mirror: Mirror {
                uri: "http://127.0.0.1:9/debian".to_owned(),
                origin: "test".to_owned(),
            },
            offline: true,
            limits: Limits::of(None, None),
            counter: ByteCounter::default(),
            progress: &progress,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let err = runtime
            .block_on(fetch_release(&cx, "bookworm", &cx.mirror, None))
            .err()
            .expect("nothing cached");
        assert!(
            matches!(&err, SysrootError::NotCached { what, cache }
                if what == "the signed Release of bookworm" && cache == dir.path()),
            "{err}"
        );
    }
}
