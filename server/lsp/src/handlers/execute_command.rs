//! `workspace/executeCommand`: the process work behind fixes and the
//! editor's crossport commands.
//!
//! Each command reports `$/progress` (cancellable from the editor), ends
//! with a `window/showMessage` saying what happened, answers with a JSON
//! summary, and asks for fresh diagnostics when it changed the project.
//!
//! A fix's commands (rustup, a sysroot fetch) run in this process through
//! the driver's fix pipeline, the one `crossport fix --apply` runs, on a
//! blocking task; a build and a deploy are child processes. Cancelling (the
//! progress's cancel button or `$/cancelRequest`, which drops the request's
//! future) fires the command's token, which ends rustup's or cargo's process
//! group and stops a sysroot fetch.

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::Arc;

use async_lsp::lsp_types::{
    ExecuteCommandParams, MessageType, NumberOrString, ShowMessageParams, Url,
    WorkDoneProgressCancelParams, notification::ShowMessage,
};
use async_lsp::{ClientSocket, ErrorCode, ResponseError};
use crossport_analysis::finding::{Finding, Kind, Severity};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::commands::{self, ApplyFixArgs, ProjectArgs};
use crate::documents::Snapshot;
use crate::engine::{self, Engine, FixOptions, FixPlan, Layout, PlanCommand, Project, RunOptions};
use crate::handlers::diagnostics::{BuildFindings, Rediagnose};
use crate::handlers::text_document::FilesWritten;
use crate::process::{FixReporter, ProgressReporter, run_step};
use crate::state::{ClientCaps, ServerState};
use crossport_driver::fix::FixError;

mod ship;

/// Sent when a command ends, to forget its cancel handle.
pub struct TrackProgress {
    pub token: NumberOrString,
}

type Reply = Result<Option<Value>, ResponseError>;

/// What a running command needs from the state, copied out of it.
struct Context {
    client: ClientSocket,
    engine: Arc<dyn Engine>,
    caps: ClientCaps,
    options: FixOptions,
    targets: Vec<String>,
    token: NumberOrString,
    cancel: CancellationToken,
    open_projects: Vec<Project>,
    /// The open buffers when the command arrived.
    snapshot: Snapshot,
}

pub fn execute_command(
    state: &mut ServerState,
    params: ExecuteCommandParams,
) -> impl Future<Output = Reply> + use<> {
    state.next_token += 1;
    let token = NumberOrString::String(format!("crossport/{}", state.next_token));
    let cancel = CancellationToken::new();
    state.progress.insert(token.clone(), cancel.clone());
    let snapshot = state.snapshot();
    let context = Context {
        client: state.client.clone(),
        engine: state.engine.clone(),
        caps: state.caps,
        options: FixOptions {
            sysroot_release: state.settings.sysroot_release.clone(),
            crossport_exe: state.crossport_exe.clone(),
            buffers: snapshot.buffers.clone(),
            env: state.settings.env(),
        },
        targets: state.settings.targets.clone(),
        token: token.clone(),
        cancel,
        open_projects: state.projects.keys().cloned().collect(),
        snapshot,
    };
    async move {
        // `$/cancelRequest` drops this future: the work on blocking tasks
        // hears of it through the token.
        let _cancel_on_drop = context.cancel.clone().drop_guard();
        let client = context.client.clone();
        let result = run(&context, params).await;
        let _ = client.emit(TrackProgress { token });
        if let Err(error) = &result {
            show(
                &client,
                MessageType::ERROR,
                &format!("crossport: {}", error.message),
            );
        }
        result
    }
}

async fn run(context: &Context, params: ExecuteCommandParams) -> Reply {
    let argument = params.arguments.into_iter().next().unwrap_or(Value::Null);
    match params.command.as_str() {
        commands::APPLY_FIX => apply_fix(context, parse(argument)?).await,
        commands::ADD_TARGET => add_target(context, parse(argument)?).await,
        commands::FETCH_SYSROOT => {
            let args: ProjectArgs = parse(argument)?;
            let release = args
                .release
                .clone()
                .unwrap_or_else(|| context.options.sysroot_release.clone());
            let (project, target) = project_and_target(context, args).await?;
            fetch_sysroot(context, &project, &target, &release).await
        }
        commands::BUILD => build(context, parse(argument)?).await,
        commands::DOCTOR => doctor(context, parse(argument)?).await,
        commands::INSPECT => ship::inspect(context, parse(argument)?).await,
        commands::DEPLOY => ship::deploy(context, parse(argument)?).await,
        other => Err(ResponseError::new(
            ErrorCode::INVALID_PARAMS,
            format!("unknown command `{other}`"),
        )),
    }
}

