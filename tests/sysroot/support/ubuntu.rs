//! The Ubuntu-layout archive builder shared by tests/sysroot (ubuntu.rs)
//! and tests/ssh (a jammy arm64 server whose apt sources name it).
//!
//! An archive in Ubuntu's layout, built
//! and signed in the test and served over loopback HTTP: a main archive
//! (`/ubuntu`, amd64) and a ports archive (`/ubuntu-ports`, arm64), each
//! with jammy, jammy-updates and jammy-security, components main and
//! universe, `.deb`s whose control and data members are zstd-compressed,
//! Packages.xz and Packages.gz, and by-hash copies of every index.
//! Ubuntu's real archive is not reachable from the machines this is
//! developed on; what the layout assumes is in formats::distro.

use std::path::Path;

use super::crossport;
use super::keys::archive_key;
use super::repo::{Compression, Entry, Scratch, compress, sha256, tar_of};
use super::server::Server;

/// One binary package of the test archive.
pub struct Pkg {
    name: &'static str,
    version: &'static str,
    arch: &'static str,
    depends: Option<String>,
    files: Vec<(&'static str, Vec<u8>)>,
}

pub fn pkg(name: &'static str, version: &'static str, arch: &'static str) -> Pkg {
    Pkg {
        name,
        version,
        arch,
        depends: None,
        files: Vec::new(),
    }
}

impl Pkg {
    fn depends(mut self, depends: impl Into<String>) -> Self {
        self.depends = Some(depends.into());
        self
    }

    fn file(mut self, path: &'static str, text: &str) -> Self {
        self.files.push((path, text.as_bytes().to_vec()));
        self
    }

    fn bytes(mut self, path: &'static str, bytes: &[u8]) -> Self {
        self.files.push((path, bytes.to_vec()));
        self
    }

    fn control(&self) -> String {
        let mut text = format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMulti-Arch: same\n",
            self.name, self.version, self.arch
        );
        if let Some(depends) = &self.depends {
            text.push_str(&format!("Depends: {depends}\n"));
        }
        text
    }

    /// A `.deb` as Ubuntu builds them: control.tar.zst and data.tar.zst.
    fn build(&self) -> Vec<u8> {
        let control = tar_of(&[Entry::File(
            "./control".to_owned(),
            format!("{}Description: test\n", self.control()).into_bytes(),
        )]);
        let mut entries = vec![Entry::Dir("./")];
        for (path, bytes) in &self.files {
            entries.push(Entry::File((*path).to_owned(), bytes.clone()));
        }
        let data = tar_of(&entries);
        crossport_formats::deb::write_ar(&[
            ("debian-binary", b"2.0\n"),
            ("control.tar.zst", &compress(Compression::Zst, &control)),
            ("data.tar.zst", &compress(Compression::Zst, &data)),
        ])
    }

    fn pool_path(&self, component: &str) -> String {
        format!(
            "pool/{component}/{}/{}/{}_{}_{}.deb",
            &self.name[..1],
            self.name,
            self.name,
            self.version,
            self.arch
        )
    }
}

