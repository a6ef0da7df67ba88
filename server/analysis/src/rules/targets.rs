//! Target triples: finding them in a log, and knowing what rustup ships.
//!
//! A log names its target in many ways (`--target`, `target/<triple>/`
//! paths, cc-rs's `TARGET = Some(..)`, openssl-sys's `$TARGET = ..`,
//! rustc's `the X target may not be installed`, `CC_<triple>` env vars).
//! Whether rustup can supply the standard library for a triple decides
//! between `target_not_installed` and `std_unavailable_for_target`, so the
//! list of what rustup distributes is kept here as data.

use crossport_formats::cargo_log::CargoLog;

use super::regex;

/// What rustup distributes for a triple.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// `rustup target add` installs `std` (and `core`, `alloc`).
    Std,
    /// `rustup target add` installs `core` and `alloc` only (bare metal).
    CoreOnly,
}

/// Targets rustup distributes a rust-std component for (tier 1 and tier 2
/// with std), from the platform-support page and the manifests.
const WITH_STD: &[&str] = &[
    "aarch64-apple-darwin",
    "aarch64-apple-ios",
    "aarch64-apple-ios-macabi",
    "aarch64-apple-ios-sim",
    "aarch64-linux-android",
    "aarch64-pc-windows-gnullvm",
    "aarch64-pc-windows-msvc",
    "aarch64-unknown-fuchsia",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "aarch64-unknown-linux-ohos",
    "aarch64-unknown-uefi",
    "arm-linux-androideabi",
    "arm-unknown-linux-gnueabi",
    "arm-unknown-linux-gnueabihf",
    "arm-unknown-linux-musleabi",
    "arm-unknown-linux-musleabihf",
    "arm64ec-pc-windows-msvc",
    "armv5te-unknown-linux-gnueabi",
    "armv5te-unknown-linux-musleabi",
    "armv7-linux-androideabi",
    "armv7-unknown-linux-gnueabi",
    "armv7-unknown-linux-gnueabihf",
    "armv7-unknown-linux-musleabi",
    "armv7-unknown-linux-musleabihf",
    "armv7-unknown-linux-ohos",
    "i586-unknown-linux-gnu",
    "i586-unknown-linux-musl",
    "i686-linux-android",
    "i686-pc-windows-gnu",
    "i686-pc-windows-gnullvm",
    "i686-pc-windows-msvc",
    "i686-unknown-freebsd",
    "i686-unknown-linux-gnu",
    "i686-unknown-linux-musl",
    "i686-unknown-uefi",
    "loongarch64-unknown-linux-gnu",
    "loongarch64-unknown-linux-musl",
    "powerpc-unknown-linux-gnu",
    "powerpc64-unknown-linux-gnu",
    "powerpc64le-unknown-linux-gnu",
    "powerpc64le-unknown-linux-musl",
    "riscv64gc-unknown-linux-gnu",
    "riscv64gc-unknown-linux-musl",
    "s390x-unknown-linux-gnu",
    "sparc64-unknown-linux-gnu",
    "sparcv9-sun-solaris",
    "thumbv7neon-linux-androideabi",
    "thumbv7neon-unknown-linux-gnueabihf",
    "wasm32-unknown-emscripten",
    "wasm32-unknown-unknown",
    "wasm32-wasi",
    "wasm32-wasip1",
    "wasm32-wasip1-threads",
    "wasm32-wasip2",
    "x86_64-apple-darwin",
    "x86_64-apple-ios",
    "x86_64-apple-ios-macabi",
    "x86_64-fortanix-unknown-sgx",
    "x86_64-linux-android",
    "x86_64-pc-solaris",
    "x86_64-pc-windows-gnu",
    "x86_64-pc-windows-gnullvm",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-freebsd",
    "x86_64-unknown-fuchsia",
    "x86_64-unknown-illumos",
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-gnux32",
    "x86_64-unknown-linux-musl",
    "x86_64-unknown-linux-ohos",
    "x86_64-unknown-netbsd",
    "x86_64-unknown-redox",
    "x86_64-unknown-uefi",
];

