//! Static builds of the native libraries a musl binary needs: the feature
//! of the direct dependency (or of the `-sys` crate itself) that compiles
//! the library from source, as the resolved version declares it.

use crossport_formats::cargo_config::{ConfigEdit, EditValue};
use crossport_formats::manifest::ManifestEdit;

use super::deps::{
    add_features, declared, major_minor, member_manifest, parse, plan, write_manifest,
};
use crossport_formats::arch::debian_arch_for_triple;

use super::toolchain::{Tool, install_hint};
use super::wire::{edit_config_file, script_text};
use super::zig::{wrapper_body, zig_target};
use super::{FixContext, FixPlan, PlanCommand, PlanError, Workspace};
use crate::preflight::{HostFacts, paths_to_native_crates, same_arch, static_choice};

/// The C toolchain for a musl target on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MuslToolchain {
    /// zig's bundled musl (zig on PATH, or the Python `ziglang` package).
    Zig,
    /// Debian's `musl-gcc` (musl-tools), for the host's own architecture.
    MuslGcc,
}

/// zig when it is on PATH; else musl-gcc for the host's own architecture;
/// else zig through the Python package.
pub fn choose_musl_toolchain(host: &HostFacts, target: &str) -> MuslToolchain {
    if !host.has("zig") && host.has("musl-gcc") && same_arch(&host.host_triple, target) {
        return MuslToolchain::MuslGcc;
    }
    MuslToolchain::Zig
}

/// `configure_linker` for a musl target: a C compiler, C++ compiler and
/// archiver that bring musl's headers and static libc (vendored and bundled
/// builds compile C), and the same compiler as the linker, under the
/// target's own names so other targets are untouched.
pub(super) fn configure_musl_linker(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let toolchain = choose_musl_toolchain(cx.host, cx.target);
    let mut plan = plan(cx, "configure_linker", "");
    let mut edits = Vec::new();
    let set_env = |prefix: &str, value: &str, relative: bool| ConfigEdit::SetEnv {
        name: format!("{prefix}_{}", cx.target),
        value: value.to_owned(),
        relative,
    };
    match toolchain {
        MuslToolchain::Zig => {
            let zig = zig_target(cx.target, None);
            plan.title = format!("compile C and link {} with zig's musl ({zig})", cx.target);
            let mut values = Vec::new();
            for (suffix, what) in [
                ("cc", "C compiler and linker"),
                ("c++", "C++ compiler"),
                ("ar", "archiver"),
            ] {
                let path = format!("{}/{}-{suffix}", cx.layout.scripts_dir, cx.target);
                let body = format!(
                    "# {what} for {} with zig's bundled musl (static).\n{}",
                    cx.target,
                    wrapper_body(suffix, &zig, &[])
                );
                plan.edits
                    .extend(files.write(&path, script_text(cx, &body), true));
                values.push(cx.layout.config_path_value(&path));
            }
            edits.push(ConfigEdit::SetTarget {
                triple: cx.target.to_owned(),
                key: "linker".into(),
                value: EditValue::String(values[0].0.clone()),
            });
            for (prefix, (value, relative)) in ["CC", "CXX", "AR"].iter().zip(&values) {
                edits.push(set_env(prefix, value, *relative));
            }
            if !cx.host.has("zig") {
                plan.notes.push(
                    "zig is not on PATH: the wrappers run the Python package's zig (`python3 -m ziglang`); `pip install ziglang` installs it".into(),
                );
            }
        }
        MuslToolchain::MuslGcc => {
            plan.title = format!("compile C for {} with musl-gcc", cx.target);
            edits.push(set_env("CC", "musl-gcc", false));
            edits.push(set_env("AR", "ar", false));
            plan.notes.push(
                "musl-gcc has no C++ library: a C++ dependency needs zig (`pip install ziglang`)"
                    .into(),
            );
        }
    }
    plan.notes.push(format!(
        "rustup's {} std brings musl's start files and libunwind; the wrappers add the C library for the vendored and bundled builds",
        cx.target
    ));
    edit_config_file(cx, files, &edits, &mut plan)?;
    Ok(plan)
}

