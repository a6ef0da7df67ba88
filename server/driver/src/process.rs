//! The one way crossport runs another program: rustup, cargo, rustc, a
//! sysroot fetch, ssh.
//!
//! Two things live here so both shells get them the same way. First, the
//! command lines for the Rust toolchain: `$CARGO` and `$RUSTC` name the
//! programs when set (cargo sets them for what it runs), and the toolchain a
//! project is pinned to (`RUSTUP_TOOLCHAIN`, else the nearest
//! `rust-toolchain.toml`) is passed to rustup explicitly, so a target is added
//! to the toolchain that will build the project. Second, a runner that starts
//! the child in its own process group, streams its stdout and stderr one line
//! at a time to a callback, and on cancel (or when its future is dropped)
//! signals the whole group, so what the child started (rustc under cargo, ssh
//! under `crossport deploy`) ends too. The signal is sent with `rustix`, a
//! safe wrapper over the system call, rather than by spawning `kill`.
//!
//! A command line carries the environment it runs in (an editor's
//! `crossport.extraEnv`, as an [`EnvOverlay`]): the runner sets and unsets
//! those variables on the child itself, so no `env(1)` stands between it and
//! the program, and the program is looked up on the overlay's `PATH`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader, Lines};
use tokio_util::sync::CancellationToken;

use crate::toolchain::EnvOverlay;

/// A program, its arguments, the directory it runs in and the variables
/// set (or unset) for it on top of this process's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: EnvOverlay,
}

impl CommandLine {
    pub fn new(program: impl Into<PathBuf>, args: &[&str], cwd: &Path) -> Self {
        CommandLine {
            program: program.into(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            cwd: cwd.to_owned(),
            env: EnvOverlay::new(),
        }
    }

    /// The same command, run with `env` on top of this process's
    /// environment.
    pub fn with_env(mut self, env: &EnvOverlay) -> Self {
        self.env = env.clone();
        self
    }

    /// The command as a user would type it (for messages, not for a shell).
    pub fn display(&self) -> String {
        let mut shown = self.program.display().to_string();
        for arg in &self.args {
            shown.push(' ');
            shown.push_str(arg);
        }
        shown
    }
}

/// The cargo to run: `$CARGO` when set (cargo sets it for what it runs),
/// else `cargo` on `PATH`.
pub fn cargo_program() -> PathBuf {
    program_from(std::env::var_os("CARGO"), "cargo")
}

/// The rustc to run: `$RUSTC` when set, else `rustc` on `PATH`.
pub fn rustc_program() -> PathBuf {
    program_from(std::env::var_os("RUSTC"), "rustc")
}

fn program_from(value: Option<OsString>, default: &str) -> PathBuf {
    value
        .filter(|value| !value.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Where the toolchain pin of a project came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinSource {
    /// The `RUSTUP_TOOLCHAIN` environment variable.
    Env,
    /// A `rust-toolchain.toml` (or legacy `rust-toolchain`) file.
    File(PathBuf),
}

/// The toolchain a project builds with, when something pins one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolchainPin {
    pub name: String,
    pub source: PinSource,
}

/// How the Rust tools are found for one project directory, read once from
/// the environment (`CARGO`, `RUSTC`, `RUSTUP_TOOLCHAIN`) and the files
/// above the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    pub dir: PathBuf,
    pub cargo: PathBuf,
    pub rustc: PathBuf,
    pub pin: Option<ToolchainPin>,
    /// The environment every command line built here runs in.
    pub env: EnvOverlay,
}

impl Toolchain {
    /// The toolchain for `dir`, from this process's environment.
    pub fn for_dir(dir: &Path) -> Self {
        Toolchain::for_dir_with(dir, |name| std::env::var_os(name))
    }

    /// The toolchain for `dir` in this process's environment with `env`
    /// on top (an editor's `crossport.extraEnv`): `CARGO`, `RUSTC` and
    /// `RUSTUP_TOOLCHAIN` set there count, and every command line built
    /// runs with it.
    pub fn for_dir_in(dir: &Path, env: &EnvOverlay) -> Self {
        Toolchain {
            env: env.clone(),
            ..Toolchain::for_dir_with(dir, |name| env.var_os(name))
        }
    }

