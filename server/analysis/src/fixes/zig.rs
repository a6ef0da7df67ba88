//! zig as a target's C compiler, C++ compiler, archiver and linker.
//!
//! `zig cc -target <arch>-linux-musl` brings musl's headers, start files and
//! static libc; `zig cc -target <arch>-linux-gnu.2.17` links against the
//! symbol versions of that glibc from any host. The wrappers run `zig` from
//! PATH, or the Python package's copy (`python3 -m ziglang`) when PATH has
//! none, and drop the arguments rustc passes that zig rejects (the
//! `zigbuild_error` failures `explain` knows).

use crossport_formats::cargo_config::{ConfigEdit, EditValue};

use crossport_formats::arch::debian_arch_for_triple;

use super::deps::plan;
use super::toolchain::{Tool, install_hint};
use super::wire::{edit_config_file, native_packages, script_text};
use super::{FixContext, FixPlan, PlanCommand, PlanError, Workspace, merged_edits};

/// `configure_zig_linker`: zig as the C compiler, C++ compiler, archiver
/// and linker of a `-gnu` target, against the glibc of the chosen release
/// (or `--glibc`), so the binary runs on servers as old as that glibc.
///
/// When the project links system libraries (OpenSSL, SQLite …) zig alone
/// has none, so the plan also fetches the release's sysroot and wires it as
/// `fetch_sysroot_and_wire` does, and the wrappers pass the sysroot's
/// include and library directories to zig explicitly: zig compiles with
/// `-nostdinc` against its own libc headers and would not see them.
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
    let packages = native_packages(cx);
    let arch = debian_arch_for_triple(cx.target).filter(|_| !packages.is_empty());
    let mut plan = match arch {
        Some(_) => sysroot_plan(cx, files)?,
        None => plan(cx, id, ""),
    };
    plan.id = id.to_owned();
    plan.title = format!(
        "link {} with zig against glibc {}.{} ({zig})",
        cx.target, glibc.0, glibc.1
    );
    let extra = match arch {
        Some(arch) => {
            plan.title.push_str(&format!(
                ", with the Debian {} sysroot's {}",
                cx.release.codename,
                packages.join(", ")
            ));
            sysroot_args(&cx.layout.sysroot_in_script(), arch.multiarch)
        }
        None => Vec::new(),
    };
    let mut values = Vec::new();
    for (suffix, what) in [
        ("cc", "C compiler and linker"),
        ("c++", "C++ compiler"),
        ("ar", "archiver"),
    ] {
        let path = format!("{}/{}-{suffix}", cx.layout.scripts_dir, cx.target);
        let args: &[String] = if suffix == "ar" { &[] } else { &extra };
        let body = format!(
            "# {what} for {} with zig, against glibc {}.{} symbol versions.\n{}",
            cx.target,
            glibc.0,
            glibc.1,
            wrapper_body(suffix, &zig, args)
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
    // `release.glibc` is the pinned one; the table has what the sysroot's
    // libraries were built against.
    let built_against = crossport_formats::distro::known_release(cx.release.codename)
        .map_or(glibc, |release| release.glibc);
    match arch {
        Some(_) if glibc < built_against => plan.notes.push(format!(
            "the {} sysroot's libraries were built against glibc {}.{}: a binary that links them needs that glibc at run time, whatever zig pins",
            cx.release.codename, built_against.0, built_against.1
        )),
        Some(_) => {}
        None => plan.notes.push(format!(
            "zig brings glibc {}.{}'s headers and symbol versions but no system libraries: OpenSSL, SQLite and the like need vendored/bundled builds, or a sysroot of a release with a glibc no newer than {}.{}",
            glibc.0, glibc.1, glibc.0, glibc.1
        )),
    }
    if !cx.host.has("zig") {
        plan.notes.push(
            "zig is not on PATH: the wrappers run the Python package's zig (`python3 -m ziglang`); `pip install ziglang` installs it".into(),
        );
    }
    edit_config_file(cx, files, &edits, &mut plan)?;
    // The sysroot wiring wrote clang wrappers and the config first; one
    // edit per file, from the text before this plan to the text after it.
    plan.edits = merged_edits(std::slice::from_ref(&plan));
    Ok(plan)
}

/// `fetch_sysroot_and_wire`'s fetch, env and config, without the C
/// toolchain it would install: zig is the compiler here.
fn sysroot_plan(cx: &FixContext<'_>, files: &mut Workspace) -> Result<FixPlan, PlanError> {
    let mut plan = super::wire::fetch_sysroot_and_wire(cx, files)?;
    plan.commands
        .retain(|command| matches!(command, PlanCommand::FetchSysroot { .. }));
    if !cx.host.has("pkg-config") && !cx.host.has("pkgconf") {
        plan.commands.extend(
            install_hint(cx.host.package_manager, Tool::PkgConfig, cx.target)
                .map(|hint| PlanCommand::Install { hint }),
        );
    }
    Ok(plan)
}

/// The sysroot's header and library directories as zig arguments, as shell
/// words for a wrapper. Headers come after zig's own libc headers
/// (`-idirafter`), so the sysroot's glibc headers never mix with the glibc
/// zig links against; only what zig lacks (openssl/ssl.h …) is found there.
pub fn sysroot_args(sysroot: &str, multiarch: &str) -> Vec<String> {
    let mut args = Vec::new();
    for include in [
        format!("{sysroot}/usr/include/{multiarch}"),
        format!("{sysroot}/usr/include"),
    ] {
        args.push("-idirafter".to_owned());
        args.push(format!("\"{include}\""));
    }
    for lib in [
        format!("{sysroot}/usr/lib/{multiarch}"),
        format!("{sysroot}/lib/{multiarch}"),
    ] {
        args.push(format!("-L\"{lib}\""));
    }
    args
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

/// The glibc a crossport zig wrapper links against, from its text
/// (`… cc -target aarch64-linux-gnu.2.28 …`): doctor reads the configured
/// linker to tell whether it already reaches an old server.
pub fn pinned_glibc_of_wrapper(text: &str) -> Option<(u32, u32)> {
    text.split_whitespace()
        .skip_while(|word| *word != "-target")
        .nth(1)
        .and_then(|target| {
            let (_, version) = target.split_once("-linux-gnu")?;
            let version = version.strip_prefix("eabihf").unwrap_or(version);
            let (major, minor) = version.strip_prefix('.')?.split_once('.')?;
            Some((major.parse().ok()?, minor.parse().ok()?))
        })
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
    fn zig_with_system_libraries_fetches_a_sysroot_and_passes_its_directories() {
        use super::super::{FixContext, Layout, Workspace, plan_fix};
        use crate::preflight::{GraphEdge, GraphPackage, HostFacts, ProjectGraph};
        let target = "aarch64-unknown-linux-gnu";
        let package = |name: &str, links: Option<&str>| GraphPackage {
            name: name.into(),
            version: "0.9.103".into(),
            links: links.map(Into::into),
            manifest_path: format!("/w/app/{name}/Cargo.toml"),
            ..GraphPackage::default()
        };
        let graph = ProjectGraph {
            workspace_root: "/w/app".into(),
            packages: vec![
                package("app", None),
                package("openssl-sys", Some("openssl")),
            ],
            members: vec![0],
            edges: vec![
                vec![GraphEdge {
                    to: 1,
                    normal: true,
                    ..GraphEdge::default()
                }],
                vec![],
            ],
        };
        // No clang here: the sysroot wiring must not ask to install it.
        let host = HostFacts {
            host_triple: "x86_64-unknown-linux-gnu".into(),
            os: "linux".into(),
            package_manager: Some(crate::preflight::PackageManager::Apt),
            tools: [("pkg-config".to_owned(), "/usr/bin/pkg-config".to_owned())].into(),
            ..HostFacts::default()
        };
        let pinned = crossport_formats::distro::KnownRelease {
            glibc: (2, 28),
            ..*crossport_formats::distro::known_release("bookworm").expect("known")
        };
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release: &pinned,
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::default();
        let plan = plan_fix(&cx, "configure_zig_linker", &mut files).expect("plans");
        assert_eq!(
            plan.title,
            "link aarch64-unknown-linux-gnu with zig against glibc 2.28 (aarch64-linux-gnu.2.28), with the Debian bookworm sysroot's libssl-dev"
        );
        assert_eq!(
            plan.commands
                .iter()
                .map(PlanCommand::display)
                .collect::<Vec<_>>(),
            [
                "crossport sysroot fetch --target aarch64-unknown-linux-gnu --release bookworm libssl-dev --dir /w/app/target/crossport/sysroots/aarch64-unknown-linux-gnu-bookworm"
            ]
        );
        let mut paths: Vec<&str> = plan.edits.iter().map(|e| e.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), plan.edits.len(), "one edit per file");
        let cc = files
            .text("/w/app/.cargo/crossport/aarch64-unknown-linux-gnu-cc")
            .expect("cc");
        let sysroot = "$here/../../target/crossport/sysroots/aarch64-unknown-linux-gnu-bookworm";
        assert!(
            cc.contains(&format!(
                "zig cc -target aarch64-linux-gnu.2.28 -idirafter \"{sysroot}/usr/include/aarch64-linux-gnu\" -idirafter \"{sysroot}/usr/include\" -L\"{sysroot}/usr/lib/aarch64-linux-gnu\" -L\"{sysroot}/lib/aarch64-linux-gnu\" \"$@\""
            )),
            "{cc}"
        );
        assert!(!cc.contains("clang"), "{cc}");
        let config = files.text("/w/app/.cargo/config.toml").expect("config");
        for line in [
            "linker = \".cargo/crossport/aarch64-unknown-linux-gnu-cc\"",
            "AR_aarch64-unknown-linux-gnu = { value = \".cargo/crossport/aarch64-unknown-linux-gnu-ar\", relative = true }",
            "AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR = { value = \"target/crossport/sysroots/aarch64-unknown-linux-gnu-bookworm/usr/lib/aarch64-linux-gnu\", relative = true }",
        ] {
            assert!(config.contains(line), "{line} in\n{config}");
        }
        assert!(
            plan.notes
                .iter()
                .any(|n| n.contains("built against glibc 2.36")),
            "{:?}",
            plan.notes
        );
    }

    #[test]
    fn the_pinned_glibc_is_read_back_from_a_wrapper() {
        let gnu = wrapper_body("cc", "aarch64-linux-gnu.2.28", &[]);
        assert_eq!(pinned_glibc_of_wrapper(&gnu), Some((2, 28)));
        let arm = wrapper_body("cc", "arm-linux-gnueabihf.2.17", &[]);
        assert_eq!(pinned_glibc_of_wrapper(&arm), Some((2, 17)));
        let unpinned = wrapper_body("cc", "x86_64-linux-gnu", &[]);
        assert_eq!(pinned_glibc_of_wrapper(&unpinned), None);
        let musl = wrapper_body("cc", "x86_64-linux-musl", &[]);
        assert_eq!(pinned_glibc_of_wrapper(&musl), None);
        assert_eq!(
            pinned_glibc_of_wrapper("#!/bin/sh\nexec clang \"$@\"\n"),
            None
        );
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
