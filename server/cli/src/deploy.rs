//! `crossport deploy`: ship a built binary to a server (ssh, Dokku) or write a Dockerfile.
//!
//! Before anything is sent the binary is inspected: over plain ssh it is
//! judged against the probed server, for Dokku and Dockerfiles against the
//! Debian release of the image. A failing verdict stops the deploy unless
//! `--force` is given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::inspect::{
    Binary, InspectReport, Verdict, dockerfile, requirements, runtime_packages, verdict_for_server,
};
use crossport_driver::inspect::{InspectOptions, inspect, read_elf};
use crossport_driver::ssh::{
    Destination, SshHost, SshOptions, deploy_dokku, deploy_ssh, dokku_archive, parse_destination,
    probe, write_dockerfile,
};
use crossport_formats::arch::DEBIAN_RELEASES;

use crate::output::{Format, InputError, print_json};
use crate::probe::SshArgs;

/// Ship a built binary to a server (ssh, Dokku) or write a Dockerfile.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("how").required(true).args(["dockerfile", "to"])))]
pub struct Args {
    /// The binary to ship.
    pub binary: PathBuf,
    /// Write a Dockerfile for the binary (default path: ./Dockerfile).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "Dockerfile")]
    pub dockerfile: Option<PathBuf>,
    /// ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// A command to run on the server after an ssh upload (with sh -c).
    #[arg(long, value_name = "CMD")]
    pub restart: Option<String>,
    /// Ship even when the binary's verdict fails for the server.
    #[arg(long)]
    pub force: bool,
    /// Debian release of the image (Dockerfile, Dokku); default: the
    /// sysroot's release, else the newest release the binary runs on.
    #[arg(long)]
    pub release: Option<String>,
    /// The sysroot the binary was built against: names runtime packages.
    #[arg(long, value_name = "DIR")]
    pub sysroot: Option<PathBuf>,
    #[command(flatten)]
    pub ssh: SshArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let report = inspect(
        &args.binary,
        &InspectOptions {
            release: args.release.clone(),
            glibc: None,
            sysroot: args.sysroot.clone(),
        },
    )
    .map_err(|err| InputError(format!("{:#}", anyhow::Error::new(err))))?;
    if let Some(path) = &args.dockerfile {
        let text = dockerfile_for(&args, &report)?;
        write_dockerfile(path, &text)?;
        let name = binary_name(&args.binary);
        emit(
            &args,
            &serde_json::json!({"dockerfile": path, "binary_name": name}),
            || {
                format!(
                    "wrote {} (put {name} beside it, then `docker build`)",
                    path.display()
                )
            },
        )?;
    }
    let Some(url) = &args.to else {
        return Ok(ExitCode::SUCCESS);
    };
    let destination = parse_destination(url).map_err(|err| InputError(err.to_string()))?;
    let options = args.ssh.to_options()?;
    let outcome = match &destination {
        Destination::Ssh { host, path } => {
            check_server(&args, host, &options)?;
            deploy_ssh(&args.binary, host, path, args.restart.as_deref(), &options)
        }
        Destination::Dokku { host, app } => {
            let text = dockerfile_for(&args, &report)?;
            let archive = dokku_archive(&args.binary, &binary_name(&args.binary), &text)?;
            deploy_dokku(archive, host, app, &options)
        }
    }
    .with_context(|| format!("cannot deploy to {url}"))?;
    emit(&args, &outcome, || {
        format!(
            "deployed {} ({} bytes) to {}\n{}",
            args.binary.display(),
            outcome.bytes,
            outcome.destination,
            outcome.remote_output.trim_end()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn emit(
    args: &Args,
    json: &impl serde::Serialize,
    human: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    match args.format {
        Format::Json => print_json(json),
        Format::Human => {
            anstream::println!("{}", human().trim_end());
            Ok(())
        }
    }
}

/// The file name the binary gets in the image: its own, when it is a
/// plain name, else `app`.
fn binary_name(binary: &Path) -> String {
    let name = binary
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("app");
    let plain = !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain {
        name.to_owned()
    } else {
        "app".to_owned()
    }
}

/// The release for the image and its Dockerfile text; refuses a release the
/// binary does not run on unless forced.
fn dockerfile_for(args: &Args, report: &InspectReport) -> anyhow::Result<String> {
    let chosen = match &report.target {
        Some(verdict) => verdict.clone(),
        None => DEBIAN_RELEASES
            .iter()
            .rev()
            .filter_map(|release| {
                report
                    .verdicts
                    .iter()
                    .find(|v| v.against == release.codename)
            })
            .find(|verdict| verdict.runs)
            .cloned()
            .or_else(|| report.verdicts.last().cloned())
            .context("no Debian release is known")?,
    };
    refuse_unless_forced(args, &chosen)?;
    let packages = runtime_packages(&report.libraries, &chosen.against);
    Ok(dockerfile(
        &chosen.against,
        &packages,
        &binary_name(&args.binary),
    ))
}

fn check_server(args: &Args, host: &SshHost, options: &SshOptions) -> anyhow::Result<()> {
    let facts = read_elf(&args.binary).map_err(|err| InputError(err.to_string()))?;
    let server = probe(host, options).with_context(|| format!("cannot probe {}", host.label()))?;
    let requirements = requirements(&facts);
    let binary = Binary {
        facts: &facts,
        requirements: &requirements,
    };
    let verdict = verdict_for_server(&binary, &server.server, &host.label());
    refuse_unless_forced(args, &verdict)
}

fn refuse_unless_forced(args: &Args, verdict: &Verdict) -> anyhow::Result<()> {
    if verdict.runs {
        return Ok(());
    }
    let reasons = verdict.problems.join("; ");
    if args.force {
        anstream::eprintln!("warning: shipping anyway (--force): {reasons}");
        return Ok(());
    }
    anyhow::bail!(
        "{} would not run on {}: {reasons} (use --force to ship it anyway)",
        args.binary.display(),
        verdict.against
    )
}
