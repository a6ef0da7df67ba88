//! The Packages index: downloading it with the SHA256 the Release lists,
//! decompressing it, and resolving the requested packages against it.

#[allow(unused_imports)]
use super::*;

/// The index names tried, best compression first.
pub(super) const INDEX_NAMES: &[(&str, crossport_formats::deb::Compression)] = &[
    ("Packages.xz", crossport_formats::deb::Compression::Xz),
    ("Packages.gz", crossport_formats::deb::Compression::Gzip),
    ("Packages", crossport_formats::deb::Compression::None),
];

pub(super) fn resolution_key(
    index_sha: &str,
    plan: &Plan,
    requested: &[String],
    base_set: bool,
) -> String {
    let text = format!(
        "v1\n{index_sha}\n{}\n{base_set}\n{}",
        plan.arch.name,
        requested.join("\n")
    );
    sha256_hex(text.as_bytes())
}

pub(super) fn resolve_packages(
    indexes: &[PackageIndex],
    plan: &Plan,
    requested: &[String],
    base_set: bool,
) -> Result<Vec<LockedPackage>, SysrootError> {
    let mut resolve_request = ResolveRequest::new(plan.arch.name, &[]);
    resolve_request.roots = requested.to_vec();
    resolve_request.base_set = base_set;
    let indexes: Vec<&PackageIndex> = indexes.iter().collect();
    let resolution = resolve(&indexes, &resolve_request)?;
    let mut packages: Vec<LockedPackage> = resolution
        .packages
        .iter()
        .map(|entry| LockedPackage {
            name: entry.package.name.clone(),
            version: entry.package.version.to_string(),
            architecture: entry.package.architecture.clone(),
            filename: entry.package.filename.clone(),
            size: entry.package.size,
            sha256: entry.package.sha256.to_ascii_lowercase(),
        })
        .collect();
    packages.sort();
    Ok(packages)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn fetch_packages_index(
    http: &Http,
    plan: &Plan,
    suite: &str,
    mirror: &Mirror,
    entry: &FileHash,
    compression: crossport_formats::deb::Compression,
    by_hash: bool,
    offline: bool,
    counter: &ByteCounter,
) -> Result<PackageIndex, SysrootError> {
    let url = format!("{}/dists/{suite}/{}", mirror.uri, entry.path);
    let cached = plan.cache.index_path(&entry.sha256);
    let bytes = match read_cached(&cached) {
        Some(bytes) if sha256_hex(&bytes) == entry.sha256 => bytes,
        _ if offline => {
            return Err(SysrootError::NotCached {
                what: url,
                cache: plan.cache.root.clone(),
            });
        }
        _ => {
            let on_bytes = |n| {
                counter.add(n);
            };
            // Acquire-By-Hash: the file under its hash name does not change
            // while the mirror updates, unlike Packages.xz itself.
            let by_hash_url = format!(
                "{}/dists/{}/{}",
                mirror.uri,
                plan.release,
                entry.by_hash_path()
            );
            let fetched = if by_hash {
                match http.get(&by_hash_url, Some(entry.size), &on_bytes).await {
                    Ok(bytes) => Some((by_hash_url, bytes)),
                    Err(err) if err.is_not_found() => None,
                    Err(err) => return Err(err.into()),
                }
            } else {
                None
            };
            let (url, bytes) = match fetched {
                Some(found) => found,
                None => {
                    let bytes = http.get(&url, Some(entry.size), &on_bytes).await?;
                    (url.clone(), bytes)
                }
            };
            check_hash(&url, &bytes, &entry.sha256, Some(entry.size))?;
            plan.cache
                .store(&cached, &bytes)
                .map_err(io_error(&cached))?;
            bytes
        }
    };
    let text = decompress_index(&url, compression, &bytes)?;
    let (index, errors) = PackageIndex::parse(&text);
    for error in errors.iter().take(5) {
        tracing::debug!("{url}: skipped: {error}");
    }
    Ok(index)
}

pub(super) fn decompress_index(
    url: &str,
    compression: crossport_formats::deb::Compression,
    bytes: &[u8],
) -> Result<String, SysrootError> {
    use std::io::Read;
    let decompress_error = |message: String| SysrootError::Decompress {
        url: url.to_owned(),
        message,
    };
    let mut reader = crossport_formats::deb::decompressor(compression, bytes)
        .map_err(|err| decompress_error(err.to_string()))?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|err| decompress_error(err.to_string()))?;
    Ok(text)
}

pub(super) fn check_hash(
    url: &str,
    bytes: &[u8],
    expected: &str,
    size: Option<u64>,
) -> Result<(), SysrootError> {
    if let Some(size) = size
        && bytes.len() as u64 != size
    {
        return Err(SysrootError::SizeMismatch {
            url: url.to_owned(),
            expected: size,
            actual: bytes.len() as u64,
        });
    }
    let actual = sha256_hex(bytes);
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(SysrootError::HashMismatch {
            url: url.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(())
}
