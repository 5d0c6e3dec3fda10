#!/usr/bin/env bash
# `make retrain`: adds the newly labelled claims to the training dataset (infra/dataset), trains
# candidates on it to replace the fraud models Triton serves and registers them, with their model
# cards, in the stack's MLflow (infra/models/retrain.py says how).
#
# The current versions are those of the model repository Triton's install trained, so that
# repository must exist first, then MLflow runs, whose `up` registers those current versions,
# the candidates' parents. The dataset job needs Kafka and the schema registry. Candidates go to
# $STACK_DATA/models/candidates (replaced by each run); they are not put into Triton's repository here.
#
# Arguments go to retrain.py: `retrain.sh --flip-labels` trains a deliberately bad candidate, for
# rollback drills and the rollback test only.
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
  "$DATASET_VENV/bin/python" "$STACK_ROOT/infra/models/retrain.py" --dataset "$DATASET_DIR" "$@" "$TRITON_MODELS" "$candidates"
mlflow_register "$candidates"
log "registry: $MLFLOW_URL/#/models"
