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

// The one context struct for these values is #11's sysroot split, not done yet.
#[allow(clippy::too_many_arguments)]
pub(super) async fn fetch_release(
    http: &Http,
    plan: &Plan,
    suite: &str,
    mirror: &Mirror,
    keyring: &Keyring,
    offline: bool,
    counter: &ByteCounter,
    lock_floor: Option<i64>,
) -> Result<VerifiedRelease, SysrootError> {
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
