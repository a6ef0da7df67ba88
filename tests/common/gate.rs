//! The one meaning of the test gates, shared by every test binary.
//!
//! `CROSSPORT_SLOW=1` runs the slow tests (real editors, a real sshd, real
//! builds); `CROSSPORT_LIVE=1` runs the tests that reach the host's Debian
//! mirror. Any other value, or none, turns the gate off. A gated test that does
//! not run says so on a `skipped:` line written straight to stderr, past the
//! test harness's output capture, so it shows in CI's log; `scripts/test` counts
//! those lines and fails when a gate it turned on still skipped a test.
//!
//! Include it with `#[path = "../common/gate.rs"] mod gate;`.

#![allow(dead_code)]

use std::io::Write as _;

/// A test gate and the environment variable that opens it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// `CROSSPORT_SLOW`: real editors, sshd, apt-cacher-ng, cargo builds.
    Slow,
    /// `CROSSPORT_LIVE`: the host's real Debian mirror.
    Live,
}

impl Gate {
    pub fn var(self) -> &'static str {
        match self {
            Gate::Slow => "CROSSPORT_SLOW",
            Gate::Live => "CROSSPORT_LIVE",
        }
    }

    /// Whether the gate is open: the variable is exactly `1`.
    pub fn is_open(self) -> bool {
        std::env::var_os(self.var()).is_some_and(|value| value == "1")
    }
}

/// Whether the test named `test` may run behind all of `gates`; when one is
/// closed, prints `skipped: <test> (set VAR=1 to run it)` and returns false.
pub fn open(test: &str, gates: &[Gate]) -> bool {
    let closed: Vec<&str> = gates
        .iter()
        .filter(|gate| !gate.is_open())
        .map(|gate| gate.var())
        .collect();
    if closed.is_empty() {
        return true;
    }
    let wanted: Vec<String> = closed.iter().map(|var| format!("{var}=1")).collect();
    skipped(test, &format!("set {} to run it", wanted.join(" and ")));
    false
}

/// Shorthand for `open(test, &[Gate::Slow])`.
pub fn slow(test: &str) -> bool {
    open(test, &[Gate::Slow])
}

/// Shorthand for `open(test, &[Gate::Live])`.
pub fn live(test: &str) -> bool {
    open(test, &[Gate::Live])
}

/// Reports a test that could not run for another reason (a tool missing on a
/// host that is not CI's): the same visible `skipped:` line.
pub fn skipped(test: &str, why: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "skipped: {test} ({why})");
}

/// Whether this run rewrites expected outputs (snapshots, generated docs,
/// before/after folders) instead of comparing against them: `UPDATE_EXPECT=1`,
/// the variable expect-test reads, so one variable blesses everything.
pub fn bless() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|value| value == "1")
}
