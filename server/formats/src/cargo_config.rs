//! Cargo config files read with spans and edited with toml_edit, comments kept.
