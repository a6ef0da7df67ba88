//! The .deb container: ar members and data.tar.{xz,gz,zst} streams.
//!
//! A `.deb` is an `ar` archive holding `debian-binary`, `control.tar.*` and
//! `data.tar.*`. This module finds the data member and hands back a
//! decompressing reader over it; it never touches the disk, so the driver
//! decides where (and whether) the tar entries land.

use std::io::Read;

/// How a tar member of a `.deb` is compressed, from its name's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `data.tar`
    None,
    /// `data.tar.gz`
    Gzip,
    /// `data.tar.xz`
    Xz,
    /// `data.tar.zst` (Ubuntu)
    Zstd,
}

impl Compression {
    /// The compression a member name such as `data.tar.xz` announces.
    pub fn from_member_name(name: &str) -> Option<Self> {
        match name.rsplit_once("tar")? {
            (_, "") => Some(Self::None),
            (_, ".gz") => Some(Self::Gzip),
            (_, ".xz") => Some(Self::Xz),
            (_, ".zst") => Some(Self::Zstd),
            _ => None,
        }
    }
}

/// A tar member of a `.deb`, still compressed.
#[derive(Debug, Clone, Copy)]
pub struct TarMember<'a> {
    /// The ar member name, e.g. `data.tar.xz`.
    pub name: &'a str,
    pub compression: Compression,
    /// The compressed bytes.
    pub bytes: &'a [u8],
}

impl<'a> TarMember<'a> {
    /// A reader yielding the uncompressed tar stream.
    pub fn decompressed(&self) -> Result<Box<dyn Read + 'a>, DebError> {
        decompressor(self.compression, self.bytes)
    }
}

/// Why a byte string is not a `.deb` we can read.
#[derive(Debug, thiserror::Error)]
pub enum DebError {
    #[error("not an ar archive: {0}")]
    NotAr(String),
    #[error("missing debian-binary member")]
    MissingDebianBinary,
    #[error("unsupported .deb format version {0:?}")]
    UnsupportedVersion(String),
    #[error("no {0}.tar member")]
    MissingMember(&'static str),
    #[error("unsupported compression of member {0}")]
    UnsupportedCompression(String),
    #[error("corrupt {compression:?} stream: {message}")]
    Decompression {
        compression: Compression,
        message: String,
    },
}

/// The `data.tar.*` member of a `.deb`.
pub fn data_tar(deb: &[u8]) -> Result<TarMember<'_>, DebError> {
    tar_member(deb, "data")
}

/// The `control.tar.*` member of a `.deb`.
pub fn control_tar(deb: &[u8]) -> Result<TarMember<'_>, DebError> {
    tar_member(deb, "control")
}

fn tar_member<'a>(deb: &'a [u8], stem: &'static str) -> Result<TarMember<'a>, DebError> {
    let members = ar_members(deb)?;
    let (_, version) = members
        .iter()
        .find(|(name, _)| *name == "debian-binary")
        .ok_or(DebError::MissingDebianBinary)?;
    let version = String::from_utf8_lossy(version);
    if !version.starts_with("2.") {
        return Err(DebError::UnsupportedVersion(version.trim().to_owned()));
    }
    let prefix = format!("{stem}.tar");
    let (name, bytes) = members
        .into_iter()
        .find(|(name, _)| name.starts_with(&prefix))
        .ok_or(DebError::MissingMember(stem))?;
    let compression = Compression::from_member_name(name)
        .ok_or_else(|| DebError::UnsupportedCompression(name.to_owned()))?;
    Ok(TarMember {
        name,
        compression,
        bytes,
    })
}

/// Every member of an ar archive as (name, bytes), in archive order.
fn ar_members(deb: &[u8]) -> Result<Vec<(&str, &[u8])>, DebError> {
    let archive = object::read::archive::ArchiveFile::parse(deb)
        .map_err(|err| DebError::NotAr(err.to_string()))?;
    let mut members = Vec::new();
    for member in archive.members() {
        let member = member.map_err(|err| DebError::NotAr(err.to_string()))?;
        let name = std::str::from_utf8(member.name())
            .map_err(|_| DebError::NotAr("member name is not UTF-8".to_owned()))?
            .trim_end_matches('/');
        let bytes = member
            .data(deb)
            .map_err(|err| DebError::NotAr(err.to_string()))?;
        members.push((name, bytes));
    }
    Ok(members)
}

