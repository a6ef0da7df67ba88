//! The toolchain fixes: install std, configure a linker, fetch a Debian
//! sysroot and wire it in, configure a runner.
//!
//! Wiring writes two small wrapper scripts next to the config
//! (`<triple>-cc`, `<triple>-c++`) that run clang (or the GNU cross gcc)
//! with `--target` and `--sysroot`, and points `[target.<triple>] linker`
//! and the per-target `CC_`/`CXX_` env names at them. Build scripts and
//! the final link then agree on one compiler, and the config holds no
//! absolute path (see `layout`). The pkg-config and OpenSSL variables use
//! cargo's target-suffixed names because `[env]` is not per target.

use crossport_formats::arch::{DebianArch, debian_arch_for_triple};
use crossport_formats::cargo_config::{ConfigEdit, EditValue, edit_config};

use super::toolchain::{Tool, Toolchain, choose_toolchain, install_hint, loader_for_multiarch};
use super::{FileEdit, FixContext, FixPlan, PlanCommand, PlanError, Scope, Workspace};
use crate::preflight::{
    NativeStatus, TargetConfig, ToolchainKind, native_need, paths_to_native_crates,
};

pub(super) fn add_target(cx: &FixContext<'_>) -> FixPlan {
    // Debian's rustc takes its std from a package only root can install;
    // rustup's `target add` would change another toolchain.
    let command = match cx.host.toolchain.as_ref() {
        Some(toolchain) if matches!(toolchain.kind, ToolchainKind::Debian { .. }) => {
            let hint = toolchain.std_install_command(cx.target).unwrap_or_else(|| {
                format!(
                    "a rustup toolchain (`rustup target add {}`): Debian packages no std for it",
                    cx.target
                )
            });
            PlanCommand::Install { hint }
        }
        _ => PlanCommand::AddTarget {
            target: cx.target.to_owned(),
        },
    };
    FixPlan {
        id: "add_target".into(),
        title: format!("install the {} standard library", cx.target),
        target: cx.target.to_owned(),
        edits: Vec::new(),
        commands: vec![command],
        notes: Vec::new(),
    }
}

/// The wrapper scripts a layout uses for a target.
pub(super) fn script_paths(layout: &super::Layout, target: &str) -> Vec<String> {
    ["cc", "c++", "ar", "run"]
        .iter()
        .map(|suffix| format!("{}/{target}-{suffix}", layout.scripts_dir))
        .collect()
}

fn script_path(cx: &FixContext<'_>, suffix: &str) -> String {
    format!("{}/{}-{suffix}", cx.layout.scripts_dir, cx.target)
}

fn debian_arch(cx: &FixContext<'_>, id: &str) -> Result<DebianArch, PlanError> {
    debian_arch_for_triple(cx.target).ok_or_else(|| PlanError::NotApplicable {
        id: id.to_owned(),
        reason: format!(
            "{} has no Debian architecture to fetch a sysroot for",
            cx.target
        ),
    })
}

