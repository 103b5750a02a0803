#!/usr/bin/env bash
# Finds or builds the Pulumi CLI (pulumi + the Node.js and Python language hosts) at a given version,
# offline-friendly:
# release binaries cannot be downloaded here, so they are built from Go modules (see shared
# pulumi-dynamic-notes §3.2) and cached outside the repo, one directory per CLI version.
#
#   bash scripts/ensure-pulumi.sh                          # v3.248.0, the version package.json pins
#   PULUMI_VERSION=3.276.0 bash scripts/ensure-pulumi.sh   # another version (the current-Node CI leg)
#
# Prints the directory holding the binaries on its last line of stdout (everything else goes to stderr).
# Exits non-zero, with a reason on stderr, when the CLI can be neither found nor built.
#
# Needs: bash, node + `npm ci` done (for the dynamic-provider launcher, and the installed @pulumi/pulumi
# must be the same version as the CLI), and either a matching `pulumi` on PATH or Go (>= the version the
# CLI's go.mod asks for: 1.25.11 for v3.248.0, 1.26.6 for v3.276.0) with access to the Go module proxy.
# A cold build of v3.248.0 downloads ~1.6 GB of modules, uses ~1.7 GB of Go build cache and took 428 s on
# 2 cores (measured 2026-11-23; 217 s + 26 s for the language host on 2026-12-01); v3.276.0 took 481 s
# with v3.248.0's modules already cached, on a busy machine, and 23 s with a warm Go build cache
# (2026-12-01). The language hosts (pulumi-language-nodejs, and pulumi-language-python with its exec shim)
# are built once and shared by every CLI version; the Python host took 46 s with an empty Go build cache
# on a busy machine, 5 s after the Node.js host (2026-12-06).
# For Python programs, scripts/ensure-python.sh makes the virtualenv to run them with.
#
# Environment:
#   PULUMI_VERSION         CLI version to find or build (default 3.248.0)
#   PULUMI_BARRACK_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-barrack)
#   GOTOOLCHAIN            default "local"; set e.g. GOTOOLCHAIN=go1.26.6 to let Go fetch a newer toolchain
#   GONOSUMDB              default github.com/pulumi/pulumi (the checksum DB answers 404 for these tags)
#
# Safe to run concurrently (jest workers, several checkouts, several versions): builds are serialized
# with flock.
set -euo pipefail

# The default must match the @pulumi/pulumi devDependency in package.json.
PULUMI_DEFAULT_VERSION="3.248.0"
version_given="${PULUMI_VERSION:-}"
PULUMI_VERSION="${PULUMI_VERSION:-$PULUMI_DEFAULT_VERSION}"
PULUMI_VERSION="${PULUMI_VERSION#v}"
# The newest sdk/v3 release that still contains the Node.js language host (see the build step).
LANGUAGE_HOST_SDK_VERSION="v3.68.0"
# Bump when the build recipe changes, so stale caches are rebuilt.
BUILD_RECIPE="2"
# Caches stamped by recipes REUSE_FROM_RECIPE..BUILD_RECIPE hold binaries that this recipe builds the
# same way, so they are completed (the missing language host built and copied in) instead of rebuilt:
# recipe 2 only added the Python language host, and the CLI build takes minutes. Set it to BUILD_RECIPE
# when a change affects the binaries already built.
REUSE_FROM_RECIPE="1"

# The `go` line of github.com/pulumi/pulumi/pkg/v3's go.mod, for the versions we build; for others,
# `go get` says itself which Go it needs.
case "$PULUMI_VERSION" in
  3.248.0) GO_MIN_VERSION="1.25.11" ;;
  3.276.0) GO_MIN_VERSION="1.26.6" ;;
  *) GO_MIN_VERSION="" ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${PULUMI_BARRACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-barrack}"
bin_dir="$cache_root/pulumi-v$PULUMI_VERSION/bin"
host_stamp="language-host=sdk/$LANGUAGE_HOST_SDK_VERSION"
host_info="$host_stamp recipe=$BUILD_RECIPE"
cli_stamp="pulumi=v$PULUMI_VERSION $host_stamp"
build_info="$cli_stamp recipe=$BUILD_RECIPE"
# The language hosts, shared by every CLI version (they do not depend on the CLI's version).
host_dir="$cache_root/language-host-sdk-$LANGUAGE_HOST_SDK_VERSION"
# What a CLI directory holds besides `pulumi` (the Python host runs the -exec shim found next to it).
host_files="pulumi-language-nodejs pulumi-language-python pulumi-language-python-exec"