/// `configure_musl_sysroot` (`fix --linker clang` for a musl target): clang
/// and lld as the C compiler and linker, against Debian's `musl-dev` for the
/// target's architecture, fetched as a sysroot like any `-dev` package (the
/// sysroot engine fetches per architecture; musl-dev is `Multi-Arch: same`).
///
/// The wrappers compile with `-nostdinc`, then musl's headers
/// (`usr/include/<arch>-linux-musl`), then clang's own builtin headers (as
/// musl's `musl-clang` orders them), so no glibc header of the sysroot's
/// base set is ever seen; and link with lld, musl's directory
/// (`usr/lib/<arch>-linux-musl`: start files, `libc.a`) searched first.
pub(super) fn configure_musl_sysroot(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "configure_musl_sysroot";
    let not_applicable = |reason: String| PlanError::NotApplicable {
        id: id.to_owned(),
        reason,
    };
    let gnu = gnu_sibling(cx.target)
        .ok_or_else(|| not_applicable(format!("{} is not a musl target", cx.target)))?;
    let arch = debian_arch_for_triple(&gnu).ok_or_else(|| {
        not_applicable(format!(
            "{} has no Debian architecture to fetch musl-dev for",
            cx.target
        ))
    })?;
    let musl_multiarch = musl_multiarch(arch.multiarch);
    let clang_target = zig_target(cx.target, None);
    let mut plan = plan(
        cx,
        id,
        &format!(
            "compile C and link {} with clang against Debian {}'s musl-dev ({})",
            cx.target, cx.release.codename, arch.name
        ),
    );
    plan.commands.push(PlanCommand::FetchSysroot {
        // The sysroot engine knows architectures by their glibc triple.
        target: gnu.clone(),
        release: cx.release.codename.to_owned(),
        packages: vec!["musl-dev".to_owned()],
        dir: cx.layout.sysroot_dir.clone(),
    });
    if !cx.host.has("clang") || !cx.host.has("ld.lld") {
        plan.commands.extend(
            install_hint(cx.host.package_manager, Tool::ClangLld, cx.target)
                .map(|hint| PlanCommand::Install { hint }),
        );
    }
    let sysroot = cx.layout.sysroot_in_script();
    let mut flags = musl_clang_flags(&clang_target, &sysroot, &musl_multiarch);
    // The start files around main (crtbeginT.o) and libgcc come with the
    // base set's GCC, which is libc-independent: the same for musl.
    let gcc = format!(
        "{sysroot}/usr/lib/gcc/{}/{}",
        arch.multiarch, cx.release.gcc_major
    );
    flags.push_str(&format!(" -L\"{gcc}\" -B\"{gcc}\""));
    let mut values = Vec::new();
    for (suffix, body) in [
        (
            "cc",
            format!(
                "# C compiler and linker for {} against Debian's musl-dev (static).\nexec clang {flags} \"$@\"\n",
                cx.target
            ),
        ),
        (
            "c++",
            format!(
                "# C++ compiler for {}: musl-dev has no C++ library, so only headers-only C++ builds.\nexec clang++ {flags} \"$@\"\n",
                cx.target
            ),
        ),
    ] {
        let path = format!("{}/{}-{suffix}", cx.layout.scripts_dir, cx.target);
        plan.edits
            .extend(files.write(&path, script_text(cx, &body), true));
        values.push(cx.layout.config_path_value(&path));
    }
    let ar = if cx.host.has("llvm-ar") {
        "llvm-ar"
    } else {
        "ar"
    };
    let set_env = |prefix: &str, value: &str, relative: bool| ConfigEdit::SetEnv {
        name: format!("{prefix}_{}", cx.target),
        value: value.to_owned(),
        relative,
    };
    let edits = vec![
        ConfigEdit::SetTarget {
            triple: cx.target.to_owned(),
            key: "linker".into(),
            value: EditValue::String(values[0].0.clone()),
        },
        set_env("CC", &values[0].0, values[0].1),
        set_env("CXX", &values[1].0, values[1].1),
        set_env("AR", ar, false),
    ];
    plan.notes.push(format!(
        "musl-dev brings musl's headers, start files and libc.a for {}; it has no C++ standard library, so a C++ dependency needs zig (`fix --target {} --only configure_linker` with zig installed)",
        arch.name, cx.target
    ));
    edit_config_file(cx, files, &edits, &mut plan)?;
    Ok(plan)
}

