#!/usr/bin/env bash
# Installs the real OpenTelemetry SDKs the run tests use, each the way its users install it, from
# its own registry: PyPI into a virtualenv, the Go module proxy into the module cache, Maven
# Central into ~/.m2, crates.io into Cargo's registry cache (and the test crates built once).
#
#   SPAN_LENS_SDK_DIR   where the virtualenv, build caches and stamps live
#                       (default: ~/.cache/span-lens-sdks; test/unit/sdks.ts reads the same)
#
# Idempotent and cached: each part records what it installed (a hash of the manifests it read)
# and is skipped on the next run while those manifests are unchanged. Downloads land in each
# tool's own cache (pip's, GOMODCACHE, ~/.m2, ~/.cargo), kept between runs on the same machine.
# Prints how long each part took.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sdk_dir="${SPAN_LENS_SDK_DIR:-$HOME/.cache/span-lens-sdks}"
mkdir -p "$sdk_dir"
cd "$repo_root"

fail() { echo "install-sdks: $*" >&2; exit 1; }

# A part is up to date when its stamp holds the hash of the files it was installed from.
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
up_to_date() { [[ -f "$sdk_dir/$1.stamp" && "$(cat "$sdk_dir/$1.stamp")" == "$2" ]]; }
mark_done() { echo "$2" > "$sdk_dir/$1.stamp"; }
timed() {
  local name=$1; shift
  local started=$SECONDS
  "$@"
  echo "install-sdks: $name ready ($((SECONDS - started)) s)"
}

# --- Python: opentelemetry-sdk from PyPI in a virtualenv -------------------------------------
python_part() {
  local requirements="test/fixtures/python/requirements.txt"
  local stamp venv="$sdk_dir/python-venv"
  stamp="$(stamp_of "$requirements")"
  if up_to_date python "$stamp" && [[ -x "$venv/bin/python" ]]; then return; fi
  command -v python3 >/dev/null || fail "python3 not found"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  "$venv/bin/python" -c "import opentelemetry.sdk.trace" || fail "opentelemetry-sdk does not import in $venv"
  mark_done python "$stamp"
}

# --- Go: every test and example module's dependencies from the module proxy ------------------
go_part() {
  command -v go >/dev/null || fail "go not found"
  local mods
  mapfile -t mods < <(find test/fixtures examples -name go.mod -not -path '*/node_modules/*' | sort)
  (( ${#mods[@]} )) || return 0
  local stamp
  stamp="$(stamp_of "${mods[@]}" $(for m in "${mods[@]}"; do d=$(dirname "$m"); [[ -f "$d/go.sum" ]] && echo "$d/go.sum"; done))"
  if up_to_date go "$stamp"; then return; fi
  for mod in "${mods[@]}"; do
    (cd "$(dirname "$mod")" && go mod download && go build ./... ) || fail "go module $(dirname "$mod") does not build"
  done
  mark_done go "$stamp"
}

parts=("$@")
(( ${#parts[@]} )) || parts=(python go)
for part in "${parts[@]}"; do
  timed "$part" "${part}_part"
done