/// The packages of one suite, per component.
pub type Suite = Vec<(&'static str, Vec<Pkg>)>;

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// Publishes `<root>/dists/<suite>` for each suite. `swap: (from, to)`
/// serves `from`'s signed InRelease under `to`'s name.
pub fn publish_archive(
    root: &Path,
    arch: &str,
    suites: &[(&str, Suite)],
    swap: Option<(&str, &str)>,
) {
    let mut signed: Vec<(String, String)> = Vec::new();
    for (suite, components) in suites {
        let dists = root.join("dists").join(suite);
        let mut sha_lines = String::new();
        for (component, packages) in components {
            let mut index = String::new();
            for package in packages {
                let deb = package.build();
                let pool = package.pool_path(component);
                write(&root.join(&pool), &deb);
                index.push_str(&package.control());
                index.push_str(&format!(
                    "Filename: {pool}\nSize: {}\nSHA256: {}\n\n",
                    deb.len(),
                    sha256(&deb)
                ));
            }
            let dir = format!("{component}/binary-{arch}");
            for (name, bytes) in [
                ("Packages.xz", compress(Compression::Xz, index.as_bytes())),
                ("Packages.gz", compress(Compression::Gz, index.as_bytes())),
            ] {
                let hash = sha256(&bytes);
                write(&dists.join(&dir).join(name), &bytes);
                write(&dists.join(&dir).join("by-hash/SHA256").join(&hash), &bytes);
                sha_lines.push_str(&format!(" {hash} {} {dir}/{name}\n", bytes.len()));
            }
        }
        let codename = suite.split('-').next().expect("codename");
        let release = format!(
            "Origin: Ubuntu\nLabel: Ubuntu\nSuite: {suite}\nVersion: 22.04\nCodename: {codename}\n\
             Date: Thu, 21 Apr 2022 17:16:08 UTC\nArchitectures: {arch}\n\
             Components: main universe\nAcquire-By-Hash: yes\nSHA256:\n{sha_lines}"
        );
        signed.push((suite.to_string(), archive_key().clearsign(&release)));
    }
    for (suite, inrelease) in &signed {
        let served = match swap {
            Some((from, to)) if suite == to => {
                &signed
                    .iter()
                    .find(|(name, _)| name == from)
                    .expect("swap")
                    .1
            }
            _ => inrelease,
        };
        write(
            &root.join("dists").join(suite).join("InRelease"),
            served.as_bytes(),
        );
    }
}

/// jammy arm64 in the ports archive: the release's packages, newer libc6
/// in -updates, newer OpenSSL in -security (and an older libc6 there that
/// must not win), a universe-only library.
pub fn ports_suites() -> Vec<(&'static str, Suite)> {
    ports_suites_linking(None)
}

/// Real aarch64 glibc files to link against: `libc.so.6` and
/// `ld-linux-aarch64.so.1` (the host's arm64 multiarch copies).
pub struct RealLibc {
    pub libc_so: Vec<u8>,
    pub ld_so: Vec<u8>,
}

/// [`ports_suites`], with `real`'s ELF files in the winning libc6
/// (jammy-updates') so a program can be linked with the sysroot and run.
pub fn ports_suites_linking(real: Option<&RealLibc>) -> Vec<(&'static str, Suite)> {
    let libc6 = |version: &'static str| {
        pkg("libc6", version, "arm64").depends("libgcc-s1").file(
            "./lib/aarch64-linux-gnu/libc.so.6",
            &format!("libc {version}"),
        )
    };
    let libssl = |version: &'static str| {
        [
            pkg("libssl3", version, "arm64")
                .depends("libc6 (>= 2.34)")
                .file(
                    "./usr/lib/aarch64-linux-gnu/libssl.so.3",
                    &format!("libssl {version}"),
                ),
            pkg("libssl-dev", version, "arm64")
                .depends(format!("libssl3 (= {version})"))
                .file("./usr/include/openssl/ssl.h", "/* ssl */"),
        ]
    };
    let mut release_main = vec![
        libc6("2.35-0ubuntu3"),
        pkg("libc6-dev", "2.35-0ubuntu3", "arm64")
            .depends("libc6 (>= 2.35-0ubuntu3), linux-libc-dev")
            .file("./usr/include/stdio.h", "/* stdio */"),
        pkg("linux-libc-dev", "5.15.0-25.25", "arm64").file("./usr/include/linux/types.h", "/**/"),
        pkg("gcc-12-base", "12-20220319-1ubuntu1", "arm64"),
        pkg("libgcc-s1", "12-20220319-1ubuntu1", "arm64")
            .depends("gcc-12-base (= 12-20220319-1ubuntu1), libc6 (>= 2.35)")
            .file("./lib/aarch64-linux-gnu/libgcc_s.so.1", "libgcc_s"),
        pkg("libgcc-11-dev", "11.2.0-19ubuntu1", "arm64")
            .depends("libgcc-s1")
            .file("./usr/lib/gcc/aarch64-linux-gnu/11/crtbeginS.o", "crt"),
        pkg("libstdc++-11-dev", "11.2.0-19ubuntu1", "arm64")
            .depends("libgcc-11-dev")
            .file("./usr/include/c++/11/vector", "// vector"),
    ];
    release_main.extend(libssl("3.0.2-0ubuntu1"));
    let universe = vec![
        pkg("libmbedtls14", "2.28.0-1build1", "arm64")
            .depends("libc6 (>= 2.34)")
            .file("./usr/lib/aarch64-linux-gnu/libmbedtls.so.14", "mbedtls"),
        pkg("libmbedtls-dev", "2.28.0-1build1", "arm64")
            .depends("libmbedtls14 (= 2.28.0-1build1)")
            .file("./usr/include/mbedtls/ssl.h", "/* mbedtls */"),
    ];
    let updates_libc6 = match real {
        Some(real) => pkg("libc6", "2.35-0ubuntu3.8", "arm64")
            .depends("libgcc-s1")
            .bytes("./lib/aarch64-linux-gnu/libc.so.6", &real.libc_so)
            .bytes("./lib/ld-linux-aarch64.so.1", &real.ld_so),
        None => libc6("2.35-0ubuntu3.8"),
    };
    let mut security_main = vec![libc6("2.35-0ubuntu3.6")];
    security_main.extend(libssl("3.0.2-0ubuntu1.12"));
    vec![
        (
            "jammy",
            vec![("main", release_main), ("universe", universe)],
        ),
        (
            "jammy-updates",
            vec![("main", vec![updates_libc6]), ("universe", vec![])],
        ),
        (
            "jammy-security",
            vec![("main", security_main), ("universe", vec![])],
        ),
    ]
}

