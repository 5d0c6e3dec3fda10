#!/usr/bin/env bash
# Runs promtool, building it first from the Go module proxy into the ignored cache (once).
#
#   infra/observability/promtool.sh check config infra/observability/prometheus.yml
#   infra/observability/promtool.sh --version
#
# Prometheus publishes its Go module as v0.3MM.P for Prometheus 3.MM.P (v0.315.0 is 3.15.0).
# Built inside the module's directory in the Go module cache (infra/lib/go-module-build.sh says why).
# Newer versions need dependency versions the module proxy here does not serve yet (403).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

PROMETHEUS_MODULE=github.com/prometheus/prometheus
PROMETHEUS_MODULE_VERSION=v0.315.0
PROMTOOL_HOME=$ROOT/.cache/promtool/$PROMETHEUS_MODULE_VERSION
PROMTOOL_BIN=$PROMTOOL_HOME/promtool

. "$ROOT/infra/lib/go-module-build.sh"
# Version info as Prometheus' own release build sets it (v0.315.0 -> 3.15.0), so --version says what this is.
IFS=. read -r _ minor patch <<<"${PROMETHEUS_MODULE_VERSION#v}"
version=$((10#$minor / 100)).$((10#$minor % 100)).$patch
go_tool promtool "$PROMETHEUS_MODULE" "$PROMETHEUS_MODULE_VERSION" cmd/promtool "$PROMTOOL_BIN" \
  "-X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=$PROMETHEUS_MODULE_VERSION"

exec "$PROMTOOL_BIN" "$@"
