//! Unpacking a verified `.deb`'s data.tar into a sysroot under construction.
//!
//! The tar crate's own `unpack_in` silently skips `..` entries, strips a
//! leading `/` and creates absolute symlinks as they are; a sysroot needs
//! stricter rules, so every entry is placed here by hand:
//! - an entry whose path is absolute or contains `..` is refused;
//! - a symlink's target is checked against the sysroot and an absolute one is
//!   rewritten relative to the link (libc6's `lib64/ld-linux-x86-64.so.2`);
//! - a hard link must name a file already inside the sysroot;
//! - every write goes to a parent directory whose real path is inside the
//!   sysroot, and an existing path is replaced, never followed;
//! - an entry that would replace a directory with a non-directory is
//!   refused, as dpkg refuses it, naming both packages;
//! - the uncompressed bytes and the number of entries are capped over the
//!   whole fetch, across every worker (decompression and inode bombs);
//! - no owners, permissions or extended attributes are restored.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a package could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{package}: {source}")]
    Deb {
        package: String,
        source: crossport_formats::deb::DebError,
    },
    #[error("{package}: unreadable data.tar: {source}")]
    Tar { package: String, source: io::Error },
    #[error("{package}: refused entry {entry:?}: {reason}")]
    Refused {
        package: String,
        entry: String,
        reason: &'static str,
    },
    #[error("{package}: refused link {entry:?} -> {target:?}: {reason}")]
    RefusedLink {
        package: String,
        entry: String,
        target: String,
        reason: &'static str,
    },
    #[error(
        "{package}: the unpacked files would exceed the limit of {} for this fetch (a decompression bomb?); \
         raise it with CROSSPORT_UNPACK_LIMIT (bytes) if the packages really are that large",
        human_bytes(*.limit)
    )]
    TooLarge { package: String, limit: u64 },
    #[error(
        "{package}: the packages hold more than {limit} entries for this fetch (an inode bomb?); \
         raise it with CROSSPORT_UNPACK_ENTRY_LIMIT if the packages really are that large"
    )]
    TooManyEntries { package: String, limit: u64 },
    #[error(
        "{package}: refused entry {entry:?}: it would replace a directory {detail}, \
         which dpkg refuses too"
    )]
    ReplacesDirectory {
        package: String,
        entry: String,
        /// Whose directory, and what to do.
        detail: String,
    },
    #[error("{package}: cannot write {path}: {source}")]
    Write {
        package: String,
        path: PathBuf,
        source: io::Error,
    },
}

/// Where unpacked files go and what has been unpacked so far.
#[derive(Debug)]
pub struct Unpacker {
    /// The sysroot being built, canonicalised.
    root: PathBuf,
    /// Bytes and entries still allowed, possibly shared with other
    /// unpackers of the same fetch.
    budget: Arc<Budget>,
    /// Relative path (with `/` separators) → package that put it there.
    pub files: BTreeMap<String, String>,
    /// Directories created from a package's own directory entry →
    /// that package (to name it when a later entry would replace one).
    dirs: BTreeMap<String, String>,
    /// Every entry placed, in order, as the archive gave it (link targets
    /// unrewritten), so the tree can be replayed into another root.
    pub entries: Vec<Recorded>,
}

/// One placed entry, replayable by [`Unpacker::replay`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// Sysroot-relative path, `/` separated.
    pub path: String,
    pub kind: RecordedKind,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum RecordedKind {
    Dir,
    /// A regular file; size and modification time (ns since the epoch)
    /// are filled in when a cached tree is sealed, to notice later edits.
    File {
        size: u64,
        mtime_ns: u64,
    },
    /// Target as the archive gave it.
    Symlink {
        target: String,
    },
    /// Target as the archive gave it.
    HardLink {
        target: String,
    },
}

/// Totals of one unpacking, for reports.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnpackStats {
    pub entries: u64,
    pub bytes: u64,
}

/// The caps of one fetch: uncompressed bytes and tar entries still
/// allowed. Shared (behind an `Arc`) by every unpacker of the fetch, so
/// parallel workers cannot each use the whole limit.
#[derive(Debug)]
pub struct Budget {
    byte_limit: u64,
    entry_limit: u64,
    bytes_left: AtomicU64,
    entries_left: AtomicU64,
}

impl Budget {
    pub fn new(byte_limit: u64, entry_limit: u64) -> Arc<Self> {
        Arc::new(Self {
            byte_limit,
            entry_limit,
            bytes_left: AtomicU64::new(byte_limit),
            entries_left: AtomicU64::new(entry_limit),
        })
    }

