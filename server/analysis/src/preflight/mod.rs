//! Preflight: predict a target's findings from cargo metadata, the cargo config and host facts.
