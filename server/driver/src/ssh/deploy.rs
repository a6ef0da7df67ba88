//! `deploy`: write a Dockerfile, upload over ssh with an atomic rename, or
//! stream an archive to Dokku's `git:from-archive`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crossport_analysis::inspect::{Binary, Verdict, requirements, verdict_for_server};
use serde::Serialize;

use crate::inspect::read_elf;

use super::runner::{Input, run_remote};
use super::{SshError, SshHost, SshOptions, shell_quote};

/// What a deploy did.
#[derive(Debug, Clone, Serialize)]
pub struct DeployOutcome {
    pub destination: String,
    /// Bytes sent.
    pub bytes: u64,
    /// What the remote side printed (Dokku's build log, the restart command).
    pub remote_output: String,
}

/// Writes a Dockerfile atomically (temp file in the same directory, then rename).
pub fn write_dockerfile(path: &Path, text: &str) -> Result<(), SshError> {
    let write_error = |source| SshError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(write_error)?;
    temp.write_all(text.as_bytes()).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|err| write_error(err.error))?;
    Ok(())
}

/// Uploads the binary to `path` on the host: streamed over ssh into a temp
/// file beside it, size-checked, made executable and renamed over the old
/// file (atomic on the server's file system). Then runs `restart`, if any,
/// with `sh -c`.
///
/// The temp file is made by `mktemp` (a random name, created exclusively):
/// a predictable name such as `$dest.crossport-upload.$$` lets anyone who
/// can write to the directory plant a symlink there in advance, and the
/// upload would be written through it and the link renamed over `dest`.
pub fn deploy_ssh(
    binary: &Path,
    host: &SshHost,
    path: &str,
    restart: Option<&str>,
    options: &SshOptions,
) -> Result<DeployOutcome, SshError> {
    let file = std::fs::File::open(binary).map_err(|source| SshError::Read {
        path: binary.to_owned(),
        source,
    })?;
    let bytes = file
        .metadata()
        .map_err(|source| SshError::Read {
            path: binary.to_owned(),
            source,
        })?
        .len();
    let dest = shell_quote(path);
    let upload = format!(
        "set -e; dest={dest}; tmp=$(mktemp \"$dest.crossport-upload.XXXXXXXX\"); \
         trap 'rm -f -- \"$tmp\"' EXIT; cat > \"$tmp\"; \
         size=$(wc -c < \"$tmp\" | tr -d ' '); \
         if [ \"$size\" != {bytes} ]; then echo \"received $size of {bytes} bytes\" >&2; exit 3; fi; \
         chmod 0755 \"$tmp\"; mv -f -- \"$tmp\" \"$dest\""
    );
    let mut remote_output = run_remote(host, options, &upload, Input::File(file), "upload")?;
    if let Some(restart) = restart {
        let command = format!("sh -c {}", shell_quote(restart));
        remote_output.push_str(&run_remote(
            host,
            options,
            &command,
            Input::None,
            "restart command",
        )?);
    }
    Ok(DeployOutcome {
        destination: format!("ssh://{}{path}", host.label()),
        bytes,
        remote_output,
    })
}

/// A tar archive with the Dockerfile and the binary, as Dokku's
/// `git:from-archive` unpacks it into the app's repository.
pub fn dokku_archive(
    binary: &Path,
    binary_name: &str,
    dockerfile: &str,
) -> Result<Vec<u8>, SshError> {
    let read_error = |source| SshError::Read {
        path: binary.to_owned(),
        source,
    };
    let data = std::fs::read(binary).map_err(read_error)?;
    let mut builder = tar::Builder::new(Vec::new());
    append(&mut builder, "Dockerfile", dockerfile.as_bytes(), 0o644).map_err(read_error)?;
    append(&mut builder, binary_name, &data, 0o755).map_err(read_error)?;
    builder.into_inner().map_err(read_error)
}

fn append(
    builder: &mut tar::Builder<Vec<u8>>,
    name: &str,
    data: &[u8],
    mode: u32,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_mode(mode);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mtime(0);
    builder.append_data(&mut header, name, data)
}

/// Streams the archive to `dokku git:from-archive APP --` on the host.
/// Dokku's own ssh user runs dokku as its forced command, so the leading
/// `dokku` is left out for it.
pub fn deploy_dokku(
    archive: Vec<u8>,
    host: &SshHost,
    app: &str,
    options: &SshOptions,
) -> Result<DeployOutcome, SshError> {
    let bytes = archive.len() as u64;
    let subcommand = format!("git:from-archive {} --", shell_quote(app));
    let command = if host.user.as_deref() == Some("dokku") {
        subcommand
    } else {
        format!("dokku {subcommand}")
    };
    let remote_output = run_remote(
        host,
        options,
        &command,
        Input::Bytes(archive),
        "dokku git:from-archive",
    )?;
    Ok(DeployOutcome {
        destination: format!("dokku://{}/{app}", host.label()),
        bytes,
        remote_output,
    })
}

/// Probes the host and judges the binary against it.
pub fn check_server(
    binary: &Path,
    host: &SshHost,
    options: &SshOptions,
) -> Result<(super::ProbeReport, Verdict), SshError> {
    let facts = read_elf(binary).map_err(|err| SshError::Read {
        path: binary.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, err),
    })?;
    let report = super::probe(host, options)?;
    let requirements = requirements(&facts);
    let judged = Binary {
        facts: &facts,
        requirements: &requirements,
    };
    let verdict = verdict_for_server(&judged, &report.server, &host.label());
    Ok((report, verdict))
}

/// The file name the binary gets in an image: its own when it is a plain
/// name, else `app`.
pub fn image_binary_name(binary: &Path) -> String {
    let name = binary
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("app");
    let plain = !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain {
        name.to_owned()
    } else {
        "app".to_owned()
    }
}
