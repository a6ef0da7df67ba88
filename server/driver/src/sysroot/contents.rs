//! Which package ships a library: the release's signed `Contents-<arch>`.
//!
//! A link error names a library (`-lgpiod`), not a package; the native
//! library table knows the common ones, and for the rest the archive itself
//! answers. The index is trusted the way a Packages index is: its SHA256
//! must be the one the suite's signed Release lists (same keyring rules as
//! a fetch), and it is cached under that hash, so a second lookup in the
//! same release costs no download.

#[allow(unused_imports)]
use super::*;

use crossport_formats::contents::{LibraryAnswer, find_libraries};

/// Where to look a library up.
#[derive(Debug, Clone, Default)]
pub struct ContentsRequest {
    /// Rust target triple.
    pub target: String,
    /// Debian or Ubuntu codename.
    pub release: String,
    pub mirror: Option<String>,
    pub ports_mirror: Option<String>,
    /// Replaces the shipped archive keys.
    pub keyring: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    /// Use only a cached index.
    pub offline: bool,
}

/// The answers, and which signed indexes gave them.
#[derive(Debug, Clone)]
pub struct ContentsLookup {
    /// `Contents-arm64` of `bookworm` (what a finding says it read).
    pub index: String,
    /// The URLs read, in order.
    pub urls: Vec<String>,
    /// One answer per library asked about, in the order asked.
    pub answers: Vec<LibraryAnswer>,
}

/// Looks each `-l` name of `libraries` up in the release's
/// `Contents-<arch>` indexes (every suite and component of the release).
pub async fn find_library_packages(
    request: &ContentsRequest,
    libraries: &[String],
) -> Result<ContentsLookup, SysrootError> {
    let plan = plan(
        &request.target,
        &request.release,
        request.cache_dir.as_deref(),
        None,
    )?;
    let options = ContextOptions {
        dir: project_dir(None),
        mirror: request.mirror.as_deref(),
        ports_mirror: request.ports_mirror.as_deref(),
        keyring: request.keyring.as_deref(),
        offline: request.offline,
        limits: Limits::of(None, None),
    };
    let progress = |_: ProgressEvent| {};
    let cx = FetchContext::new(plan, options, &progress)?;
    let _cache_lock = lock_cache(&cx.plan.cache).await?;
    let suites = suites::fetch_suites(&cx, &cx.mirror, None).await?;
    let (plan, mirror, http, counter) = (&cx.plan, &cx.mirror, &cx.http, &cx.counter);
    let entries = contents_entries(plan, &suites);
    if entries.is_empty() {
        return Err(SysrootError::Release {
            url: suites[0].release.url.clone(),
            message: format!("lists no Contents-{} index", plan.arch.name),
        });
    }
    let mut answers: Vec<LibraryAnswer> = Vec::new();
    let mut urls = Vec::new();
    for (suite, entry) in &entries {
        let url = format!("{}/dists/{suite}/{}", mirror.uri, entry.path);
        let bytes = fetch_contents_index(http, plan, &url, entry, request.offline, counter).await?;
        let reader = crossport_formats::deb::decompressor(
            crossport_formats::deb::Compression::Gzip,
            bytes.as_slice(),
        )
        .map_err(|err| SysrootError::Decompress {
            url: url.clone(),
            message: err.to_string(),
        })?;
        let mut reader = std::io::BufReader::new(reader);
        let found = find_libraries(&mut reader, plan.arch.multiarch, libraries);
        merge(&mut answers, found);
        urls.push(url);
    }
    Ok(ContentsLookup {
        index: format!("Contents-{} of {}", plan.arch.name, plan.release),
        urls,
        answers,
    })
}

/// `<component>/Contents-<arch>.gz` (Debian), else `Contents-<arch>.gz` at
/// the suite's top (Ubuntu), for every suite whose Release lists one.
fn contents_entries(plan: &Plan, suites: &[suites::Suite]) -> Vec<(String, FileHash)> {
    let mut entries = Vec::new();
    for suite in suites {
        let release = &suite.release.release;
        let mut paths: Vec<String> = plan
            .known
            .components
            .iter()
            .map(|component| format!("{component}/Contents-{}.gz", plan.arch.name))
            .collect();
        paths.push(format!("Contents-{}.gz", plan.arch.name));
        for path in paths {
            if let Some(entry) = release.sha256_entry(&path) {
                entries.push((suite.name.clone(), entry.clone()));
            }
        }
    }
    entries
}

/// The index's bytes, from the cache under its signed SHA256 or downloaded
/// and checked against it before it is cached.
async fn fetch_contents_index(
    http: &Http,
    plan: &Plan,
    url: &str,
    entry: &FileHash,
    offline: bool,
    counter: &ByteCounter,
) -> Result<Vec<u8>, SysrootError> {
    let cached = plan.cache.index_path(&entry.sha256);
    if let Some(bytes) = read_cached(&cached).filter(|bytes| sha256_hex(bytes) == entry.sha256) {
        return Ok(bytes);
    }
    if offline {
        return Err(SysrootError::NotCached {
            what: url.to_owned(),
            cache: plan.cache.root.clone(),
        });
    }
    let on_bytes = |n| {
        counter.add(n);
    };
    let bytes = http.get(url, Some(entry.size), &on_bytes).await?;
    check_hash(url, &bytes, &entry.sha256, Some(entry.size))?;
    plan.cache
        .store(&cached, &bytes)
        .map_err(io_error(&cached))?;
    Ok(bytes)
}

/// Adds one index's answers to those of the indexes before it.
fn merge(answers: &mut Vec<LibraryAnswer>, found: Vec<LibraryAnswer>) {
    if answers.is_empty() {
        *answers = found;
        return;
    }
    for (answer, more) in answers.iter_mut().zip(found) {
        for file in more.exact {
            if !answer.exact.contains(&file) {
                answer.exact.push(file);
            }
        }
        for file in more.other_case {
            if !answer.other_case.contains(&file) {
                answer.other_case.push(file);
            }
        }
    }
}