log() { echo "ensure-pulumi: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$PULUMI_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "PULUMI_VERSION must look like 3.276.0, not '$PULUMI_VERSION'"

# The CLI and the SDK of a run must be the same version: compare with the installed @pulumi/pulumi
# (else with what package.json pins). The current-Node CI leg runs this script from a copy of the repo
# whose package.json pins that leg's version (see .ci/run).
sdk_version="$(cd "$repo_root" && node -p "require('./node_modules/@pulumi/pulumi/package.json').version" 2>/dev/null ||
  node -p "require('$repo_root/package.json').devDependencies['@pulumi/pulumi']" 2>/dev/null || true)"
if [ -n "$sdk_version" ] && [ "$sdk_version" != "$PULUMI_VERSION" ]; then
  if [ -z "$version_given" ]; then
    die "@pulumi/pulumi $sdk_version is installed in $repo_root but this script defaults to the CLI v$PULUMI_DEFAULT_VERSION: run it as PULUMI_VERSION=$sdk_version bash scripts/ensure-pulumi.sh (or keep PULUMI_DEFAULT_VERSION equal to package.json's devDependency)"
  fi
  die "@pulumi/pulumi $sdk_version is installed in $repo_root but PULUMI_VERSION is $PULUMI_VERSION: the CLI and the SDK of a test run must be the same version"
fi

version_fits() { # $1 = a pulumi binary
  local v
  v="$("$1" version 2>/dev/null || true)"
  [ "$v" = "v$PULUMI_VERSION" ]
}

# The dynamic-provider launcher is a shell script shipped in the npm package; the engine looks for it
# next to the pulumi binary or on PATH (notes §1.3).
launcher_src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
install_launcher() { # $1 = directory
  [ -x "$launcher_src" ] || die "missing $launcher_src: run 'npm ci' first"
  if ! cmp -s "$launcher_src" "$1/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
    cp "$launcher_src" "$1/pulumi-resource-pulumi-nodejs.tmp.$$"
    chmod +x "$1/pulumi-resource-pulumi-nodejs.tmp.$$"
    mv -f "$1/pulumi-resource-pulumi-nodejs.tmp.$$" "$1/pulumi-resource-pulumi-nodejs"
  fi
}

all_executable() { # $1 = directory, then file names
  local dir="$1" f
  shift
  for f in "$@"; do [ -x "$dir/$f" ] || return 1; done
}

recipe_reusable() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge "$REUSE_FROM_RECIPE" ] && [ "$1" -le "$BUILD_RECIPE" ]; }
# stamp_reusable FILE PREFIX: FILE says "PREFIX recipe=N" with N in REUSE_FROM_RECIPE..BUILD_RECIPE.
stamp_reusable() {
  local stamp
  stamp="$(cat "$1" 2>/dev/null || true)"
  [[ "$stamp" == "$2 recipe="* ]] && recipe_reusable "${stamp#"$2 recipe="}"
}

cache_ok() {
  all_executable "$bin_dir" pulumi $host_files &&
    [ "$(cat "$bin_dir/.build-info" 2>/dev/null || true)" = "$build_info" ] && version_fits "$bin_dir/pulumi"
}

use_cache() {
  install_launcher "$bin_dir"
  log "using cached pulumi v$PULUMI_VERSION ($bin_dir)"
  echo "$bin_dir"
  exit 0
}

