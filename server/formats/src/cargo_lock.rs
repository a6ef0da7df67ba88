//! Cargo.lock: locked package versions.
