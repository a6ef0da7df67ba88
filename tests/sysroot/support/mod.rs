//! Test support for `crossport sysroot`: a generated, signed Debian
//! repository served over loopback HTTP, and a runner for the binary.

pub mod keys;
pub mod repo;
pub mod server;
pub mod ubuntu;

use std::path::Path;
use std::process::{Command, Output};

use repo::{Compression, Deb, Entry};

/// Runs the real `crossport` binary in `cwd` with a clean environment for
/// the settings it reads.
pub fn crossport(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crossport"));
    command
        .current_dir(cwd)
        .args(args)
        .env_remove("CROSSPORT_MIRROR")
        .env_remove("CROSSPORT_CACHE_DIR")
        .env_remove("CROSSPORT_UNPACK_LIMIT")
        .env_remove("CROSSPORT_DOWNLOAD_TIMEOUT")
        .env_remove("CROSSPORT_SNAPSHOT_MIRROR");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run crossport")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The packages of a minimal arm64 bookworm: the linker base set and
/// libssl-dev, with decoys the resolver must not pick.
pub fn standard_debs() -> Vec<Deb> {
    vec![
        Deb::new("libc6", "2.36-9")
            .field("Multi-Arch", "same")
            .field("Depends", "libgcc-s1")
            .entry(Entry::Dir("./lib/"))
            .entry(Entry::Dir("./lib/aarch64-linux-gnu/"))
            .file("./lib/aarch64-linux-gnu/libc.so.6", "libc 2.36")
            .file("./lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", "ld.so")
            .entry(Entry::Dir("./lib64/"))
            // Like libc6's lib64/ld-linux-x86-64.so.2 on amd64: absolute.
            .entry(Entry::Symlink(
                "./lib64/ld-linux-aarch64.so.1",
                "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
            ))
            .entry(Entry::Dir("./usr/"))
            .entry(Entry::Dir("./usr/bin/"))
            .file("./usr/bin/getconf", "getconf")
            .entry(Entry::HardLink(
                "./usr/bin/getconf-alias",
                "./usr/bin/getconf",
            )),
        Deb::new("libgcc-s1", "12.2.0-14")
            .field("Multi-Arch", "same")
            .field("Depends", "gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)")
            .file("./lib/aarch64-linux-gnu/libgcc_s.so.1", "libgcc_s"),
        Deb::new("gcc-12-base", "12.2.0-14").field("Multi-Arch", "same"),
        Deb::new("libc6-dev", "2.36-9")
            .field("Multi-Arch", "same")
            .field(
                "Depends",
                "libc6 (= 2.36-9), linux-libc-dev, libcrypt-dev | libcrypt1-dev",
            )
            .entry(Entry::Dir("./usr/include/"))
            .file("./usr/include/stdio.h", "/* stdio */")
            .entry(Entry::Dir("./usr/lib/"))
            .entry(Entry::Dir("./usr/lib/aarch64-linux-gnu/"))
            .file(
                "./usr/lib/aarch64-linux-gnu/libc.so",
                "GROUP ( /lib/aarch64-linux-gnu/libc.so.6 )",
            ),
        Deb::new("libxcrypt-dev", "1:4.4.33-2")
            .field("Provides", "libcrypt-dev (= 1:4.4.33-2)")
            .file("./usr/include/crypt.h", "/* crypt */")
            .compression(Compression::Gz),
        Deb::new("linux-libc-dev", "6.1.0-1")
            .field("Multi-Arch", "same")
            .entry(Entry::Dir("./usr/include/linux/"))
            .file("./usr/include/linux/types.h", "/* linux */")
            .compression(Compression::Gz),
        Deb::new("libgcc-12-dev", "12.2.0-14")
            .field(
                "Depends",
                "gcc-12-base (= 12.2.0-14), libgcc-s1 (>= 12.2.0-14)",
            )
            .entry(Entry::Dir("./usr/lib/gcc/"))
            .file("./usr/lib/gcc/libgcc.a", "libgcc.a")
            .compression(Compression::Zst),
        Deb::new("libstdc++6", "12.2.0-14")
            .field("Multi-Arch", "same")
            .field(
                "Depends",
                "gcc-12-base (= 12.2.0-14), libc6 (>= 2.36), libgcc-s1 (>= 4.2)",
            )
            .file("./usr/lib/aarch64-linux-gnu/libstdc++.so.6", "libstdc++"),
        Deb::new("libstdc++-12-dev", "12.2.0-14")
            .field(
                "Depends",
                "libstdc++6 (>= 12.2.0-14), libgcc-12-dev (= 12.2.0-14)",
            )
            .file("./usr/include/cstdio", "// cstdio")
            .compression(Compression::None),
        Deb::new("libssl-dev", "3.0.11-1")
            .field("Multi-Arch", "same")
            .field("Depends", "libssl3 (= 3.0.11-1), perl:any")
            .entry(Entry::Dir("./usr/include/openssl/"))
            .file(
                "./usr/include/openssl/opensslv.h",
                "#define OPENSSL_VERSION_TEXT \"OpenSSL 3.0.11\"",
            )
            .entry(Entry::Symlink(
                "./usr/lib/aarch64-linux-gnu/libssl.so",
                "libssl.so.3",
            )),
        Deb::new("libssl3", "3.0.11-1")
            .field("Multi-Arch", "same")
            .field("Pre-Depends", "multiarch-support")
            .field("Depends", "libc6 (>= 2.34)")
            .file("./usr/lib/aarch64-linux-gnu/libssl.so.3", "libssl 3.0.11"),
        // Decoys: an older version, and a newer one for another architecture.
        Deb::new("libssl3", "3.0.9-1")
            .field("Depends", "libc6 (>= 2.34)")
            .file("./usr/lib/aarch64-linux-gnu/libssl.so.3", "libssl 3.0.9"),
        Deb::new("libssl3", "3.0.99-1")
            .arch("amd64")
            .file("./usr/lib/x86_64-linux-gnu/libssl.so.3", "amd64"),
        Deb::new("multiarch-support", "2.36-9").field("Multi-Arch", "same"),
        Deb::new("perl", "5.36.0-7")
            .field("Multi-Arch", "allowed")
            .file("./usr/bin/perl", "perl"),
        Deb::new("unrelated", "1.0").file("./usr/share/unrelated", "x"),
    ]
}
