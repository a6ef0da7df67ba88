#!/usr/bin/env bash
# Installs the system packages crossport's test suite drives for real:
# clang + lld + qemu-user (foreign-arch sysroot checks), neovim (the LSP in a
# real editor), openssh-server (probe/deploy against a real sshd), chromium
# and the code-server build deps (VS Code end to end), binutils (readelf as
# the reference for inspect), dpkg (reference for version comparison).
# It only installs what is missing, and only where apt-get exists.
set -euo pipefail

packages=(
  clang lld qemu-user binutils dpkg
  neovim openssh-server
  chromium ripgrep build-essential python3 pkg-config libkrb5-dev
  libssl-dev libsqlite3-dev curl xz-utils ca-certificates
)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: no apt-get on this host; install these yourself: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-test-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