/// Bare-metal targets rustup distributes with `core` and `alloc` only.
const CORE_ONLY: &[&str] = &[
    "aarch64-unknown-none",
    "aarch64-unknown-none-softfloat",
    "armebv7r-none-eabi",
    "armebv7r-none-eabihf",
    "armv7a-none-eabi",
    "armv7r-none-eabi",
    "armv7r-none-eabihf",
    "loongarch64-unknown-none",
    "loongarch64-unknown-none-softfloat",
    "nvptx64-nvidia-cuda",
    "riscv32i-unknown-none-elf",
    "riscv32im-unknown-none-elf",
    "riscv32imac-unknown-none-elf",
    "riscv32imafc-unknown-none-elf",
    "riscv32imc-unknown-none-elf",
    "riscv64gc-unknown-none-elf",
    "riscv64imac-unknown-none-elf",
    "thumbv6m-none-eabi",
    "thumbv7em-none-eabi",
    "thumbv7em-none-eabihf",
    "thumbv7m-none-eabi",
    "thumbv8m.base-none-eabi",
    "thumbv8m.main-none-eabi",
    "thumbv8m.main-none-eabihf",
    "wasm32v1-none",
    "x86_64-unknown-none",
];

/// What rustup can install for a triple; `None` for tier 3 targets, vendor
/// forks and custom target specs, which need `-Zbuild-std` or a vendor
/// toolchain.
pub fn rustup_distribution(triple: &str) -> Option<Distribution> {
    if WITH_STD.contains(&triple) {
        Some(Distribution::Std)
    } else if CORE_ONLY.contains(&triple) {
        Some(Distribution::CoreOnly)
    } else {
        None
    }
}

/// Architectures a Rust triple starts with; keeps words like
/// `target/debug` or `foo-bar` from passing for triples.
const ARCHES: &[&str] = &[
    "x86_64",
    "i386",
    "i586",
    "i686",
    "aarch64",
    "arm",
    "thumb",
    "riscv",
    "mips",
    "powerpc",
    "s390x",
    "sparc",
    "wasm32",
    "wasm64",
    "loongarch64",
    "nvptx64",
    "avr",
    "msp430",
    "hexagon",
    "bpfel",
    "bpfeb",
    "csky",
    "m68k",
    "xtensa",
    "arm64",
];

/// Whether a word looks like a Rust target triple.
pub fn is_triple(word: &str) -> bool {
    let parts = word.split('-').count();
    (2..=5).contains(&parts)
        && word.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        })
        && ARCHES.iter().any(|arch| word.starts_with(arch))
        && !word.ends_with('-')
        && !word.contains("--")
}

