//! `crossport.inspect` and `crossport.deploy`: the editor's way to check a
//! built binary against Debian releases and ship it.
//!
//! Inspect runs in-process (it reads only ELF headers: milliseconds).
//! Deploy runs `crossport deploy` as a child, so its
//! ssh session streams into `$/progress` and cancelling kills it; the
//! upload then never lands (the server side renames only a complete file).

use std::path::{Path, PathBuf};

use async_lsp::lsp_types::MessageType;
use async_lsp::{ErrorCode, ResponseError};
use crossport_analysis::inspect::InspectReport;
use crossport_driver::inspect::InspectOptions;
use crossport_driver::process::CommandLine;
use serde_json::{Map, Value, json};

use crate::engine::Overlay;

use super::{Context, Reply, blocking, failed, project_of, show};
use crate::commands::{DeployArgs, InspectArgs, ProjectArgs};
use crate::engine::{Project, Step};
use crate::process::{ProgressReporter, run_step};

fn invalid(message: impl std::fmt::Display) -> ResponseError {
    ResponseError::new(ErrorCode::INVALID_PARAMS, message)
}

pub(super) async fn inspect(context: &Context, args: InspectArgs) -> Reply {
    let binary = binary_of(context, args.binary.as_deref(), &args.project).await?;
    let options = InspectOptions {
        release: args.project.release.clone(),
        glibc: args.glibc.clone(),
        sysroot: args.sysroot.clone(),
    };
    let report = {
        let binary = binary.clone();
        blocking(move || Ok(crossport_driver::inspect::inspect(&binary, &options)?)).await?
    };
    let (typ, message) = summary(&binary, &report);
    show(&context.client, typ, &format!("crossport: {message}"));
    serde_json::to_value(crossport_json::inspect::Inspect::from(&report))
        .map(Some)
        .map_err(|error| failed(format!("cannot encode the report: {error}")))
}

