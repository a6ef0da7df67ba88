//! Runs a fix's process steps with cancellable `$/progress`.
//!
//! The output is streamed line by line into progress reports, so the user
//! sees what rustup or cargo is doing; cancelling (from the editor's
//! progress UI or `$/cancelRequest`) kills the child and its process group.

use std::process::Stdio;

use async_lsp::ClientSocket;
use async_lsp::lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
    notification::Progress, request::WorkDoneProgressCreate,
};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio_util::sync::CancellationToken;

use crate::engine::Step;

/// A progress handle in the client, or nothing when it cannot show one.
pub struct ProgressReporter {
    client: ClientSocket,
    token: Option<NumberOrString>,
}

impl ProgressReporter {
    /// Asks the client for a progress token and begins it.
    pub async fn begin(
        client: &ClientSocket,
        token: NumberOrString,
        enabled: bool,
        title: &str,
    ) -> Self {
        let mut reporter = ProgressReporter {
            client: client.clone(),
            token: None,
        };
        if !enabled {
            return reporter;
        }
        let created = client
            .request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await;
        if created.is_ok() {
            reporter.token = Some(token);
            reporter.send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: title.to_owned(),
                cancellable: Some(true),
                message: None,
                percentage: None,
            }));
        }
        reporter
    }

    pub fn report(&self, message: &str) {
        self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(true),
            message: Some(message.to_owned()),
            percentage: None,
        }));
    }

    pub fn end(self, message: &str) {
        self.send(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message.to_owned()),
        }));
    }

    fn send(&self, value: WorkDoneProgress) {
        if let Some(token) = &self.token {
            let params = ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(value),
            };
            let _ = self.client.notify::<Progress>(params);
        }
    }
}

/// How a step ended.
#[derive(Debug)]
pub struct StepOutput {
    pub success: bool,
    pub cancelled: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs one step to its end, or until `cancel` fires (the child is killed).
pub async fn run_step(
    step: &Step,
    progress: &ProgressReporter,
    cancel: &CancellationToken,
) -> anyhow::Result<StepOutput> {
    use anyhow::Context as _;
    progress.report(&step.title);
    let mut child = tokio::process::Command::new(&step.program)
        .args(&step.args)
        .current_dir(&step.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own process group, so cancelling ends what it started too
        // (rustc under cargo, ssh under `crossport deploy`).
        .process_group(0)
        .spawn()
        .with_context(|| format!("could not run {}", step.program.display()))?;
    // Cancelled (below) or dropped (`$/cancelRequest` drops the request's
    // future): the whole group goes.
    let mut group = KillGroupOnDrop(child.id());
    let stdout = child.stdout.take().map(|out| collect(out, None));
    let stderr = child.stderr.take().map(|err| collect(err, Some(progress)));
    let outputs = async {
        let stdout = match stdout {
            Some(stdout) => stdout.await,
            None => String::new(),
        };
        let stderr = match stderr {
            Some(stderr) => stderr.await,
            None => String::new(),
        };
        (stdout, stderr)
    };
    let run = async { tokio::join!(outputs, child.wait()) };
    tokio::select! {
        ((stdout, stderr), status) = run => {
            group.0 = None;
            let status = status.with_context(|| format!("waiting for {}", step.program.display()))?;
            Ok(StepOutput { success: status.success(), cancelled: false, stdout, stderr })
        }
        () = cancel.cancelled() => {
            drop(group);
            Ok(StepOutput { success: false, cancelled: true, stdout: String::new(), stderr: String::new() })
        }
    }
}

/// Sends SIGTERM to a running child's process group when dropped, with the
/// `kill` program (the workspace has no unsafe code for `killpg`); the
/// child itself is killed on drop in any case. `None` once it has ended.
struct KillGroupOnDrop(Option<u32>);

impl Drop for KillGroupOnDrop {
    fn drop(&mut self) {
        let Some(pid) = self.0 else {
            return;
        };
        let status = std::process::Command::new("kill")
            .args(["-s", "TERM", "--", &format!("-{pid}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !matches!(status, Ok(status) if status.success()) {
            tracing::warn!(pid, "could not signal the cancelled step's process group");
        }
    }
}

/// Reads a child's stream to its end, reporting lines as progress.
async fn collect(stream: impl AsyncRead + Unpin, progress: Option<&ProgressReporter>) -> String {
    let mut lines = BufReader::new(stream).lines();
    let mut all = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(progress) = progress {
            let trimmed = line.trim();
            if !trimmed.is_empty() {
                progress.report(trimmed);
            }
        }
        all.push_str(&line);
        all.push('\n');
    }
    all
}
