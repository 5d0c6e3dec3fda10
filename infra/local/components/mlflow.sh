# MLflow: tracking server and model registry, with its UI, from PyPI. Every fraud model version
# that infra/models trains is registered here with its model card (infra/models/README.md).
#
# Installed like Triton into a venv made from Debian's python3 (fully pinned in
# mlflow/requirements.txt); runs, registered models and versions go to a SQLite file and the
# artifacts (weights, cards, drift references) to a directory, both under $STACK_DATA/mlflow, so
# `stack down` keeps them and deleting .stack/ starts an empty registry.
MLFLOW_PORT=${MLFLOW_PORT:-5000}
# One worker: the registry sees a handful of requests per training, and each worker costs ~150 MB.
MLFLOW_WORKERS=${MLFLOW_WORKERS:-1}
MLFLOW_SYSTEM_PYTHON=${MLFLOW_SYSTEM_PYTHON:-/usr/bin/python3}

MLFLOW_HOME=$STACK_CACHE/mlflow
MLFLOW_VENV=$MLFLOW_HOME/venv
MLFLOW_REQUIREMENTS=$STACK_ROOT/infra/local/mlflow/requirements.txt
MLFLOW_VERSION=$(sed -n 's/^mlflow==//p' "$MLFLOW_REQUIREMENTS")
MLFLOW_MARKER=$MLFLOW_HOME/.installed-$(sha256sum "$MLFLOW_REQUIREMENTS" | cut -c1-12)
MLFLOW_DATA=$STACK_DATA/mlflow
MLFLOW_URL=http://127.0.0.1:$MLFLOW_PORT

mlflow_ports() { echo "$MLFLOW_PORT"; }

mlflow_install_venv() { install_pinned_venv mlflow "$MLFLOW_SYSTEM_PYTHON" "$MLFLOW_VENV" "$MLFLOW_REQUIREMENTS" "$MLFLOW_MARKER"; }

mlflow_install() { timed_install mlflow "$MLFLOW_MARKER" mlflow_install_venv; }

mlflow_start() {
  mkdir -p "$MLFLOW_DATA/artifacts"
  # --artifacts-destination: the server proxies artifact uploads and downloads (mlflow-artifacts:/),
  # so clients need no access to the directory, as with a remote registry.
  spawn mlflow "$MLFLOW_VENV/bin/mlflow" server --host 127.0.0.1 --port "$MLFLOW_PORT" \
    --workers "$MLFLOW_WORKERS" \
    --backend-store-uri "sqlite:///$MLFLOW_DATA/mlflow.db" \
    --artifacts-destination "$MLFLOW_DATA/artifacts"
}

# Ready once the REST API answers a query of the model registry, the first thing registration asks.
mlflow_ready() {
  curl -fsS --max-time 2 -o /dev/null "$MLFLOW_URL/api/2.0/mlflow/registered-models/search?max_results=1"
}

mlflow_version() { curl -fsS --max-time 2 "$MLFLOW_URL/version"; }

# Registers every model version of a Triton-shaped model repository (DIR/<model>/<version>/ with
# the model card train.py writes there); versions already registered are skipped.
mlflow_register() {
  PYTHONDONTWRITEBYTECODE=1 "$MLFLOW_VENV/bin/python" "$STACK_ROOT/infra/models/registry.py" \
    --tracking-uri "$MLFLOW_URL" register "$1"
}

# Run by `stack up` once MLflow serves, also when it was already up: registers the versions
# Triton's install trained ($TRITON_MODELS, from components/triton.sh).
# Why here and not in training: Triton trains at its install, when MLflow may not be installed or
# up yet, and the registry should never be a reason Triton cannot start. So training only writes
# each version's card and artifacts next to its weights in the model repository, and registration
# reads them whenever both exist; since it skips what is registered, running it on every `up`
# also catches up with a repository Triton retrained while MLflow was running.
mlflow_after_up() {
  if [ ! -f "$TRITON_MODELS/training-report.json" ]; then
    log "no trained fraud models yet ($TRITON_MODELS); they are registered on the next \`stack up\` after \`stack up triton\`"
    return 0
  fi
  mlflow_register "$TRITON_MODELS"
}