/// The glibc sibling of a musl triple: `aarch64-unknown-linux-gnu`.
fn gnu_sibling(target: &str) -> Option<String> {
    let at = target.rfind("-linux-musl")?;
    let rest = &target[at + "-linux-musl".len()..];
    Some(format!("{}-linux-gnu{rest}", &target[..at]))
}

/// Debian's directory name for musl of an architecture: `aarch64-linux-musl`,
/// `arm-linux-musleabihf`.
fn musl_multiarch(gnu_multiarch: &str) -> String {
    gnu_multiarch.replacen("-linux-gnu", "-linux-musl", 1)
}

/// clang's flags for a musl sysroot, as shell words for a wrapper.
fn musl_clang_flags(clang_target: &str, sysroot: &str, multiarch: &str) -> String {
    format!(
        "--target={clang_target} -nostdinc -isystem \"{sysroot}/usr/include/{multiarch}\" -isystem \"$(clang -print-resource-dir)/include\" -L\"{sysroot}/usr/lib/{multiarch}\" -B\"{sysroot}/usr/lib/{multiarch}\" -fuse-ld=lld -Wno-unused-command-line-argument"
    )
}

/// The fixes that make a musl target build: std, the musl C toolchain, and
/// a static build of every native library (by the locked versions' features).
pub(super) fn default_musl_fix_ids(cx: &FixContext<'_>) -> Vec<&'static str> {
    let mut ids = Vec::new();
    if !cx.host.installed_targets.iter().any(|t| t == cx.target) {
        ids.push("add_target");
    }
    ids.push("configure_linker");
    for path in paths_to_native_crates(cx.graph) {
        let Some(choice) = static_choice(cx.graph, &path) else {
            continue;
        };
        let on = [path.direct(), path.native()].iter().any(|&i| {
            cx.graph.packages[i]
                .enabled_features
                .iter()
                .any(|f| f == choice.feature)
        });
        if !on && !ids.contains(&choice.fix) {
            ids.push(choice.fix);
        }
    }
    ids
}

/// `use_static_zlib` (libz-sys `static`) and `use_vendored_libgit2` (git2
/// `vendored-libgit2` or libgit2-sys `vendored`).
pub(super) fn use_static_build(
    cx: &FixContext<'_>,
    id: &str,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let not_applicable = |reason: String| PlanError::NotApplicable {
        id: id.to_owned(),
        reason,
    };
    let paths = paths_to_native_crates(cx.graph);
    let (path, choice) = paths
        .iter()
        .find_map(|path| {
            static_choice(cx.graph, path)
                .filter(|c| c.fix == id)
                .map(|c| (path, c))
        })
        .ok_or_else(|| {
            not_applicable(
                "no crate in the dependency graph declares a feature that builds this library from source"
                    .into(),
            )
        })?;
    let manifest_path = member_manifest(cx, path);
    let manifest = parse(files, &manifest_path)?;
    let edit = match declared(&manifest, &choice.package) {
        Some(decl) if !decl.inherited => add_features(&decl, &[choice.feature]),
        Some(_) => {
            return Err(not_applicable(format!(
                "{} is inherited from [workspace.dependencies]: add the `{}` feature there",
                choice.package, choice.feature
            )));
        }
        // Not a direct dependency: declare the -sys crate with the feature;
        // cargo unifies features, so the crate that pulls it in gets it too.
        None => ManifestEdit::AddDependency {
            table: vec!["dependencies".into()],
            key: choice.package.clone(),
            version: major_minor(&choice.version),
            features: vec![choice.feature.to_owned()],
        },
    };
    let native = &cx.graph.packages[path.native()];
    let library = native.links.as_deref().unwrap_or(&native.name);
    let mut plan = plan(
        cx,
        id,
        &format!(
            "build lib{library} from source for the target ({} `{}`)",
            choice.package, choice.feature
        ),
    );
    plan.notes.push(format!(
        "lib{library} is compiled with the C compiler configured for {}",
        cx.target
    ));
    write_manifest(files, &manifest_path, &[edit], &mut plan)?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{FixContext, Layout, Workspace, plan_fix};
    use crate::preflight::{GraphEdge, GraphPackage, HostFacts, ProjectGraph};
    use crossport_formats::distro::known_release as debian_release;

    const MANIFEST: &str = "/w/app/Cargo.toml";

    fn graph() -> ProjectGraph {
        let package =
            |name: &str, version: &str, links: Option<&str>, declared: &[&str]| GraphPackage {
                name: name.into(),
                version: version.into(),
                links: links.map(Into::into),
                manifest_path: if name == "app" {
                    MANIFEST.into()
                } else {
                    format!("/r/{name}/Cargo.toml")
                },
                declared_features: declared
                    .iter()
                    .map(|f| ((*f).to_owned(), Vec::new()))
                    .collect(),
                ..GraphPackage::default()
            };
        let edge = |to| GraphEdge {
            to,
            normal: true,
            ..GraphEdge::default()
        };
        ProjectGraph {
            workspace_root: "/w/app".into(),
            packages: vec![
                package("app", "0.1.0", None, &[]),
                package("git2", "0.19.0", None, &["vendored-libgit2"]),
                package("libgit2-sys", "0.17.0+1.8.1", Some("git2"), &["vendored"]),
                package("libz-sys", "1.1.20", Some("z"), &["static"]),
            ],
            members: vec![0],
            edges: vec![vec![edge(1)], vec![edge(2)], vec![edge(3)], vec![]],
        }
    }

    fn plan(ids: &[&str]) -> Workspace {
        let graph = graph();
        let host = HostFacts::default();
        let target = "x86_64-unknown-linux-musl";
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release: debian_release("bookworm").expect("known release"),
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::new(BTreeMap::from([(
            MANIFEST.to_owned(),
            Some("[package]\nname = \"app\"\n\n[dependencies]\ngit2 = \"0.19\" # vcs\n".to_owned()),
        )]));
        for id in ids {
            plan_fix(&cx, id, &mut files).expect("plans");
        }
        files
    }

    #[test]
    fn musl_gets_zig_wrappers_under_its_own_names_and_static_builds_by_default() {
        let graph = graph();
        let host = HostFacts {
            host_triple: "x86_64-unknown-linux-gnu".into(),
            os: "linux".into(),
            ..HostFacts::default()
        };
        let target = "x86_64-unknown-linux-musl";
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release: debian_release("bookworm").expect("known release"),
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        assert_eq!(
            super::super::default_fix_ids(&cx),
            [
                "add_target",
                "configure_linker",
                "use_vendored_libgit2",
                "use_static_zlib"
            ]
        );
        let mut files = Workspace::default();
        let plan = plan_fix(&cx, "configure_linker", &mut files).expect("plans");
        assert_eq!(
            plan.title,
            "compile C and link x86_64-unknown-linux-musl with zig's musl (x86_64-linux-musl)"
        );
        let config = files.text("/w/app/.cargo/config.toml").unwrap_or_default();
        for line in [
            "linker = \".cargo/crossport/x86_64-unknown-linux-musl-cc\"",
            "CC_x86_64-unknown-linux-musl = { value = \".cargo/crossport/x86_64-unknown-linux-musl-cc\", relative = true }",
            "CXX_x86_64-unknown-linux-musl = { value = \".cargo/crossport/x86_64-unknown-linux-musl-c++\", relative = true }",
            "AR_x86_64-unknown-linux-musl = { value = \".cargo/crossport/x86_64-unknown-linux-musl-ar\", relative = true }",
        ] {
            assert!(config.contains(line), "{line} in\n{config}");
        }
        assert!(!config.contains("CC_x86_64-unknown-linux-gnu"));
        let cc = files
            .text("/w/app/.cargo/crossport/x86_64-unknown-linux-musl-cc")
            .expect("cc wrapper");
        assert!(
            cc.contains("exec python3 -m ziglang cc -target x86_64-linux-musl \"$@\""),
            "{cc}"
        );
        let ar = files
            .text("/w/app/.cargo/crossport/x86_64-unknown-linux-musl-ar")
            .expect("ar wrapper");
        assert!(ar.contains("exec zig ar \"$@\""), "{ar}");
        assert!(plan.edits.iter().filter(|e| e.executable).count() == 3);
    }

    #[test]
    fn clang_with_debian_musl_dev_fetched_as_a_sysroot() {
        let graph = graph();
        let host = HostFacts {
            host_triple: "x86_64-unknown-linux-gnu".into(),
            os: "linux".into(),
            tools: ["clang", "ld.lld", "llvm-ar"]
                .iter()
                .map(|t| ((*t).to_owned(), format!("/usr/bin/{t}")))
                .collect(),
            ..HostFacts::default()
        };
        let target = "aarch64-unknown-linux-musl";
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release: debian_release("bookworm").expect("known release"),
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let mut files = Workspace::default();
        let plan = plan_fix(&cx, "configure_musl_sysroot", &mut files).expect("plans");
        assert_eq!(
            plan.title,
            "compile C and link aarch64-unknown-linux-musl with clang against Debian bookworm's musl-dev (arm64)"
        );
        assert_eq!(
            plan.commands
                .iter()
                .map(super::super::PlanCommand::display)
                .collect::<Vec<_>>(),
            [
                "crossport sysroot fetch --target aarch64-unknown-linux-gnu --release bookworm musl-dev --dir /w/app/target/crossport/sysroots/aarch64-unknown-linux-musl-bookworm"
            ]
        );
        let cc = files
            .text("/w/app/.cargo/crossport/aarch64-unknown-linux-musl-cc")
            .expect("cc wrapper");
        let sysroot = "$here/../../target/crossport/sysroots/aarch64-unknown-linux-musl-bookworm";
        assert!(
            cc.contains(&format!(
                "exec clang --target=aarch64-linux-musl -nostdinc -isystem \"{sysroot}/usr/include/aarch64-linux-musl\" -isystem \"$(clang -print-resource-dir)/include\" -L\"{sysroot}/usr/lib/aarch64-linux-musl\""
            )),
            "{cc}"
        );
        assert!(
            cc.contains(&format!(
                "-L\"{sysroot}/usr/lib/gcc/aarch64-linux-gnu/12\" -B\"{sysroot}/usr/lib/gcc/aarch64-linux-gnu/12\" \"$@\""
            )),
            "{cc}"
        );
        let config = files.text("/w/app/.cargo/config.toml").unwrap_or_default();
        for line in [
            "linker = \".cargo/crossport/aarch64-unknown-linux-musl-cc\"",
            "CC_aarch64-unknown-linux-musl = { value = \".cargo/crossport/aarch64-unknown-linux-musl-cc\", relative = true }",
            "CXX_aarch64-unknown-linux-musl = { value = \".cargo/crossport/aarch64-unknown-linux-musl-c++\", relative = true }",
            "AR_aarch64-unknown-linux-musl = \"llvm-ar\"",
        ] {
            assert!(config.contains(line), "{line} in\n{config}");
        }
        assert!(!config.contains("-linux-gnu"), "{config}");
        // Only musl targets; armhf's musl directory is Debian's name.
        let gnu = FixContext {
            target: "aarch64-unknown-linux-gnu",
            ..cx
        };
        assert!(plan_fix(&gnu, "configure_musl_sysroot", &mut files).is_err());
        assert_eq!(
            super::musl_multiarch("arm-linux-gnueabihf"),
            "arm-linux-musleabihf"
        );
    }

    #[test]
    fn musl_gcc_only_without_zig_and_for_the_host_arch() {
        let host = |tools: &[&str]| HostFacts {
            host_triple: "x86_64-unknown-linux-gnu".into(),
            tools: tools
                .iter()
                .map(|t| ((*t).to_owned(), format!("/usr/bin/{t}")))
                .collect(),
            ..HostFacts::default()
        };
        use super::{MuslToolchain, choose_musl_toolchain};
        let x86 = "x86_64-unknown-linux-musl";
        assert_eq!(
            choose_musl_toolchain(&host(&["musl-gcc"]), x86),
            MuslToolchain::MuslGcc
        );
        assert_eq!(
            choose_musl_toolchain(&host(&["musl-gcc", "zig"]), x86),
            MuslToolchain::Zig
        );
        assert_eq!(
            choose_musl_toolchain(&host(&["musl-gcc"]), "aarch64-unknown-linux-musl"),
            MuslToolchain::Zig
        );
    }

    #[test]
    fn static_builds_turn_on_the_direct_feature_or_add_the_sys_crate() {
        let files = plan(&["use_vendored_libgit2", "use_static_zlib"]);
        assert_eq!(
            files.text(MANIFEST),
            Some(
                "[package]\nname = \"app\"\n\n[dependencies]\ngit2 = { version = \"0.19\", features = [\"vendored-libgit2\"] } # vcs\nlibz-sys = { version = \"1\", features = [\"static\"] }\n"
            )
        );
    }
}
