//! ssh probe and deploy, with arguments passed as argv.
//!
//! crossport runs the system `ssh` (so the user's agent, keys and config
//! work as usual) with an argument vector, never through a local shell. The
//! one string that a remote shell does see, the remote command, is built only
//! from validated parts, each single-quoted: hosts, users, paths and app
//! names that could carry shell syntax or pose as an option are refused
//! before anything runs.

mod deploy;
mod destination;
mod probe;
mod runner;

pub use deploy::{
    DeployOutcome, check_server, deploy_dokku, deploy_ssh, dokku_archive, image_binary_name,
    write_dockerfile,
};
pub use destination::{Destination, SshHost, parse_destination, parse_ssh_host, shell_quote};
pub use probe::{ProbeReport, probe};
pub use runner::{Input, SshOptions, run_remote};

use std::path::PathBuf;

/// What went wrong talking to a server, or before even trying.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("invalid destination `{url}`: {reason}")]
    InvalidDestination { url: String, reason: String },
    #[error("invalid ssh option `{option}`: {reason}")]
    InvalidOption { option: String, reason: String },
    #[error("cannot run `{program}`")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot reach {host}: {detail}")]
    Unreachable { host: String, detail: String },
    #[error("{host} refused the key: {detail}")]
    AuthRefused { host: String, detail: String },
    #[error("ssh to {host} failed: {detail}")]
    Ssh { host: String, detail: String },
    #[error("{step} on {host} failed (exit status {status}): {detail}")]
    Remote {
        host: String,
        step: String,
        status: String,
        detail: String,
    },
    #[error("cannot understand what {host} replied")]
    Probe {
        host: String,
        #[source]
        source: crossport_analysis::inspect::ProbeParseError,
    },
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