    /// The uncompressed bytes still allowed.
    pub fn bytes_left(&self) -> u64 {
        self.bytes_left.load(Ordering::SeqCst)
    }

    pub fn byte_limit(&self) -> u64 {
        self.byte_limit
    }

    pub fn entry_limit(&self) -> u64 {
        self.entry_limit
    }

    /// Takes `n` bytes from the budget; false (and nothing taken) when
    /// fewer are left.
    fn take_bytes(&self, n: u64) -> bool {
        take(&self.bytes_left, n)
    }

    /// Gives back bytes taken but not written.
    fn refund_bytes(&self, n: u64) {
        self.bytes_left.fetch_add(n, Ordering::SeqCst);
    }

    fn take_entry(&self) -> bool {
        take(&self.entries_left, 1)
    }
}

fn take(counter: &AtomicU64, n: u64) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(n)
        })
        .is_ok()
}

/// `bytes` in the largest binary unit that keeps it readable:
/// `4 GiB`, `1.5 MiB`, `512 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

impl Unpacker {
    /// An unpacker into `root` (which must exist) allowing at most `limit`
    /// uncompressed bytes over all packages, and any number of entries.
    pub fn new(root: &Path, limit: u64) -> io::Result<Self> {
        Self::with_budget(root, Budget::new(limit, u64::MAX))
    }

    /// An unpacker into `root` drawing on a budget shared with others.
    pub fn with_budget(root: &Path, budget: Arc<Budget>) -> io::Result<Self> {
        Ok(Self {
            root: root.canonicalize()?,
            budget,
            files: BTreeMap::new(),
            dirs: BTreeMap::new(),
            entries: Vec::new(),
        })
    }

    /// Unpacks the data.tar of the `.deb` in `deb` (already verified).
    pub fn unpack_deb(&mut self, package: &str, deb: &[u8]) -> Result<UnpackStats, ExtractError> {
        let deb_error = |source| ExtractError::Deb {
            package: package.to_owned(),
            source,
        };
        let member = crossport_formats::deb::data_tar(deb).map_err(deb_error)?;
        let reader = member.decompressed().map_err(deb_error)?;
        self.unpack_tar(package, reader)
    }

    /// Unpacks a tar stream.
    pub fn unpack_tar(
        &mut self,
        package: &str,
        reader: impl Read,
    ) -> Result<UnpackStats, ExtractError> {
        let tar_error = |source| ExtractError::Tar {
            package: package.to_owned(),
            source,
        };
        let mut archive = tar::Archive::new(reader);
        let mut stats = UnpackStats::default();
        for entry in archive.entries().map_err(tar_error)? {
            let mut entry = entry.map_err(tar_error)?;
            if !self.budget.take_entry() {
                return Err(self.too_many_entries(package));
            }
            stats.entries += 1;
            stats.bytes += self.unpack_entry(package, &mut entry)?;
        }
        Ok(stats)
    }

    fn unpack_entry<R: Read>(
        &mut self,
        package: &str,
        entry: &mut tar::Entry<'_, R>,
    ) -> Result<u64, ExtractError> {
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let refuse = |reason| ExtractError::Refused {
            package: package.to_owned(),
            entry: raw_path.clone(),
            reason,
        };
        let Some(relative) = entry_path(&raw_path).map_err(&refuse)? else {
            return Ok(0); // the archive's root directory, `./`
        };
        let kind = entry.header().entry_type();
        let recorded = if kind.is_dir() {
            RecordedKind::Dir
        } else if kind.is_file() {
            RecordedKind::File {
                size: 0,
                mtime_ns: 0,
            }
        } else if kind.is_symlink() {
            RecordedKind::Symlink {
                target: link_target(entry),
            }
        } else if kind.is_hard_link() {
            RecordedKind::HardLink {
                target: link_target(entry),
            }
        } else {
            // Device nodes and FIFOs have no place in a sysroot.
            return Ok(0);
        };
        self.place(package, &raw_path, &relative, recorded, Source::Tar(entry))
    }

