#!/usr/bin/env bash
# Finds or builds the Pulumi YAML language host `pulumi-language-yaml`, so that YAML programs
# (`runtime: yaml`) can run under the native plugin offline. Release binaries cannot be downloaded here,
# so it is built from Go modules and cached outside the repo (shared native-plugin-notes §4, YAML).
#
#   bash scripts/ensure-yaml.sh        # prints the directory holding pulumi-language-yaml (last stdout line)
#
# Put that directory on PATH before the CLI's (the CLI then warns "using pulumi-language-yaml from $PATH").
# The host does not depend on the CLI's version: this one runs YAML programs under CLI 3.248.0 and 3.276.0
# (tests/e2e/plugin/yaml.test.ts).
#
# The recipe: github.com/pulumi/pulumi-yaml v1.25.0 is the only recent version the module proxy serves
# (the YAML host CLI v3.207-v3.210 bundled). Its go.mod asks for pkg/v3 and sdk/v3 v3.206.0; the proxy
# serves pkg/v3 v3.206.0 but not sdk/v3 v3.206.0, so a wrapper module pins sdk/v3 to the next served
# version, v3.207.0, which compiles as is. Measured 2026-12-06 on 2 busy cores: 199 s cold (modules
# downloaded, pkg v3.206.0 compiled; other Go builds running), a few seconds with a warm Go build cache.
#
# Needs Go (>= 1.24.7, pulumi-yaml's go line) with access to the Go module proxy. Exits non-zero with a
# reason on stderr when it cannot build the host.
#
# Environment:
#   PULUMI_BARRACK_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-barrack)
#   GOTOOLCHAIN            default "local"
#   GONOSUMDB              default github.com/pulumi/pulumi (the checksum DB answers 404 for these tags)
#
# Safe to run concurrently: builds take the lock scripts/ensure-pulumi.sh takes (one Go build at a time).
set -euo pipefail

YAML_VERSION="1.25.0"
PKG_VERSION="v3.206.0"
SDK_VERSION="v3.207.0"
# Bump when the recipe changes, so stale caches are rebuilt.
BUILD_RECIPE="1"

cache_root="${PULUMI_BARRACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-barrack}"
host_dir="$cache_root/language-host-yaml-v$YAML_VERSION"
build_info="pulumi-yaml=v$YAML_VERSION pkg=$PKG_VERSION sdk=$SDK_VERSION recipe=$BUILD_RECIPE"

log() { echo "ensure-yaml: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cache_ok() {
  [ -x "$host_dir/pulumi-language-yaml" ] && [ "$(cat "$host_dir/.build-info" 2>/dev/null || true)" = "$build_info" ]
}
use_cache() {
  log "using the cached YAML language host ($host_dir)"
  echo "$host_dir"
  exit 0
}

cache_ok && use_cache

mkdir -p "$cache_root"
# shellcheck source=cache-lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/cache-lock.sh"
take_lock "$cache_root/.build.lock" "another Go build is running in $cache_root"
cache_ok && use_cache

command -v go >/dev/null 2>&1 || die "no Go toolchain to build pulumi-language-yaml with: install Go (>= 1.24.7)"

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS=-mod=mod
export GONOSUMDB="${GONOSUMDB:-github.com/pulumi/pulumi}"

start=$(date +%s)
work="$cache_root/build-yaml-v$YAML_VERSION"
rm -rf "$work"
mkdir -p "$work"
trap 'status=$?; [ $status -eq 0 ] || log "ERROR: building pulumi-language-yaml failed (exit $status) after $(( $(date +%s) - start ))s; see the go output above. Work dir: $work"' EXIT

log "building pulumi-language-yaml v$YAML_VERSION (pkg/v3 $PKG_VERSION, sdk/v3 $SDK_VERSION) with $(go env GOVERSION)"
cat >"$work/go.mod" <<GOMOD
module pulumibarrack.local/yaml-host

go 1.25

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"\n' >"$work/tools.go"
(
  cd "$work"
  go get "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" "github.com/pulumi/pulumi/pkg/v3@$PKG_VERSION" \
    "github.com/pulumi/pulumi/sdk/v3@$SDK_VERSION" >&2
  # MVS could raise a pin if a requirement asked for more; the recipe is only known to work with these.
  for pin in "github.com/pulumi/pulumi/pkg/v3 $PKG_VERSION" "github.com/pulumi/pulumi/sdk/v3 $SDK_VERSION"; do
    got="$(go list -m ${pin% *})"
    [ "$got" = "$pin" ] || die "the wrapper module resolved $got, not $pin"
  done
  go build -trimpath -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
    -o "$work/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml >&2
)
[ -x "$work/pulumi-language-yaml" ] || die "go build left no $work/pulumi-language-yaml"

mkdir -p "$host_dir"
rm -f "$host_dir/.build-info"
mv -f "$work/pulumi-language-yaml" "$host_dir/pulumi-language-yaml"
echo "$build_info" >"$host_dir/.build-info"
rm -rf "$work"
log "built pulumi-language-yaml v$YAML_VERSION in $(( $(date +%s) - start ))s into $host_dir"
echo "$host_dir"