/// One line for the user: where the binary runs, and the first reason it
/// does not run elsewhere.
pub(super) fn summary(binary: &Path, report: &InspectReport) -> (MessageType, String) {
    let name = binary.file_name().map_or_else(
        || binary.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let runs: Vec<&str> = report
        .verdicts
        .iter()
        .filter(|v| v.runs)
        .map(|v| v.against.as_str())
        .collect();
    let fails: Vec<&str> = report
        .verdicts
        .iter()
        .filter(|v| !v.runs)
        .map(|v| v.against.as_str())
        .collect();
    let mut message = if fails.is_empty() {
        format!("{name} runs on {}", runs.join(", "))
    } else {
        // Only glibc in the way: say which version, as the usual case.
        let only_glibc = report
            .verdicts
            .iter()
            .filter(|v| !v.runs)
            .all(|v| v.problems.iter().all(|p| p.starts_with("needs glibc")));
        let reason = match &report.glibc_required {
            Some(glibc) if only_glibc => format!("needs glibc {glibc}: "),
            _ => String::new(),
        };
        let mut text = format!("{name} {reason}does not run on {}", fails.join(", "));
        if reason.is_empty()
            && let Some(problem) = report
                .verdicts
                .iter()
                .find(|v| !v.runs)
                .and_then(|v| v.problems.first())
        {
            text.push_str(&format!(" ({problem})"));
        }
        if !runs.is_empty() {
            text.push_str(&format!("; runs on {}", runs.join(", ")));
        }
        text
    };
    let mut typ = if runs.is_empty() {
        MessageType::WARNING
    } else {
        MessageType::INFO
    };
    if let Some(target) = &report.target {
        if target.runs {
            message.push_str(&format!("; {}: runs", target.against));
        } else {
            typ = MessageType::WARNING;
            message.push_str(&format!(
                "; {}: does not run: {}",
                target.against,
                target.problems.join("; ")
            ));
        }
    }
    (typ, message)
}

pub(super) async fn deploy(context: &Context, args: DeployArgs) -> Reply {
    if args.to.is_none() && args.dockerfile.is_none() {
        return Err(invalid(
            "deploy needs `to` (ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app) or `dockerfile`",
        ));
    }
    if let Some(url) = &args.to {
        crossport_driver::ssh::parse_destination(url).map_err(invalid)?;
    }
    let project = known_project(context, &args.project);
    let binary = binary_of(context, args.binary.as_deref(), &args.project).await?;
    let dockerfile = match &args.dockerfile {
        Some(path) => Some(absolute(path, project.as_ref(), "dockerfile")?),
        None => None,
    };
    let cwd = project.as_ref().map_or_else(
        || binary.parent().unwrap_or(Path::new("/")).to_owned(),
        |p| p.root().to_owned(),
    );
    let step = deploy_step(context, &args, &binary, dockerfile.as_deref(), cwd);
    let progress = ProgressReporter::begin(
        &context.client,
        context.token.clone(),
        context.caps.work_done_progress,
        &step.title,
    )
    .await;
    let output = match run_step(&step, &progress, &context.cancel).await {
        Ok(output) => output,
        Err(error) => {
            progress.end("failed");
            return Err(failed(super::one_line(&error)));
        }
    };
    if output.cancelled {
        progress.end("cancelled");
        show(
            &context.client,
            MessageType::WARNING,
            "crossport: the deploy was cancelled",
        );
        return Err(ResponseError::new(
            ErrorCode::REQUEST_CANCELLED,
            "the deploy was cancelled",
        ));
    }
    if !output.success {
        progress.end("failed");
        let last = super::last_error(&output.stderr);
        let last = if last.is_empty() {
            "crossport deploy failed without a message"
        } else {
            last.as_str()
        };
        let message = last.strip_prefix("error: ").unwrap_or(last);
        // The CLI names its flag; here the argument is `force`.
        let message = message.replace("use --force to", "pass `force: true` to");
        return Err(failed(message));
    }
    // `crossport deploy --format json` prints one document (docs/json.md):
    // the Dockerfile written and the deploy; the reply keeps their fields flat.
    let mut result = Map::new();
    result.insert("binary".into(), json!(binary));
    let document = serde_json::from_str::<crossport_json::Document<crossport_json::deploy::Deploy>>(
        &output.stdout,
    );
    if let Ok(crossport_json::Document { body, .. }) = document {
        if let Some(dockerfile) = body.dockerfile {
            result.insert("dockerfile".into(), json!(dockerfile.path));
            result.insert("binary_name".into(), json!(dockerfile.binary_name));
        }
        if let Some(deployed) = body.deployed {
            result.insert("destination".into(), json!(deployed.destination));
            result.insert("bytes".into(), json!(deployed.bytes));
            result.insert("remote_output".into(), json!(deployed.remote_output));
        }
    }
    let mut done = Vec::new();
    if let Some(path) = result.get("dockerfile").and_then(Value::as_str) {
        done.push(format!("wrote {path}"));
    }
    if let Some(destination) = result.get("destination").and_then(Value::as_str) {
        done.push(format!("deployed {} to {destination}", binary.display()));
    }
    let message = if done.is_empty() {
        "deploy done".to_owned()
    } else {
        done.join("; ")
    };
    progress.end(&message);
    show(
        &context.client,
        MessageType::INFO,
        &format!("crossport: {message}"),
    );
    Ok(Some(Value::Object(result)))
}

fn deploy_step(
    context: &Context,
    args: &DeployArgs,
    binary: &Path,
    dockerfile: Option<&Path>,
    cwd: PathBuf,
) -> Step {
    let mut argv = vec!["deploy".to_owned(), binary.display().to_string()];
    let mut push = |flag: &str, value: String| {
        argv.push(flag.to_owned());
        argv.push(value);
    };
    if let Some(path) = dockerfile {
        push("--dockerfile", path.display().to_string());
    }
    if let Some(to) = &args.to {
        push("--to", to.clone());
    }
    if let Some(restart) = &args.restart {
        push("--restart", restart.clone());
    }
    if let Some(release) = &args.project.release {
        push("--release", release.clone());
    }
    if let Some(sysroot) = &args.sysroot {
        push("--sysroot", sysroot.display().to_string());
    }
    if let Some(identity) = &args.identity {
        push("--identity", identity.display().to_string());
    }
    if let Some(config) = &args.ssh_config {
        push("--ssh-config", config.display().to_string());
    }
    for option in &args.ssh_options {
        push("--ssh-option", option.clone());
    }
    push("--format", "json".to_owned());
    if args.force {
        argv.push("--force".to_owned());
    }
    let title = match &args.to {
        Some(to) => format!("deploy {} to {to}", binary.display()),
        None => format!("write a Dockerfile for {}", binary.display()),
    };
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    Step {
        title,
        command: CommandLine::new(&context.options.crossport_exe, &argv, &cwd)
            .with_env(&context.options.env),
    }
}

/// The project the arguments (or the only open one) name, if any.
fn known_project(context: &Context, args: &ProjectArgs) -> Option<Project> {
    project_of(context, args).ok()
}

/// A path from the arguments, made absolute against the project's root.
fn absolute(path: &Path, project: Option<&Project>, what: &str) -> Result<PathBuf, ResponseError> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    project.map(|p| p.root().join(path)).ok_or_else(|| {
        invalid(format!(
            "`{what}` is relative and no project is known: pass an absolute path"
        ))
    })
}

