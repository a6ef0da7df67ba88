//! crossport's language server: the only crate that knows the protocol.
#![deny(clippy::print_stdout, clippy::print_stderr)]
//!
//! Code map: [`server`] builds the async-lsp service (layers and routing
//! table) around [`state::ServerState`]; `handlers/` holds one file per
//! protocol method; [`to_proto`] converts findings and fix plans at the
//! edge; [`documents`] keeps the open buffers and their versions, which
//! diagnostics and fixes read instead of the files; [`engine`] is the seam to the doctor/fix engine; [`framing`] keeps
//! junk input from killing the main loop; [`client_log`] mirrors tracing
//! output into `window/logMessage`.
//!
//! Architecture invariant: nothing but protocol is written to stdout.

pub mod client_log;
pub mod commands;
pub mod documents;
pub mod engine;
pub mod framing;
pub mod handlers;
pub mod line_index;
pub mod process;
pub mod server;
pub mod settings;
pub mod state;
pub mod to_proto;

pub use server::{ExitStatus, serve, serve_stdio};
