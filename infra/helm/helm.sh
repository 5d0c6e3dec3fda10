#!/usr/bin/env bash
# Runs helm, building it first from the Go module proxy into the ignored cache (once).
#
#   infra/helm/helm.sh version
#   infra/helm/helm.sh lint --strict infra/helm/claims-mesh -f infra/helm/claims-mesh/values-laptop.yaml
#   infra/helm/helm.sh template claims-mesh infra/helm/claims-mesh -f infra/helm/claims-mesh/values-production.yaml
#
# No helm release binary can be downloaded here, but Helm 4 is a Go module (helm.sh/helm/v4) on the
# module proxy. As for promtool (infra/observability/promtool.sh), the build runs inside the module's
# directory in the Go module cache, where it is the main module, with the version stamped as Helm's
# own Makefile stamps it, so `helm version` says what this is.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

HELM_MODULE=helm.sh/helm/v4
HELM_MODULE_VERSION=v4.3.2
HELM_HOME=$ROOT/.cache/helm/$HELM_MODULE_VERSION
HELM_BIN=$HELM_HOME/helm

if [ ! -x "$HELM_BIN" ]; then
  command -v go >/dev/null 2>&1 || { echo "[helm] building helm needs the Go toolchain (go) on PATH" >&2; exit 1; }
  echo "[helm] building helm from $HELM_MODULE@$HELM_MODULE_VERSION (a cold build takes minutes)" >&2
  start=$(date +%s)
  dir=$(GOWORK=off go mod download -json "$HELM_MODULE@$HELM_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$dir/cmd/helm" ] || { echo "[helm] no cmd/helm in the downloaded module ($dir)" >&2; exit 1; }
  mkdir -p "$HELM_HOME"
  # A partial build never sits at the final path, so an interrupted build is retried next time.
  (cd "$dir" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$HELM_BIN.partial" \
    -ldflags "-w -s -X helm.sh/helm/v4/internal/version.version=$HELM_MODULE_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
    ./cmd/helm)
  mv -f "$HELM_BIN.partial" "$HELM_BIN"
  echo "[helm] built $("$HELM_BIN" version --short 2>&1 | head -n 1) in $(( $(date +%s) - start ))s" >&2
else
  echo "[helm] cached: $HELM_BIN" >&2
fi

# Helm keeps its own state (repositories, plugins, registry logins) beside the binary, not in $HOME:
# the chart here needs none of it, and nothing leaks into or out of the user's own helm set-up.
export HELM_CACHE_HOME=${HELM_CACHE_HOME:-$HELM_HOME/home/cache}
export HELM_CONFIG_HOME=${HELM_CONFIG_HOME:-$HELM_HOME/home/config}
export HELM_DATA_HOME=${HELM_DATA_HOME:-$HELM_HOME/home/data}

exec "$HELM_BIN" "$@"
