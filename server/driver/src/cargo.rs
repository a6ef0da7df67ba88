//! Runs cargo (metadata, build) and streams its output.
