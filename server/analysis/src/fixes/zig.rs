//! zig as a target's C compiler, C++ compiler, archiver and linker.
//!
//! `zig cc -target <arch>-linux-musl` brings musl's headers, start files and
//! static libc; `zig cc -target <arch>-linux-gnu.2.17` links against the
//! symbol versions of that glibc from any host. The wrappers run `zig` from
//! PATH, or the Python package's copy (`python3 -m ziglang`) when PATH has
//! none, and drop the arguments rustc passes that zig rejects (the
//! `zigbuild_error` failures `explain` knows).

use crossport_formats::cargo_config::{ConfigEdit, EditValue};

use super::deps::plan;
use super::wire::{edit_config_file, script_text};
use super::{FixContext, FixPlan, PlanError, Workspace};

/// `configure_zig_linker`: zig as the C compiler, C++ compiler, archiver
/// and linker of a `-gnu` target, against the glibc of the chosen release
/// (or `--glibc`), so the binary runs on servers as old as that glibc.
pub(super) fn configure_zig_linker(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "configure_zig_linker";
    if !cx.target.contains("-linux-gnu") {
        return Err(PlanError::NotApplicable {
            id: id.into(),
            reason: format!(
                "{} is not a glibc target (a musl target gets zig from configure_linker)",
                cx.target
            ),
        });
    }
    let glibc = cx.release.glibc;
    let zig = zig_target(cx.target, Some(glibc));
    let mut plan = plan(
        cx,
        id,
        &format!(
            "link {} with zig against glibc {}.{} ({zig})",
            cx.target, glibc.0, glibc.1
        ),
    );
    let mut values = Vec::new();
    for (suffix, what) in [
        ("cc", "C compiler and linker"),
        ("c++", "C++ compiler"),
        ("ar", "archiver"),
    ] {
        let path = format!("{}/{}-{suffix}", cx.layout.scripts_dir, cx.target);
        let body = format!(
            "# {what} for {} with zig, against glibc {}.{} symbol versions.\n{}",
            cx.target,
            glibc.0,
            glibc.1,
            wrapper_body(suffix, &zig, &[])
        );
        plan.edits
            .extend(files.write(&path, script_text(cx, &body), true));
        values.push(cx.layout.config_path_value(&path));
    }
    let mut edits = vec![ConfigEdit::SetTarget {
        triple: cx.target.to_owned(),
        key: "linker".into(),
        value: EditValue::String(values[0].0.clone()),
    }];
    for (prefix, (value, relative)) in ["CC", "CXX", "AR"].iter().zip(&values) {
        edits.push(ConfigEdit::SetEnv {
            name: format!("{prefix}_{}", cx.target),
            value: value.clone(),
            relative: *relative,
        });
    }
    plan.notes.push(format!(
        "zig brings glibc {}.{}'s headers and symbol versions but no system libraries: OpenSSL, SQLite and the like need vendored/bundled builds, or a sysroot of a release with a glibc no newer than {}.{}",
        glibc.0, glibc.1, glibc.0, glibc.1
    ));
    if !cx.host.has("zig") {
        plan.notes.push(
            "zig is not on PATH: the wrappers run the Python package's zig (`python3 -m ziglang`); `pip install ziglang` installs it".into(),
        );
    }
    edit_config_file(cx, files, &edits, &mut plan)?;
    Ok(plan)
}

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
    fn zig_pins_the_release_glibc_for_a_gnu_target() {
        use super::super::{FixContext, Layout, Workspace, plan_fix};
        use crate::preflight::{HostFacts, ProjectGraph};
        let target = "aarch64-unknown-linux-gnu";
        let release = crossport_formats::distro::KnownRelease {
            glibc: (2, 17),
            ..*crossport_formats::distro::known_release("bullseye").expect("known")
        };
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bullseye");
        let host = HostFacts::default();
        let graph = ProjectGraph::default();
        let cx = FixContext {
            target,
            release: &release,
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::default();
        let plan = plan_fix(&cx, "configure_zig_linker", &mut files).expect("plans");
        assert_eq!(
            plan.title,
            "link aarch64-unknown-linux-gnu with zig against glibc 2.17 (aarch64-linux-gnu.2.17)"
        );
        let cc = files
            .text("/w/app/.cargo/crossport/aarch64-unknown-linux-gnu-cc")
            .expect("cc");
        assert!(
            cc.contains("zig cc -target aarch64-linux-gnu.2.17 \"$@\""),
            "{cc}"
        );
        let config = files.text("/w/app/.cargo/config.toml").expect("config");
        assert!(
            config.contains("CXX_aarch64-unknown-linux-gnu = "),
            "{config}"
        );
        let musl = FixContext {
            target: "x86_64-unknown-linux-musl",
            ..cx
        };
        assert!(plan_fix(&musl, "configure_zig_linker", &mut files).is_err());
    }

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
