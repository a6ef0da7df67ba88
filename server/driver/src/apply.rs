//! Applies computed edits to user files atomically (temp file + rename).
//!
//! Every edit carries the text it was computed from. Before anything is
//! written, each file is read again and compared with that text: if the
//! user (or another tool) changed it since the plan was made, nothing is
//! written. Then each new text goes to a temporary file in the same
//! directory, and only when all of them are written are they renamed over
//! the originals, so no file is ever half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

use crossport_analysis::fixes::FileEdit;

/// Why edits were not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{path} changed since the fix was planned; run the command again")]
    Changed { path: PathBuf },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes every edit or none (up to the final renames, which cannot be
/// undone together but cannot leave a partial file either).
pub fn apply_edits(edits: &[FileEdit]) -> Result<(), ApplyError> {
    for edit in edits {
        check_unchanged(edit)?;
    }
    let mut staged = Vec::new();
    for edit in edits {
        staged.push(stage(edit)?);
    }
    for (temp, edit) in staged.into_iter().zip(edits) {
        let path = PathBuf::from(&edit.path);
        temp.persist(&path).map_err(|err| ApplyError::Write {
            path,
            source: err.error,
        })?;
    }
    Ok(())
}

fn check_unchanged(edit: &FileEdit) -> Result<(), ApplyError> {
    let path = Path::new(&edit.path);
    let current = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(ApplyError::Write {
                path: path.to_owned(),
                source,
            });
        }
    };
    if current != edit.old {
        return Err(ApplyError::Changed {
            path: path.to_owned(),
        });
    }
    Ok(())
}

fn stage(edit: &FileEdit) -> Result<tempfile::NamedTempFile, ApplyError> {
    let path = Path::new(&edit.path);
    let io_error = |source| ApplyError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_error)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".crossport-")
        .tempfile_in(dir)
        .map_err(io_error)?;
    temp.write_all(edit.new.as_bytes()).map_err(io_error)?;
    temp.as_file().sync_all().map_err(io_error)?;
    set_mode(temp.path(), path, edit.executable).map_err(io_error)?;
    Ok(temp)
}

/// Keeps an existing file's permissions; new scripts get 0755, other new
/// files 0644.
fn set_mode(temp: &Path, original: &Path, executable: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(original) {
            Ok(meta) => meta.permissions().mode() | if executable { 0o111 } else { 0 },
            Err(_) if executable => 0o755,
            Err(_) => 0o644,
        };
        std::fs::set_permissions(temp, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (temp, original, executable);
    Ok(())
}

/// Writes one file atomically (for caches and other files crossport owns).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(path: &Path, old: Option<&str>, new: &str) -> FileEdit {
        FileEdit {
            path: path.display().to_string(),
            old: old.map(str::to_owned),
            new: new.to_owned(),
            executable: false,
        }
    }

    #[test]
    fn writes_all_files_or_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join(".cargo/config.toml");
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "old").expect("write");
        let stale = [
            edit(&config, None, "new config"),
            edit(&manifest, Some("planned from"), "x"),
        ];
        let err = apply_edits(&stale).expect_err("manifest changed");
        assert!(matches!(err, ApplyError::Changed { .. }));
        assert!(!config.exists(), "nothing written when one file changed");
        assert_eq!(
            std::fs::read_to_string(&manifest).ok().as_deref(),
            Some("old")
        );

        let fresh = [
            edit(&config, None, "new config"),
            edit(&manifest, Some("old"), "new"),
        ];
        apply_edits(&fresh).expect("applies");
        assert_eq!(
            std::fs::read_to_string(&config).ok().as_deref(),
            Some("new config")
        );
        assert_eq!(
            std::fs::read_to_string(&manifest).ok().as_deref(),
            Some("new")
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(leftovers, 2, "no temp files beside .cargo and Cargo.toml");
    }

    #[cfg(unix)]
    #[test]
    fn scripts_are_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("x-cc");
        let mut e = edit(&script, None, "#!/bin/sh\n");
        e.executable = true;
        apply_edits(&[e]).expect("applies");
        let mode = std::fs::metadata(&script)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }
}
