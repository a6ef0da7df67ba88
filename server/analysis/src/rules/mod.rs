//! One file per diagnostic rule; each detects one finding kind in a parsed build log.
//!
//! A rule declares trigger patterns (cheap regexes one line must match for
//! the rule to look closer) and a `check` function that reads around the
//! lines that matched and returns findings with their facts, evidence and
//! fixes. Triggers of all rules run together in one pass over the log, so a
//! large log costs one scan however many rules there are. Each rule's
//! `/// Diagnostic: <kind>` doc comment is the source of docs/diagnostics.md.

mod context;
pub mod docs;
mod packages;
pub mod targets;
mod words;

mod cc_tool_not_found;
mod cc_toolchain_broken;
mod glibc_too_new;
mod host_linker_used;
mod linker_not_found;
mod missing_header;
mod missing_library_at_link;
mod musl_static;
mod openssl_not_found;
mod pkg_config_cross;
mod runtime_missing_shared_lib;
mod std_unavailable_for_target;
mod target_not_installed;
mod unrecognised_failure;
#[cfg(test)]
mod variations;
mod vendored_openssl_perl;
mod wrong_arch_library;
mod wrong_cc_for_target;
mod wrong_linker_flavor;
mod zigbuild_error;

use std::sync::LazyLock;

pub use context::Context;
pub use missing_library_at_link::{LibraryLookup, name_package};

use crate::finding::{Finding, Kind};

/// Compiles a regex once, on first use: one literal, or literals and
/// macros that expand to literals (`words::no_such_file!()`), concatenated.
macro_rules! regex {
    ($($part:tt)+) => {{
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(concat!($($part)+)).expect("rule regexes are valid literals")
        });
        &*RE
    }};
}
pub(crate) use regex;

/// A rule: which kind it finds, when to look, how to look.
pub struct Rule {
    pub kind: Kind,
    /// One sentence for people: what this kind of failure is.
    pub summary: &'static str,
    /// Regexes; a line matching any of them is handed to `check`.
    pub triggers: &'static [&'static str],
    /// Reads around the triggered lines (indices into the log, ascending).
    pub check: fn(&Context<'_>, &[usize]) -> Vec<Finding>,
    /// The rule's source file, for the generated docs.
    pub source: &'static str,
}

macro_rules! rule {
    ($module:ident, $kind:expr) => {
        Rule {
            kind: $kind,
            summary: $module::SUMMARY,
            triggers: $module::TRIGGERS,
            check: $module::check,
            source: include_str!(concat!(stringify!($module), ".rs")),
        }
    };
}

/// Every rule, in the order of DESIGN.md's table.
pub static RULES: [Rule; 19] = [
    rule!(openssl_not_found, Kind::OpensslNotFound),
    rule!(pkg_config_cross, Kind::PkgConfigCross),
    rule!(linker_not_found, Kind::LinkerNotFound),
    rule!(wrong_linker_flavor, Kind::WrongLinkerFlavor),
    rule!(host_linker_used, Kind::HostLinkerUsed),
    rule!(target_not_installed, Kind::TargetNotInstalled),
    rule!(std_unavailable_for_target, Kind::StdUnavailableForTarget),
    rule!(cc_tool_not_found, Kind::CcToolNotFound),
    rule!(cc_toolchain_broken, Kind::CcToolchainBroken),
    rule!(wrong_cc_for_target, Kind::WrongCcForTarget),
    rule!(missing_header, Kind::MissingHeader),
    rule!(missing_library_at_link, Kind::MissingLibraryAtLink),
    rule!(wrong_arch_library, Kind::WrongArchLibrary),
    rule!(glibc_too_new, Kind::GlibcTooNew),
    rule!(runtime_missing_shared_lib, Kind::RuntimeMissingSharedLib),
    rule!(musl_static, Kind::MuslStatic),
    rule!(vendored_openssl_perl, Kind::VendoredOpensslPerl),
    rule!(zigbuild_error, Kind::ZigbuildError),
    rule!(unrecognised_failure, Kind::UnrecognisedFailure),
];

