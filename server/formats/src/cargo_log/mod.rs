//! Tolerant reader for cargo build output in any mix (JSON messages, human stderr, build-script blocks, loader errors).
