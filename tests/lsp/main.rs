//! Protocol tests of `crossport lsp`: the real binary over its stdio,
//! whole responses compared with expect-test snapshots
//! (`UPDATE_EXPECT=1 cargo test -p crossport --test lsp` rewrites them).

mod bench;
mod buffers;
mod commands;
mod diagnostics;
#[path = "../common/gate.rs"]
mod gate;
mod lifecycle;
mod robustness;
#[path = "../common/schema.rs"]
mod schema;
mod ship;
mod support;