/// The command's argument; a missing one means all defaults.
fn parse<T: DeserializeOwned>(argument: Value) -> Result<T, ResponseError> {
    let argument = if argument.is_null() {
        json!({})
    } else {
        argument
    };
    serde_json::from_value(argument).map_err(|error| {
        ResponseError::new(
            ErrorCode::INVALID_PARAMS,
            format!("invalid command argument: {error}"),
        )
    })
}

/// An error chain on one line, each cause once.
pub(crate) fn one_line(error: &anyhow::Error) -> String {
    crossport_driver::report::causes(error.chain()).join(": ")
}

/// The error a failed step printed last, on one line: crossport's report
/// (`error: …` then one `  caused by: …` line per cause) joined by `: `,
/// else the last non-empty line (cargo, rustup).
pub(crate) fn last_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(start) = lines.iter().rposition(|l| l.starts_with("error: ")) {
        let mut parts = vec![lines[start].trim()];
        parts.extend(
            lines[start + 1..]
                .iter()
                .map_while(|l| l.strip_prefix("  caused by: "))
                .map(str::trim),
        );
        if start + parts.len() == lines.len()
            || lines[start + parts.len()..]
                .iter()
                .all(|l| l.trim().is_empty())
        {
            return parts.join(": ");
        }
    }
    lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned()
}

fn failed(message: impl std::fmt::Display) -> ResponseError {
    ResponseError::new(ErrorCode::REQUEST_FAILED, message)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ResponseError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(failed(one_line(&error))),
        Err(error) => Err(ResponseError::new(
            ErrorCode::INTERNAL_ERROR,
            format!("{error}"),
        )),
    }
}

/// The last executable cargo reported building (`--message-format=json`
/// `compiler-artifact` lines with an `executable`).
fn built_executable(stdout: &str) -> Option<std::path::PathBuf> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter_map(|message| message["executable"].as_str().map(std::path::PathBuf::from))
        .next_back()
}

/// A fix offered for an older version of a buffer is refused, and so is
/// one that would write a file whose buffer has unsaved changes (the
/// server writes the disk; the editor would then hold two texts).
fn check_buffers(
    context: &Context,
    args: &ApplyFixArgs,
    plan: &FixPlan,
) -> Result<(), ResponseError> {
    let name = |uri: &Url| {
        uri.to_file_path()
            .map_or_else(|_| uri.to_string(), |p| p.display().to_string())
    };
    for (uri, offered) in &args.versions {
        match context.snapshot.versions.get(uri) {
            Some(now) if now != offered => {
                return Err(failed(format!(
                    "{} changed since this fix was offered (version {offered}, now {now}); \
                     ask for the quick fix again",
                    name(uri)
                )));
            }
            _ => {}
        }
    }
    for edit in &plan.edits {
        if context
            .snapshot
            .buffers
            .unsaved(std::path::Path::new(&edit.path))
            .is_some()
        {
            return Err(failed(format!(
                "{} has unsaved changes: save it, then apply the fix again \
                 (this fix runs commands that read the files on disk)",
                edit.path
            )));
        }
    }
    Ok(())
}

async fn apply_fix(context: &Context, args: ApplyFixArgs) -> Reply {
    let project = Project::new(args.manifest.clone());
    let checked = args.clone();
    let engine = context.engine.clone();
    let options = context.options.clone();
    let plan: FixPlan = {
        let project = project.clone();
        let finding: crossport_analysis::finding::Finding = args.finding.clone().into();
        blocking(move || engine.plan_fix(&project, &finding, &args.fix, &options)).await?
    };
    check_buffers(context, &checked, &plan)?;
    let edited: Vec<String> = plan.edits.iter().map(|edit| edit.path.clone()).collect();
    for note in &plan.notes {
        show(
            &context.client,
            MessageType::INFO,
            &format!("crossport: {note}"),
        );
    }
    let mut summary = run_commands_then_write(
        context,
        &plan.title,
        &project,
        plan.commands,
        plan.layout,
        plan.edits,
    )
    .await?
    .unwrap_or(json!({}));
    summary["fix"] = json!(plan.fix_id);
    summary["edited"] = json!(edited);
    Ok(Some(summary))
}

