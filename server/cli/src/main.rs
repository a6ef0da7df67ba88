//! The `crossport` binary: a command-line front over `crossport-driver` and
//! `crossport-analysis`, and (with `crossport lsp`) the language server.
//!
//! Exit codes: 0 when the command did its job (findings or not), 1 when the
//! job itself failed (a download, a build, a verification), 2 on bad usage or
//! unreadable input.

mod build;
mod deploy;
mod doctor;
mod explain;
mod fix;
mod inspect;
mod lsp;
mod old_server;
mod output;
mod probe;
mod sysroot;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Push-button Rust cross-compilation: diagnose, fix, build, inspect, deploy.
#[derive(Debug, Parser)]
#[command(name = "crossport", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    /// When to use colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = output::ColorChoice::Auto)]
    color: output::ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read a failed build's output and say what went wrong for the target.
    Explain(explain::Args),
    /// Check a project for a target before building: what is missing and how to fix it.
    Doctor(doctor::Args),
    /// Show (and with --apply, make) the changes that let a project build for a target.
    Fix(fix::Args),
    /// Build for a target with cargo, then explain what failed.
    Build(build::Args),
    /// Fetch, sync and manage signature-checked Debian sysroots.
    Sysroot(sysroot::Args),
    /// Check a built binary against Debian releases or a server.
    Inspect(inspect::Args),
    /// Ask a server over ssh what it runs: architecture, Debian release, glibc.
    Probe(probe::Args),
    /// Ship a built binary to a server (ssh, Dokku) or write a Dockerfile.
    Deploy(deploy::Args),
    /// Run the language server on stdin/stdout.
    Lsp(lsp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::init_color(cli.color);
    let result = match cli.command {
        Command::Explain(args) => explain::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Build(args) => build::run(args),
        Command::Sysroot(args) => sysroot::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Probe(args) => probe::run(args),
        Command::Deploy(args) => deploy::run(args),
        Command::Lsp(args) => lsp::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => output::report_error(&err),
    }
}