pub(super) fn configure_linker(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    if crate::preflight::is_musl(cx.target) {
        return super::musl::configure_musl_linker(cx, files);
    }
    let mut plan = empty_plan(
        cx,
        "configure_linker",
        format!("configure a linker for {}", cx.target),
    );
    let toolchain = choose_toolchain(cx.host, cx.target);
    let clang_target = debian_arch_for_triple(cx.target)
        .map(|a| a.clang_target.to_owned())
        .unwrap_or_else(|| cx.target.to_owned());
    let mut edits = Vec::new();
    match &toolchain {
        Toolchain::ClangLld | Toolchain::Missing => {
            edits.push(set_target(cx, "linker", "clang"));
            edits.push(ConfigEdit::AppendTargetFlags {
                triple: cx.target.to_owned(),
                key: "rustflags".into(),
                flags: vec![
                    format!("-Clink-arg=--target={clang_target}"),
                    "-Clink-arg=-fuse-ld=lld".into(),
                ],
            });
        }
        Toolchain::Gcc { prefix } => {
            edits.push(set_target(cx, "linker", &format!("{prefix}-gcc")));
            edits.push(env(cx, "CC", &format!("{prefix}-gcc"), false));
            edits.push(env(cx, "CXX", &format!("{prefix}-g++"), false));
            edits.push(env(cx, "AR", &format!("{prefix}-ar"), false));
        }
        Toolchain::Zig => {
            let arch = cx.target.split('-').next().unwrap_or(cx.target);
            let script = script_path(cx, "cc");
            let body = format!(
                "# Links {target} with zig's bundled C library.\nexec zig cc -target {arch}-linux-gnu \"$@\"\n",
                target = cx.target
            );
            push(
                &mut plan,
                files.write(&script, script_text(cx, &body), true),
            );
            let (value, relative) = cx.layout.config_path_value(&script);
            edits.push(set_target(cx, "linker", &value));
            edits.push(env(cx, "CC", &value, relative));
        }
    }
    if toolchain == Toolchain::Missing {
        plan.commands.extend(install(cx, Tool::ClangLld));
    }
    if debian_arch_for_triple(cx.target).is_some() && toolchain != Toolchain::Zig {
        plan.notes.push(format!(
            "linking for {} also needs its C library: `fetch_sysroot_and_wire` provides one from Debian",
            cx.target
        ));
    }
    edit_config_file(cx, files, &edits, &mut plan)?;
    Ok(plan)
}

pub(super) fn fetch_sysroot_and_wire(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "fetch_sysroot_and_wire";
    let arch = debian_arch(cx, id)?;
    let packages = native_packages(cx);
    let title = if packages.is_empty() {
        format!(
            "fetch a Debian {} sysroot for {} and link against it",
            cx.release.codename, cx.target
        )
    } else {
        format!(
            "fetch a Debian {} sysroot for {} with {} and wire it into the cargo config",
            cx.release.codename,
            cx.target,
            packages.join(", ")
        )
    };
    let mut plan = empty_plan(cx, id, title);
    plan.commands.push(PlanCommand::FetchSysroot {
        target: cx.target.to_owned(),
        release: cx.release.codename.to_owned(),
        packages: packages.clone(),
        dir: cx.layout.sysroot_dir.clone(),
    });
    let toolchain = choose_toolchain(cx.host, cx.target);
    if toolchain == Toolchain::Missing {
        plan.commands.extend(install(cx, Tool::ClangLld));
    }
    if !packages.is_empty() && !cx.host.has("pkg-config") && !cx.host.has("pkgconf") {
        plan.commands.extend(install(cx, Tool::PkgConfig));
    }
    let (cc, cxx) = compiler_commands(cx, &toolchain, &arch);
    let cc_path = script_path(cx, "cc");
    let cxx_path = script_path(cx, "c++");
    let what = format!(
        "{} against the Debian {} sysroot",
        cx.target, cx.release.codename
    );
    push(
        &mut plan,
        files.write(
            &cc_path,
            script_text(cx, &format!("# C compiler and linker for {what}.\n{cc}")),
            true,
        ),
    );
    push(
        &mut plan,
        files.write(
            &cxx_path,
            script_text(cx, &format!("# C++ compiler for {what}.\n{cxx}")),
            true,
        ),
    );
    let edits = wire_edits(cx, &toolchain, &arch, &cc_path, &cxx_path);
    edit_config_file(cx, files, &edits, &mut plan)?;
    if cx.layout.scope == Scope::Project {
        plan.notes.push(format!(
            "the sysroot lives in {dir} (not committed) and its packages are pinned in {lock}; on a fresh clone `crossport fix --target {target} --release {release} --apply` recreates it from the lock and changes no committed file",
            dir = cx.layout.config_path_value(&cx.layout.sysroot_dir).0,
            lock = "crossport-sysroot.lock",
            target = cx.target,
            release = cx.release.codename,
        ));
    }
    Ok(plan)
}

/// The `-dev` packages of the native libraries the target needs.
pub(super) fn native_packages(cx: &FixContext<'_>) -> Vec<String> {
    let mut packages: Vec<String> = Vec::new();
    for path in paths_to_native_crates(cx.graph) {
        let package = &cx.graph.packages[path.native()];
        let Some(need) = native_need(package, &TargetConfig::default(), cx.target) else {
            continue;
        };
        if need.status == NativeStatus::BuiltFromSource {
            continue;
        }
        for dev in need.debian_packages {
            if !packages.iter().any(|p| p == dev) {
                packages.push(dev.to_owned());
            }
        }
    }
    packages
}

