#!/usr/bin/env bash
# Builds k6 from the Go module proxy into the ignored cache and prints the binary's path on stdout.
# A warm cache returns at once. Only the Go module proxy is needed (no release downloads).
#
# v1.8.1 is the newest k6 on the proxy; its go.mod asks for Go 1.25, so any Go >= 1.25 builds it
# (GOTOOLCHAIN=local keeps `go` from fetching another toolchain).
# usage: load-tests/k6/install-k6.sh   (K6_VERSION=vX.Y.Z to build another release)
set -euo pipefail

K6_VERSION=${K6_VERSION:-v1.8.1}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
K6_HOME=$ROOT/.cache/k6-$K6_VERSION
K6_BIN=$K6_HOME/k6

log() { printf '[k6] %s\n' "$*" >&2; }

if [ ! -x "$K6_BIN" ]; then
  command -v go >/dev/null 2>&1 || { log "building k6 needs the Go toolchain (go) on PATH"; exit 1; }
  log "building k6 $K6_VERSION with $(go version | awk '{print $3}') from the Go module proxy (a cold build takes minutes)"
  start=$(date +%s)
  # Build into a scratch GOBIN and move the binary in last, so an interrupted build never
  # leaves a half-written k6 that the check above would take for a finished one.
  mkdir -p "$ROOT/.cache"
  tmp=$(mktemp -d "$ROOT/.cache/k6-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN=$tmp go install -trimpath "go.k6.io/k6@$K6_VERSION"
  mkdir -p "$K6_HOME"
  mv -f "$tmp/k6" "$K6_BIN"
  log "built $("$K6_BIN" version | head -1) in $(( $(date +%s) - start ))s"
fi
echo "$K6_BIN"
