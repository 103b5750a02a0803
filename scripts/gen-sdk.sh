#!/usr/bin/env bash
# Generates the Python, Go and Node.js SDKs (sdk/python, sdk/go + sdk/go.mod/go.sum, sdk/nodejs) from the
# provider's Pulumi package schema, offline. `pulumi package gen-sdk` cannot do it here: it asks each
# language host for GeneratePackage, which the v3.68 hosts we build lack (shared native-plugin-notes §3),
# so scripts/gen-sdk (a small Go program) calls pulumi/pkg v3.276.0's code generators directly.
#
#   bash scripts/gen-sdk.sh            # regenerate sdk/ from provider/plugin/schema.json
#   bash scripts/gen-sdk.sh --check    # exit 1 with a summary when the sdk/ in the work tree is stale
#   bash scripts/gen-sdk.sh --schema /tmp/schema.json --out /tmp/sdk --languages python,go
#
# The generator is built once per source (sha of scripts/gen-sdk/{go.mod,go.sum,*.go}) into
# ${PULUMI_BARRACK_CACHE:-~/.cache/pulumi-barrack}/gen-sdk-<sha>/gen-sdk. A cold build compiles much of
# pulumi/pkg (its modules are those of ensure-pulumi.sh's CLI v3.276.0 build; the Go build cache grows by
# ~530 MB): 175 s (114 s CPU) on 2 cores with the modules downloaded and an empty build cache, on a busy
# machine (2026-12-06); 5 s when only main.go changed.
#
# The schema's `language` blocks that the SDKs are meant to be generated with (see main.go):
#   python: {"packageName": "pulumi_barrack", "respectSchemaVersion": true, "pyproject": {"enabled": true}}
#   nodejs: {"packageName": "@barrack/pulumi", "respectSchemaVersion": true}
#   go:     {"importBasePath": "github.com/barrack-ai/pulumi-barrack/sdk/go/barrack",
#            "respectSchemaVersion": true, "generateResourceContainerTypes": false}
#
# sdk/go.mod and sdk/go.sum come from `go mod tidy`, so generating the Go SDK needs the module proxy
# (or a warm module cache) and Go >= the go line of github.com/pulumi/pulumi/sdk/v3 v3.276.0 (1.26.6).
#
# Exit status: 0 done (--check: up to date), 1 (--check only) sdk/ is stale, 2 error (schema errors included).
#
# Environment:
#   PULUMI_BARRACK_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-barrack)
#   GOTOOLCHAIN            default "local"
#   GONOSUMDB              default github.com/pulumi/pulumi (the checksum DB answers 404 for these tags)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${PULUMI_BARRACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-barrack}"
src="$repo_root/scripts/gen-sdk"

log() { echo "gen-sdk: $*" >&2; }
die() { log "ERROR: $*"; exit 2; } # 2, so that `--check` exits 1 only for a stale sdk/
usage() {
  sed -n '7,9p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit 2
}

check=0
schema="$repo_root/provider/plugin/schema.json"
out="$repo_root/sdk"
languages="python,go,nodejs"
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --schema) schema="${2:?--schema needs a path}"; shift ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    --languages) languages="${2:?--languages needs a list}"; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
  shift
done
[ -f "$schema" ] || die "no schema at $schema (the provider plugin's build writes provider/plugin/schema.json)"
schema="$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")"

command -v go >/dev/null 2>&1 || die "Go is needed to build the generator (>= 1.26.6, the go line of pulumi/pkg v3.276.0)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GONOSUMDB="${GONOSUMDB:-github.com/pulumi/pulumi}"
# A go.work above the repo or the output must not pull these modules into someone else's workspace.
export GOWORK=off

# 1. Build the generator, once per source version.
src_sha="$(cd "$src" && cat go.mod go.sum $(LC_ALL=C ls ./*.go) | sha256sum | cut -c1-16)"
build_dir="$cache_root/gen-sdk-$src_sha"
gen="$build_dir/gen-sdk"
if [ ! -x "$gen" ]; then
  mkdir -p "$build_dir"
  # Serialize builds of the same generator (jest workers, several checkouts). A lock of its own, not
  # ensure-pulumi's .build.lock: a CLI build holds that one for 5-8 minutes.
  # shellcheck source=cache-lock.sh
  . "$repo_root/scripts/cache-lock.sh"
  take_lock "$build_dir/.build.lock" "another gen-sdk.sh is building $gen"
  if [ ! -x "$gen" ]; then
    log "building the SDK generator (pulumi/pkg v3.276.0 codegen; a cold build takes a few minutes)"
    start=$(date +%s)
    # -mod=readonly: the committed go.mod/go.sum are the whole truth; a build never rewrites them.
    (cd "$src" && go build -mod=readonly -trimpath -o "$gen.tmp.$$" .) >&2 ||
      die "building the generator failed after $(( $(date +%s) - start ))s (see the go output above)"
    mv -f "$gen.tmp.$$" "$gen"
    log "built the generator in $(( $(date +%s) - start ))s: $gen"
  fi
  exec 9>&-
