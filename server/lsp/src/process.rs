//! Runs a fix's process steps with cancellable `$/progress`.
//!
//! The output is streamed line by line into progress reports, so the user
//! sees what rustup or cargo is doing; cancelling (from the editor's
//! progress UI or `$/cancelRequest`) ends the child and its process group
//! (`crossport_driver::process` does the running, for the CLI too).

use async_lsp::ClientSocket;
use async_lsp::lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
    notification::Progress, request::WorkDoneProgressCreate,
};
use crossport_driver::process::{self, CommandLine, Stream};
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

/// Runs one step to its end, or until `cancel` fires, with the driver's
/// process-group runner; stderr lines become progress reports.
pub async fn run_step(
    step: &Step,
    progress: &ProgressReporter,
    cancel: &CancellationToken,
) -> anyhow::Result<StepOutput> {
    progress.report(&step.title);
    let command = CommandLine {
        program: step.program.clone(),
        args: step.args.clone(),
        cwd: step.cwd.clone(),
    };
    let output = process::run(&command, cancel, |stream, line| {
        let trimmed = line.trim();
        if stream == Stream::Stderr && !trimmed.is_empty() {
            progress.report(trimmed);
        }
    })
    .await?;
    if output.cancelled {
        return Ok(StepOutput {
            success: false,
            cancelled: true,
            stdout: String::new(),
            stderr: String::new(),
        });
    }
    Ok(StepOutput {
        success: output.success(),
        cancelled: false,
        stdout: output.stdout,
        stderr: output.stderr,
    })
}
