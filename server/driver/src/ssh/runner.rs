//! Runs one remote command through the system `ssh`, as argv.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{SshError, SshHost};

/// How to call ssh: identity, config file and extra `-o` options.
#[derive(Debug, Clone)]
pub struct SshOptions {
    /// The ssh program (`ssh` on PATH unless overridden).
    pub program: PathBuf,
    /// `-F FILE`: use this config instead of `~/.ssh/config`.
    pub config_file: Option<PathBuf>,
    /// `-i FILE`.
    pub identity: Option<PathBuf>,
    /// Extra `-o Key=Value` options, validated by [`SshOptions::add_option`].
    pub options: Vec<String>,
    /// Seconds to wait for the TCP connection.
    pub connect_timeout: u32,
}

impl Default for SshOptions {
    fn default() -> Self {
        SshOptions {
            program: PathBuf::from("ssh"),
            config_file: None,
            identity: None,
            options: Vec::new(),
            connect_timeout: 10,
        }
    }
}

impl SshOptions {
    /// Adds an `-o Key=Value` option; refuses anything else.
    pub fn add_option(&mut self, option: &str) -> Result<(), SshError> {
        let invalid = |reason: &str| SshError::InvalidOption {
            option: option.to_owned(),
            reason: reason.to_owned(),
        };
        let (key, _) = option
            .split_once('=')
            .ok_or_else(|| invalid("expected Key=Value"))?;
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid("the key must be an ssh_config keyword"));
        }
        if option.contains(['\n', '\r', '\0']) {
            return Err(invalid("line breaks are not allowed"));
        }
        self.options.push(option.to_owned());
        Ok(())
    }

    /// The argv before the destination.
    fn args(&self, host: &SshHost) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(config) = &self.config_file {
            args.extend(["-F".to_owned(), config.display().to_string()]);
        }
        args.extend([
            "-o".to_owned(),
            "BatchMode=yes".to_owned(),
            "-o".to_owned(),
            format!("ConnectTimeout={}", self.connect_timeout),
        ]);
        if let Some(identity) = &self.identity {
            args.extend(["-i".to_owned(), identity.display().to_string()]);
        }
        for option in &self.options {
            args.extend(["-o".to_owned(), option.clone()]);
        }
        if let Some(port) = host.port {
            args.extend(["-p".to_owned(), port.to_string()]);
        }
        if let Some(user) = &host.user {
            args.extend(["-l".to_owned(), user.clone()]);
        }
        args
    }
}

/// What goes to the remote command's stdin.
pub enum Input {
    None,
    File(std::fs::File),
    Bytes(Vec<u8>),
}

/// Runs `remote_command` on the host and returns its stdout. `step` names
/// the action in errors (`probe`, `upload`, `restart`).
pub fn run_remote(
    host: &SshHost,
    options: &SshOptions,
    remote_command: &str,
    input: Input,
    step: &str,
) -> Result<String, SshError> {
    let mut command = Command::new(&options.program);
    command
        .args(options.args(host))
        .arg("--")
        .arg(&host.host)
        .arg(remote_command)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut bytes = None;
    match input {
        Input::None => {
            command.stdin(Stdio::null());
        }
        Input::File(file) => {
            command.stdin(Stdio::from(file));
        }
        Input::Bytes(data) => {
            command.stdin(Stdio::piped());
            bytes = Some(data);
        }
    }
    tracing::debug!(host = %host.label(), step, "running ssh");
    let mut child = command.spawn().map_err(|source| SshError::Spawn {
        program: options.program.display().to_string(),
        source,
    })?;
    let writer = match (bytes, child.stdin.take()) {
        (Some(data), Some(mut stdin)) => Some(std::thread::spawn(move || {
            // A remote that stops reading closes the pipe; its exit status
            // then tells what went wrong, so the write error is not needed.
            let _ = stdin.write_all(&data);
        })),
        _ => None,
    };
    let output = child.wait_with_output().map_err(|source| SshError::Spawn {
        program: options.program.display().to_string(),
        source,
    })?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    Err(classify_failure(host, step, &output))
}

fn classify_failure(host: &SshHost, step: &str, output: &std::process::Output) -> SshError {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let detail = last_lines(&stderr);
    let label = host.label();
    if output.status.code() != Some(255) {
        return SshError::Remote {
            host: label,
            step: step.to_owned(),
            status: output
                .status
                .code()
                .map_or_else(|| "killed".to_owned(), |code| code.to_string()),
            detail,
        };
    }
    let unreachable = [
        "Connection refused",
        "Could not resolve hostname",
        "timed out",
        "No route to host",
        "Network is unreachable",
        "Connection closed by remote host",
    ];
    if stderr.contains("Permission denied") || stderr.contains("Too many authentication failures") {
        SshError::AuthRefused {
            host: label,
            detail,
        }
    } else if unreachable.iter().any(|marker| stderr.contains(marker)) {
        SshError::Unreachable {
            host: label,
            detail,
        }
    } else {
        SshError::Ssh {
            host: label,
            detail,
        }
    }
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let start = lines.len().saturating_sub(3);
    let tail = lines[start..].join("; ");
    if tail.is_empty() {
        "no error output".to_owned()
    } else {
        tail
    }
}
