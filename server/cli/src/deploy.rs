//! `crossport deploy`: ship a built binary to a server (ssh, Dokku) or write a Dockerfile.
//!
//! Before anything is sent the binary is inspected: over plain ssh it is
//! judged against the probed server, for Dokku and Dockerfiles against the
//! Debian release of the image. A failing verdict stops the deploy unless
//! `--force` is given.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::inspect::{
    InspectReport, Verdict, dockerfile, image_verdict, is_static, runtime_packages,
    static_dockerfile,
};
use crossport_driver::inspect::{InspectOptions, inspect};
use crossport_driver::ssh::{
    Destination, SshHost, SshOptions, check_server, deploy_dokku, deploy_ssh, dokku_archive,
    image_binary_name, parse_destination, write_dockerfile,
};

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
    /// Base of the image (Dockerfile, Dokku): `debian` (the release's slim
    /// image) or `scratch` (empty; only for a statically linked binary,
    /// e.g. a musl build).
    #[arg(long, value_name = "BASE", default_value = "debian")]
    pub image: ImageBase,
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
    .map_err(|err| InputError(crossport_driver::report::one_line(&err)))?;
    // One JSON document for the whole run, printed at the end.
    let mut document = crossport_json::deploy::Deploy::default();
    if let Some(path) = &args.dockerfile {
        let text = dockerfile_for(&args, &report)?;
        write_dockerfile(path, &text)?;
        let name = image_binary_name(&args.binary);
        document.dockerfile = Some(crossport_json::deploy::Dockerfile::new(path, &name));
        human(&args, || {
            format!(
                "wrote {} (put {name} beside it, then `docker build`)",
                path.display()
            )
        });
    }
    let Some(url) = &args.to else {
        return finish(&args, document);
    };
    let destination = parse_destination(url).map_err(|err| InputError(err.to_string()))?;
    let options = args.ssh.to_options()?;
    let outcome = match &destination {
        Destination::Ssh { host, path } => {
            check_before_upload(&args, host, &options)?;
            deploy_ssh(&args.binary, host, path, args.restart.as_deref(), &options)
        }
        Destination::Dokku { host, app } => {
            let text = dockerfile_for(&args, &report)?;
            let archive = dokku_archive(&args.binary, &image_binary_name(&args.binary), &text)?;
            deploy_dokku(archive, host, app, &options)
        }
    }
    .with_context(|| format!("cannot deploy to {url}"))?;
    document.deployed = Some((&outcome).into());
    human(&args, || {
        format!(
            "deployed {} ({} bytes) to {}\n{}",
            args.binary.display(),
            outcome.bytes,
            outcome.destination,
            outcome.remote_output.trim_end()
        )
    });
    finish(&args, document)
}

/// Prints a step's line for people; JSON waits for the whole document.
fn human(args: &Args, line: impl FnOnce() -> String) {
    if args.format == Format::Human {
        anstream::println!("{}", line().trim_end());
    }
}

fn finish(args: &Args, document: crossport_json::deploy::Deploy) -> anyhow::Result<ExitCode> {
    if args.format == Format::Json {
        print_json(document)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The base of the image a Dockerfile starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageBase {
    Debian,
    Scratch,
}

/// The release for the image and its Dockerfile text; refuses a release the
/// binary does not run on unless forced.
fn dockerfile_for(args: &Args, report: &InspectReport) -> anyhow::Result<String> {
    if args.image == ImageBase::Scratch {
        if !is_static(report) {
            return Err(InputError(format!(
                "{} is {} (needs {}): a scratch image has no C library for it; build a static binary (a musl target) or use --image debian",
                args.binary.display(),
                report.linkage,
                if report.needed.is_empty() {
                    report.interpreter.clone().unwrap_or_else(|| "a loader".into())
                } else {
                    report.needed.join(", ")
                }
            ))
            .into());
        }
        return Ok(static_dockerfile(&image_binary_name(&args.binary)));
    }
    let chosen = image_verdict(report).context("no Debian release is known")?;
    refuse_unless_forced(args, &chosen)?;
    let packages = runtime_packages(&report.libraries, &chosen.against);
    Ok(dockerfile(
        &chosen.against,
        &packages,
        &image_binary_name(&args.binary),
    ))
}

fn check_before_upload(args: &Args, host: &SshHost, options: &SshOptions) -> anyhow::Result<()> {
    let (_, verdict) = check_server(&args.binary, host, options).with_context(|| {
        format!(
            "cannot check {} against {}",
            args.binary.display(),
            host.label()
        )
    })?;
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