fn needs_openssl(cx: &FixContext<'_>) -> bool {
    paths_to_native_crates(cx.graph).iter().any(|path| {
        let package = &cx.graph.packages[path.native()];
        package.name == "openssl-sys"
            && native_need(package, &TargetConfig::default(), cx.target)
                .is_some_and(|need| need.status != NativeStatus::BuiltFromSource)
    })
}

fn compiler_commands(
    cx: &FixContext<'_>,
    toolchain: &Toolchain,
    arch: &DebianArch,
) -> (String, String) {
    let sysroot = cx.layout.sysroot_in_script();
    match toolchain {
        Toolchain::Gcc { prefix } => (
            format!("exec {prefix}-gcc --sysroot=\"{sysroot}\" \"$@\"\n"),
            format!("exec {prefix}-g++ --sysroot=\"{sysroot}\" \"$@\"\n"),
        ),
        Toolchain::Zig => {
            let (major, minor) = cx.release.glibc;
            let zig_target = format!(
                "{}-linux-gnu.{major}.{minor}",
                cx.target.split('-').next().unwrap_or_default()
            );
            (
                format!("exec zig cc -target {zig_target} \"$@\"\n"),
                format!("exec zig c++ -target {zig_target} \"$@\"\n"),
            )
        }
        Toolchain::ClangLld | Toolchain::Missing => {
            let flags = format!(
                "--target={} --sysroot=\"{sysroot}\" -fuse-ld=lld -Wno-unused-command-line-argument",
                arch.clang_target
            );
            (
                format!("exec clang {flags} \"$@\"\n"),
                format!("exec clang++ {flags} \"$@\"\n"),
            )
        }
    }
}

fn wire_edits(
    cx: &FixContext<'_>,
    toolchain: &Toolchain,
    arch: &DebianArch,
    cc_path: &str,
    cxx_path: &str,
) -> Vec<ConfigEdit> {
    let (cc, relative) = cx.layout.config_path_value(cc_path);
    let (cxx, _) = cx.layout.config_path_value(cxx_path);
    let (sysroot, sysroot_relative) = cx.layout.config_path_value(&cx.layout.sysroot_dir);
    let ar = match toolchain {
        Toolchain::Gcc { prefix } => format!("{prefix}-ar"),
        _ if cx.host.has("llvm-ar") => "llvm-ar".to_owned(),
        _ => "ar".to_owned(),
    };
    let multiarch = arch.multiarch;
    let mut edits = vec![
        set_target(cx, "linker", &cc),
        env(cx, "CC", &cc, relative),
        env(cx, "CXX", &cxx, relative),
        env(cx, "AR", &ar, false),
        env(cx, "PKG_CONFIG_SYSROOT_DIR", &sysroot, sysroot_relative),
        env(
            cx,
            "PKG_CONFIG_LIBDIR",
            &format!("{sysroot}/usr/lib/{multiarch}/pkgconfig"),
            sysroot_relative,
        ),
    ];
    if needs_openssl(cx) {
        let upper = cx.target.to_uppercase().replace('-', "_");
        edits.push(ConfigEdit::SetEnv {
            name: format!("{upper}_OPENSSL_LIB_DIR"),
            value: format!("{sysroot}/usr/lib/{multiarch}"),
            relative: sysroot_relative,
        });
        edits.push(ConfigEdit::SetEnv {
            name: format!("{upper}_OPENSSL_INCLUDE_DIR"),
            value: format!("{sysroot}/usr/include"),
            relative: sysroot_relative,
        });
    }
    edits
}

