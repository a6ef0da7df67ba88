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
    Ok(())
}
