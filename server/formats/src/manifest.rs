//! Cargo.toml: dependency declarations read with spans and edited (features, default-features).
