#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ for a bounded time each (default 60 s,
# FUZZ_SECONDS overrides), installing cargo-fuzz with the nightly toolchain
# if it is missing. Without a nightly toolchain it prints a `skipped:` line
# (the format of tests/common/gate.rs, which scripts/test counts) and exits 0;
# a crash or a failed build exits non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=(explain_log)

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "skipped: fuzz ${targets[*]} (no nightly toolchain: rustup toolchain install nightly)" >&2
  exit 0
fi
if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo +nightly install cargo-fuzz --locked
fi
for target in "${targets[@]}"; do
  echo "==> cargo +nightly fuzz run $target (${seconds}s)"
  # Seeded with the real logs; new inputs go to fuzz/corpus (git-ignored).
  mkdir -p "fuzz/corpus/$target"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" fixtures/logs fixtures/corpus/logs \
    -- -max_total_time="$seconds"
done
