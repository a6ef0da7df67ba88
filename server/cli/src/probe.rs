//! `crossport probe`: ask a server over ssh what it runs: architecture, Debian or Ubuntu
//! release, glibc, and the mirror its apt sources name.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use crossport_driver::ssh::{ProbeReport, SshOptions, parse_ssh_host, probe};

use crate::output::{Format, InputError, print_json};

/// Ask a server over ssh what it runs: architecture, Debian release, glibc.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server, as ssh://[user@]host[:port].
    pub server: String,
    #[command(flatten)]
    pub ssh: SshArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// How to reach the server; shared by `probe` and `deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct SshArgs {
    /// Private key to authenticate with (ssh -i).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// An ssh_config file to use instead of ~/.ssh/config (ssh -F).
    #[arg(long, value_name = "FILE")]
    pub ssh_config: Option<PathBuf>,
    /// Extra ssh option, Key=Value (ssh -o); repeatable.
    #[arg(long = "ssh-option", short = 'o', value_name = "KEY=VALUE")]
    pub ssh_options: Vec<String>,
}

impl SshArgs {
    pub fn to_options(&self) -> anyhow::Result<SshOptions> {
        let mut options = SshOptions {
            identity: self.identity.clone(),
            config_file: self.ssh_config.clone(),
            ..SshOptions::default()
        };
        for option in &self.ssh_options {
            options
                .add_option(option)
                .map_err(|err| InputError(err.to_string()))?;
        }
        Ok(options)
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let host = parse_ssh_host(&args.server).map_err(|err| InputError(err.to_string()))?;
    let options = args.ssh.to_options()?;
    let report =
        probe(&host, &options).with_context(|| format!("cannot probe {}", host.label()))?;
    match args.format {
        Format::Json => print_json(crossport_json::inspect::Probe::from(&report))?,
        Format::Human => print_human(&report).context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_human(report: &ProbeReport) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    let server = &report.server;
    let name = server
        .os_release
        .get("PRETTY_NAME")
        .map_or("unknown system", String::as_str);
    writeln!(out, "{}: {name}, {}", report.host, server.uname_machine)?;
    match &server.glibc {
        Some(glibc) => writeln!(out, "  glibc   {glibc}")?,
        None => writeln!(out, "  glibc   not found")?,
    }
    if server.libssl_sonames.is_empty() {
        writeln!(out, "  libssl  none")?;
    } else {
        writeln!(out, "  libssl  {}", server.libssl_sonames.join(", "))?;
    }
    let recommendation = &report.recommendation;
    if let Some(target) = &recommendation.target {
        writeln!(out, "  target  {target}")?;
    }
    if let Some(release) = &recommendation.release {
        writeln!(out, "  release {release}")?;
    }
    if let Some(mirror) = &recommendation.mirror {
        writeln!(
            out,
            "  mirror  {} ({} archive, from {})",
            mirror.uri,
            match mirror.archive {
                crossport_formats::distro::Archive::Main => "main",
                crossport_formats::distro::Archive::Ports => "ports",
            },
            mirror.origin
        )?;
    }
    if let Some(command) = &recommendation.sysroot_command {
        writeln!(out, "\nfetch a matching sysroot with:\n  {command}")?;
    }
    if let Some(note) = old_glibc_note(report) {
        writeln!(out, "\n{note}")?;
    }
    Ok(())
}

/// For a server older than every sysroot release: the two ways that reach
/// it (the same finding doctor reports).
fn old_glibc_note(report: &ProbeReport) -> Option<String> {
    let glibc = crate::old_server::server_glibc(report)?;
    let target = report.recommendation.target.as_deref()?;
    let finding = crossport_analysis::preflight::server_glibc_finding(
        target,
        glibc,
        &format!("the server {}", report.host),
        None,
    )?;
    let commands: Vec<String> = finding
        .fixes
        .iter()
        .filter_map(|fix| fix.command.as_ref().map(|c| format!("  {c}")))
        .collect();
    Some(format!("{}:\n{}", finding.message, commands.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossport_analysis::inspect::{DottedVersion, ServerFacts, recommend};

    fn report(glibc: &str) -> ProbeReport {
        let server = ServerFacts {
            uname_machine: "aarch64".into(),
            glibc: DottedVersion::parse(glibc),
            ..ServerFacts::default()
        };
        ProbeReport {
            host: "admin@old".into(),
            recommendation: recommend(&server),
            server,
        }
    }

    #[test]
    fn an_old_server_is_told_the_two_ways_that_reach_it() {
        let note = old_glibc_note(&report("2.28")).expect("a note");
        assert!(
            note.starts_with("the server admin@old has glibc 2.28, older than every release"),
            "{note}"
        );
        assert!(
            note.ends_with(
                ":\n  crossport fix --target aarch64-unknown-linux-gnu --linker zig --glibc 2.28\n  crossport fix --target aarch64-unknown-linux-musl"
            ),
            "{note}"
        );
        assert_eq!(old_glibc_note(&report("2.31")), None);
    }
}
