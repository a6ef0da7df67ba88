#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code: code-server
# (VS Code 1.100.3) in Debian's chromium, driven by playwright-core, with the
# extension's .vsix installed and `crossport lsp` as its server, on a copy of
# fixtures/crates/lsp-openssl. Installs what it needs first (apt packages
# when missing, npm packages from the committed lock files), runs the
# extension's unit tests, packages the .vsix, then drives the browser.
# Screenshots and logs go to target/vscode-e2e/.
#
# Environment:
#   CROSSPORT_BIN  the server binary (default: build target/debug/crossport)
#   FIX_TITLE      regex of the quick fix to apply (default: vendored)
#   FLOW           foreign-build: on a copy of fixtures/crates/foreign-app,
#                  quick fix then Build for Target for BUILD_TARGET (default
#                  aarch64-unknown-linux-gnu) with Debian's rustc
#                  (crossport.extraEnv RUSTC=$DEBIAN_RUSTC, default
#                  /usr/bin/rustc); needs the host's mirror for the sysroot
# Needs Node 20 (code-server 4.100.3's postinstall insists on it) and npm.
#
# `scripts/vscode-e2e.sh --install` only installs (the checks, both npm
# installs and the ripgrep seed) and exits: scripts/test runs that during its
# compile, so the runs in tests/vscode find node_modules up to date.
set -euo pipefail
install_only=0
if [ "${1:-}" = --install ]; then install_only=1; fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/target/vscode-e2e
ext=$root/vscode-extension
harness_src=$root/tests/vscode/harness
harness=$out/harness
flow=${FLOW:-}
if [ "$flow" = foreign-build ]; then
  fixture=${FIXTURE:-$root/fixtures/crates/foreign-app}
else
  fixture=${FIXTURE:-$root/fixtures/crates/lsp-openssl}
fi

step() { printf '\n==> vscode-e2e: %s\n' "$*"; }
seconds() { date +%s.%N; }
t0=$(seconds)

step "system packages"
needed=(chromium ripgrep build-essential python3 pkg-config libkrb5-dev)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "vscode-e2e: missing ${missing[*]} and no apt-get to install them" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "vscode-e2e: \`$tool\` not found: install Node 20 with npm (Debian 12's own nodejs is 18, too old for code-server 4.100.3)" >&2
    exit 1
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  echo "vscode-e2e: code-server 4.100.3 installs only on Node 20; this is Node $(node --version)" >&2
  exit 1
fi

# Running as root: code-server's install script reads unsafe_perm. node-gyp
# must use the system's Node headers, not download them. npx inside
# node-pty's install must not prompt.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# `npm ci` only when the lock file changed since the last install here.
npm_ci_if_changed() {
  local dir=$1 stamp
  stamp=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.crossport-lock-sha256" 2>/dev/null)" != "$stamp" ]; then
    (cd "$dir" && npm ci)
    echo "$stamp" >"$dir/node_modules/.crossport-lock-sha256"
  else
    echo "vscode-e2e: $dir/node_modules is up to date"
  fi
}

# The harness: code-server and playwright-core.
install_harness() {
  mkdir -p "$harness"
  cp "$harness_src/package.json" "$harness_src/package-lock.json" "$harness/"
  # @vscode/ripgrep's install downloads rg from GitHub; seed its download cache
  # with Debian's rg instead. The name carries @vscode/ripgrep's version and
  # the rg release tag it asks for (read from its error if code-server changes).
  local rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache"
  local rg_tarball="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  [ -s "$rg_tarball" ] || tar czf "$rg_tarball" -C "$(dirname "$(command -v rg)")" rg
  npm_ci_if_changed "$harness"
}

if [ "$install_only" = 1 ]; then
  step "npm installs only (extension, harness)"
  npm_ci_if_changed "$ext"
  install_harness
  awk -v a="$t0" -v b="$(seconds)" 'BEGIN { printf "vscode-e2e: installs took %.1fs\n", b - a }'
  exit 0
fi

step "extension: install, unit tests, package"
npm_ci_if_changed "$ext"
(cd "$ext" && npm test && npm run package)
mkdir -p "$out"
cp "$ext/crossport.vsix" "$out/crossport.vsix"
t_ext=$(seconds)

step "harness: code-server and playwright-core"
install_harness
cp "$root/tests/vscode/e2e.mjs" "$harness/e2e.mjs"
t_harness=$(seconds)

