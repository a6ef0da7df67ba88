//! crossport's brain: findings, fix plans, preflight and sysroot closure.
//!
//! Architecture invariant: no IO and no LSP types. Inputs are data that
//! `crossport-formats` parsed or that `crossport-driver` gathered; outputs are
//! data that the CLI and the language server render.
pub mod explain;
pub mod finding;
pub mod fixes;
pub mod inspect;
pub mod native_libs;
pub mod preflight;
pub mod rules;
pub mod score;
pub mod sysroot;