    /// Places one entry whose content comes from `source`.
    fn place<R: Read>(
        &mut self,
        package: &str,
        raw_path: &str,
        relative: &Path,
        kind: RecordedKind,
        source: Source<'_, '_, R>,
    ) -> Result<u64, ExtractError> {
        if kind == RecordedKind::Dir {
            self.create_dir(package, relative)?;
            self.dirs
                .entry(slash_path(relative))
                .or_insert_with(|| package.to_owned());
            self.record(relative, kind);
            return Ok(0);
        }
        self.refuse_replacing_dir(package, raw_path, relative)?;
        let parent = self.prepare_parent(package, raw_path, relative)?;
        let file_name = relative
            .file_name()
            .ok_or_else(|| ExtractError::Refused {
                package: package.to_owned(),
                entry: raw_path.to_owned(),
                reason: "no file name",
            })?
            .to_owned();
        let dest = parent.join(&file_name);
        let written = match (&kind, source) {
            (RecordedKind::File { .. }, Source::Tar(entry)) => {
                self.write_file(package, entry, &dest)?
            }
            (RecordedKind::File { size, .. }, Source::Tree(tree)) => {
                self.link_file(package, &tree.join(relative), *size, &dest)?
            }
            (RecordedKind::Symlink { target }, _) => {
                self.write_symlink(package, raw_path, target, &parent, &dest)?;
                0
            }
            (RecordedKind::HardLink { target }, _) => {
                self.write_hard_link(package, raw_path, target, &dest)?;
                0
            }
            (RecordedKind::Dir, _) => 0,
        };
        self.files.insert(slash_path(relative), package.to_owned());
        self.record(relative, kind);
        Ok(written)
    }