/// Writes a fix's edits to disk, atomically, refusing if a file changed
/// since planning; editors reload them. The open buffers held the old text
/// (unsaved ones were refused): they now hold what the editor reloads, so
/// the fresh diagnostics read the fixed text even before the editor says so.
async fn write_edits(context: &Context, edits: Vec<engine::FileEdit>) -> Result<(), ResponseError> {
    if edits.is_empty() {
        return Ok(());
    }
    let written = edits.clone();
    blocking(move || Ok(crossport_driver::apply::apply_edits(&written)?)).await?;
    let _ = context.client.emit(FilesWritten { edits });
    Ok(())
}

/// What the fix pipeline needs from the command's context.
fn run_options(context: &Context) -> RunOptions {
    RunOptions {
        env: context.options.env.clone(),
        cancel: context.cancel.clone(),
        ..RunOptions::default()
    }
}

async fn run_commands(
    context: &Context,
    title: &str,
    project: &Project,
    commands: Vec<PlanCommand>,
    layout: Layout,
) -> Reply {
    run_commands_then_write(context, title, project, commands, layout, Vec::new()).await
}

/// Runs a fix's commands in order under one progress, through the
/// driver's fix pipeline, stopping at the first failure, then writes
/// `edits`. The commands come first (as in `crossport fix --apply`): a
/// sysroot fetch that fails leaves the project as it was, rather than a
/// config that points at wrapper scripts for a sysroot that never arrived.
async fn run_commands_then_write(
    context: &Context,
    title: &str,
    project: &Project,
    commands: Vec<PlanCommand>,
    layout: Layout,
    edits: Vec<engine::FileEdit>,
) -> Reply {
    let progress = begin_progress(context, title).await;
    let mut done = Vec::new();
    for command in commands {
        let step = engine::command_title(&command);
        let (project, layout, options) = (project.clone(), layout.clone(), run_options(context));
        pipeline(context, &progress, &step, move |reporter| {
            engine::run_command(&project, &command, &layout, &options, &|event| {
                reporter.on(event)
            })
        })
        .await?;
        done.push(json!({ "title": step, "success": true }));
    }
    if let Err(error) = write_edits(context, edits).await {
        progress.end("failed");
        return Err(error);
    }
    finish(context, &progress, title, project);
    Ok(Some(json!({ "steps": done })))
}

/// `crossport.fetchSysroot`: one sysroot, through the same pipeline.
async fn fetch_sysroot(context: &Context, project: &Project, target: &str, release: &str) -> Reply {
    let title = engine::sysroot_title(target, release);
    let progress = begin_progress(context, &title).await;
    let request = engine::fetch_sysroot_request(project, target, release);
    let options = run_options(context);
    let outcome = pipeline(context, &progress, &title, move |reporter| {
        crossport_driver::fix::fetch_sysroot(&request, &options, &|event| reporter.on(event))
    })
    .await?;
    finish(context, &progress, &title, project);
    Ok(Some(json!({
        "steps": [{ "title": title, "success": true }],
        "sysroot": outcome.path,
        "lock_file": outcome.lock_file,
        "up_to_date": outcome.up_to_date,
    })))
}

async fn begin_progress(context: &Context, title: &str) -> Arc<ProgressReporter> {
    Arc::new(
        ProgressReporter::begin(
            &context.client,
            context.token.clone(),
            context.caps.work_done_progress,
            title,
        )
        .await,
    )
}

/// Runs `work` (the fix pipeline, which blocks) on a blocking task with its
/// events as progress reports; a failure or cancellation ends the progress
/// and becomes the reply, naming `step`.
async fn pipeline<T: Send + 'static>(
    context: &Context,
    progress: &Arc<ProgressReporter>,
    step: &str,
    work: impl FnOnce(&FixReporter<'_>) -> Result<T, FixError> + Send + 'static,
) -> Result<T, ResponseError> {
    let reporter = progress.clone();
    let joined = tokio::task::spawn_blocking(move || work(&FixReporter::new(&reporter))).await;
    match joined {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(FixError::Cancelled)) => {
            progress.end("cancelled");
            show(
                &context.client,
                MessageType::WARNING,
                &format!("crossport: {step} was cancelled"),
            );
            Err(ResponseError::new(
                ErrorCode::REQUEST_CANCELLED,
                format!("{step} was cancelled"),
            ))
        }
        Ok(Err(error)) => {
            progress.end("failed");
            let error = anyhow::Error::from(error);
            Err(failed(format!("{step} failed: {}", one_line(&error))))
        }
        Err(error) => {
            progress.end("failed");
            Err(ResponseError::new(
                ErrorCode::INTERNAL_ERROR,
                format!("{step}: {error}"),
            ))
        }
    }
}

