//! zig as a target's C compiler, C++ compiler, archiver and linker.
//!
//! `zig cc -target <arch>-linux-musl` brings musl's headers, start files and
//! static libc; `zig cc -target <arch>-linux-gnu.2.17` links against the
//! symbol versions of that glibc from any host. The wrappers run `zig` from
//! PATH, or the Python package's copy (`python3 -m ziglang`) when PATH has
//! none, and drop the arguments rustc passes that zig rejects (the
//! `zigbuild_error` failures `explain` knows).

/// Arguments rustc or build scripts pass that zig refuses: a clang
/// `--target=` with a Rust triple (zig takes `-target`), and GNU ld options
/// zig's linker does not know.
pub const DROPPED_ARGS: &[&str] = &[
    "--target=*",
    "-Wl,-znostart-stop-gc",
    "-Wl,-z,nostart-stop-gc",
    "-Wl,--no-undefined-version",
];

/// zig's target for a Rust triple: `x86_64-linux-musl`, `aarch64-linux-gnu.2.28`.
pub fn zig_target(triple: &str, glibc: Option<(u32, u32)>) -> String {
    let arch = match triple.split('-').next().unwrap_or(triple) {
        "armv7" => "arm",
        "i686" | "i586" => "x86",
        "riscv64gc" => "riscv64",
        other => other,
    };
    let abi = if triple.contains("-musl") {
        if triple.ends_with("eabihf") {
            "musleabihf".to_owned()
        } else {
            "musl".to_owned()
        }
    } else {
        let base = if triple.ends_with("eabihf") {
            "gnueabihf"
        } else {
            "gnu"
        };
        match glibc {
            Some((major, minor)) => format!("{base}.{major}.{minor}"),
            None => base.to_owned(),
        }
    };
    format!("{arch}-linux-{abi}")
}

/// The body of a wrapper script (after the shebang and comment lines):
/// `mode` is `cc`, `c++` or `ar`; `extra` are arguments placed before the
/// caller's (include and library directories of a sysroot).
pub fn wrapper_body(mode: &str, zig_target: &str, extra: &[String]) -> String {
    let mut body = String::new();
    if mode != "ar" {
        body.push_str("for arg do\n  shift\n  case $arg in\n");
        body.push_str(&format!("    {}) continue ;;\n", DROPPED_ARGS.join("|")));
        body.push_str("  esac\n  set -- \"$@\" \"$arg\"\ndone\n");
    }
    let mut args = if mode == "ar" {
        "ar".to_owned()
    } else {
        format!("{mode} -target {zig_target}")
    };
    for arg in extra {
        args.push(' ');
        args.push_str(arg);
    }
    body.push_str(&format!(
        "if command -v zig >/dev/null 2>&1; then\n  exec zig {args} \"$@\"\nfi\nexec python3 -m ziglang {args} \"$@\"\n"
    ));
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zig_targets_for_rust_triples() {
        assert_eq!(
            zig_target("x86_64-unknown-linux-musl", None),
            "x86_64-linux-musl"
        );
        assert_eq!(
            zig_target("aarch64-unknown-linux-gnu", Some((2, 28))),
            "aarch64-linux-gnu.2.28"
        );
        assert_eq!(
            zig_target("armv7-unknown-linux-gnueabihf", Some((2, 17))),
            "arm-linux-gnueabihf.2.17"
        );
        assert_eq!(
            zig_target("armv7-unknown-linux-musleabihf", None),
            "arm-linux-musleabihf"
        );
    }

    #[test]
    fn the_wrapper_drops_rejected_arguments_and_runs_zig() {
        let dir = std::env::temp_dir().join(format!("crossport-zig-wrap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        // A fake `zig` on PATH that prints what it got, so the test sees the
        // arguments the real zig would get.
        let zig = dir.join("zig");
        std::fs::write(&zig, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n").expect("write zig");
        let script = dir.join("cc");
        let body = wrapper_body(
            "cc",
            "x86_64-linux-musl",
            &["-isystem".into(), "/s/include".into()],
        );
        std::fs::write(&script, format!("#!/bin/sh\n{body}")).expect("write script");
        for path in [&zig, &script] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let output = std::process::Command::new(&script)
            .args([
                "--target=x86_64-unknown-linux-musl",
                "-O2",
                "a b.c",
                "-Wl,-znostart-stop-gc",
            ])
            .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
            .output()
            .expect("runs");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "cc\n-target\nx86_64-linux-musl\n-isystem\n/s/include\n-O2\na b.c\n"
        );
    }
}
