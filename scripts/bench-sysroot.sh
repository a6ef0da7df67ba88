#!/usr/bin/env bash
# Benchmarks `crossport sysroot fetch` against the apt pipeline, side by side
# in one run, for libssl-dev on arm64/bookworm (see docs/performance.md).
#
# usage: scripts/bench-sysroot.sh [path/to/release/crossport]
# Needs: apt-get, apt-cache, dpkg (the baseline), network access to the
# mirror in the host's apt sources (both sides use it). Runs as root or a
# user who can run apt-get with a private state directory.
set -euo pipefail

crossport=${1:-target/release/crossport}
crossport=$(realpath "$crossport")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# --- apt pipeline, in a throwaway apt configuration with arm64 added -------
apt_root=$work/apt
mkdir -p "$apt_root"/etc/sources.list.d "$apt_root"/etc/preferences.d \
  "$apt_root"/etc/apt.conf.d "$apt_root"/state/lists/partial \
  "$apt_root"/cache/archives/partial "$work/apt-debs" "$work/apt-root"
cp /etc/apt/sources.list.d/*.sources "$apt_root/etc/sources.list.d/" 2>/dev/null || true
cp /etc/apt/sources.list "$apt_root/etc/sources.list" 2>/dev/null || true
touch "$apt_root/state/status"
apt_opts=(
  -o "Dir::Etc=$apt_root/etc"
  -o "Dir::State=$apt_root/state"
  -o "Dir::State::status=$apt_root/state/status"
  -o "Dir::Cache=$apt_root/cache"
  -o "APT::Architectures::=amd64"
  -o "APT::Architectures::=arm64"
  -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none"
  -o "Debug::NoLocking=1"
)
# The same request as crossport: libssl-dev plus the linker base set.
roots=(libssl-dev:arm64 libc6-dev:arm64 linux-libc-dev:arm64 libgcc-12-dev:arm64 libstdc++-12-dev:arm64)

t0=$(now)
apt-get "${apt_opts[@]}" -qq update
t1=$(now)
mapfile -t packages < <(
  apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${roots[@]}" |
    grep -E '^[a-z0-9]' | grep ':arm64$' | sort -u
)
t2=$(now)
(cd "$work/apt-debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}")
t3=$(now)
for deb in "$work"/apt-debs/*.deb; do dpkg -x "$deb" "$work/apt-root"; done
t4=$(now)
apt_total=$(elapsed "$t0" "$t4")
echo "apt pipeline: ${#packages[@]} packages"
echo "  apt-get update        $(elapsed "$t0" "$t1") s"
echo "  apt-cache depends     $(elapsed "$t1" "$t2") s"
echo "  apt-get download      $(elapsed "$t2" "$t3") s"
echo "  dpkg -x               $(elapsed "$t3" "$t4") s"
echo "  total                 $apt_total s"

# --- crossport -------------------------------------------------------------
cp_args=(sysroot fetch --target aarch64-unknown-linux-gnu --release bookworm libssl-dev
  --cache-dir "$work/cp-cache" --lock-file "$work/cp.lock" --dir "$work/cp-root" --format json)

t0=$(now)
"$crossport" "${cp_args[@]}" >"$work/cold.json"
t1=$(now)
cold=$(elapsed "$t0" "$t1")
echo "crossport cold: $(grep -c '"sha256"' "$work/cold.json") packages, $cold s ($(awk -v c="$cold" -v a="$apt_total" 'BEGIN { printf "%.2f", c / a }') x apt)"
grep -A7 '"timings"' "$work/cold.json" | tr -d '\n ' && echo

warm_runs=()
for _ in 1 2 3 4 5; do
  rm -rf "$work/cp-root" "$work/cp.lock"
  t0=$(now)
  "$crossport" "${cp_args[@]}" >"$work/warm.json"
  t1=$(now)
  warm_runs+=("$(elapsed "$t0" "$t1")")
done
echo "crossport warm (index and debs cached, new sysroot): ${warm_runs[*]} s"
grep -A7 '"timings"' "$work/warm.json" | tr -d '\n ' && echo

noop_runs=()
for _ in 1 2 3 4 5; do
  t0=$(now)
  "$crossport" "${cp_args[@]}" >/dev/null
  t1=$(now)
  noop_runs+=("$(elapsed "$t0" "$t1")")
done
echo "crossport no-op (lock satisfied): ${noop_runs[*]} s"
du -sh "$work/apt-root" "$work/cp-root" | sed 's/^/  size /'