    /// The toolchain for `dir`, reading variables through `env` (tests give
    /// their own, since changing this process's environment is unsafe).
    pub fn for_dir_with(dir: &Path, env: impl Fn(&str) -> Option<OsString>) -> Self {
        let pin = env("RUSTUP_TOOLCHAIN")
            .and_then(|value| value.into_string().ok())
            .filter(|name| !name.trim().is_empty())
            .map(|name| ToolchainPin {
                name: name.trim().to_owned(),
                source: PinSource::Env,
            })
            .or_else(|| pinned_by_file(dir));
        Toolchain {
            dir: dir.to_owned(),
            cargo: program_from(env("CARGO"), "cargo"),
            rustc: program_from(env("RUSTC"), "rustc"),
            pin,
            env: EnvOverlay::new(),
        }
    }

    /// `cargo <args>`, run in the project directory.
    pub fn cargo(&self, args: &[&str]) -> CommandLine {
        CommandLine::new(&self.cargo, args, &self.dir).with_env(&self.env)
    }

    /// `rustc <args>`, run in the project directory (so rustup's proxy
    /// reads the project's `rust-toolchain.toml`).
    pub fn rustc(&self, args: &[&str]) -> CommandLine {
        CommandLine::new(&self.rustc, args, &self.dir).with_env(&self.env)
    }

    /// `rustup target <verb> [--toolchain <pin>] <args>`: the pinned
    /// toolchain is named, so the target lands where the project builds.
    pub fn rustup_target(&self, verb: &str, args: &[&str]) -> CommandLine {
        let mut line = CommandLine::new("rustup", &["target", verb], &self.dir).with_env(&self.env);
        if let Some(pin) = &self.pin {
            line.args
                .extend(["--toolchain".to_owned(), pin.name.clone()]);
        }
        line.args.extend(args.iter().map(|arg| (*arg).to_owned()));
        line
    }
}

/// The channel of the nearest `rust-toolchain.toml` or `rust-toolchain` at
/// or above `dir`, the way rustup looks for it. A file that pins a path, or
/// cannot be read, pins nothing here (rustup still reads it in `dir`).
fn pinned_by_file(dir: &Path) -> Option<ToolchainPin> {
    for ancestor in dir.ancestors() {
        for name in ["rust-toolchain", "rust-toolchain.toml"] {
            let path = ancestor.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            return toolchain_channel(&text).map(|name| ToolchainPin {
                name,
                source: PinSource::File(path),
            });
        }
    }
    None
}

/// `[toolchain] channel` of a toolchain file, or the whole of a legacy
/// one-line file.
fn toolchain_channel(text: &str) -> Option<String> {
    if let Ok(doc) = text.parse::<toml_edit::DocumentMut>()
        && let Some(channel) = doc
            .get("toolchain")
            .and_then(|table| table.get("channel"))
            .and_then(|channel| channel.as_str())
    {
        return Some(channel.to_owned());
    }
    let line = text.trim();
    let legacy = !line.is_empty() && !line.contains(['\n', '[', '=', ' ']);
    legacy.then(|| line.to_owned())
}

/// Which of the child's streams a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// How a run ended: its exit status (none when cancelled), and everything
/// it printed.
#[derive(Debug)]
pub struct RunOutput {
    pub status: Option<ExitStatus>,
    pub cancelled: bool,
    pub stdout: String,
    pub stderr: String,
}

impl RunOutput {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|status| status.success())
    }
}

/// Why a program could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("could not run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("waiting for {program}: {source}")]
    Wait {
        program: String,
        source: std::io::Error,
    },
}