/// A command that changed the project: the progress ends, diagnostics are
/// asked for again, and the user is told.
fn finish(context: &Context, progress: &ProgressReporter, title: &str, project: &Project) {
    progress.end("done");
    let _ = context.client.emit(Rediagnose {
        project: Some(project.clone()),
    });
    show(
        &context.client,
        MessageType::INFO,
        &format!("crossport: {title}: done"),
    );
}

/// `crossport.addTarget`: the `add_target` fix, planned as `crossport fix`
/// plans it, so it installs the std the way the toolchain cargo will use
/// (with `crossport.extraEnv`) takes it: `rustup target add` for a rustup
/// toolchain; for Debian's rustc the std is a package only root installs,
/// so the answer is an error naming that command, and nothing runs.
async fn add_target(context: &Context, args: ProjectArgs) -> Reply {
    let (project, target) = project_and_target(context, args).await?;
    let finding = Finding {
        target: Some(target.clone()),
        ..Finding::new(
            Kind::TargetNotInstalled,
            Severity::Error,
            format!("target std for {target} is not installed"),
        )
    };
    let engine = context.engine.clone();
    let options = context.options.clone();
    let planned = project.clone();
    let plan: FixPlan =
        blocking(move || engine.plan_fix(&planned, &finding, "add_target", &options)).await?;
    if plan.commands.is_empty() {
        let by_hand = plan
            .notes
            .iter()
            .map(|note| note.strip_prefix("install by hand: ").unwrap_or(note))
            .collect::<Vec<_>>()
            .join("; ");
        let message =
            format!("crossport cannot install the {target} std for this toolchain: {by_hand}");
        show(
            &context.client,
            MessageType::WARNING,
            &format!("crossport: {message}"),
        );
        return Err(failed(message));
    }
    run_commands(
        context,
        &format!("add target {target}"),
        &project,
        plan.commands,
        plan.layout,
    )
    .await
}

async fn project_and_target(
    context: &Context,
    args: ProjectArgs,
) -> Result<(Project, String), ResponseError> {
    let project = project_of(context, &args)?;
    if let Some(target) = args.target.or_else(|| context.targets.first().cloned()) {
        return Ok((project, target));
    }
    let engine = context.engine.clone();
    let lookup = project.clone();
    // Processes read the saved files, so their target comes from those.
    let configured =
        blocking(move || engine.configured_targets(&lookup, &engine::Overlay::new())).await?;
    let target = configured
        .into_iter()
        .next()
        .ok_or_else(|| failed("no target: pass one, set `crossport.targets`, or set `[build] target` in .cargo/config.toml"))?;
    Ok((project, target))
}

fn project_of(context: &Context, args: &ProjectArgs) -> Result<Project, ResponseError> {
    let from_args = match (&args.manifest, &args.uri) {
        (Some(manifest), _) => Some(Project::new(manifest.clone())),
        (None, Some(uri)) => uri
            .to_file_path()
            .ok()
            .and_then(|path| Project::containing(&path)),
        (None, None) => None,
    };
    from_args
        .or_else(|| match context.open_projects.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        })
        .ok_or_else(|| failed("which project? pass `manifest` or `uri`"))
}