/// The triples a line names: `target/<triple>/` path segments first, then
/// the wordings of cargo, rustc, cc-rs and openssl-sys.
pub fn triples_in_line(content: &str) -> Vec<&str> {
    let mut found = triples_in_paths(content);
    let worded = content.contains("target")
        || content.contains("TARGET")
        || content.contains("rerun-if-env-changed=");
    if !worded {
        return found;
    }
    let pattern = regex!(
        r#"(?x)
        --target[=\ ]+"?(?P<a>[A-Za-z0-9_.-]+)
        | \bTARGET\ =\ Some\("?(?P<c>[A-Za-z0-9_.-]+)"?\)
        | \$TARGET\ =\ (?P<d>[A-Za-z0-9_.-]+)
        | the\ `(?P<e>[A-Za-z0-9_.-]+)`\ target\ may\ not
        | rustup\ target\ add\ (?P<f>[A-Za-z0-9_.-]+)
        | rerun-if-env-changed=(?:CC|CXX|AR|CFLAGS|CXXFLAGS|PKG_CONFIG_PATH|PKG_CONFIG_LIBDIR|PKG_CONFIG_SYSROOT_DIR|PKG_CONFIG)_(?P<g>[a-z0-9_.]+-[a-z0-9_.-]+)
        | for\ target\ [`'"](?P<h>[A-Za-z0-9_.-]+)[`'"]
        "#
    );
    if !pattern.is_match(content) {
        return found;
    }
    found.extend(
        pattern
            .captures_iter(content)
            .filter_map(|captures| captures.iter().skip(1).flatten().next().map(|m| m.as_str()))
            .filter(|word| is_triple(word)),
    );
    found
}

/// `…/target/<triple>/…` (or with backslashes): cargo's output directory
/// for a cross build. Hand-written because most lines of a large log are
/// paths and this runs on every one of them.
fn triples_in_paths(content: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for (position, _) in content.match_indices("target") {
        let before = content[..position].chars().next_back();
        let rest = &content[position + "target".len()..];
        if !matches!(before, Some('/' | '\\')) || !rest.starts_with(['/', '\\']) {
            continue;
        }
        let segment = &rest[1..];
        let end = segment.find(['/', '\\']).unwrap_or(segment.len());
        if end < segment.len() && is_triple(&segment[..end]) {
            found.push(&segment[..end]);
        }
    }
    found
}

/// Once a triple has been named this often, it is the log's target: a
/// large log names its target on most lines and need not be read to the end.
const ENOUGH_MENTIONS: usize = 64;

/// The triple a log (or a range of it) names most often; ties go to the
/// one named first.
pub fn detect_target(log: &CargoLog, range: std::ops::Range<usize>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    'lines: for line in &log.lines[range] {
        for triple in triples_in_line(line.content()) {
            let count = match counts.iter_mut().find(|(known, _)| *known == triple) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    counts.push((triple, 1));
                    1
                }
            };
            if count >= ENOUGH_MENTIONS {
                break 'lines;
            }
        }
    }
    let best = counts.iter().map(|(_, count)| *count).max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == best)
        .map(|(triple, _)| triple.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_triples_in_each_spelling() {
        let cases = [
            (
                "cargo build --target aarch64-unknown-linux-gnu",
                "aarch64-unknown-linux-gnu",
            ),
            (
                "cargo build --target=x86_64-unknown-linux-musl",
                "x86_64-unknown-linux-musl",
            ),
            (
                "/w/target/armv7-unknown-linux-gnueabihf/debug/deps/a.o",
                "armv7-unknown-linux-gnueabihf",
            ),
            (
                "TARGET = Some(riscv64gc-unknown-linux-gnu)",
                "riscv64gc-unknown-linux-gnu",
            ),
            (
                "TARGET = Some(\"aarch64-unknown-linux-gnu\")",
                "aarch64-unknown-linux-gnu",
            ),
            (
                "$TARGET = aarch64-unknown-linux-gnu",
                "aarch64-unknown-linux-gnu",
            ),
            (
                "note: the `thumbv7em-none-eabihf` target may not be installed",
                "thumbv7em-none-eabihf",
            ),
            (
                "cargo:rerun-if-env-changed=CC_aarch64-unknown-linux-gnu",
                "aarch64-unknown-linux-gnu",
            ),
        ];
        for (line, triple) in cases {
            assert_eq!(triples_in_line(line), [triple], "{line}");
        }
    }

    #[test]
    fn ignores_words_that_are_not_triples() {
        for line in [
            "/w/target/debug/build/x",
            "/w/target/release/deps/x.o",
            "HOST = Some(x86_64-unknown-linux-gnu) and target",
            "cargo:rerun-if-env-changed=CC_aarch64_unknown_linux_gnu",
        ] {
            assert!(triples_in_line(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn rustup_knows_std_core_and_neither() {
        assert_eq!(
            rustup_distribution("aarch64-unknown-linux-gnu"),
            Some(Distribution::Std)
        );
        assert_eq!(
            rustup_distribution("thumbv7em-none-eabihf"),
            Some(Distribution::CoreOnly)
        );
        assert_eq!(rustup_distribution("mips-unknown-linux-gnu"), None);
        assert_eq!(rustup_distribution("xtensa-esp32-espidf"), None);
    }
}