/// The binary named in the arguments, else the project's own binary built
/// for the selected target (the newer of its debug and release builds).
async fn binary_of(
    context: &Context,
    binary: Option<&Path>,
    args: &ProjectArgs,
) -> Result<PathBuf, ResponseError> {
    if let Some(binary) = binary {
        return absolute(binary, known_project(context, args).as_ref(), "binary");
    }
    let project = project_of(context, args).map_err(|_| {
        failed("which binary? pass `binary`, or name the project with `manifest` or `uri`")
    })?;
    let mut target = args
        .target
        .clone()
        .or_else(|| context.targets.first().cloned());
    if target.is_none() {
        let engine = context.engine.clone();
        let lookup = project.clone();
        // The binary is built from the saved files.
        target = blocking(move || engine.configured_targets(&lookup, &Overlay::new()))
            .await?
            .into_iter()
            .next();
    }
    blocking(move || project_binary(&project, target.as_deref())).await
}

fn project_binary(project: &Project, target: Option<&str>) -> anyhow::Result<PathBuf> {
    use crossport_driver::cargo::{built_binary, workspace_bins};
    let workspace = workspace_bins(&project.manifest)?;
    let manifest = project
        .manifest
        .canonicalize()
        .unwrap_or_else(|_| project.manifest.clone());
    let own: Vec<_> = workspace
        .bins
        .iter()
        .filter(|bin| bin.manifest_path == manifest)
        .collect();
    let candidates = if own.is_empty() {
        workspace.bins.iter().collect()
    } else {
        own
    };
    let name = match candidates.as_slice() {
        [only] => &only.name,
        [] => anyhow::bail!(
            "{} has no binary target: pass `binary`",
            project.manifest.display()
        ),
        several => {
            let names: Vec<&str> = several.iter().map(|bin| bin.name.as_str()).collect();
            anyhow::bail!(
                "the project has several binaries ({}): pass `binary`",
                names.join(", ")
            )
        }
    };
    let dir = match target {
        Some(target) => workspace.target_directory.join(target),
        None => workspace.target_directory.clone(),
    };
    built_binary(&workspace.target_directory, target, name).ok_or_else(|| {
        anyhow::anyhow!(
            "{name} is not built{}: no {name} in {}/debug or release; build it first (crossport.build)",
            target.map(|t| format!(" for {t}")).unwrap_or_default(),
            dir.display()
        )
    })
}
