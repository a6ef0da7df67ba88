#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ for a bounded time each (default 60 s,
# FUZZ_SECONDS overrides), installing cargo-fuzz with the nightly toolchain
# if it is missing. Without a nightly toolchain it prints a `skipped:` line
# (the format of tests/common/gate.rs, which scripts/test counts) and exits 0;
# a crash or a failed build exits non-zero.
#
# `scripts/fuzz.sh --build` only installs cargo-fuzz and builds the targets
# (the sanitizer build is most of the step's time): scripts/test runs that in
# the background while the tests run, so only the timed runs are left after
# them. Without a nightly toolchain it exits 0 silently; the run reports it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=(explain_log)
mode=run
if [ "${1:-}" = --build ]; then mode=build; fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  if [ "$mode" = run ]; then
    echo "skipped: fuzz ${targets[*]} (no nightly toolchain: rustup toolchain install nightly)" >&2
  fi
  exit 0
fi
if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  # A debug build: cargo-fuzz only drives cargo, and its release build takes
  # about twice the CPU time (measured 50 s against 29 s).
  cargo +nightly install cargo-fuzz --locked --debug
fi
for target in "${targets[@]}"; do
  if [ "$mode" = build ]; then
    echo "==> cargo +nightly fuzz build $target"
    cargo +nightly fuzz build "$target"
    continue
  fi
  echo "==> cargo +nightly fuzz run $target (${seconds}s)"
  # Seeded with the real logs; new inputs go to fuzz/corpus (git-ignored).
  # The build is the one `--build` made (the same options), so it is fresh.
  mkdir -p "fuzz/corpus/$target"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" fixtures/logs fixtures/corpus/logs \
    -- -max_total_time="$seconds"
done
