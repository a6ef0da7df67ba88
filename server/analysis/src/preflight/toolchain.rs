//! The Rust side of a target: is its std installed, and can anything link it.

use crate::finding::{FileSpan, Finding, Kind, Severity};

use super::input::{HostFacts, Origin, RustToolchain, TargetConfig, ToolchainKind};
use super::same_arch;

/// `target_not_installed` when the toolchain cargo will use can get std
/// for the target (rustup, or Debian's std package for a packaged rustc),
/// otherwise `std_unavailable_for_target`.
pub(super) fn std_finding(host: &HostFacts, target: &str) -> Option<Finding> {
    if host.installed_targets.iter().any(|t| t == target) {
        return None;
    }
    let finding = match host.toolchain.as_ref().map(|t| (&t.kind, t)) {
        Some((ToolchainKind::Debian { .. }, toolchain)) => debian_std_finding(toolchain, target),
        Some((ToolchainKind::Other, toolchain)) => Finding::new(
            Kind::TargetNotInstalled,
            Severity::Error,
            format!(
                "target std for {target} is not installed in {} (sysroot {}), and nothing here can add it to that toolchain",
                toolchain.rustc, toolchain.sysroot
            ),
        ),
        _ => rustup_std_finding(host, target),
    };
    let mut finding = finding;
    finding.target = Some(target.to_owned());
    Some(finding)
}

fn rustup_std_finding(host: &HostFacts, target: &str) -> Finding {
    match &host.rustup_targets {
        Some(available) if available.iter().any(|t| t == target) => Finding::new(
            Kind::TargetNotInstalled,
            Severity::Error,
            format!("target std for {target} is not installed"),
        )
        .with_fact(
            "command",
            serde_json::Value::from(format!("rustup target add {target}")),
        )
        .with_fix(
            "add_target",
            format!("install it with `rustup target add {target}`"),
        ),
        Some(_) => Finding::new(
            Kind::StdUnavailableForTarget,
            Severity::Error,
            format!(
                "rustup has no std for {target}; it needs `-Zbuild-std` on nightly or a vendor toolchain"
            ),
        ),
        None => Finding::new(
            Kind::TargetNotInstalled,
            Severity::Error,
            format!(
                "target std for {target} is not installed in this toolchain, and there is no rustup to add it"
            ),
        ),
    }
}

/// Debian packages the std of its rustc per architecture; a target with no
/// Debian architecture (musl, bare metal) has none.
fn debian_std_finding(toolchain: &RustToolchain, target: &str) -> Finding {
    match toolchain.std_install_command(target) {
        Some(command) => Finding::new(
            Kind::TargetNotInstalled,
            Severity::Error,
            format!(
                "target std for {target} is not installed for Debian's rustc ({})",
                toolchain.rustc
            ),
        )
        .with_fact("command", serde_json::Value::from(command.clone()))
        .with_fix(
            "add_target",
            format!("install it with `{command}` (as root)"),
        ),
        None => Finding::new(
            Kind::StdUnavailableForTarget,
            Severity::Error,
            format!(
                "Debian packages no std for {target} for its rustc ({}); use a rustup toolchain with `rustup target add {target}`",
                toolchain.rustc
            ),
        ),
    }
}

/// Whether the host's default `cc` cannot link the target's objects.
pub fn needs_cross_linker(host: &HostFacts, target: &str) -> bool {
    if target == host.host_triple || !target.contains("-linux-") {
        return false;
    }
    !same_arch(&host.host_triple, target) || host.os != "linux"
}

pub(super) fn linker_finding(
    host: &HostFacts,
    config: &TargetConfig,
    target: &str,
) -> Option<Finding> {
    let mut finding = match (&config.linker, config.linker_found) {
        (Some(linker), Some(false)) => {
            let program = linker.program().unwrap_or_default();
            let mut finding = Finding::new(
                Kind::LinkerNotFound,
                Severity::Error,
                format!("the linker configured for {target}, `{program}`, is not installed"),
            )
            .with_fact("linker", serde_json::Value::from(program));
            finding.evidence.file = origin_span(&linker.origin);
            finding
        }
        (Some(linker), _)
            if is_apple_ld(host, linker.program().unwrap_or_default())
                && target.contains("linux") =>
        {
            let mut finding = Finding::new(
                Kind::WrongLinkerFlavor,
                Severity::Error,
                format!("Apple's `ld` cannot link ELF binaries for {target}"),
            );
            finding.evidence.file = origin_span(&linker.origin);
            finding
        }
        (None, _) if needs_cross_linker(host, target) => Finding::new(
            Kind::HostLinkerUsed,
            Severity::Error,
            format!("no linker configured for {target}: the host `cc` cannot link it"),
        ),
        _ => return None,
    };
    finding.target = Some(target.to_owned());
    finding = finding.with_fix(
        "configure_linker",
        format!("configure a linker for {target}"),
    );
    if crossport_formats::arch::debian_arch_for_triple(target).is_some() {
        finding = finding.with_fix(
            "fetch_sysroot_and_wire",
            "fetch a Debian sysroot and link against it with clang + lld",
        );
    }
    Some(finding)
}

fn is_apple_ld(host: &HostFacts, program: &str) -> bool {
    host.os == "macos" && (program == "ld" || program == "/usr/bin/ld")
}

fn origin_span(origin: &Origin) -> Option<FileSpan> {
    match origin {
        Origin::File {
            path,
            span: Some((start, end)),
        } => Some(FileSpan {
            path: path.clone(),
            start: *start,
            end: *end,
        }),
        _ => None,
    }
}