async fn build(context: &Context, args: ProjectArgs) -> Reply {
    let (project, target) = project_and_target(context, args).await?;
    let step = engine::build_step(&project, &target, &context.options.env);
    let progress = ProgressReporter::begin(
        &context.client,
        context.token.clone(),
        context.caps.work_done_progress,
        &step.title,
    )
    .await;
    let output = run_step(&step, &progress, &context.cancel)
        .await
        .map_err(|e| failed(format!("{e:#}")));
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            progress.end("failed");
            return Err(error);
        }
    };
    if output.cancelled {
        progress.end("cancelled");
        return Err(ResponseError::new(
            ErrorCode::REQUEST_CANCELLED,
            "the build was cancelled",
        ));
    }
    let engine = context.engine.clone();
    let text = format!("{}{}", output.stdout, output.stderr);
    let explained = project.clone();
    let findings = blocking(move || Ok(engine.explain_build(&explained, &target, &text))).await?;
    let count = findings.len();
    let _ = context.client.emit(BuildFindings { project, findings });
    // On success: where the binary is and where it runs, so "will it run on
    // my server" is answered without another command.
    let mut artifact = None;
    let mut verdict = None;
    let mut report = None;
    if output.success
        && let Some(binary) = built_executable(&output.stdout)
    {
        let options = crossport_driver::inspect::InspectOptions {
            release: Some(context.options.sysroot_release.clone()),
            glibc: None,
            sysroot: None,
        };
        let inspected = binary.clone();
        match blocking(move || Ok(crossport_driver::inspect::inspect(&inspected, &options)?)).await
        {
            Ok(inspect) => {
                verdict = Some(ship::summary(&binary, &inspect).1);
                report =
                    serde_json::to_value(crossport_json::inspect::Inspect::from(&inspect)).ok();
            }
            Err(error) => verdict = Some(format!("could not inspect it: {}", error.message)),
        }
        artifact = Some(binary);
    }
    let message = match (output.success, count) {
        (true, _) => match (&artifact, &verdict) {
            (Some(binary), Some(verdict)) => {
                format!("the build succeeded: {}; {verdict}", binary.display())
            }
            _ => "the build succeeded".to_owned(),
        },
        (false, 0) => "the build failed; crossport recognised no cause".to_owned(),
        (false, n) => format!("the build failed: {n} finding(s) shown as diagnostics"),
    };
    progress.end(&message);
    show(
        &context.client,
        if output.success {
            MessageType::INFO
        } else {
            MessageType::WARNING
        },
        &format!("crossport: {message}"),
    );
    Ok(Some(json!({
        "success": output.success,
        "findings": count,
        "artifact": artifact,
        "verdict": verdict,
        "inspect": report,
    })))
}

async fn doctor(context: &Context, args: ProjectArgs) -> Reply {
    let project = project_of(context, &args)?;
    let engine = context.engine.clone();
    // A target named both in the command and in the settings is checked once.
    let mut explicit: Vec<String> = Vec::new();
    for target in args.target.into_iter().chain(context.targets.clone()) {
        if !explicit.contains(&target) {
            explicit.push(target);
        }
    }
    let checked = project.clone();
    let buffers = context.snapshot.buffers.clone();
    let env = context.options.env.clone();
    let findings = blocking(move || {
        let targets = if explicit.is_empty() {
            engine.configured_targets(&checked, &buffers)?
        } else {
            explicit
        };
        engine.diagnose(&checked, &targets, &buffers, &env)
    })
    .await?;
    let _ = context.client.emit(Rediagnose {
        project: Some(project),
    });
    let message = match findings.len() {
        0 => "crossport: no problems found".to_owned(),
        n => format!("crossport: {n} problem(s) found"),
    };
    show(&context.client, MessageType::INFO, &message);
    Ok(Some(
        json!({ "findings": crossport_json::finding::findings(&findings) }),
    ))
}

fn show(client: &ClientSocket, typ: MessageType, message: &str) {
    let _ = client.notify::<ShowMessage>(ShowMessageParams {
        typ,
        message: message.to_owned(),
    });
}

pub fn cancel_progress(state: &mut ServerState, params: WorkDoneProgressCancelParams) {
    if let Some(cancel) = state.progress.get(&params.token) {
        tracing::info!(token = ?params.token, "cancelling at the client's request");
        cancel.cancel();
    }
}

pub fn on_track_progress(
    state: &mut ServerState,
    event: TrackProgress,
) -> ControlFlow<async_lsp::Result<()>> {
    state.progress.remove(&event.token);
    ControlFlow::Continue(())
}

#[cfg(test)]
mod tests {
    use super::last_error;

    #[test]
    fn a_crossport_report_is_read_whole_and_other_tools_by_their_last_line() {
        let report = "sysroot: unpack\nerror: cannot fetch a sysroot for x\n  caused by: cannot unpack a 1.0 (pool/a.deb)\n  caused by: premature eof\n";
        assert_eq!(
            last_error(report),
            "error: cannot fetch a sysroot for x: cannot unpack a 1.0 (pool/a.deb): premature eof"
        );
        assert_eq!(
            last_error(
                "error: could not compile `x`\nwarning: build failed, waiting\n  last words\n"
            ),
            "last words"
        );
        assert_eq!(last_error(""), "");
    }
}