step "server binary"
if [ -z "${CROSSPORT_BIN:-}" ]; then
  (cd "$root" && cargo build --locked -p crossport --bin crossport)
  CROSSPORT_BIN=$root/target/debug/crossport
fi
"$CROSSPORT_BIN" --version

step "fresh profile and workspace"
run=$(mktemp -d "${TMPDIR:-/tmp}/crossport-vscode-e2e.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/user/User" "$run/xdg"
echo 'auth: none' >"$run/config.yaml"
# Keep code-server and chromium out of $HOME.
export XDG_CONFIG_HOME=$run/xdg/config XDG_DATA_HOME=$run/xdg/data XDG_CACHE_HOME=$run/xdg/cache
cat >"$run/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.commandCenter.enabled": false,
  "chat.disableAIFeatures": true,
  "files.autoSave": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false
}
JSON
ws=$run/$(basename "$fixture")
cp -r "$fixture" "$ws"
rm -rf "$ws/target" "$ws/.cargo"
mkdir -p "$ws/.vscode"
if [ "$flow" = foreign-build ]; then
  debian_rustc=${DEBIAN_RUSTC:-/usr/bin/rustc}
  build_target=${BUILD_TARGET:-aarch64-unknown-linux-gnu}
  if [ ! -d "$("$debian_rustc" --print sysroot)/lib/rustlib/$build_target/lib" ]; then
    echo "vscode-e2e: $debian_rustc has no $build_target std: run scripts/install-test-deps.sh" >&2
    exit 1
  fi
  # What a user of Debian's toolchain writes: the target, and RUSTC for
  # every cargo the server runs (rustup's cargo stays first on PATH).
  printf '{\n  "crossport.server.path": "%s",\n  "crossport.targets": ["%s"],\n  "crossport.sysroot.release": "%s",\n  "crossport.extraEnv": { "RUSTC": "%s" }\n}\n' \
    "$CROSSPORT_BIN" "$build_target" "${BUILD_RELEASE:-bookworm}" "$debian_rustc" >"$ws/.vscode/settings.json"
  export FLOW BUILD_TARGET=$build_target BUILD_RELEASE=${BUILD_RELEASE:-bookworm} FIX_TITLE=${FIX_TITLE:-sysroot}
else
  printf '{\n  "crossport.server.path": "%s"\n}\n' "$CROSSPORT_BIN" >"$ws/.vscode/settings.json"
fi
code_server=$harness/node_modules/.bin/code-server
"$code_server" --config "$run/config.yaml" --user-data-dir "$run/user" --extensions-dir "$run/exts" \
  --install-extension "$out/crossport.vsix" --force

step "drive VS Code"
# The foreign build's screenshots go in their own folder (screenshots/aarch64/).
shots=$out/screenshots${flow:+/${BUILD_TARGET%%-*}}
server_log=$out/server${flow:+-$flow}.log
logs=$out/logs${flow:+-$flow}
mkdir -p "$shots"
find "$shots" -maxdepth 1 -type f -delete
rm -rf "$logs" "$server_log"
# The language server appends its log here (the output channel is not a file).
export CROSSPORT_LSP_LOG_FILE=$server_log
t_run=$(seconds)
status=0
(cd "$harness" && CODE_SERVER=$code_server RUN_DIR=$run WS=$ws SHOTS=$shots \
  CHROMIUM="$(command -v chromium)" timeout "${E2E_TIMEOUT:-300}" node e2e.mjs) || status=$?
t_end=$(seconds)
# Keep VS Code's logs (extension host, the Crossport output channel) for a post-mortem.
cp -r "$run/user/logs" "$logs" 2>/dev/null || true

awk -v a="$t0" -v b="$t_ext" -v c="$t_harness" -v d="$t_run" -v e="$t_end" -v shots="$shots" 'BEGIN {
  printf "\nvscode-e2e: extension %.1fs, harness %.1fs, browser run %.1fs, total %.1fs; screenshots in %s\n",
    b - a, c - b, e - d, e - a, shots }'
if [ "$status" -ne 0 ]; then
  echo "vscode-e2e: FAILED (exit $status); logs in $logs and $server_log" >&2
  [ -f "$server_log" ] && { echo "--- $server_log (tail)" >&2; tail -n 40 "$server_log" >&2; }
  find "$logs" -name '*.log' \( -path '*exthost*' -o -name '*Crossport*' \) -print 2>/dev/null | while read -r f; do
    echo "--- $f (tail)" >&2
    tail -n 40 "$f" >&2
  done
fi
exit "$status"