/// Runs `command` to its end, or until `cancel` fires, calling `on_line`
/// with every line it prints, in the order each stream printed them.
/// Cancelling, or dropping the returned future, signals the child's whole
/// process group.
pub async fn run(
    command: &CommandLine,
    cancel: &CancellationToken,
    mut on_line: impl FnMut(Stream, &str),
) -> Result<RunOutput, ProcessError> {
    let program = command.program.display().to_string();
    let mut child = spawn(command).map_err(|source| ProcessError::Spawn {
        program: program.clone(),
        source,
    })?;
    let mut group = SignalGroupOnDrop(child.id());
    let mut output = RunOutput {
        status: None,
        cancelled: false,
        stdout: String::new(),
        stderr: String::new(),
    };
    let mut stdout = child.stdout.take().map(|out| BufReader::new(out).lines());
    let mut stderr = child.stderr.take().map(|err| BufReader::new(err).lines());
    while stdout.is_some() || stderr.is_some() {
        tokio::select! {
            line = next_line(&mut stdout), if stdout.is_some() => {
                record(line, &mut stdout, &mut output.stdout, |l| on_line(Stream::Stdout, l));
            }
            line = next_line(&mut stderr), if stderr.is_some() => {
                record(line, &mut stderr, &mut output.stderr, |l| on_line(Stream::Stderr, l));
            }
            () = cancel.cancelled() => {
                output.cancelled = true;
                return Ok(output);
            }
        }
    }
    let status = tokio::select! {
        status = child.wait() => status,
        () = cancel.cancelled() => {
            output.cancelled = true;
            return Ok(output);
        }
    };
    group.0 = None;
    output.status = Some(status.map_err(|source| ProcessError::Wait { program, source })?);
    Ok(output)
}

/// [`run`] for callers without an async runtime (the CLI's commands).
pub fn run_blocking(
    command: &CommandLine,
    on_line: impl FnMut(Stream, &str),
) -> Result<RunOutput, ProcessError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| ProcessError::Spawn {
            program: command.program.display().to_string(),
            source,
        })?;
    runtime.block_on(run(command, &CancellationToken::new(), on_line))
}

fn spawn(command: &CommandLine) -> std::io::Result<tokio::process::Child> {
    let mut builder = tokio::process::Command::new(&command.program);
    for (name, value) in command.env.entries() {
        match value {
            Some(value) => builder.env(name, value),
            None => builder.env_remove(name),
        };
    }
    builder
        .args(&command.args)
        .current_dir(&command.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group, so cancelling ends what it started too.
    #[cfg(unix)]
    builder.process_group(0);
    builder.spawn()
}

type LineReader<R> = Option<Lines<BufReader<R>>>;

async fn next_line<R: AsyncRead + Unpin>(
    lines: &mut LineReader<R>,
) -> std::io::Result<Option<String>> {
    match lines {
        Some(lines) => lines.next_line().await,
        None => Ok(None),
    }
}

/// Keeps one line of a stream, or closes the stream at its end (or on a
/// read error, which ends the stream the same way).
fn record<R>(
    line: std::io::Result<Option<String>>,
    lines: &mut LineReader<R>,
    all: &mut String,
    mut on_line: impl FnMut(&str),
) {
    match line {
        Ok(Some(line)) => {
            on_line(&line);
            all.push_str(&line);
            all.push('\n');
        }
        Ok(None) | Err(_) => *lines = None,
    }
}

/// Sends SIGTERM to a running child's process group when dropped; the child
/// itself is also killed on drop (`kill_on_drop`). `None` once it ended.
struct SignalGroupOnDrop(Option<u32>);

impl Drop for SignalGroupOnDrop {
    fn drop(&mut self) {
        let Some(pid) = self.0 else {
            return;
        };
        if let Err(err) = signal_group(pid) {
            tracing::warn!(pid, %err, "could not signal a cancelled process group");
        }
    }
}

#[cfg(unix)]
fn signal_group(pid: u32) -> std::io::Result<()> {
    use rustix::process::{Pid, Signal, kill_process_group};
    let pid = i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .ok_or_else(|| std::io::Error::other(format!("not a process id: {pid}")))?;
    kill_process_group(pid, Signal::TERM).map_err(std::io::Error::from)
}

#[cfg(not(unix))]
fn signal_group(_pid: u32) -> std::io::Result<()> {
    // No process groups: `kill_on_drop` ends the child itself.
    Ok(())
}

#[cfg(test)]
mod tests;
