#!/usr/bin/env bash
# The chart's laptop values run with podman beside the local stack (`make demo`'s Kafka, registry,
# Redis, Jaeger, MLflow and Triton on 127.0.0.1), the images from `make images`:
#
#   infra/helm/laptop.sh up [helm options...]   render values-laptop.yaml and `podman kube play` it
#   infra/helm/laptop.sh down                   `podman kube down` what `up` played
#   infra/helm/laptop.sh render [helm options...]   print the manifests only
#
# Extra helm options go to `helm template` (e.g. --set services.ingest.port=3401). `up` copies the
# development secrets for the images' user to .cache/laptop/secrets (infra/lib/container-secrets.sh)
# and points the chart's devRoot there.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=$ROOT/infra/images/containers.conf
WORK=$ROOT/.cache/laptop
PLAYED=$WORK/claims-mesh.yaml
. "$ROOT/infra/lib/container-secrets.sh"

render() {
  local secrets=$1; shift
  # The stack's live model repository (the rollout controller reads candidates there).
  local models; models=$(. "$ROOT/infra/local/lib.sh" && . "$ROOT/infra/local/components/triton.sh" && echo "$TRITON_MODELS")
  "$HERE/helm.sh" template claims-mesh "$HERE/claims-mesh" -f "$HERE/claims-mesh/values-laptop.yaml" \
    --set "secrets.devRoot=$secrets" --set "modelRepository.hostPath=$models" "$@"
}

case "${1:-}" in
  up)
    shift
    mkdir -p "$WORK"
    [ ! -f "$PLAYED" ] || podman kube down "$PLAYED" >/dev/null 2>&1 || true
    stage_container_secrets "$ROOT" "$WORK/secrets"
    render "$WORK/secrets" "$@" >"$PLAYED.partial"
    mv "$PLAYED.partial" "$PLAYED"
    podman kube play "$PLAYED"
    ;;
  down)
    [ -f "$PLAYED" ] || { echo "[laptop] nothing played"; exit 0; }
    podman kube down "$PLAYED"
    rm -f "$PLAYED"
    rm -rf "$WORK/secrets"
    ;;
  render)
    shift
    render "${LAPTOP_SECRETS:-$ROOT}" "$@"
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
