#!/usr/bin/env bash
# Installs the system packages crossport's test suite drives for real:
# clang + lld + qemu-user (foreign-arch sysroot checks), neovim (the LSP in a
# real editor), openssh-server (probe/deploy against a real sshd), chromium
# and the code-server build deps (VS Code end to end), binutils (readelf as
# the reference for inspect), dpkg (reference for version comparison),
# apt-cacher-ng (a team's caching proxy in front of the mirror).
# busybox-static (the shell and tools of a chrooted jammy-arm64 server over ssh).
#
# Real foreign-architecture Rust builds (../shared/recipes/real-foreign-rust-builds.md):
# Debian's rustc-web with its arm64 and armhf standard libraries (tests use it
# through RUSTC=/usr/bin/rustc, never by putting Debian's cargo first on PATH),
# rust-web-src for build-std (musl), and zig from the PyPI `ziglang` package in
# a venv at $CROSSPORT_ZIG_VENV (default /opt/crossport-zig).
# It only installs what is missing, and only where apt-get exists.
set -euo pipefail

packages=(
  clang lld qemu-user binutils dpkg file
  neovim openssh-server apt-cacher-ng busybox-static
  chromium ripgrep build-essential python3 python3-venv pkg-config libkrb5-dev
  libssl-dev libsqlite3-dev curl xz-utils ca-certificates cmake
  rustc-web cargo-web rust-web-src
  libstd-rust-web-dev:arm64 libstd-rust-web-dev:armhf
)
foreign_archs=(arm64 armhf)
zig_venv=${CROSSPORT_ZIG_VENV:-/opt/crossport-zig}

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: no apt-get on this host; install these yourself: ${packages[*]}" >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

added_arch=0
for arch in "${foreign_archs[@]}"; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "install-test-deps: adding dpkg architecture $arch"
    $sudo dpkg --add-architecture "$arch"
    added_arch=1
  fi
done

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ] && [ "$added_arch" -eq 0 ]; then
  echo "install-test-deps: all ${#packages[@]} packages present"
else
  start=$(date +%s)
  echo "install-test-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  # apt-cacher-ng asks whether to allow HTTPS tunnels; the default is fine.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  echo "install-test-deps: apt took $(( $(date +%s) - start )) s"
fi

if [ ! -x "$zig_venv/bin/python3" ] || ! "$zig_venv/bin/python3" -c 'import ziglang' 2>/dev/null; then
  start=$(date +%s)
  echo "install-test-deps: installing zig (PyPI ziglang) into $zig_venv"
  $sudo python3 -m venv "$zig_venv"
  $sudo "$zig_venv/bin/pip" install -q ziglang
  echo "install-test-deps: zig took $(( $(date +%s) - start )) s"
fi
echo "install-test-deps: zig $("$zig_venv/bin/python3" -m ziglang version)"
