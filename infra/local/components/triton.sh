# NVIDIA Triton Inference Server: two shards on CPU, each serving every fraud model of infra/models.
#
# The tritonserver binary and its Python backend come from PyPI's nvidia-pytriton wheel, installed
# into a venv made from Debian's python3: the backend's stub embeds the shared libpython3.11 of
# Debian's libpython3.11 package, and the wheel needs glibc >= 2.35 (Debian 12 has 2.36). Before it
# starts models, tritonserver's Python backend needs its stub for this Python version next to it,
# so the install assembles a backend directory from the wheel (as PyTriton does in its workspace).
# The models are Python-backend models trained by infra/models/train.py into a model repository in
# the cache; they are trained again whenever a file in infra/models changes.
# One supervisor process, infra/local/triton/shards.py, runs one tritonserver per shard and says
# how a single shard can be stopped and comes back. The shards run in explicit model-control mode:
# a version copied into $TRITON_MODELS later is loaded through the repository API with no restart
# (libs/triton's install-model-version CLI; `make retrain` uses it for its candidates).
# `stack up --tls` (see infra/local/tls.sh): gRPC over TLS with the stack's server certificate; clients
# trust its CA with TRITON_TLS_CA_FILE=$STACK_CACHE/tls/ca.pem. HTTP and metrics stay plain on loopback.
TRITON_GRPC_PORTS=${TRITON_GRPC_PORTS:-8001 8101}
TRITON_HTTP_PORTS=${TRITON_HTTP_PORTS:-8000 8100}
TRITON_METRICS_PORTS=${TRITON_METRICS_PORTS:-8002 8102}
TRITON_RESTART_DELAY_S=${TRITON_RESTART_DELAY_S:-3}
TRITON_SYSTEM_PYTHON=${TRITON_SYSTEM_PYTHON:-/usr/bin/python3}

TRITON_HOME=$STACK_CACHE/triton
TRITON_VENV=$TRITON_HOME/venv
TRITON_BACKENDS=$TRITON_HOME/backends
TRITON_DIR=$STACK_ROOT/infra/local/triton
TRITON_REQUIREMENTS=$TRITON_DIR/requirements.txt
TRITON_MODELS_SRC=$STACK_ROOT/infra/models
TRITON_PYTRITON_VERSION=$(sed -n 's/^nvidia-pytriton==//p' "$TRITON_REQUIREMENTS")
TRITON_SERVER_MARKER=$TRITON_HOME/.installed-$(sha256sum "$TRITON_REQUIREMENTS" | cut -c1-12)
# The model repository is named after the training sources, so a change to them trains anew.
TRITON_MODELS=$TRITON_HOME/models-$(cat "$TRITON_MODELS_SRC"/*.py "$TRITON_MODELS_SRC"/feature-order.json \
  | sha256sum | cut -c1-12)

triton_ports() {
  local p
  for p in $TRITON_GRPC_PORTS $TRITON_HTTP_PORTS $TRITON_METRICS_PORTS; do echo "$p"; done
}

triton_site_packages() { echo "$TRITON_VENV"/lib/python3.*/site-packages; }

triton_system_packages() {
  dpkg -s python3-venv libpython3.11 >/dev/null 2>&1 && return 0
  log "installing Debian's python3-venv and libpython3.11"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv libpython3.11 >/dev/null
}

