//! crossport's language server: the only crate that knows the protocol.
#![deny(clippy::print_stdout, clippy::print_stderr)]
