# The dataset job's venv (requirements.txt beside this file), installed into the ignored cache like
# the stack's other Python parts (lib.sh's install_pinned_venv): a venv of Debian's python3, every
# package pinned, `pip check` clean, reinstalled whenever requirements.txt changes. Sourced, never run.
DATASET_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$DATASET_SRC/../local/lib.sh"
DATASET_SYSTEM_PYTHON=${DATASET_SYSTEM_PYTHON:-/usr/bin/python3}
DATASET_HOME=$STACK_CACHE/dataset
DATASET_VENV=$DATASET_HOME/venv
DATASET_REQUIREMENTS=$DATASET_SRC/requirements.txt
DATASET_MARKER=$DATASET_HOME/.installed-$(sha256sum "$DATASET_REQUIREMENTS" | cut -c1-12)
# Where the dataset goes unless DATASET_DIR says otherwise.
DATASET_DIR=${DATASET_DIR:-$STACK_DATA/models/dataset}

# The training packages pinned in both files must agree, or candidates would be trained by other
# code than the served versions.
dataset_pins_agree() {
  local pin ours
  while read -r pin; do
    ours=$(grep -ix "${pin%%==*}==.*" "$DATASET_REQUIREMENTS")
    [ "$ours" = "$pin" ] || { log "infra/dataset/requirements.txt has '${ours:-nothing}' where Triton's venv has '$pin'"; return 1; }
  done < <(grep -E '^[A-Za-z0-9_.-]+==' "$STACK_ROOT/infra/local/triton/requirements.txt" | grep -v '^nvidia-pytriton==')
}

dataset_install_venv() {
  dataset_pins_agree && install_pinned_venv dataset "$DATASET_SYSTEM_PYTHON" "$DATASET_VENV" "$DATASET_REQUIREMENTS" "$DATASET_MARKER"
}

dataset_install() { timed_install dataset "$DATASET_MARKER" dataset_install_venv; }

# Runs the job on the stack's topics into $DATASET_DIR; extra arguments go to build_dataset.py.
dataset_build() {
  PYTHONDONTWRITEBYTECODE=1 "$DATASET_VENV/bin/python" "$DATASET_SRC/build_dataset.py" --dataset "$DATASET_DIR" "$@"
}
