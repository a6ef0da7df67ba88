//! Cancellable `$/progress` for what a command runs.
//!
//! A build or a deploy is a child process ([`run_step`]); a fix's commands
//! (rustup, a sysroot fetch) are the driver's fix pipeline, whose events
//! [`FixReporter`] renders. Either way the output is streamed line by line
//! into progress reports, so the user sees what rustup, cargo or the
//! sysroot engine is doing; cancelling (from the editor's progress UI or
//! `$/cancelRequest`) ends the child and its process group
//! (`crossport_driver::process` does the running, for the CLI too).

use std::sync::Mutex;

use async_lsp::ClientSocket;
use async_lsp::lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
    notification::Progress, request::WorkDoneProgressCreate,
};
use crossport_driver::fix::FixEvent;
use crossport_driver::process::{self, Stream};
use crossport_driver::sysroot::ProgressEvent;
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

    pub fn end(&self, message: &str) {
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
    let output = process::run(&step.command, cancel, |stream, line| {
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

/// Renders the fix pipeline's events as progress reports: every line a
/// program prints, each sysroot phase, the download in steps of a tenth,
/// each package unpacked.
pub struct FixReporter<'a> {
    progress: &'a ProgressReporter,
    download: Mutex<Download>,
}

/// How far the sysroot download is, to report it in tenths.
#[derive(Default)]
struct Download {
    total: u64,
    reported_tenths: u64,
}

impl<'a> FixReporter<'a> {
    pub fn new(progress: &'a ProgressReporter) -> Self {
        FixReporter {
            progress,
            download: Mutex::new(Download::default()),
        }
    }

    pub fn on(&self, event: FixEvent<'_>) {
        if let Some(message) = self.message(event) {
            self.progress.report(&message);
        }
    }

    fn message(&self, event: FixEvent<'_>) -> Option<String> {
        match event {
            FixEvent::Running(command) => Some(crate::engine::command_title(command)),
            FixEvent::Output(line) => Some(line.trim().to_owned()).filter(|l| !l.is_empty()),
            FixEvent::Sysroot(event) => self.sysroot_message(event),
            FixEvent::SysrootReady(outcome) => Some(format!(
                "sysroot: {} ({} packages)",
                outcome.path.display(),
                outcome.packages.len()
            )),
            FixEvent::ByHand(hint) => Some(format!("install by hand: {hint}")),
        }
    }

    fn sysroot_message(&self, event: ProgressEvent) -> Option<String> {
        let mut download = self
            .download
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            ProgressEvent::Phase(phase) => Some(format!("sysroot: {phase}")),
            ProgressEvent::DownloadTotal { packages, bytes } => {
                *download = Download {
                    total: bytes,
                    reported_tenths: 0,
                };
                Some(format!(
                    "sysroot: downloading {packages} packages ({})",
                    mebibytes(bytes)
                ))
            }
            ProgressEvent::Downloaded { bytes } => {
                let tenths = (bytes * 10).checked_div(download.total)?;
                (tenths > download.reported_tenths).then(|| {
                    download.reported_tenths = tenths;
                    format!(
                        "sysroot: downloaded {} of {}",
                        mebibytes(bytes),
                        mebibytes(download.total)
                    )
                })
            }
            ProgressEvent::Unpacked {
                package,
                done,
                total,
            } => Some(format!("sysroot: unpacked {package} ({done}/{total})")),
        }
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