fi

# Mark this generator used, and drop those of other sources unused for 30 days (~45 MB each).
touch "$gen" 2>/dev/null || true
for other in "$cache_root"/gen-sdk-*/; do
  other="${other%/}"
  [ "$other" != "$build_dir" ] && [ -n "$(find "$other/gen-sdk" -mtime +30 2>/dev/null)" ] && rm -rf "$other"
done

# generate DIR: writes the SDKs into DIR, then lets `go mod tidy` complete DIR/go.mod and write go.sum.
generate() {
  "$gen" --schema "$schema" --out "$1" --languages "$languages" || die "generating the SDKs failed (see above)"
  if [[ ",$languages," == *",go,"* ]]; then
    (cd "$1" && GOFLAGS=-mod=mod go mod tidy) >&2 || die "go mod tidy in $1 failed (see above)"
  fi
}

# The paths (relative to the sdk dir) that the generator owns, for the comparison.
owned_prefixes() {
  local l
  for l in ${languages//,/ }; do echo "$l/"; done
  [[ ",$languages," != *",go,"* ]] || printf '%s\n' go.mod go.sum
}
owned() { # stdin: relative paths; stdout: those the generator owns
  local p prefixes
  prefixes="$(owned_prefixes)"
  while IFS= read -r p; do
    while IFS= read -r pre; do
      if [ "$p" = "$pre" ] || [[ "$pre" == */ && "$p" == "$pre"* ]]; then echo "$p"; break; fi
    done <<<"$prefixes"
  done
}

# The files of the current sdk dir, relative to it: what git would commit (tracked or untracked, not
# ignored: so node_modules/, bin/, build/, *.egg-info/ … under the generated .gitignore files do not
# count), or, outside a git work tree, every file but those build directories.
current_files() {
  local dir="$1"
  if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$dir" && git ls-files -co --exclude-standard -z -- . | tr '\0' '\n' | while IFS= read -r f; do
      [ -f "$f" ] && echo "$f"
    done)
  else
    (cd "$dir" && find . -type f \
      -not -path '*/node_modules/*' -not -path './nodejs/bin/*' -not -path '*/__pycache__/*' \
      -not -path './python/build/*' -not -path './python/dist/*' -not -path '*.egg-info/*' | sed 's|^\./||')
  fi
}

if [ "$check" = 0 ]; then
  mkdir -p "$out"
  generate "$out"
  log "generated $languages SDKs into $out from $schema"
  exit 0
fi

# 2. --check: generate into a temporary directory and compare.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/gen-sdk-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# Quiet unless it fails (schema errors, go mod tidy).
(generate "$tmp/sdk") 2>"$tmp/generate.log" || { cat "$tmp/generate.log" >&2; exit 2; }
(cd "$tmp/sdk" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/want"
if [ -d "$out" ]; then current_files "$out" | owned | LC_ALL=C sort >"$tmp/have"; else : >"$tmp/have"; fi

missing="$(LC_ALL=C comm -23 "$tmp/want" "$tmp/have")"
extra="$(LC_ALL=C comm -13 "$tmp/want" "$tmp/have")"
differ="$(LC_ALL=C comm -12 "$tmp/want" "$tmp/have" | while IFS= read -r f; do
  cmp -s "$tmp/sdk/$f" "$out/$f" || echo "$f"
done)"

if [ -z "$missing$extra$differ" ]; then
  log "$out is up to date with $schema ($(wc -l <"$tmp/want") files)"
  exit 0
fi
count() { [ -z "$1" ] && echo 0 || wc -l <<<"$1"; }
log "$out is stale: $(count "$differ") differ, $(count "$missing") missing, $(count "$extra") extra"
show() { # label, list
  [ -n "$2" ] || return 0
  head -n 20 <<<"$2" | sed "s|^|  $1 ${out%/}/|" >&2
  local n; n="$(count "$2")"
  [ "$n" -le 20 ] || log "  … and $(( n - 20 )) more $1"
}
show "differs:" "$differ"
show "missing:" "$missing"
show "extra:  " "$extra"
log "regenerate with: bash scripts/gen-sdk.sh$([ "$schema" = "$repo_root/provider/plugin/schema.json" ] || printf ' --schema %q' "$schema")$([ "$out" = "$repo_root/sdk" ] || printf ' --out %q' "$out")$([ "$languages" = python,go,nodejs ] || printf ' --languages %q' "$languages")"
exit 1
