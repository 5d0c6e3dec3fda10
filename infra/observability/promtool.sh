#!/usr/bin/env bash
# Runs promtool, building it first from the Go module proxy into the ignored cache (once).
#
#   infra/observability/promtool.sh check config infra/observability/prometheus.yml
#   infra/observability/promtool.sh --version
#
# Prometheus publishes its Go module as v0.3MM.P for Prometheus 3.MM.P (v0.315.0 is 3.15.0).
# `go install module/cmd/promtool@version` refuses that module because its go.mod has a replace
# directive, so, as for Jaeger (infra/local/components/jaeger.sh), the build runs inside the
# module's directory in the Go module cache, where it is the main module and the replace applies.
# Newer versions need dependency versions the module proxy here does not serve yet (403).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

PROMETHEUS_MODULE=github.com/prometheus/prometheus
PROMETHEUS_MODULE_VERSION=v0.315.0
PROMTOOL_HOME=$ROOT/.cache/promtool/$PROMETHEUS_MODULE_VERSION
PROMTOOL_BIN=$PROMTOOL_HOME/promtool

if [ ! -x "$PROMTOOL_BIN" ]; then
  command -v go >/dev/null 2>&1 || { echo "[promtool] building promtool needs the Go toolchain (go) on PATH" >&2; exit 1; }
  echo "[promtool] building promtool from $PROMETHEUS_MODULE@$PROMETHEUS_MODULE_VERSION (a cold build takes minutes)" >&2
  start=$(date +%s)
  dir=$(GOWORK=off go mod download -json "$PROMETHEUS_MODULE@$PROMETHEUS_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$dir/cmd/promtool" ] || { echo "[promtool] no cmd/promtool in the downloaded module ($dir)" >&2; exit 1; }
  mkdir -p "$PROMTOOL_HOME"
  # A partial build never sits at the final path, so an interrupted build is retried next time.
  # Version info as Prometheus' own release build sets it (v0.315.0 -> 3.15.0), so --version says what this is.
  IFS=. read -r _ minor patch <<<"${PROMETHEUS_MODULE_VERSION#v}"
  version=$((10#$minor / 100)).$((10#$minor % 100)).$patch
  (cd "$dir" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$PROMTOOL_BIN.partial" \
    -ldflags "-X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=$PROMETHEUS_MODULE_VERSION" \
    ./cmd/promtool)
  mv -f "$PROMTOOL_BIN.partial" "$PROMTOOL_BIN"
  echo "[promtool] built $("$PROMTOOL_BIN" --version 2>&1 | head -n 1) in $(( $(date +%s) - start ))s" >&2
else
  echo "[promtool] cached: $PROMTOOL_BIN" >&2
fi

exec "$PROMTOOL_BIN" "$@"