/// The rule for a kind.
pub fn rule_for(kind: Kind) -> &'static Rule {
    RULES
        .iter()
        .find(|rule| rule.kind == kind)
        .unwrap_or(&RULES[0])
}

/// All triggers of all rules in one set, and which rule each belongs to.
struct Triggers {
    set: regex::RegexSet,
    rule_of_pattern: Vec<usize>,
}

static TRIGGERS: LazyLock<Triggers> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut rule_of_pattern = Vec::new();
    for (rule_index, rule) in RULES.iter().enumerate() {
        for pattern in rule.triggers {
            patterns.push(*pattern);
            rule_of_pattern.push(rule_index);
        }
    }
    // A larger lazy-DFA cache keeps the combined set from falling back to a
    // slower engine on long logs (measured in docs/performance.md). The
    // compiled set outgrew the crate's default 10 MiB limit once the
    // localised OS errors joined many triggers; 32 MiB leaves room.
    let set = regex::RegexSetBuilder::new(patterns)
        .size_limit(32 * 1024 * 1024)
        .dfa_size_limit(16 * 1024 * 1024)
        .build()
        .expect("rule triggers are valid literals");
    Triggers {
        set,
        rule_of_pattern,
    }
});

/// For each rule (by index into [`RULES`]), the lines its triggers matched.
pub fn triggered_lines(cx: &Context<'_>) -> Vec<Vec<usize>> {
    cx.triggered().to_vec()
}

/// Whether a rule other than `kind`'s (and other than the catch-all
/// `unrecognised_failure`) has a trigger anywhere in the log.
pub(crate) fn other_rule_triggered(cx: &Context<'_>, kind: Kind) -> bool {
    other_rule_triggered_in(cx, kind, 0..usize::MAX, |_| true)
}

/// Whether a rule other than `kind`'s (and other than the catch-all) has a
/// trigger on a line in `lines` that `accept`s: a lookup in the hits the
/// context scanned once, not another pass of the trigger set.
pub(crate) fn other_rule_triggered_in(
    cx: &Context<'_>,
    kind: Kind,
    lines: std::ops::Range<usize>,
    accept: impl Fn(usize) -> bool,
) -> bool {
    RULES
        .iter()
        .zip(cx.triggered())
        .filter(|(rule, _)| rule.kind != kind && rule.kind != Kind::UnrecognisedFailure)
        .any(|(_, hits)| {
            let first = hits.partition_point(|&index| index < lines.start);
            hits[first..]
                .iter()
                .take_while(|&&index| index < lines.end)
                .any(|&index| accept(index))
        })
}

fn scan_triggers(cx: &Context<'_>) -> Vec<Vec<usize>> {
    let triggers = &*TRIGGERS;
    let mut hits = vec![Vec::new(); RULES.len()];
    for (index, line) in cx.log.lines.iter().enumerate() {
        let content = line.content();
        if !triggers.set.is_match(content) {
            continue;
        }
        for pattern in triggers.set.matches(content).iter() {
            let rule_hits: &mut Vec<usize> = &mut hits[triggers.rule_of_pattern[pattern]];
            if rule_hits.last() != Some(&index) {
                rule_hits.push(index);
            }
        }
    }
    hits
}

/// Runs every rule; the findings are unordered and may repeat.
pub fn run_all(cx: &Context<'_>) -> Vec<Finding> {
    RULES
        .iter()
        .zip(cx.triggered())
        .filter(|(_, lines)| !lines.is_empty())
        .flat_map(|(rule, lines)| (rule.check)(cx, lines))
        .collect()
}

