#!/usr/bin/env bash
# The chart's laptop values run with podman beside the local stack (`make demo`'s Kafka, registry,
# Redis, Jaeger, MLflow and Triton on 127.0.0.1), the images from `make images`:
#
#   infra/helm/laptop.sh up [helm options...]   render values-laptop.yaml and `podman kube play` it
#   infra/helm/laptop.sh down                   `podman kube down` what `up` played
#   infra/helm/laptop.sh render [helm options...]   print the manifests only
#
# Extra helm options go to `helm template` (e.g. --set services.ingest.port=3401). The services run
# as user 10001, which cannot read the checkout's development secrets (root's, mode 0600): `up`
# copies them to .cache/laptop/secrets owned by 10001, as a Kubernetes Secret volume would present
# them, and points the chart's devRoot there.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=$ROOT/infra/images/containers.conf
WORK=$ROOT/.cache/laptop
PLAYED=$WORK/claims-mesh.yaml

# The files the chart's values name by devPath, copied under the same relative paths.
stage_secrets() {
  local root=$WORK/secrets path
  rm -rf "$root"
  for path in infra/local/api-keys.json infra/local/webhooks.json .cache/dev-secrets/pii-kek .cache/dev-secrets/pseudonym-secret; do
    [ -f "$ROOT/$path" ] || { echo "[laptop] $path is missing (infra/local/stack up makes the dev secrets)" >&2; exit 1; }
    mkdir -p "$root/$(dirname "$path")"
    install -m 0400 -o 10001 -g 10001 "$ROOT/$path" "$root/$path"
  done
  echo "$root"
}

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
    render "$(stage_secrets)" "$@" >"$PLAYED.partial"
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
