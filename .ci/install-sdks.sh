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
    # Binaries go to the SDK dir: a module whose root is package main would get one in its folder.
    (cd "$(dirname "$mod")" && go mod download && go build -o "$sdk_dir/go-bin/" ./... ) || fail "go module $(dirname "$mod") does not build"
  done
  mark_done go "$stamp"
}

# --- Node: each test and example project's packages from the npm registry, by its lockfile ----
# npm projects with `npm ci`, pnpm projects with pnpm itself (from the npm registry, pinned), so
# node_modules has each tool's own layout (pnpm's symlinks into node_modules/.pnpm).
node_part() {
  command -v npm >/dev/null || fail "npm not found"
  local locks
  mapfile -t locks < <(find test/fixtures/node-projects examples/node examples/typescript \
    \( -name package-lock.json -o -name pnpm-lock.yaml \) -not -path '*/node_modules/*' 2>/dev/null | sort)
  (( ${#locks[@]} )) || return 0
  local stamp lock dir missing=0
  stamp="$(stamp_of "${locks[@]}")"
  for lock in "${locks[@]}"; do [[ -d "$(dirname "$lock")/node_modules" ]] || missing=1; done
  if (( ! missing )) && up_to_date node "$stamp"; then return; fi
  for lock in "${locks[@]}"; do
    dir="$(dirname "$lock")"
    if [[ "$(basename "$lock")" == pnpm-lock.yaml ]]; then
      (cd "$dir" && npx --yes pnpm@9.15.9 install --frozen-lockfile --reporter=silent) || fail "pnpm install failed in $dir"
    else
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed in $dir"
    fi
  done
  mark_done node "$stamp"
}

# --- Java: every test and example Maven project's dependencies from Maven Central into ~/.m2 --
# Each project is built with the very goals Span Lens runs (compile + dependency:build-classpath),
# so its offline build (`mvn -o`) finds every artifact and plugin in ~/.m2 afterwards.
java_part() {
  command -v java >/dev/null || fail "java not found (a JDK 17+: apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || fail "mvn not found (apt-get install maven)"
  local poms
  mapfile -t poms < <(find test/fixtures examples -name pom.xml -not -path '*/node_modules/*' -not -path '*/target/*' | sort)
  (( ${#poms[@]} )) || return 0
  local stamp classpath="$sdk_dir/java-classpath.txt"
  stamp="$(stamp_of "${poms[@]}" src/run/inject/java/pom.xml)"
  # The stamp alone is not enough: ~/.m2 may have been cleaned since.
  if up_to_date java "$stamp" && [[ -s "$classpath" ]] \
    && tr ':' '\n' < "$classpath" | while read -r jar || [[ -n $jar ]]; do [[ -f "$jar" ]] || exit 1; done; then return; fi
  for pom in "${poms[@]}"; do
    # (Maven 3.8 prints colour resets even in batch mode: dropped.)
    (cd "$(dirname "$pom")" && mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/span-lens-sdk-classpath.txt 2>&1 | sed $'s/\e\\[[0-9;]*m//g') \
      || fail "maven project $(dirname "$pom") does not build"
  done
  # The Span Lens Java agent's own build (ASM, the shade plugin, the SDK it compiles against), so
  # `npm run build:inject` builds it offline afterwards.
  (cd src/run/inject/java && mvn -B -q package 2>&1 | sed $'s/\e\\[[0-9;]*m//g') || fail "the Java agent (src/run/inject/java) does not build"
  # The single-file Java test runs with the SDK's class path, as spanLens.java.classPath would give it.
  cp test/fixtures/java/shop/target/span-lens-sdk-classpath.txt "$classpath"
  mark_done java "$stamp"
}

# --- Rust: tracing and tracing-subscriber from crates.io, the test crates built once -----------
# Every test and example crate or workspace (a Cargo.lock marks its root) is fetched by its
# lockfile into Cargo's registry cache and built into one CARGO_TARGET_DIR under the SDK dir, the
# one the run tests share (test/unit/sdks.ts rustTargetDir): the dependencies compile once per
# machine, not per test run.
rust_part() {
  command -v cargo >/dev/null || fail "cargo not found (install Rust with rustup: https://rustup.rs)"
  local locks manifests
  mapfile -t locks < <(find test/fixtures/rust examples/rust -name Cargo.lock -not -path '*/target/*' | sort)
  (( ${#locks[@]} )) || return 0
  mapfile -t manifests < <(find test/fixtures/rust examples/rust -name Cargo.toml -not -path '*/target/*' | sort)
  local stamp target="$sdk_dir/rust-target"
  stamp="$(stamp_of "${manifests[@]}" "${locks[@]}")"
  if up_to_date rust "$stamp" && [[ -d "$target/debug" ]]; then return; fi
  for lock in "${locks[@]}"; do
    (cd "$(dirname "$lock")" && cargo fetch --locked && CARGO_TARGET_DIR="$target" cargo build --locked --workspace --all-targets) \
      || fail "cargo project $(dirname "$lock") does not build"
  done
  mark_done rust "$stamp"
}

parts=("$@")
(( ${#parts[@]} )) || parts=(python go java node rust)
for part in "${parts[@]}"; do
  timed "$part" "${part}_part"
done