    /// dpkg never replaces a directory with a file, symlink or hard link
    /// ("trying to overwrite directory … with nondirectory"): doing so
    /// would silently drop every file an earlier package put inside it.
    fn refuse_replacing_dir(
        &self,
        package: &str,
        raw_path: &str,
        relative: &Path,
    ) -> Result<(), ExtractError> {
        let path = self.root.join(relative);
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Ok(());
        }
        let key = slash_path(relative);
        let inside = format!("{key}/");
        let owner = self
            .dirs
            .get(&key)
            .or_else(|| {
                self.files
                    .range(inside.clone()..)
                    .next()
                    .filter(|(name, _)| name.starts_with(&inside))
                    .map(|(_, owner)| owner)
            })
            .map_or_else(|| "an earlier package".to_owned(), Clone::clone);
        let detail = if owner == package {
            "of the same package with a non-directory (the package is broken)".to_owned()
        } else {
            format!(
                "from {owner} with a non-directory; {owner} and {package} cannot share a \
                 sysroot, leave one of them out"
            )
        };
        Err(ExtractError::ReplacesDirectory {
            package: package.to_owned(),
            entry: raw_path.to_owned(),
            detail,
        })
    }

    fn record(&mut self, relative: &Path, kind: RecordedKind) {
        self.entries.push(Recorded {
            path: slash_path(relative),
            kind,
        });
    }

    /// Replays entries recorded by another unpacker whose root was `tree`:
    /// every check runs again against this root (a link that was harmless
    /// in one package's tree may not be once packages are combined), and
    /// regular files are hard-linked from `tree` (copied across devices).
    pub fn replay(
        &mut self,
        package: &str,
        tree: &Path,
        entries: &[Recorded],
    ) -> Result<u64, ExtractError> {
        let mut written = 0;
        for entry in entries {
            let refuse = |reason| ExtractError::Refused {
                package: package.to_owned(),
                entry: entry.path.clone(),
                reason,
            };
            let relative = entry_path(&entry.path)
                .map_err(&refuse)?
                .ok_or_else(|| refuse("empty path"))?;
            if !self.budget.take_entry() {
                return Err(self.too_many_entries(package));
            }
            written += self.place::<std::io::Empty>(
                package,
                &entry.path,
                &relative,
                entry.kind.clone(),
                Source::Tree(tree),
            )?;
        }
        Ok(written)
    }

    /// Hard-links (or copies) a cached file into place, counting its size
    /// against the budget.
    fn link_file(
        &mut self,
        package: &str,
        source: &Path,
        size: u64,
        dest: &Path,
    ) -> Result<u64, ExtractError> {
        if !self.budget.take_bytes(size) {
            return Err(self.too_large(package));
        }
        remove_existing(package, dest)?;
        if fs::hard_link(source, dest).is_err() {
            fs::copy(source, dest).map_err(|err| write_error(package, dest, err))?;
        }
        Ok(size)
    }

    /// Fills in size and modification time of every recorded file and
    /// makes the files read-only: the tree is about to become a cache
    /// entry that sysroots hard-link to.
    pub fn seal(&mut self, package: &str) -> Result<(), ExtractError> {
        for entry in &mut self.entries {
            if let RecordedKind::File { size, mtime_ns } = &mut entry.kind {
                let path = self.root.join(&entry.path);
                let metadata =
                    fs::symlink_metadata(&path).map_err(|err| write_error(package, &path, err))?;
                let mut permissions = metadata.permissions();
                permissions.set_readonly(true);
                fs::set_permissions(&path, permissions)
                    .map_err(|err| write_error(package, &path, err))?;
                *size = metadata.len();
                *mtime_ns = modified_ns(&metadata);
            }
        }
        Ok(())
    }

    fn create_dir(&self, package: &str, relative: &Path) -> Result<(), ExtractError> {
        let path = self.root.join(relative);
        if path.is_dir() {
            // Possibly through a symlink the sysroot already has; check it.
            return self.check_inside(package, relative, &path).map(|_| ());
        }
        if fs::symlink_metadata(&path).is_ok() {
            remove_existing(package, &path)?;
        }
        fs::create_dir_all(&path).map_err(|source| write_error(package, &path, source))?;
        self.check_inside(package, relative, &path).map(|_| ())
    }

    /// Creates the entry's parent directory and returns its real path, which
    /// must lie inside the sysroot.
    fn prepare_parent(
        &self,
        package: &str,
        raw_path: &str,
        relative: &Path,
    ) -> Result<PathBuf, ExtractError> {
        let parent = self
            .root
            .join(relative.parent().unwrap_or_else(|| Path::new("")));
        fs::create_dir_all(&parent).map_err(|source| write_error(package, &parent, source))?;
        self.check_inside(package, Path::new(raw_path), &parent)
    }

    fn check_inside(
        &self,
        package: &str,
        shown: &Path,
        path: &Path,
    ) -> Result<PathBuf, ExtractError> {
        let real = path
            .canonicalize()
            .map_err(|source| write_error(package, path, source))?;
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err(ExtractError::Refused {
                package: package.to_owned(),
                entry: shown.display().to_string(),
                reason: "it would be written outside the sysroot through a symlink",
            })
        }
    }

    fn write_file<R: Read>(
        &mut self,
        package: &str,
        entry: &mut tar::Entry<'_, R>,
        dest: &Path,
    ) -> Result<u64, ExtractError> {
        let declared = entry.header().size().unwrap_or(u64::MAX);
        // Reserve the declared size up front: other workers draw on the
        // same budget, so checking first and subtracting later would race.
        if !self.budget.take_bytes(declared) {
            return Err(self.too_large(package));
        }
        let result = self.copy_entry(package, entry, dest, declared);
        let copied = *result.as_ref().unwrap_or(&0);
        self.budget.refund_bytes(declared.saturating_sub(copied));
        result
    }

    fn copy_entry<R: Read>(
        &self,
        package: &str,
        entry: &mut tar::Entry<'_, R>,
        dest: &Path,
        declared: u64,
    ) -> Result<u64, ExtractError> {
        remove_existing(package, dest)?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(|source| write_error(package, dest, source))?;
        // The header's size is what the tar reader yields, but bound the
        // copy anyway so a lying header cannot write more than it reserved.
        let mut limited = entry.take(declared.saturating_add(1));
        let copied = copy(&mut limited, &mut file).map_err(|err| match err {
            CopyError::Read(source) => ExtractError::Tar {
                package: package.to_owned(),
                source,
            },
            CopyError::Write(source) => write_error(package, dest, source),
        })?;
        if copied > declared {
            return Err(self.too_large(package));
        }
        Ok(copied)
    }

    /// The budget this unpacker draws on.
    pub fn budget(&self) -> &Arc<Budget> {
        &self.budget
    }

    fn too_large(&self, package: &str) -> ExtractError {
        ExtractError::TooLarge {
            package: package.to_owned(),
            limit: self.budget.byte_limit,
        }
    }

    fn too_many_entries(&self, package: &str) -> ExtractError {
        ExtractError::TooManyEntries {
            package: package.to_owned(),
            limit: self.budget.entry_limit,
        }
    }

    fn write_symlink(
        &self,
        package: &str,
        raw_path: &str,
        target: &str,
        parent: &Path,
        dest: &Path,
    ) -> Result<(), ExtractError> {
        let refuse = link_refusal(package, raw_path, target);
        let parent_in_root = parent
            .strip_prefix(&self.root)
            .map_err(|_| refuse("its directory is outside the sysroot"))?;
        let relative_target = safe_symlink_target(parent_in_root, target).map_err(&refuse)?;
        remove_existing(package, dest)?;
        make_symlink(&relative_target, dest).map_err(|source| write_error(package, dest, source))
    }

    fn write_hard_link(
        &self,
        package: &str,
        raw_path: &str,
        target: &str,
        dest: &Path,
    ) -> Result<(), ExtractError> {
        let refuse = link_refusal(package, raw_path, target);
        let relative = entry_path(target)
            .map_err(&refuse)?
            .ok_or_else(|| refuse("it names the sysroot itself"))?;
        let source = self.root.join(&relative);
        let source_parent = source
            .parent()
            .ok_or_else(|| refuse("it names the sysroot itself"))?;
        let real_parent = source_parent
            .canonicalize()
            .map_err(|_| refuse("its target does not exist"))?;
        if !real_parent.starts_with(&self.root) {
            return Err(refuse("its target is outside the sysroot"));
        }
        let metadata =
            fs::symlink_metadata(&source).map_err(|_| refuse("its target does not exist"))?;
        if !metadata.is_file() {
            return Err(refuse("its target is not a regular file"));
        }
        remove_existing(package, dest)?;
        fs::hard_link(&source, dest).map_err(|source| write_error(package, dest, source))
    }
}

