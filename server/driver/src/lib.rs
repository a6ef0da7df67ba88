//! The only crossport crate that touches the file system, processes, the
//! network, environment variables and the clock.
//!
//! The CLI and the language server are thin shells over this crate and
//! `crossport-analysis`.
pub mod apply;
pub mod cargo;
pub mod config;
pub mod host;
pub mod inspect;
pub mod overlay;
pub mod project;
pub mod report;
pub mod ssh;
pub mod sysroot;
pub mod sysroot_contents;
pub mod toolchain;
