//! A small Debian repository built in the test: real `.deb` files (ar +
//! control.tar.gz + data.tar.{xz,gz,zst,none}), a Packages index, and a
//! Release signed as InRelease (and Release + Release.gpg).

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::keys::TestKey;

/// How a data.tar is compressed.
#[derive(Debug, Clone, Copy)]
pub enum Compression {
    Xz,
    Gz,
    Zst,
    None,
}

/// One tar entry of a package, possibly hostile.
#[derive(Debug, Clone)]
pub enum Entry {
    Dir(&'static str),
    File(String, Vec<u8>),
    Symlink(&'static str, &'static str),
    HardLink(&'static str, &'static str),
    /// A regular file whose header claims `size` bytes of zeros (written
    /// in full: compression makes it tiny on the wire).
    Zeros(&'static str, u64),
}

/// A binary package.
#[derive(Debug, Clone)]
pub struct Deb {
    pub name: &'static str,
    pub version: &'static str,
    pub arch: &'static str,
    pub fields: Vec<(&'static str, &'static str)>,
    pub entries: Vec<Entry>,
    pub compression: Compression,
    /// Cut the compressed data.tar member in half (a corrupt package
    /// whose hashes are nonetheless the ones the index lists).
    pub cut_data: bool,
}

impl Deb {
    pub fn new(name: &'static str, version: &'static str) -> Self {
        Self {
            name,
            version,
            arch: "arm64",
            fields: Vec::new(),
            entries: Vec::new(),
            compression: Compression::Xz,
            cut_data: false,
        }
    }

    pub fn cut_data(mut self) -> Self {
        self.cut_data = true;
        self
    }

    pub fn field(mut self, name: &'static str, value: &'static str) -> Self {
        self.fields.push((name, value));
        self
    }

    pub fn arch(mut self, arch: &'static str) -> Self {
        self.arch = arch;
        self
    }

    pub fn entry(mut self, entry: Entry) -> Self {
        self.entries.push(entry);
        self
    }

    pub fn file(self, path: &str, text: &str) -> Self {
        self.entry(Entry::File(path.to_owned(), text.as_bytes().to_vec()))
    }

    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    fn control(&self, size_hint: usize) -> String {
        let mut text = format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: test <test@invalid>\nInstalled-Size: {}\n",
            self.name,
            self.version,
            self.arch,
            size_hint / 1024 + 1
        );
        for (name, value) in &self.fields {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str("Description: crossport test package\n");
        text
    }

    pub fn pool_path(&self) -> String {
        let first = &self.name[..1];
        format!(
            "pool/main/{first}/{}/{}_{}_{}.deb",
            self.name, self.name, self.version, self.arch
        )
    }

    /// The `.deb` bytes.
    pub fn build(&self) -> Vec<u8> {
        let data_tar = self.data_tar();
        let control_tar = tar_of(&[Entry::File(
            "./control".to_owned(),
            self.control(data_tar.len()).into_bytes(),
        )]);
        let control_gz = compress(Compression::Gz, &control_tar);
        let (data_name, data) = match self.compression {
            Compression::Xz => ("data.tar.xz", compress(Compression::Xz, &data_tar)),
            Compression::Gz => ("data.tar.gz", compress(Compression::Gz, &data_tar)),
            Compression::Zst => ("data.tar.zst", compress(Compression::Zst, &data_tar)),
            Compression::None => ("data.tar", data_tar),
        };
        let data = if self.cut_data {
            data[..data.len() / 2].to_vec()
        } else {
            data
        };
        crossport_formats::deb::write_ar(&[
            ("debian-binary", b"2.0\n"),
            ("control.tar.gz", &control_gz),
            (data_name, &data),
        ])
    }

    fn data_tar(&self) -> Vec<u8> {
        let mut entries = vec![Entry::Dir("./")];
        entries.extend(self.entries.iter().cloned());
        tar_of(&entries)
    }
}

/// A tar archive of entries, with names written raw (so hostile names
/// such as `../x` or `/etc/x` survive; tar::Builder would refuse them).
pub fn tar_of(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        let (name, kind, link, data): (&str, _, Option<&str>, Vec<u8>) = match entry {
            Entry::Dir(path) => (path, tar::EntryType::Directory, None, Vec::new()),
            Entry::File(path, bytes) => (path, tar::EntryType::Regular, None, bytes.clone()),
            Entry::Symlink(path, target) => {
                (path, tar::EntryType::Symlink, Some(target), Vec::new())
            }
            Entry::HardLink(path, target) => (path, tar::EntryType::Link, Some(target), Vec::new()),
            Entry::Zeros(path, size) => (
                path,
                tar::EntryType::Regular,
                None,
                vec![0u8; *size as usize],
            ),
        };
        header.set_entry_type(kind);
        header.set_size(data.len() as u64);
        set_raw(&mut header.as_old_mut().name, name);
        if let Some(link) = link {
            set_raw(&mut header.as_old_mut().linkname, link);
        }
        header.set_cksum();
        builder
            .append(&header, &data[..])
            .expect("append tar entry");
    }
    builder.into_inner().expect("finish tar")
}

fn set_raw(field: &mut [u8], value: &str) {
    assert!(
        value.len() < field.len(),
        "name too long for a raw header: {value}"
    );
    field.fill(0);
    field[..value.len()].copy_from_slice(value.as_bytes());
}

pub fn compress(compression: Compression, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match compression {
        Compression::Xz => {
            liblzma::read::XzEncoder::new(bytes, 1)
                .read_to_end(&mut out)
                .expect("xz");
        }
        Compression::Gz => {
            flate2::read::GzEncoder::new(bytes, flate2::Compression::fast())
                .read_to_end(&mut out)
                .expect("gz");
        }
        Compression::Zst => {
            out = ruzstd::encoding::compress_to_vec(
                bytes,
                ruzstd::encoding::CompressionLevel::Fastest,
            );
        }
        Compression::None => out = bytes.to_vec(),
    }
    out
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How to publish (and how to break) the archive.
#[derive(Clone, Copy)]
pub struct Publish<'a> {
    pub key: &'a TestKey,
    /// Seconds from now; negative is in the past.
    pub valid_until: Option<i64>,
    /// Change the InRelease text after signing.
    pub tamper_inrelease: bool,
    /// List a wrong SHA256 for Packages.xz in the Release.
    pub wrong_packages_hash: bool,
    /// List a wrong SHA256 for this package in Packages.
    pub wrong_deb_hash: Option<&'static str>,
    /// Publish only Release + Release.gpg, no InRelease.
    pub detached_only: bool,
    /// The Release's Date, in seconds from now.
    pub date_offset: i64,
    /// Sign Release.gpg with SHA-1, by the trusted RSA key (apt and
    /// crossport reject SHA-1 whoever signs).
    pub sha1_signature: bool,
    /// Say `Acquire-By-Hash: yes` and also serve each index under
    /// `by-hash/SHA256/<hash>`.
    pub by_hash: bool,
}

impl<'a> Publish<'a> {
    pub fn new(key: &'a TestKey) -> Self {
        Self {
            key,
            valid_until: None,
            tamper_inrelease: false,
            wrong_packages_hash: false,
            wrong_deb_hash: None,
            detached_only: false,
            sha1_signature: false,
            by_hash: false,
            date_offset: -3600,
        }
    }
}

/// Writes the repository under `<root>/debian`, replacing what was there.
pub fn publish(root: &Path, debs: &[Deb], options: Publish<'_>) {
    let base = root.join("debian");
    let _ = std::fs::remove_dir_all(&base);
    let mut packages = String::new();
    for deb in debs {
        let bytes = deb.build();
        let pool = base.join(deb.pool_path());
        write(&pool, &bytes);
        let mut hash = sha256(&bytes);
        if options.wrong_deb_hash == Some(deb.name) {
            hash = sha256(b"something else");
        }
        packages.push_str(&deb.control(bytes.len()));
        packages.push_str(&format!(
            "Filename: {}\nSize: {}\nSHA256: {hash}\n\n",
            deb.pool_path(),
            bytes.len()
        ));
    }
    let dists = base.join("dists/bookworm");
    let contents_gz = compress(Compression::Gz, contents_index(debs).as_bytes());
    write(&dists.join("main/Contents-arm64.gz"), &contents_gz);
    let packages_xz = compress(Compression::Xz, packages.as_bytes());
    write(
        &dists.join("main/binary-arm64/Packages"),
        packages.as_bytes(),
    );
    write(&dists.join("main/binary-arm64/Packages.xz"), &packages_xz);
    let xz_hash = if options.wrong_packages_hash {
        sha256(b"not the index")
    } else {
        sha256(&packages_xz)
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let mut release = format!(
        "Origin: Test\nLabel: Test\nSuite: stable\nCodename: bookworm\nDate: {}\n",
        rfc2822(now + options.date_offset)
    );
    if options.by_hash {
        release.push_str("Acquire-By-Hash: yes\n");
        let by_hash = dists.join("main/binary-arm64/by-hash/SHA256");
        write(
            &by_hash.join(sha256(packages.as_bytes())),
            packages.as_bytes(),
        );
        write(&by_hash.join(sha256(&packages_xz)), &packages_xz);
    }
    if let Some(offset) = options.valid_until {
        release.push_str(&format!("Valid-Until: {}\n", rfc2822(now + offset)));
    }
    release.push_str(&format!(
        "Architectures: arm64\nComponents: main\nSHA256:\n {} {} main/binary-arm64/Packages\n {xz_hash} {} main/binary-arm64/Packages.xz\n {} {} main/Contents-arm64.gz\n",
        sha256(packages.as_bytes()),
        packages.len(),
        packages_xz.len(),
        sha256(&contents_gz),
        contents_gz.len()
    ));
    write(&dists.join("Release"), release.as_bytes());
    write(
        &dists.join("Release.gpg"),
        if options.sha1_signature {
            super::keys::rsa_archive_key()
                .detached_with(release.as_bytes(), pgp::crypto::hash::HashAlgorithm::Sha1)
        } else if options.detached_only {
            // The second key of the keyring file: proves both armoured
            // blocks were read.
            super::keys::rsa_archive_key().detached(release.as_bytes())
        } else {
            options.key.detached(release.as_bytes())
        }
        .as_bytes(),
    );
    if !options.detached_only {
        let mut inrelease = options.key.clearsign(&release);
        if options.tamper_inrelease {
            inrelease = inrelease.replacen("Label: Test", "Label: Tset", 1);
        }
        write(&dists.join("InRelease"), inrelease.as_bytes());
    }
}

/// The `Contents-arm64` index of the arm64 packages: every file, symlink
/// and hard link, `path  section/package[,…]`, sorted by path as Debian's is.
pub fn contents_index(debs: &[Deb]) -> String {
    let mut shipped: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for deb in debs.iter().filter(|deb| deb.arch == "arm64") {
        for entry in &deb.entries {
            let path = match entry {
                Entry::File(path, _) => path.as_str(),
                Entry::Symlink(path, _) | Entry::HardLink(path, _) | Entry::Zeros(path, _) => path,
                Entry::Dir(_) => continue,
            };
            let path = path.trim_start_matches("./").trim_start_matches('/');
            let names = shipped.entry(path.to_owned()).or_default();
            let qualified = format!("misc/{}", deb.name);
            if !names.contains(&qualified) {
                names.push(qualified);
            }
        }
    }
    shipped
        .iter()
        .map(|(path, names)| format!("{path:<60} {}\n", names.join(",")))
        .collect()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// `Sat, 11 Jul 2026 10:16:37 UTC` for unix seconds.
fn rfc2822(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} UTC",
        DAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A scratch area for one test: repository, cache, lock, sysroot.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}
