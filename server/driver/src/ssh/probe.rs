//! `probe`: ask a server what it runs.

use crossport_analysis::inspect::{
    Recommendation, ServerFacts, parse_probe_output, probe_script, recommend,
};
use serde::Serialize;

use super::runner::{Input, run_remote};
use super::{SshError, SshHost, SshOptions};

/// What a probe found, and what to build for it.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub host: String,
    pub server: ServerFacts,
    pub recommendation: Recommendation,
}

/// Runs the fixed probe script on the host and interprets its output.
pub fn probe(host: &SshHost, options: &SshOptions) -> Result<ProbeReport, SshError> {
    let output = run_remote(host, options, &probe_script(), Input::None, "probe")?;
    let server = parse_probe_output(&output).map_err(|source| SshError::Probe {
        host: host.label(),
        source,
    })?;
    let recommendation = recommend(&server);
    Ok(ProbeReport {
        host: host.label(),
        server,
        recommendation,
    })
}