# 1. A pulumi already on PATH with the right version, its Node.js language host and the dynamic-provider
#    launcher beside it or on PATH (an official install ships these, and pulumi-language-python too).
if command -v pulumi >/dev/null 2>&1 && version_fits "$(command -v pulumi)"; then
  on_path="$(dirname "$(readlink -f "$(command -v pulumi)")")"
  if { [ -x "$on_path/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null 2>&1; } &&
    { [ -x "$on_path/pulumi-resource-pulumi-nodejs" ] || command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; }; then
    log "using pulumi v$PULUMI_VERSION from PATH ($on_path)"
    echo "$on_path"
    exit 0
  fi
fi

# 2. The cache from an earlier build.
cache_ok && use_cache

# 3. Build from Go modules, one build at a time per cache (whatever the version: two Go builds at once
#    on a small machine take longer than one after the other).
mkdir -p "$cache_root"
# shellcheck source=cache-lock.sh
. "$repo_root/scripts/cache-lock.sh"
take_lock "$cache_root/.build.lock" "another ensure-pulumi is building into $cache_root"
cache_ok && use_cache # built by the other process meanwhile

command -v go >/dev/null 2>&1 ||
  die "no 'pulumi' v$PULUMI_VERSION on PATH and no Go toolchain to build it: install Go${GO_MIN_VERSION:+ (>= $GO_MIN_VERSION)} or put the Pulumi CLI v$PULUMI_VERSION (with pulumi-language-nodejs) on PATH"

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
go_version="$(go env GOVERSION 2>/dev/null || true)"
go_version="${go_version#go}"
if [ -n "$GO_MIN_VERSION" ] && [ "$GOTOOLCHAIN" = "local" ] &&
  [ "$(printf '%s\n%s\n' "$GO_MIN_VERSION" "${go_version%%[!0-9.]*}" | sort -V | head -1)" != "$GO_MIN_VERSION" ]; then
  die "Go ${go_version:-?} is too old to build pulumi v$PULUMI_VERSION (needs >= $GO_MIN_VERSION): install a newer Go, or run with GOTOOLCHAIN=go$GO_MIN_VERSION to let Go fetch that toolchain from the module proxy"
fi

start=$(date +%s)
work="$cache_root/build-v$PULUMI_VERSION"
rm -rf "$work"
mkdir -p "$work/cli" "$work/langhost-nodejs" "$work/langhost-python" "$work/out"
trap 'status=$?; [ $status -eq 0 ] || log "ERROR: building for pulumi v$PULUMI_VERSION failed (exit $status) after $(( $(date +%s) - start ))s; see the go output above. Work dir: $work"' EXIT

export GOFLAGS=-mod=mod
# The checksum database is not reachable from our machines for recent pulumi tags (the lookup answers
# 404); the modules themselves still come from the module proxy. A caller can override this.
export GONOSUMDB="${GONOSUMDB:-github.com/pulumi/pulumi}"

# build_in DIR MODULE@VERSION PACKAGE OUTPUT LDFLAGS: a wrapper module per binary, because pulumi's own
# go.mod files carry local replace directives, so `go install pkg@version` is refused. (`go get` raises
# the wrapper's `go` line to what the required module asks for.)
build_in() {
  local dir="$1" requirement="$2" package="$3" output="$4" ldflags="$5"
  cat >"$dir/go.mod" <<GOMOD
module pulumibarrack.local/$(basename "$dir")

go 1.25

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >"$dir/tools.go"
  (
    cd "$dir"
    go get "$requirement" >&2
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$output" "$package" >&2
  )
}

# The CLI. A directory from an earlier recipe whose `pulumi` this recipe would build the same way keeps
# it: only the language hosts it lacks are added below.
if [ -x "$bin_dir/pulumi" ] && stamp_reusable "$bin_dir/.build-info" "$cli_stamp" && version_fits "$bin_dir/pulumi"; then
  log "keeping pulumi v$PULUMI_VERSION in $bin_dir (stamp: $(cat "$bin_dir/.build-info")); completing its language hosts"
  cli_built=""
else
  log "building pulumi v$PULUMI_VERSION from Go modules with go $go_version (a cold build takes several minutes)"
  build_in "$work/cli" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$work/out/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  log "pulumi built after $(( $(date +%s) - start ))s"
  version_fits "$work/out/pulumi" ||
    die "built pulumi does not report v$PULUMI_VERSION: $("$work/out/pulumi" version 2>&1 || true)"
  cli_built=1
fi

# The language hosts moved out of sdk/v3 into modules of their own (Node.js in v3.69, Python in v3.80),
# and the module proxy serves no version of those modules; sdk/v3 v3.68.0 is the newest served version
# that contains both (v3.69-v3.79 are not served). Verified 2026-11-23: this v3.68 Node host runs
# TypeScript programs with CLI 3.248 and the 3.248 npm SDK (`@pulumi/pulumi/cmd/run`) for
# up/preview/refresh/destroy, including dynamic providers; and 2026-12-01 likewise with CLI 3.276 and the
# 3.276 SDK. The tests in tests/e2e run every program-directory stack through it. The v3.68 Python host
# runs the `pulumi-language-python-exec` shim that sits next to it (a Python file of that module) with
# the program's interpreter; what works with which PyPI `pulumi` is in scripts/ensure-python.sh. The
# hosts do not depend on the CLI's version, so they are built once into $host_dir and copied into each
# CLI's directory. (The version a host reports is only recorded by the engine; a host shared from an
# older cache reports that CLI's version, a fresh one v3.68.0.)
host_ok() { all_executable "$host_dir" $host_files && [ "$(cat "$host_dir/.build-info" 2>/dev/null || true)" = "$host_info" ]; }
if ! host_ok && [ ! -x "$host_dir/pulumi-language-nodejs" ]; then
  # A CLI directory built before the hosts were shared holds the same hosts.
  for other in "$cache_root"/pulumi-v*/bin; do
    other_stamp="$(cat "$other/.build-info" 2>/dev/null || true)"
    if [ -x "$other/pulumi-language-nodejs" ] && [[ "$other_stamp" == pulumi=v*" $host_stamp recipe="* ]] &&
      recipe_reusable "${other_stamp##* recipe=}"; then
      mkdir -p "$host_dir"
      rm -f "$host_dir/.build-info"
      for f in $host_files; do
        if [ -x "$other/$f" ]; then
          cp "$other/$f" "$host_dir/$f.tmp.$$"
          mv -f "$host_dir/$f.tmp.$$" "$host_dir/$f"
        fi
      done
      echo "$host_stamp recipe=${other_stamp##* recipe=}" >"$host_dir/.build-info"
      log "sharing the language hosts of $other"
      break
    fi
  done
fi
if host_ok; then
  log "using the cached language hosts ($host_dir)"
else
  # Keep what an earlier recipe built the same way; build the rest.
  host_reusable=""
  stamp_reusable "$host_dir/.build-info" "$host_stamp" && host_reusable=1
  mkdir -p "$host_dir"
  host_ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_HOST_SDK_VERSION"
  if [ -n "$host_reusable" ] && [ -x "$host_dir/pulumi-language-nodejs" ]; then
    log "keeping the Node.js language host ($host_dir)"
  else
    log "building the Node.js language host (sdk/$LANGUAGE_HOST_SDK_VERSION)"
    build_in "$work/langhost-nodejs" "github.com/pulumi/pulumi/sdk/v3@$LANGUAGE_HOST_SDK_VERSION" \
      github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$work/langhost-nodejs/pulumi-language-nodejs" \
      "$host_ldflags"
    rm -f "$host_dir/.build-info"
    mv -f "$work/langhost-nodejs/pulumi-language-nodejs" "$host_dir/pulumi-language-nodejs"
    log "Node.js language host built after $(( $(date +%s) - start ))s"
  fi
  if [ -n "$host_reusable" ] && all_executable "$host_dir" pulumi-language-python pulumi-language-python-exec; then
    log "keeping the Python language host ($host_dir)"
  else
    log "building the Python language host (sdk/$LANGUAGE_HOST_SDK_VERSION)"
    build_in "$work/langhost-python" "github.com/pulumi/pulumi/sdk/v3@$LANGUAGE_HOST_SDK_VERSION" \
      github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python "$work/langhost-python/pulumi-language-python" \
      "$host_ldflags"
    # The exec shim is a Python file in the module (read-only in the module cache).
    shim="$(cd "$work/langhost-python" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
    [ -f "$shim" ] || die "missing $shim in sdk/$LANGUAGE_HOST_SDK_VERSION"
    cp "$shim" "$work/langhost-python/pulumi-language-python-exec"
    chmod 755 "$work/langhost-python/pulumi-language-python-exec"
    rm -f "$host_dir/.build-info"
    mv -f "$work/langhost-python/pulumi-language-python-exec" "$host_dir/pulumi-language-python-exec"
    mv -f "$work/langhost-python/pulumi-language-python" "$host_dir/pulumi-language-python"
    log "Python language host built after $(( $(date +%s) - start ))s"
  fi
  echo "$host_info" >"$host_dir/.build-info"
  host_ok || die "the language hosts in $host_dir are incomplete"
fi
for f in $host_files; do cp "$host_dir/$f" "$work/out/$f"; done

# Publish: move the binaries into place (same filesystem, so each mv is atomic), the stamp last.
mkdir -p "$bin_dir"
rm -f "$bin_dir/.build-info"
[ -z "$cli_built" ] || mv -f "$work/out/pulumi" "$bin_dir/pulumi"
for f in $host_files; do mv -f "$work/out/$f" "$bin_dir/$f"; done
install_launcher "$bin_dir"
echo "$build_info" >"$bin_dir/.build-info"
rm -rf "$work"
if [ -n "$cli_built" ]; then
  log "built pulumi v$PULUMI_VERSION in $(( $(date +%s) - start ))s into $bin_dir"
else
  log "completed pulumi v$PULUMI_VERSION's language hosts in $(( $(date +%s) - start ))s ($bin_dir)"
fi
echo "$bin_dir"
