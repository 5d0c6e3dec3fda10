#!/usr/bin/env bash
# Runs kubernetes-validate (PyPI: the Kubernetes API's JSON schemas and a validator), installing it
# first into a venv in the ignored cache (once, again when the pins change).
#
#   infra/helm/kubernetes-validate.sh --strict -k 1.33.0 manifests.yaml
#   infra/helm/kubernetes-validate.sh --version
#
# Every package is pinned in kubernetes-validate.requirements.txt beside this file; the venv is of
# Debian's python3, like the stack's other venvs, and `pip check` must be clean.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REQUIREMENTS=$ROOT/infra/helm/kubernetes-validate.requirements.txt
PYTHON=${KUBERNETES_VALIDATE_PYTHON:-/usr/bin/python3}
HOME_DIR=$ROOT/.cache/kubernetes-validate
PIN=$(sha256sum "$REQUIREMENTS" | cut -c1-12)
VENV=$HOME_DIR/venv-$PIN

# The marker is written last, so an interrupted install is redone next time.
if [ ! -f "$VENV/.complete" ]; then
  [ -x "$PYTHON" ] || { echo "[kubernetes-validate] needs python3 ($PYTHON)" >&2; exit 1; }
  echo "[kubernetes-validate] installing into $VENV" >&2
  start=$(date +%s)
  # Venvs of earlier pins go with it.
  rm -rf "$HOME_DIR"/venv-*
  mkdir -p "$HOME_DIR"
  "$PYTHON" -m venv "$VENV"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install -q --no-deps -r "$REQUIREMENTS" || { rm -rf "$VENV"; exit 1; }
  broken=$("$VENV/bin/pip" check 2>&1) || { echo "[kubernetes-validate] the venv is inconsistent: $broken" >&2; rm -rf "$VENV"; exit 1; }
  touch "$VENV/.complete"
  echo "[kubernetes-validate] installed $("$VENV/bin/kubernetes-validate" --version 2>&1) in $(( $(date +%s) - start ))s" >&2
fi

exec "$VENV/bin/kubernetes-validate" "$@"
