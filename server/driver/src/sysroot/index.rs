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

/// One Packages index a verified Release lists: its suite, its path, size
/// and SHA256, how it is compressed, and whether the suite serves it by
/// hash (Acquire-By-Hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IndexEntry {
    pub(super) suite: String,
    pub(super) file: FileHash,
    pub(super) compression: crossport_formats::deb::Compression,
    pub(super) by_hash: bool,
}

impl IndexEntry {
    /// Where the index is on `mirror`, by its name.
    pub(super) fn url(&self, mirror: &Mirror) -> String {
        format!("{}/dists/{}/{}", mirror.uri, self.suite, self.file.path)
    }
}

/// The index `entry` names, from the cache when a file of its SHA256 is
/// there, else downloaded from `mirror` (by hash when the suite offers it)
/// and checked against the SHA256 and size the signed Release lists.
pub(super) async fn fetch_packages_index(
    cx: &FetchContext<'_>,
    mirror: &Mirror,
    entry: &IndexEntry,
) -> Result<PackageIndex, SysrootError> {
    let FetchContext {
        http,
        plan,
        offline,
        counter,
        ..
    } = cx;
    let (suite, compression, by_hash) = (&entry.suite, entry.compression, entry.by_hash);
    let url = entry.url(mirror);
    let entry = &entry.file;
    let cached = plan.cache.index_path(&entry.sha256);
    let bytes = match read_cached(&cached) {
        Some(bytes) if sha256_hex(&bytes) == entry.sha256 => bytes,
        _ if *offline => {
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
            let by_hash_url = format!("{}/dists/{}/{}", mirror.uri, suite, entry.by_hash_path());
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crossport_formats::deb::Compression;

    use super::*;

    const PACKAGES: &str = "\
Package: libssl-dev
Version: 3.0.20-1~deb12u2
Architecture: arm64
Depends: libssl3 (= 3.0.20-1~deb12u2)
Filename: pool/main/o/openssl/libssl-dev_3.0.20-1~deb12u2_arm64.deb
Size: 10
SHA256: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA

Package: libssl3
Version: 3.0.20-1~deb12u2
Architecture: arm64
Filename: pool/main/o/openssl/libssl3_3.0.20-1~deb12u2_arm64.deb
Size: 20
SHA256: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
";

    fn test_plan(cache: &Path) -> Plan {
        plan(
            "aarch64-unknown-linux-gnu",
            "bookworm",
            Some(cache),
            Some(&cache.join("lock")),
        )
        .expect("plan")
    }

    fn entry(bytes: &[u8], compression: Compression) -> IndexEntry {
        IndexEntry {
            suite: "bookworm".to_owned(),
            file: FileHash {
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
                path: "main/binary-arm64/Packages.xz".to_owned(),
            },
            compression,
            by_hash: true,
        }
    }

    fn xz(text: &str) -> Vec<u8> {
        let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 1);
        encoder.write_all(text.as_bytes()).expect("xz");
        encoder.finish().expect("xz")
    }

    fn gz(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).expect("gz");
        encoder.finish().expect("gz")
    }

    /// The context of an offline fetch from `cache` (no mirror is asked).
    fn offline(plan: Plan, progress: Progress<'_>) -> FetchContext<'_> {
        FetchContext {
            plan,
            http: Http::new().expect("http client"),
            mirror: Mirror {
                uri: "http://127.0.0.1:9/debian".to_owned(),
                origin: "test".to_owned(),
            },
            keyring: load_keyring(None, known_release("bookworm").expect("bookworm"))
                .expect("keyring"),
            offline: true,
            limits: Limits::of(None, None),
            counter: ByteCounter::default(),
            progress,
        }
    }

    #[test]
    fn a_hash_or_size_that_differs_is_refused_naming_the_url() {
        let bytes = b"Packages";
        let sha = sha256_hex(bytes);
        assert!(check_hash("u", bytes, &sha.to_ascii_uppercase(), Some(8)).is_ok());
        let size = check_hash("http://m/x", bytes, &sha, Some(9)).expect_err("size");
        assert!(
            matches!(&size, SysrootError::SizeMismatch { url, expected: 9, actual: 8 } if url == "http://m/x"),
            "{size}"
        );
        let hash = check_hash("http://m/x", bytes, &"0".repeat(64), None).expect_err("hash");
        assert!(
            matches!(&hash, SysrootError::HashMismatch { actual, .. } if *actual == sha),
            "{hash}"
        );
    }

    #[test]
    fn every_index_compression_decompresses_and_garbage_is_a_clear_error() {
        for (compression, bytes) in [
            (Compression::Xz, xz(PACKAGES)),
            (Compression::Gzip, gz(PACKAGES)),
            (Compression::None, PACKAGES.as_bytes().to_vec()),
        ] {
            assert_eq!(
                decompress_index("u", compression, &bytes).expect("decompress"),
                PACKAGES,
                "{compression:?}"
            );
        }
        let err = decompress_index("http://m/Packages.xz", Compression::Xz, b"not xz")
            .expect_err("garbage");
        assert!(
            matches!(&err, SysrootError::Decompress { url, .. } if url == "http://m/Packages.xz"),
            "{err}"
        );
    }

    #[test]
    fn the_resolution_key_changes_with_everything_the_closure_depends_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = test_plan(dir.path());
        let ssl = ["libssl-dev".to_owned()];
        let key = resolution_key("abc", &plan, &ssl, true);
        assert_eq!(key, resolution_key("abc", &plan, &ssl, true));
        assert_eq!(key.len(), 64);
        assert_ne!(key, resolution_key("abd", &plan, &ssl, true));
        assert_ne!(key, resolution_key("abc", &plan, &ssl, false));
        assert_ne!(key, resolution_key("abc", &plan, &[], true));
    }

    #[test]
    fn the_closure_is_locked_sorted_with_lower_case_hashes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = test_plan(dir.path());
        let (index, errors) = PackageIndex::parse(PACKAGES);
        assert!(errors.is_empty(), "{errors:?}");
        let packages =
            resolve_packages(&[index], &plan, &["libssl-dev".to_owned()], false).expect("resolve");
        let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["libssl-dev", "libssl3"]);
        assert_eq!(packages[0].sha256, "a".repeat(64));
        assert_eq!(packages[1].size, 20);
        assert_eq!(packages[0].architecture, "arm64");
    }

    #[test]
    fn an_index_url_names_its_suite_and_path() {
        let mirror = Mirror {
            uri: "http://127.0.0.1:8080/ubuntu-ports".to_owned(),
            origin: "test".to_owned(),
        };
        let mut updates = entry(b"x", Compression::Xz);
        updates.suite = "jammy-updates".to_owned();
        assert_eq!(
            updates.url(&mirror),
            "http://127.0.0.1:8080/ubuntu-ports/dists/jammy-updates/main/binary-arm64/Packages.xz"
        );
    }

    #[test]
    fn offline_the_index_comes_from_the_cache_by_its_hash_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let progress = |_: ProgressEvent| {};
        let cx = offline(test_plan(dir.path()), &progress);
        let bytes = xz(PACKAGES);
        let entry = entry(&bytes, Compression::Xz);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let missing = runtime
            .block_on(fetch_packages_index(&cx, &cx.mirror, &entry))
            .expect_err("nothing cached");
        assert!(
            matches!(&missing, SysrootError::NotCached { what, .. }
                if what.ends_with("/dists/bookworm/main/binary-arm64/Packages.xz")),
            "{missing}"
        );
        let cached = cx.plan.cache.index_path(&entry.file.sha256);
        cx.plan.cache.store(&cached, &bytes).expect("store");
        let index = runtime
            .block_on(fetch_packages_index(&cx, &cx.mirror, &entry))
            .expect("from the cache");
        assert_eq!(index.get("libssl3").count(), 1);
        // A cached file that no longer has the hash is not used.
        std::fs::write(&cached, b"tampered").expect("tamper");
        assert!(
            runtime
                .block_on(fetch_packages_index(&cx, &cx.mirror, &entry))
                .is_err()
        );
    }
}
