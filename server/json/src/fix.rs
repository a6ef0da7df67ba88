//! `crossport fix --format json`: the plans, and whether they were applied.

use crossport_analysis::fixes as internal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inspect::Probe;

/// A file a plan writes: the whole old text (null: the file is new) and the
/// whole new text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FileEdit {
    pub path: String,
    pub old: Option<String>,
    pub new: String,
    /// Written with the executable bit (wrapper scripts).
    pub executable: bool,
}

/// A command a plan runs (or, for `install`, shows).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum PlanCommand {
    /// `rustup target add <target>`.
    AddTarget { target: String },
    /// Fetch `packages` (plus the base set) for `target` from `release` into `dir`.
    FetchSysroot {
        target: String,
        release: String,
        packages: Vec<String>,
        dir: String,
    },
    /// A package to install with the host's package manager; shown, never run.
    Install { hint: String },
}

/// One fix, planned.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FixPlan {
    /// The stable fix id (`add_target`, `configure_linker` …).
    pub id: String,
    pub title: String,
    pub target: String,
    pub edits: Vec<FileEdit>,
    pub commands: Vec<PlanCommand>,
    /// Things the user should know (what a change costs, what is left to do by hand).
    pub notes: Vec<String>,
}

impl From<&internal::FixPlan> for FixPlan {
    fn from(plan: &internal::FixPlan) -> Self {
        FixPlan {
            id: plan.id.clone(),
            title: plan.title.clone(),
            target: plan.target.clone(),
            edits: plan
                .edits
                .iter()
                .map(|edit| FileEdit {
                    path: edit.path.clone(),
                    old: edit.old.clone(),
                    new: edit.new.clone(),
                    executable: edit.executable,
                })
                .collect(),
            commands: plan.commands.iter().map(PlanCommand::from).collect(),
            notes: plan.notes.clone(),
        }
    }
}

impl From<&internal::PlanCommand> for PlanCommand {
    fn from(command: &internal::PlanCommand) -> Self {
        match command {
            internal::PlanCommand::AddTarget { target } => PlanCommand::AddTarget {
                target: target.clone(),
            },
            internal::PlanCommand::FetchSysroot {
                target,
                release,
                packages,
                dir,
            } => PlanCommand::FetchSysroot {
                target: target.clone(),
                release: release.clone(),
                packages: packages.clone(),
                dir: dir.clone(),
            },
            internal::PlanCommand::Install { hint } => PlanCommand::Install { hint: hint.clone() },
        }
    }
}

/// For the host's own triple: the settings file plain cargo does not read,
/// and how to build with it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct HostTarget {
    /// The config file, as shown (relative to the project when inside it).
    pub config: String,
    pub build_command: String,
}

/// `crossport fix`: the plans for one target and release.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Fix {
    pub target: String,
    /// The release codename the plans are for.
    pub release: String,
    /// The probe of `--server`, when one was given.
    pub server: Option<Probe>,
    /// Whether `--apply` made the changes.
    pub applied: bool,
    pub plans: Vec<FixPlan>,
    /// Set when the target is this machine's own triple.
    pub host_target: Option<HostTarget>,
}
