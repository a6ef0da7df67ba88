#!/usr/bin/env bash
# Benchmarks a real aarch64/bookworm build of fixtures/crates/foreign-app
# (system OpenSSL + SQLite), side by side in one run (docs/performance.md):
#   1. crossport's own part, doctor + `fix --apply`, with a cold cache and warm;
#   2. cargo's build after it (Debian's rustc through RUSTC, a fresh target dir);
#   3. the same set-up by hand: the apt pipeline (apt-get update/download in a
#      throwaway apt configuration, dpkg -x) and a hand-written cargo config.
#
# usage: scripts/bench-builds.sh [path/to/crossport]
# Needs: Debian's rustc with the arm64 std (scripts/install-test-deps.sh),
# apt-get, dpkg, clang, lld, and the mirror in the host's apt sources.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
crossport=$(realpath "${1:-$repo/target/debug/crossport}")
target=aarch64-unknown-linux-gnu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RUSTC=/usr/bin/rustc CARGO_INCREMENTAL=0 NO_COLOR=1

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
fresh() { rm -rf "$1" && cp -r "$repo/fixtures/crates/foreign-app" "$1"; }

# --- 1. crossport: doctor + fix --apply ------------------------------------
crossport_part() { # dir cache
  (cd "$1" && XDG_CACHE_HOME=$2 "$crossport" doctor --target $target --format json >/dev/null &&
    XDG_CACHE_HOME=$2 "$crossport" fix --target $target --release bookworm --apply >/dev/null 2>&1)
}
fresh "$work/cold"
t0=$(now); crossport_part "$work/cold" "$work/cache"; t1=$(now)
cold=$(elapsed "$t0" "$t1")
warm_runs=()
for i in 1 2 3; do
  fresh "$work/warm$i"
  t0=$(now); crossport_part "$work/warm$i" "$work/cache"; t1=$(now)
  warm_runs+=("$(elapsed "$t0" "$t1")")
done
echo "crossport doctor + fix --apply: cold $cold s, warm ${warm_runs[*]} s"

# --- 2. cargo build, then run under the runner fix wrote --------------------
t0=$(now)
(cd "$work/cold" && CARGO_TARGET_DIR=$work/target cargo build -q --target $target)
t1=$(now)
echo "cargo build (cold target dir): $(elapsed "$t0" "$t1") s"
(cd "$work/cold" && CARGO_TARGET_DIR=$work/target cargo run -q --target $target)

# --- 3. by hand: the apt pipeline and a hand-written config -----------------
apt_root=$work/apt
mkdir -p "$apt_root"/etc/sources.list.d "$apt_root"/etc/preferences.d \
  "$apt_root"/etc/apt.conf.d "$apt_root"/state/lists/partial \
  "$apt_root"/cache/archives/partial "$work/debs" "$work/hand/sysroot"
cp /etc/apt/sources.list.d/*.sources "$apt_root/etc/sources.list.d/" 2>/dev/null || true
cp /etc/apt/sources.list "$apt_root/etc/sources.list" 2>/dev/null || true
touch "$apt_root/state/status"
apt_opts=(
  -o "Dir::Etc=$apt_root/etc" -o "Dir::State=$apt_root/state"
  -o "Dir::State::status=$apt_root/state/status" -o "Dir::Cache=$apt_root/cache"
  -o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64"
  -o "APT::Sandbox::User=root" -o "Acquire::Languages=none" -o "Debug::NoLocking=1"
)
roots=(libssl-dev:arm64 libsqlite3-dev:arm64 libc6-dev:arm64 linux-libc-dev:arm64
  libgcc-12-dev:arm64 libstdc++-12-dev:arm64)
t0=$(now)
apt-get "${apt_opts[@]}" -qq update
mapfile -t packages < <(
  apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${roots[@]}" |
    grep -E '^[a-z0-9]' | grep ':arm64$' | sort -u
)
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}")
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/hand/sysroot"; done
mkdir -p "$work/hand/.cargo"
sysroot=$work/hand/sysroot
cat >"$work/hand/.cargo/cc" <<SH
#!/bin/sh
exec clang --target=aarch64-linux-gnu --sysroot=$sysroot -fuse-ld=lld "\$@"
SH
chmod +x "$work/hand/.cargo/cc"
cat >"$work/hand/.cargo/config.toml" <<TOML
[target.$target]
linker = "$work/hand/.cargo/cc"
runner = ["qemu-aarch64", "-L", "$sysroot"]
[env]
CC_$target = "$work/hand/.cargo/cc"
AR_$target = "llvm-ar"
PKG_CONFIG_SYSROOT_DIR_$target = "$sysroot"
PKG_CONFIG_LIBDIR_$target = "$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig"
AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR = "$sysroot/usr/lib/aarch64-linux-gnu"
AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_INCLUDE_DIR = "$sysroot/usr/include"
TOML
t1=$(now)
echo "by hand (apt pipeline, ${#packages[@]} packages, config written): $(elapsed "$t0" "$t1") s"