/// Where a placed file's bytes come from.
enum Source<'e, 'a, R: Read> {
    Tar(&'e mut tar::Entry<'a, R>),
    /// A sealed tree of the same package (see [`Unpacker::replay`]).
    Tree(&'e Path),
}

/// A file's modification time in nanoseconds since the epoch (0 if unknown).
pub fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |duration| {
            u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
        })
}

/// Decompresses the data.tar of a `.deb` into memory, refusing more than
/// `limit` bytes (so decompression can run on another thread while the
/// previous package is being written).
pub fn decompress_data_tar(package: &str, deb: &[u8], limit: u64) -> Result<Vec<u8>, ExtractError> {
    let deb_error = |source| ExtractError::Deb {
        package: package.to_owned(),
        source,
    };
    let member = crossport_formats::deb::data_tar(deb).map_err(deb_error)?;
    let mut tar = Vec::new();
    member
        .decompressed()
        .map_err(deb_error)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut tar)
        .map_err(|source| ExtractError::Tar {
            package: package.to_owned(),
            source,
        })?;
    if tar.len() as u64 > limit {
        return Err(ExtractError::TooLarge {
            package: package.to_owned(),
            limit,
        });
    }
    Ok(tar)
}

/// The sysroot-relative path of an entry: `./usr/lib/x` → `usr/lib/x`.
/// `None` for the root itself; an error for absolute or `..` paths.
pub(crate) fn entry_path(raw: &str) -> Result<Option<PathBuf>, &'static str> {
    if raw.starts_with('/') {
        return Err("absolute path");
    }
    let mut relative = PathBuf::new();
    for component in Path::new(raw).components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => relative.push(part),
            Component::ParentDir => return Err("path contains `..`"),
            Component::RootDir | Component::Prefix(_) => return Err("absolute path"),
        }
    }
    Ok((!relative.as_os_str().is_empty()).then_some(relative))
}

/// Checks a symlink target written in the directory `parent` (relative to
/// the sysroot) and returns the target to create: relative, staying inside
/// the sysroot. Absolute targets are taken relative to the sysroot's root.
///
/// Only `..` components at the start are allowed: after a normal component
/// a `..` would be resolved by the file system through whatever that
/// component is (maybe another symlink), which a lexical check cannot follow.
pub fn safe_symlink_target(parent: &Path, target: &str) -> Result<PathBuf, &'static str> {
    if target.is_empty() {
        return Err("empty target");
    }
    if let Some(absolute) = target.strip_prefix('/') {
        let normal = normalise_absolute(absolute)?;
        return Ok(relative_from(parent, &normal));
    }
    let depth = parent.components().count();
    let mut ups = 0;
    let mut seen_normal = false;
    for component in Path::new(target).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if seen_normal => {
                return Err("`..` after a directory name");
            }
            Component::ParentDir => ups += 1,
            Component::Normal(_) => seen_normal = true,
            Component::RootDir | Component::Prefix(_) => return Err("absolute target"),
        }
    }
    if ups > depth {
        return Err("it points outside the sysroot");
    }
    Ok(PathBuf::from(target))
}

