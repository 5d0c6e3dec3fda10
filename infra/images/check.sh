#!/usr/bin/env bash
# Starts each Node service's image against the local stack (Kafka, registry, Redis, Triton,
# MLflow on their default loopback ports), read-only, as user 10001, and asks its /health/ready;
# stops it again. Ports 3901-3907, so it runs beside the services of `make demo`.
#
#   infra/images/check.sh [service...]     (images from infra/images/build.sh, tag :dev)
#
# The development secrets and key files are mounted read-only from a copy readable by the
# image's user (infra/lib/container-secrets.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CONTAINERS_CONF=$HERE/containers.conf
REPO=localhost/claims-mesh
TAG=${TAG:-dev}
SERVICES=(ingest feature inference-gateway decision human-task audit rollout-controller)
if [ $# -gt 0 ]; then SERVICES=("$@"); fi

secrets=$ROOT/.cache/images/check-secrets
. "$ROOT/infra/lib/container-secrets.sh"
stage_container_secrets "$ROOT" "$secrets"

# The live Triton model repository of the local stack (the rollout controller reads candidates
# and drift references there), mounted read-only: a check must not change the shared stack.
TRITON_MODELS=$(. "$ROOT/infra/local/lib.sh" && . "$ROOT/infra/local/components/triton.sh" && echo "$TRITON_MODELS")

port_of() { local i; for i in "${!ALL[@]}"; do if [ "${ALL[$i]}" = "$1" ]; then echo $((3901 + i)); fi; done; }
ALL=(ingest feature inference-gateway decision human-task audit rollout-controller)

failed=0
for name in "${SERVICES[@]}"; do
  port=$(port_of "$name")
  container=claims-mesh-check-$name
  podman rm -f "$container" >/dev/null 2>&1 || true
  podman run -d --name "$container" --read-only --tmpfs /tmp --network host \
    -v "$secrets:/run/secrets/claims-mesh:ro" \
    -v "$TRITON_MODELS:/run/triton-models:ro" -e TRITON_MODEL_REPOSITORY=/run/triton-models \
    -e PORT="$port" \
    -e PII_KEK_FILE=/run/secrets/claims-mesh/.cache/dev-secrets/pii-kek \
    -e PSEUDONYM_SECRET_FILE=/run/secrets/claims-mesh/.cache/dev-secrets/pseudonym-secret \
    -e API_KEYS_FILE=/run/secrets/claims-mesh/infra/local/api-keys.json \
    -e WEBHOOKS_FILE=/run/secrets/claims-mesh/infra/local/webhooks.json \
    "$REPO/$name:$TAG" >/dev/null
  start=$(date +%s) status=000
  while [ $(( $(date +%s) - start )) -lt 90 ]; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)
    [ "$status" = 200 ] && break
    [ "$(podman inspect --format '{{.State.Running}}' "$container")" = true ] || break
    sleep 1
  done
  user=$(podman exec "$container" node -e 'process.stdout.write(String(process.getuid()))' 2>/dev/null || echo '?')
  # The root filesystem refuses writes (only the /tmp emptyDir takes them).
  write=$(podman exec "$container" node -e 'try { require("fs").writeFileSync("/app/probe", "") ; console.log("writable") } catch (e) { console.log(e.code) }' 2>/dev/null || echo '?')
  printf '%-20s port %s  GET /health/ready -> %s after %ss  (uid %s, write to /app: %s)\n' "$name" "$port" "$status" $(( $(date +%s) - start )) "$user" "$write"
  if [ "$status" != 200 ]; then
    failed=1
    podman logs --tail 30 "$container" 2>&1 | sed 's/^/    /'
  fi
  podman rm -f -t 10 "$container" >/dev/null
done
rm -rf "$secrets"
exit $failed
