//! Parsers and printers for the external formats crossport reads and writes.
//!
//! Architecture invariant: nothing in this crate does IO or knows about LSP.
//! Every function takes text or bytes and returns data; readers are tolerant
//! and return what they could read alongside what they could not.
pub mod apt_sources;
pub mod arch;
pub mod cargo_config;
pub mod cargo_lock;
pub mod cargo_log;
pub mod contents;
pub mod deb;
pub mod deb822;
pub mod debrelation;
pub mod debversion;
pub mod distro;
pub mod elf;
pub mod inrelease;
pub mod manifest;
pub mod packages;
pub mod release;
pub mod release_policy;
