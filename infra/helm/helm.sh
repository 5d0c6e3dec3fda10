#!/usr/bin/env bash
# Runs helm, building it first from the Go module proxy into the ignored cache (once).
#
#   infra/helm/helm.sh version
#   infra/helm/helm.sh lint --strict infra/helm/claims-mesh -f infra/helm/claims-mesh/values-laptop.yaml
#   infra/helm/helm.sh template claims-mesh infra/helm/claims-mesh -f infra/helm/claims-mesh/values-production.yaml
#
# No helm release binary can be downloaded here, but Helm 4 is a Go module (helm.sh/helm/v4) on the
# module proxy (built as promtool is, infra/lib/go-module-build.sh), with the version stamped as
# Helm's own Makefile stamps it, so `helm version` says what this is.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

HELM_MODULE=helm.sh/helm/v4
HELM_MODULE_VERSION=v4.3.2
HELM_HOME=$ROOT/.cache/helm/$HELM_MODULE_VERSION
HELM_BIN=$HELM_HOME/helm

. "$ROOT/infra/lib/go-module-build.sh"
go_tool helm "$HELM_MODULE" "$HELM_MODULE_VERSION" cmd/helm "$HELM_BIN" \
  "-w -s -X helm.sh/helm/v4/internal/version.version=$HELM_MODULE_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

# Helm keeps its own state (repositories, plugins, registry logins) beside the binary, not in $HOME:
# the chart here needs none of it, and nothing leaks into or out of the user's own helm set-up.
export HELM_CACHE_HOME=${HELM_CACHE_HOME:-$HELM_HOME/home/cache}
export HELM_CONFIG_HOME=${HELM_CONFIG_HOME:-$HELM_HOME/home/config}
export HELM_DATA_HOME=${HELM_DATA_HOME:-$HELM_HOME/home/data}

exec "$HELM_BIN" "$@"
