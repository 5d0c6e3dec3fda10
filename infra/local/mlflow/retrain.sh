#!/usr/bin/env bash
# `make retrain`: adds the newly labelled claims to the training dataset (infra/dataset), trains
# candidates on it to replace the fraud models Triton serves and registers them, with their model
# cards, in the stack's MLflow (infra/models/retrain.py says how).
#
# The current versions are those of the model repository Triton's install trained, so that
# repository must exist first, then MLflow runs, whose `up` registers those current versions,
# the candidates' parents. The dataset job needs Kafka and the schema registry. Candidates go to
# $STACK_DATA/models/candidates (replaced by each run), then into Triton's repository and onto
# every shard (install_candidates, at the end).
#
# Arguments go to retrain.py: `retrain.sh --flip-labels` trains a deliberately bad candidate, for
# rollback drills and the rollback test only. RETRAIN_PARENT_VERSION (the rollout controller sets it
# to the primary it retrains) names the version the candidate replaces; the newest one by default.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STACK=$HERE/../stack
. "$HERE/../lib.sh"
. "$HERE/../components/triton.sh"
. "$HERE/../components/mlflow.sh"
. "$HERE/../../dataset/venv.sh"

# A running Triton keeps its repository; installing would train the current sources' and delete
# the one it serves. So only a stopped Triton is installed, and a running one must serve these sources.
if ! started_pid triton >/dev/null; then "$STACK" install triton; fi
[ -f "$TRITON_MODELS/training-report.json" ] ||
  die "Triton serves models trained from older infra/models sources; restart it first (stack down triton; stack up triton)"
"$STACK" up kafka registry mlflow

dataset_install
log "adding the newly labelled claims to the training dataset $DATASET_DIR"
dataset_build >/dev/null

candidates=$STACK_DATA/models/candidates
mkdir -p "$(dirname "$candidates")"
log "training candidates to replace the versions in $TRITON_MODELS"
# The dataset venv: it reads Parquet, and its training packages are pinned to the Triton venv's.
PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  "$DATASET_VENV/bin/python" "$STACK_ROOT/infra/models/retrain.py" --dataset "$DATASET_DIR" \
  ${RETRAIN_PARENT_VERSION:+--parent "$RETRAIN_PARENT_VERSION"} "$@" "$TRITON_MODELS" "$candidates"
mlflow_register "$candidates"
log "registry: $MLFLOW_URL/#/models"

# --- Candidates into Triton (RETRAIN_INSTALL=1, the default; 0 leaves them out) ---------------
# Copies the candidate version (student and teacher) into the live repository $TRITON_MODELS and
# loads it on every shard through the repository API, no restart, waiting until each shard has it
# ready (libs/triton's install-model-version). It then serves nothing: claims go to it only once a
# rollout record names it (the gateways check it is ready on every shard before they apply one).
install_candidates() {
  local node cli shards="" p
  node=$(ls -d "$STACK_ROOT"/.cache/node-*/bin/node 2>/dev/null | tail -n 1 || true)
  [ -x "${node:-}" ] || node=$(command -v node)
  cli=$STACK_ROOT/libs/triton/dist/install-model-version.cli.js
  [ -f "$cli" ] || die "libs/triton is not built: run 'make build'"
  for p in $TRITON_GRPC_PORTS; do shards+="${shards:+,}127.0.0.1:$p"; done
  "$STACK" up triton
  log "loading the candidates of $candidates on the Triton shards ($shards)"
  "$node" "$cli" --candidates "$candidates" --repository "$TRITON_MODELS" --shards "$shards"
}
if [ "${RETRAIN_INSTALL:-1}" = 1 ]; then install_candidates; fi