# Runs from timed_install's `fn || die`, where set -e is off, so every step checks its own status.
triton_install_server() {
  local site wheel version missing
  triton_system_packages || return 1
  rm -rf "$TRITON_VENV" "$TRITON_BACKENDS" "$TRITON_HOME"/.installed-*
  mkdir -p "$TRITON_HOME" || return 1
  "$TRITON_SYSTEM_PYTHON" -m venv "$TRITON_VENV" || return 1
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$TRITON_VENV/bin/pip" install -q --no-deps -r "$TRITON_REQUIREMENTS" || return 1
  # With --no-deps a missing pin would only show at run time; only nvidia-pytriton's are left out on purpose.
  missing=$("$TRITON_VENV/bin/pip" check 2>&1 | grep -v '^nvidia-pytriton ')
  [ -z "$missing" ] || { log "requirements.txt misses dependencies: $missing"; return 1; }
  site=$(triton_site_packages)
  wheel=$site/pytriton/tritonserver
  version=$("$TRITON_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || return 1
  [ -x "$wheel/python_backend_stubs/$version/triton_python_backend_stub" ] ||
    { log "nvidia-pytriton $TRITON_PYTRITON_VERSION has no Python backend stub for Python $version"; return 1; }
  mkdir -p "$TRITON_BACKENDS/python" || return 1
  cp "$wheel/backends/python/libtriton_python.so" "$wheel/backends/python/triton_python_backend_utils.py" \
    "$wheel/python_backend_stubs/$version/triton_python_backend_stub" "$TRITON_BACKENDS/python/" || return 1
  touch "$TRITON_SERVER_MARKER"
}

triton_train_models() {
  # No __pycache__ left in the source tree.
  PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    "$TRITON_VENV/bin/python" "$TRITON_MODELS_SRC/train.py" "$TRITON_MODELS" || return 1
  find "$TRITON_HOME" -maxdepth 1 -name 'models-*' ! -path "$TRITON_MODELS" -exec rm -rf {} +
}

triton_install() {
  timed_install triton "$TRITON_SERVER_MARKER" triton_install_server
  timed_install triton-models "$TRITON_MODELS/training-report.json" triton_train_models
}

triton_start() {
  local grpc http metrics i shards=()
  read -ra grpc <<<"$TRITON_GRPC_PORTS"
  read -ra http <<<"$TRITON_HTTP_PORTS"
  read -ra metrics <<<"$TRITON_METRICS_PORTS"
  for i in "${!grpc[@]}"; do shards+=(--shard "${grpc[$i]},${http[$i]},${metrics[$i]}"); done
  if tls_on; then shards+=(--grpc-server-cert "$TLS_CERT" --grpc-server-key "$TLS_KEY" --grpc-root-cert "$TLS_CA"); fi
  # PATH: the stub's embedded Python finds its prefix (and so the venv's numpy) from the first
  # python3 on PATH. One BLAS thread per process: many stubs share two cores.
  spawn triton env PATH="$TRITON_VENV/bin:$PATH" LD_LIBRARY_PATH="$(triton_site_packages)/nvidia_pytriton.libs" \
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    "$TRITON_VENV/bin/python" "$TRITON_DIR/shards.py" \
    --tritonserver "$(triton_site_packages)/pytriton/tritonserver/bin/tritonserver" \
    --model-repository "$TRITON_MODELS" --backend-directory "$TRITON_BACKENDS" \
    --state-dir "$STACK_DATA/triton" --log-dir "$STACK_LOGS" --restart-delay "$TRITON_RESTART_DELAY_S" \
    "${shards[@]}"
}

# Every shard serves every model of the repository and takes gRPC connections. In explicit
# model-control mode, strict readiness only covers the models a shard has loaded (none loaded is
# ready), so each model is asked for too. A shard briefly reports not ready while it loads a version.
triton_ready() {
  local p m
  for p in $TRITON_HTTP_PORTS; do
    curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$p/v2/health/ready" || return 1
    for m in "$TRITON_MODELS"/*/config.pbtxt; do
      [ -f "$m" ] || return 1
      m=$(basename "$(dirname "$m")")
      curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$p/v2/models/$m/ready" || return 1
    done
  done
  for p in $TRITON_GRPC_PORTS; do port_in_use "$p" || return 1; done
}

# The server's own version (e.g. 2.51.0) and the wheel it came from.
triton_version() {
  local p v
  read -r p _ <<<"$TRITON_HTTP_PORTS"
  v=$(curl -fsS --max-time 2 "http://127.0.0.1:$p/v2" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
  echo "${v:-unknown} (nvidia-pytriton $TRITON_PYTRITON_VERSION)"
}