/// A reader that decompresses `bytes` according to `compression`.
pub fn decompressor<'a, R: Read + 'a>(
    compression: Compression,
    bytes: R,
) -> Result<Box<dyn Read + 'a>, DebError> {
    Ok(match compression {
        Compression::None => Box::new(bytes),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(bytes)),
        Compression::Zstd => Box::new(ruzstd::decoding::StreamingDecoder::new(bytes).map_err(
            |err| DebError::Decompression {
                compression,
                message: err.to_string(),
            },
        )?),
    })
}

/// Builds an ar archive from (name, bytes) pairs, the way `dpkg-deb`
/// lays one out. Used by tests here and by the hermetic test repository.
pub fn write_ar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, bytes) in members {
        let header = format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            name,
            0,
            0,
            0,
            "100644",
            bytes.len()
        );
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(bytes);
        if bytes.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_tar() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(5);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, "./hello.txt", &b"hello"[..])
            .expect("append");
        builder.into_inner().expect("finish tar")
    }

    fn read_names(member: TarMember<'_>) -> Vec<String> {
        let mut archive = tar::Archive::new(member.decompressed().expect("decompressor"));
        archive
            .entries()
            .expect("entries")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn reads_each_compression() {
        let tar = tiny_tar();
        let xz = {
            let mut out = Vec::new();
            liblzma::read::XzEncoder::new(&tar[..], 6)
                .read_to_end(&mut out)
                .expect("xz");
            out
        };
        let gz = {
            let mut out = Vec::new();
            flate2::read::GzEncoder::new(&tar[..], flate2::Compression::fast())
                .read_to_end(&mut out)
                .expect("gz");
            out
        };
        let zst = ruzstd::encoding::compress_to_vec(
            &tar[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        for (name, bytes) in [
            ("data.tar", &tar),
            ("data.tar.xz", &xz),
            ("data.tar.gz", &gz),
            ("data.tar.zst", &zst),
        ] {
            let deb = write_ar(&[
                ("debian-binary", b"2.0\n"),
                ("control.tar.xz", b"ignored"),
                (name, bytes),
            ]);
            let member = data_tar(&deb).expect(name);
            assert_eq!(member.name, name);
            assert_eq!(read_names(member), ["hello.txt"], "{name}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_deb() {
        assert!(matches!(data_tar(b"PK\x03\x04"), Err(DebError::NotAr(_))));
        let no_version = write_ar(&[("data.tar", b"")]);
        assert!(matches!(
            data_tar(&no_version),
            Err(DebError::MissingDebianBinary)
        ));
        let v3 = write_ar(&[("debian-binary", b"3.0\n"), ("data.tar", b"")]);
        assert!(matches!(
            data_tar(&v3),
            Err(DebError::UnsupportedVersion(v)) if v == "3.0"
        ));
        let bz = write_ar(&[("debian-binary", b"2.0\n"), ("data.tar.bz2", b"")]);
        assert!(matches!(
            data_tar(&bz),
            Err(DebError::UnsupportedCompression(_))
        ));
        let no_data = write_ar(&[("debian-binary", b"2.0\n")]);
        assert!(matches!(
            data_tar(&no_data),
            Err(DebError::MissingMember("data"))
        ));
    }

    #[test]
    fn corrupt_stream_is_an_error_not_a_panic() {
        let deb = write_ar(&[("debian-binary", b"2.0\n"), ("data.tar.xz", b"garbage")]);
        let member = data_tar(&deb).expect("member");
        let mut out = Vec::new();
        assert!(
            member
                .decompressed()
                .expect("reader")
                .read_to_end(&mut out)
                .is_err()
        );
    }
}