pub struct UbuntuWorld {
    pub scratch: Scratch,
    pub server: Server,
}

impl UbuntuWorld {
    pub fn new(swap: Option<(&str, &str)>) -> Self {
        Self::with_ports(&ports_suites(), swap)
    }

    /// The archives, with `ports` as the ports archive's suites.
    pub fn with_ports(ports: &[(&str, Suite)], swap: Option<(&str, &str)>) -> Self {
        let scratch = Scratch::new();
        let www = scratch.path("www");
        publish_archive(&www.join("ubuntu-ports"), "arm64", ports, swap);
        // The main archive has amd64 only: fetching arm64 from it fails.
        let amd64: Vec<(&str, Suite)> = ["jammy", "jammy-updates", "jammy-security"]
            .into_iter()
            .map(|suite| {
                let packages = if suite == "jammy" {
                    vec![pkg("libc6", "2.35-0ubuntu3", "amd64")]
                } else {
                    vec![]
                };
                (suite, vec![("main", packages), ("universe", vec![])])
            })
            .collect();
        publish_archive(&www.join("ubuntu"), "amd64", &amd64, None);
        std::fs::write(
            scratch.path("archive-key.asc"),
            archive_key().public_armored(),
        )
        .expect("write keyring");
        let server = Server::start(www);
        Self { scratch, server }
    }

    pub fn base(&self) -> String {
        self.server.mirror().trim_end_matches("/debian").to_owned()
    }

    pub fn fetch(&self, mirrors: &[&str], packages: &[&str]) -> std::process::Output {
        self.fetch_env(mirrors, packages, &[])
    }

    /// [`Self::fetch`] with more environment for crossport.
    pub fn fetch_env(
        &self,
        mirrors: &[&str],
        packages: &[&str],
        env: &[(&str, &str)],
    ) -> std::process::Output {
        let keyring = self.scratch.path("archive-key.asc");
        let cache = self.scratch.path("cache");
        let lock = self.scratch.path("crossport-sysroot.lock");
        let dir = self.scratch.path("sysroot");
        let mut args = vec![
            "sysroot",
            "fetch",
            "--target",
            "aarch64-unknown-linux-gnu",
            "--release",
            "22.04",
            "--keyring",
            keyring.to_str().expect("utf-8"),
            "--cache-dir",
            cache.to_str().expect("utf-8"),
            "--lock-file",
            lock.to_str().expect("utf-8"),
            "--dir",
            dir.to_str().expect("utf-8"),
            "--format",
            "json",
        ];
        args.extend_from_slice(mirrors);
        args.extend_from_slice(packages);
        let mut env = env.to_vec();
        env.insert(0, ("CROSSPORT_PORTS_MIRROR", ""));
        crossport(self.scratch.dir.path(), &args, &env)
    }
}