pub(super) fn configure_runner(
    cx: &FixContext<'_>,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    let id = "configure_runner";
    let arch = debian_arch(cx, id)?;
    if cx.host.os != "linux" {
        return Err(PlanError::NotApplicable {
            id: id.into(),
            reason: "running Linux binaries needs a Linux host (qemu-user or the sysroot's loader)"
                .into(),
        });
    }
    let sysroot = cx.layout.sysroot_in_script();
    let same_arch = crate::preflight::same_arch(&cx.host.host_triple, cx.target);
    let mut plan = empty_plan(cx, id, String::new());
    let body = if same_arch {
        let loader =
            loader_for_multiarch(arch.multiarch).ok_or_else(|| PlanError::NotApplicable {
                id: id.into(),
                reason: format!("no known dynamic loader for {}", arch.multiarch),
            })?;
        plan.title = format!(
            "run {} binaries with the sysroot's own loader and libraries",
            cx.target
        );
        let m = arch.multiarch;
        format!(
            "# Runs {target} binaries with the Debian {release} sysroot's loader and libraries.\n# Sysroots are unpacked without permission bits, so the loader may need +x.\nsysroot=\"{sysroot}\"\nloader=\"$sysroot/{loader}\"\n[ -x \"$loader\" ] || chmod u+x \"$loader\"\nexec \"$loader\" --library-path \"$sysroot/lib/{m}:$sysroot/usr/lib/{m}\" \"$@\"\n",
            target = cx.target,
            release = cx.release.codename
        )
    } else {
        plan.title = format!(
            "run {} binaries under {} with the sysroot's libraries",
            cx.target, arch.qemu
        );
        if !cx.host.has(arch.qemu) {
            plan.commands.extend(install(cx, Tool::Qemu));
        }
        format!(
            "# Runs {target} binaries under qemu-user against the Debian {release} sysroot.\nexec {qemu} -L \"{sysroot}\" \"$@\"\n",
            target = cx.target,
            release = cx.release.codename,
            qemu = arch.qemu
        )
    };
    let runner_path = script_path(cx, "run");
    push(
        &mut plan,
        files.write(&runner_path, script_text(cx, &body), true),
    );
    let (runner, _) = cx.layout.config_path_value(&runner_path);
    edit_config_file(cx, files, &[set_target(cx, "runner", &runner)], &mut plan)?;
    Ok(plan)
}

fn empty_plan(cx: &FixContext<'_>, id: &str, title: String) -> FixPlan {
    FixPlan {
        id: id.to_owned(),
        title,
        target: cx.target.to_owned(),
        edits: Vec::new(),
        commands: Vec::new(),
        notes: Vec::new(),
    }
}

fn push(plan: &mut FixPlan, edit: Option<FileEdit>) {
    plan.edits.extend(edit);
}

fn install(cx: &FixContext<'_>, tool: Tool) -> Option<PlanCommand> {
    install_hint(cx.host.package_manager, tool, cx.target).map(|hint| PlanCommand::Install { hint })
}

fn set_target(cx: &FixContext<'_>, key: &str, value: &str) -> ConfigEdit {
    ConfigEdit::SetTarget {
        triple: cx.target.to_owned(),
        key: key.to_owned(),
        value: EditValue::String(value.to_owned()),
    }
}

fn env(cx: &FixContext<'_>, prefix: &str, value: &str, relative: bool) -> ConfigEdit {
    ConfigEdit::SetEnv {
        name: format!("{prefix}_{}", cx.target),
        value: value.to_owned(),
        relative,
    }
}

pub(super) fn script_text(cx: &FixContext<'_>, body: &str) -> String {
    let locate = match cx.layout.scope {
        Scope::Project => "here=$(CDPATH= cd -- \"$(dirname -- \"$0\")\" && pwd)\n",
        Scope::User => "",
    };
    format!(
        "#!/bin/sh\n# Written by `crossport fix`; `crossport fix` rewrites it.\n{body_comment}{locate}{command}",
        body_comment = body
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
        command = body
            .lines()
            .skip_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    )
}

pub(super) fn edit_config_file(
    cx: &FixContext<'_>,
    files: &mut Workspace,
    edits: &[ConfigEdit],
    plan: &mut FixPlan,
) -> Result<(), PlanError> {
    let path = cx.layout.config_path.clone();
    let old = files.text(&path).unwrap_or("").to_owned();
    let new = edit_config(&old, edits).map_err(|err| PlanError::Edit {
        path: path.clone(),
        message: err.to_string(),
    })?;
    push(plan, files.write(&path, new, false));
    Ok(())
}
