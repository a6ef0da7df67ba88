#!/usr/bin/env bash
# Benchmarks the three ways to run on a server (docs/performance.md, "three
# ways") on one crate, fixtures/crates/sqlite-bundled (SQLite bundled, so the
# target's C compiler builds C code in every way), for x86_64, one cold
# release build each, each in a fresh copy and a fresh target dir:
#   1. clang + lld against a Debian bullseye sysroot (`fix --release bullseye`);
#   2. zig with glibc 2.17 pinned (`fix --glibc 2.17`);
#   3. musl, static (`fix --target x86_64-unknown-linux-musl`), zig's musl;
#      std is built from source (-Zbuild-std, Debian's rustc + rust-web-src),
#      the test stand-in for rustup's musl target, so std is built first
#      (on a hello world, timed apart) and the crate's time is with it built.
# Prints build time, stripped and unstripped size, the highest GLIBC_ symbol
# version and what `file` says, one line per way.
#
# usage: scripts/bench-three-ways.sh [path/to/crossport]
# Needs: clang, lld, Debian's rustc + rust-web-src, zig's venv
# (scripts/install-test-deps.sh), and the mirror in the host's apt sources.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
crossport=$(realpath "${1:-$repo/target/debug/crossport}")
zig_venv=${CROSSPORT_ZIG_VENV:-/opt/crossport-zig}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_INCREMENTAL=0 NO_COLOR=1 XDG_CACHE_HOME=$work/cache
export PATH="$zig_venv/bin:$PATH"
gnu=x86_64-unknown-linux-gnu
musl=x86_64-unknown-linux-musl
cargo=$(command -v cargo)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
fresh() { cp -r "$repo/fixtures/crates/sqlite-bundled" "$work/$1"; }
max_glibc() {
  readelf -V "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1
}
report() { # way seconds binary
  local stripped=$work/stripped
  strip -o "$stripped" "$3"
  printf '%s: build %s s, binary %s bytes (stripped %s), max GLIBC_ %s, %s; prints: %s\n' \
    "$1" "$2" "$(stat -c %s "$3")" "$(stat -c %s "$stripped")" "$(max_glibc "$3" || true)" \
    "$(file -b "$3" | cut -d, -f1-2,5-6)" "$("$3")"
}
timed_build() { # dir target-dir cargo-args...
  local dir=$1 target_dir=$2
  shift 2
  local t0 t1
  t0=$(now)
  (cd "$dir" && CARGO_TARGET_DIR=$target_dir "$cargo" build -q --release "$@")
  t1=$(now)
  elapsed "$t0" "$t1"
}

# --- 1. clang + Debian bullseye sysroot ------------------------------------
fresh sysroot
(cd "$work/sysroot" && "$crossport" fix --target $gnu --release bullseye --apply >/dev/null 2>&1)
seconds=$(timed_build "$work/sysroot" "$work/t-sysroot" \
  --config .cargo/crossport-$gnu.toml --target $gnu)
report "clang + bullseye sysroot" "$seconds" "$work/t-sysroot/$gnu/release/sqlite-bundled"

# --- 2. zig, glibc 2.17 ----------------------------------------------------
fresh zig
(cd "$work/zig" && "$crossport" fix --target $gnu --glibc 2.17 --apply >/dev/null 2>&1)
seconds=$(timed_build "$work/zig" "$work/t-zig" --config .cargo/crossport-$gnu.toml --target $gnu)
report "zig, glibc 2.17" "$seconds" "$work/t-zig/$gnu/release/sqlite-bundled"

# --- 3. musl static (std built from source: the test stand-in) --------------
# A hello world builds std into the target dir first, so the crate's own
# build below is what it costs with a prebuilt std (a rustup musl target).
fresh musl
(cd "$work/musl" && "$crossport" fix --target $musl --only configure_linker --apply >/dev/null 2>&1)
mkdir -p "$work/hello/src" "$work/hello/.cargo"
printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n[workspace]\n' >"$work/hello/Cargo.toml"
echo 'fn main() { println!("hello"); }' >"$work/hello/src/main.rs"
cp "$work/musl/.cargo/config.toml" "$work/hello/.cargo/config.toml"
cp -r "$work/musl/.cargo/crossport" "$work/hello/.cargo/crossport"
musl_build() { # dir
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C link-self-contained=no" \
    timed_build "$1" "$work/t-musl" -Zbuild-std=std,panic_abort --target $musl
}
std_seconds=$(musl_build "$work/hello")
echo "musl std from source (-Zbuild-std, hello world): build $std_seconds s"
seconds=$(musl_build "$work/musl")
report "musl static (std already built)" "$seconds" "$work/t-musl/$musl/release/sqlite-bundled"
