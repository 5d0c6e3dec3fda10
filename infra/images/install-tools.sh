#!/usr/bin/env bash
# Installs Debian's podman, buildah and runc (and rsync, for staging) when any is missing (crun, podman's default runtime
# on Debian, refuses to run in this sandbox; containers.conf beside this script selects runc).
# Idempotent: prints nothing when all three are already there.
set -euo pipefail
missing=$(for p in podman buildah runc rsync; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
[ -z "$missing" ] && exit 0
start=$(date +%s)
echo "[images] installing" $missing "from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
echo "[images] Debian packages for containers installed in $(( $(date +%s) - start ))s"
