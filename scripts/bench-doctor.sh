#!/usr/bin/env bash
# Benchmarks `crossport doctor` on a generated crate with ~300 resolved
# packages (real crates.io dependencies), next to plain `cargo metadata`.
# Usage: scripts/bench-doctor.sh [path/to/crossport]
set -euo pipefail
crossport=${1:-"$(dirname "$0")/../target/debug/crossport"}
crossport=$(cd "$(dirname "$crossport")" && pwd)/$(basename "$crossport")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bigws/src"
cd "$work/bigws"
cat > Cargo.toml <<'TOML'
[package]
name = "bigws"
version = "0.1.0"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["full"] }
reqwest = { version = "0.12", features = ["json", "blocking", "cookies", "gzip", "brotli"] }
axum = "0.7"
tonic = "0.12"
prost = "0.13"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_yaml = "0.9"
toml = "0.8"
clap = { version = "4", features = ["derive"] }
regex = "1"
rusqlite = "0.32"
openssl = "0.10"
tracing-subscriber = { version = "0.3", features = ["env-filter", "json"] }
chrono = "0.4"
uuid = { version = "1", features = ["v4"] }
rayon = "1"
git2 = "0.19"
zstd = "0.13"
flate2 = "1"
tar = "0.4"
redis = "0.27"
rdkafka = "0.36"

[workspace]
TOML
echo 'fn main() {}' > src/main.rs
cargo generate-lockfile -q
echo "packages in Cargo.lock: $(grep -c '^name = ' Cargo.lock)"
cargo metadata --format-version 1 >/dev/null 2>&1 # download every crate once
export XDG_CACHE_HOME="$work/cache"
t() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo "$(( (end - start) / 1000000 )) ms"; }
for i in 1 2 3; do echo "cargo metadata: $(t cargo metadata --format-version 1)"; done
for i in 1 2 3; do rm -rf "$work/cache"; echo "doctor, cold cache: $(t "$crossport" doctor --target x86_64-unknown-linux-gnu)"; done
for i in 1 2 3 4 5; do echo "doctor, metadata cached: $(t "$crossport" doctor --target x86_64-unknown-linux-gnu)"; done
for i in 1 2 3; do echo "doctor, 2 targets cached: $(t "$crossport" doctor --target x86_64-unknown-linux-gnu --target aarch64-unknown-linux-gnu)"; done