/// Fix ids and titles shared by several rules, so they read the same.
pub(crate) mod fix {
    pub const ADD_TARGET: &str = "add_target";
    pub const CONFIGURE_LINKER: &str = "configure_linker";
    pub const FETCH_SYSROOT_AND_WIRE: &str = "fetch_sysroot_and_wire";
    pub const USE_VENDORED_OPENSSL: &str = "use_vendored_openssl";
    pub const USE_RUSTLS: &str = "use_rustls";
    pub const USE_BUNDLED_SQLITE: &str = "use_bundled_sqlite";
    pub const INSTALL_CC_TOOL: &str = "install_cc_tool";
    pub const CONFIGURE_CC: &str = "configure_cc";
    pub const CONFIGURE_PKG_CONFIG: &str = "configure_pkg_config";
    pub const INSTALL_PERL: &str = "install_perl";
    pub const USE_BUILD_STD: &str = "use_build_std";
    pub const USE_NO_STD: &str = "use_no_std";
    pub const USE_MUSL_TARGET: &str = "use_musl_target";
    pub const USE_GNU_TARGET: &str = "use_gnu_target";
    pub const USE_ZIGBUILD_GLIBC: &str = "use_zigbuild_glibc";
    pub const INSTALL_RUNTIME_LIBRARY: &str = "install_runtime_library";
    pub const PASS_TARGET_FLAG: &str = "pass_target_flag";
    pub const UPDATE_ZIGBUILD: &str = "update_zigbuild";
    pub const CONFIGURE_RUNNER: &str = "configure_runner";

    /// The ids `crossport fix --only` plans (see `crate::fixes::plan_fix`).
    pub const CATALOGUE: [&str; 7] = [
        ADD_TARGET,
        CONFIGURE_LINKER,
        FETCH_SYSROOT_AND_WIRE,
        CONFIGURE_RUNNER,
        USE_VENDORED_OPENSSL,
        USE_RUSTLS,
        USE_BUNDLED_SQLITE,
    ];

    /// Shown for the target when the log does not name it.
    pub const TARGET_PLACEHOLDER: &str = "<TRIPLE>";

    /// The exact command that makes a fix for `target`: `crossport fix
    /// --target T --only ID` for the fixes crossport plans itself (the
    /// catalogue id that does the work when the suggestion is narrower, e.g.
    /// `configure_cc` is done by wiring a sysroot, which sets `CC_<triple>`),
    /// else the one command that does it. `None` for changes to the code.
    pub fn command(id: &str, target: Option<&str>) -> Option<String> {
        let triple = target.unwrap_or(TARGET_PLACEHOLDER);
        let crossport_fix = |only: &str| format!("crossport fix --target {triple} --only {only}");
        let command = match id {
            id if CATALOGUE.contains(&id) => crossport_fix(id),
            CONFIGURE_CC | CONFIGURE_PKG_CONFIG => crossport_fix(FETCH_SYSROOT_AND_WIRE),
            // configure_linker picks the toolchain this host has and prints
            // the install command for its package manager when none is there.
            INSTALL_CC_TOOL => crossport_fix(CONFIGURE_LINKER),
            USE_MUSL_TARGET => format!("crossport fix --target {}", libc_variant(triple, true)),
            USE_GNU_TARGET => format!("crossport fix --target {}", libc_variant(triple, false)),
            USE_ZIGBUILD_GLIBC => format!("cargo zigbuild --target {triple}.2.31"),
            UPDATE_ZIGBUILD => "cargo install --locked cargo-zigbuild".to_owned(),
            PASS_TARGET_FLAG => format!("cargo build --target {triple}"),
            USE_BUILD_STD => format!("cargo +nightly build -Zbuild-std --target {triple}"),
            _ => return None,
        };
        Some(command)
    }