/// Lexically normalises the components of an absolute target; `..` above
/// the root is an error rather than being clamped.
fn normalise_absolute(absolute: &str) -> Result<Vec<String>, &'static str> {
    let mut parts: Vec<String> = Vec::new();
    for component in Path::new(absolute).components() {
        match component {
            Component::CurDir | Component::RootDir => {}
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop().ok_or("it points outside the sysroot")?;
            }
            Component::Prefix(_) => return Err("absolute target"),
        }
    }
    Ok(parts)
}

/// The relative path from directory `from` to `to`, both relative to the root.
fn relative_from(from: &Path, to: &[String]) -> PathBuf {
    let from: Vec<String> = from
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to[common..] {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

fn link_target<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    entry
        .link_name_bytes()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Removes whatever is at `path` (a later package overwriting an earlier
/// one's file, as dpkg does), without following a symlink.
fn remove_existing(package: &str, path: &Path) -> Result<(), ExtractError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    }
    .map_err(|source| write_error(package, path, source))
}

fn write_error(package: &str, path: &Path, source: io::Error) -> ExtractError {
    ExtractError::Write {
        package: package.to_owned(),
        path: path.to_owned(),
        source,
    }
}

#[cfg(unix)]
fn make_symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn make_symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_file(target, link)
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// `io::copy`, but telling read errors (a corrupt archive) from write
/// errors (a full disk).
fn copy(reader: &mut impl Read, writer: &mut impl Write) -> Result<u64, CopyError> {
    let mut buffer = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(CopyError::Read(err)),
        };
        writer.write_all(&buffer[..n]).map_err(CopyError::Write)?;
        total += n as u64;
    }
}

/// Builds the error for a link entry refused for `reason`, naming the
/// package, the entry and where it pointed.
fn link_refusal<'a>(
    package: &'a str,
    raw_path: &'a str,
    target: &'a str,
) -> impl Fn(&'static str) -> ExtractError + 'a {
    move |reason| ExtractError::RefusedLink {
        package: package.to_owned(),
        entry: raw_path.to_owned(),
        target: target.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_targets_become_relative() {
        let cases = [
            (
                "lib64",
                "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            ),
            (
                "usr/lib/x86_64-linux-gnu",
                "/usr/lib/x86_64-linux-gnu/libz.so.1",
                "libz.so.1",
            ),
            ("", "/usr/bin/x", "usr/bin/x"),
            ("usr/bin", "/usr", ".."),
            ("a", "/a", "."),
        ];
        for (parent, target, expected) in cases {
            assert_eq!(
                safe_symlink_target(Path::new(parent), target),
                Ok(PathBuf::from(expected)),
                "{parent} {target}"
            );
        }
    }

    #[test]
    fn escaping_targets_are_refused() {
        for (parent, target) in [
            ("", ".."),
            ("usr", "../../etc/passwd"),
            ("usr/lib", "x/../../../.."),
            ("usr/lib", "/../etc"),
            ("usr", ""),
        ] {
            assert!(
                safe_symlink_target(Path::new(parent), target).is_err(),
                "{parent} {target}"
            );
        }
        assert_eq!(
            safe_symlink_target(Path::new("usr/lib"), "../../lib/libz.so.1"),
            Ok(PathBuf::from("../../lib/libz.so.1"))
        );
    }

    #[test]
    fn recorded_entries_survive_json() {
        let entries = vec![
            Recorded {
                path: "usr/lib/libz.so.1".to_owned(),
                kind: RecordedKind::File {
                    size: 7,
                    mtime_ns: 1_795_392_000_123_456_789,
                },
            },
            Recorded {
                path: "lib64/ld.so".to_owned(),
                kind: RecordedKind::Symlink {
                    target: "/lib/ld.so".to_owned(),
                },
            },
            Recorded {
                path: "usr".to_owned(),
                kind: RecordedKind::Dir,
            },
        ];
        let json = serde_json::to_string(&entries).expect("serialise");
        let back: Vec<Recorded> = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, entries);
    }

    #[test]
    fn entry_paths() {
        assert_eq!(entry_path("./"), Ok(None));
        assert_eq!(entry_path("./usr/lib/"), Ok(Some(PathBuf::from("usr/lib"))));
        assert!(entry_path("/etc/passwd").is_err());
        assert!(entry_path("./usr/../../x").is_err());
    }
}
