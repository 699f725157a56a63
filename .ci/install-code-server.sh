#!/usr/bin/env bash
# Installs code-server (a real VS Code extension host that runs offline) into a cache
# directory outside the repo's node_modules, for test/vscode/runCodeServer.js and start.js.
#
#   SPAN_LENS_CODE_SERVER_DIR   where to install (default: <repo>/.code-server, gitignored)
#
# Idempotent: a stamp file records a finished install, so a second run returns at once.
# @vscode/test-electron would download VS Code; code-server comes from the npm registry
# instead, and its native modules are rebuilt here against the local Node.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="${SPAN_LENS_CODE_SERVER_DIR:-$repo_root/.code-server}"
stamp="$install_dir/.installed-$CODE_SERVER_VERSION"
code_server_root="$install_dir/node_modules/code-server"

installed() { [[ -f "$stamp" && -f "$code_server_root/out/node/entry.js" ]]; }
if installed; then
  exit 0
fi

fail() { echo "install-code-server: $*" >&2; exit 1; }

command -v npm >/dev/null || fail "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" == 20 ]] || fail "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node -v))"
for tool in make g++ python3; do
  command -v "$tool" >/dev/null || fail "$tool not found: native modules cannot be built (apt-get install build-essential python3)"
done
rg_path="$(command -v rg || true)"
[[ -n "$rg_path" ]] || fail "ripgrep not found: apt-get install ripgrep (code-server's search needs an rg binary)"

mkdir -p "$install_dir"
# Two test runs starting at once must not install over each other.
if command -v flock >/dev/null; then
  exec 9>"$install_dir/.install.lock"
  flock 9
fi
if installed; then
  exit 0
fi

started=$SECONDS
echo "install-code-server: installing code-server@$CODE_SERVER_VERSION into $install_dir (takes a few minutes, once)"
cd "$install_dir"
[[ -f package.json ]] || echo '{ "name": "span-lens-code-server-cache", "private": true }' > package.json

export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false
export npm_config_update_notifier=false npm_config_loglevel=error

# --ignore-scripts: code-server's postinstall would try to download things; we do its work below.
npm install --ignore-scripts "code-server@$CODE_SERVER_VERSION"

cd "$code_server_root/lib/vscode"
npm install --omit=dev --ignore-scripts
# @vscode/ripgrep normally downloads rg from GitHub; use the system one.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$rg_path" node_modules/@vscode/ripgrep/bin/rg
# kerberos is left unbuilt: only used for proxy authentication.
npm rebuild node-pty @vscode/spdlog native-watchdog
# VS Code and its built-in extensions look for files (rg, oniguruma wasm) under
# node_modules.asar, as in a packaged build; code-server's postinstall makes the same link.
[[ -e node_modules.asar ]] || ln -s node_modules node_modules.asar
# The `code` command inside the integrated terminal, also from code-server's postinstall.
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh

cd extensions
npm install --omit=dev --ignore-scripts

# argon2 (password hashing, loaded at start-up even with --auth none) is hoisted to the
# cache's top-level node_modules; its prebuilt download fails offline and it builds from source.
cd "$install_dir"
npm rebuild argon2

# Fail here, with the module's name, rather than later inside a test run.
cd "$code_server_root/lib/vscode"
node -e "for (const m of ['node-pty', '@vscode/spdlog', 'native-watchdog']) require(m)" \
  || fail "a native module of VS Code did not build (see above)"
cd "$code_server_root"
node -e "require('argon2')" || fail "argon2 did not build (see above)"
date -u +%FT%TZ > "$stamp"
echo "install-code-server: done in $((SECONDS - started))s"