    /// The musl (or glibc) sibling of a Linux triple; other triples unchanged.
    fn libc_variant(triple: &str, musl: bool) -> String {
        let (from, to) = if musl {
            ("-gnu", "-musl")
        } else {
            ("-musl", "-gnu")
        };
        match triple.rfind(from) {
            Some(at) => format!("{}{to}{}", &triple[..at], &triple[at + from.len()..]),
            None => triple.to_owned(),
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::finding::{Finding, Kind};

    /// Explains a log excerpt the way the CLI does.
    pub fn explain(text: &str) -> Vec<Finding> {
        crate::explain::explain(text.as_bytes(), None)
    }

    /// The first finding, which must exist and be of `kind`.
    pub fn first_of_kind(text: &str, kind: Kind) -> Finding {
        let findings = explain(text);
        let Some(first) = findings.first() else {
            panic!("no findings for:\n{text}");
        };
        assert_eq!(first.kind, kind, "all findings: {findings:#?}");
        first.clone()
    }

    /// The string value of a fact.
    pub fn fact<'a>(finding: &'a Finding, key: &str) -> Option<&'a str> {
        finding.facts.get(key).and_then(|value| value.as_str())
    }

    pub fn fix_ids(finding: &Finding) -> Vec<&str> {
        finding.fixes.iter().map(|fix| fix.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_kind_in_design_order() {
        let kinds: Vec<Kind> = RULES.iter().map(|rule| rule.kind).collect();
        assert_eq!(kinds, Kind::ALL);
        for rule in &RULES {
            let marker = format!("/// Diagnostic: {}\n", rule.kind.as_str());
            assert!(rule.source.contains(&marker), "{} lacks its doc", rule.kind);
            assert!(!rule.triggers.is_empty(), "{} has no triggers", rule.kind);
        }
    }

    #[test]
    fn the_catalogue_is_what_crossport_fix_plans() {
        use crate::fixes::{FixContext, Layout, PlanError, Workspace, plan_fix};
        use crate::preflight::{HostFacts, ProjectGraph};
        let host = HostFacts::default();
        let graph = ProjectGraph::default();
        let release =
            crossport_formats::distro::known_release("bookworm").expect("a known release");
        let target = "aarch64-unknown-linux-gnu";
        let layout = Layout::project("/w", "/w/.cargo/config.toml", target, "bookworm");
        let cx = FixContext {
            target,
            release,
            host: &host,
            graph: &graph,
            lock: &[],
            layout: &layout,
        };
        let unknown = |id: &str| {
            let mut files = Workspace::new(Default::default());
            matches!(
                plan_fix(&cx, id, &mut files),
                Err(PlanError::UnknownFix { .. })
            )
        };
        for id in fix::CATALOGUE {
            assert!(!unknown(id), "crossport fix does not plan {id}");
        }
        assert!(unknown(fix::INSTALL_PERL), "the check can fail");
    }

    #[test]
    fn every_fix_command_names_a_catalogue_id_and_the_target() {
        let ids = [
            fix::ADD_TARGET,
            fix::CONFIGURE_CC,
            fix::INSTALL_CC_TOOL,
            fix::CONFIGURE_PKG_CONFIG,
            fix::USE_RUSTLS,
        ];
        for id in ids {
            let command = fix::command(id, Some("aarch64-unknown-linux-gnu")).expect("a command");
            let only = command
                .strip_prefix("crossport fix --target aarch64-unknown-linux-gnu --only ")
                .unwrap_or_else(|| panic!("{command}"));
            assert!(fix::CATALOGUE.contains(&only), "{command}");
        }
        assert_eq!(
            fix::command(fix::ADD_TARGET, None).as_deref(),
            Some("crossport fix --target <TRIPLE> --only add_target")
        );
        assert_eq!(
            fix::command(fix::USE_MUSL_TARGET, Some("armv7-unknown-linux-gnueabihf")).as_deref(),
            Some("crossport fix --target armv7-unknown-linux-musleabihf")
        );
        assert_eq!(
            fix::command(fix::USE_NO_STD, Some("thumbv7em-none-eabi")),
            None
        );
    }

    #[test]
    fn triggers_compile() {
        assert_eq!(TRIGGERS.rule_of_pattern.len(), TRIGGERS.set.len());
    }
}
