# The venv of the upstream producer (produce_claims.py; requirements.txt beside this file), installed
# into the ignored cache like the stack's other Python parts (lib.sh's install_pinned_venv) and
# reinstalled whenever requirements.txt changes. Sourced, never run.
UPSTREAM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$UPSTREAM_SRC/../../lib.sh"
UPSTREAM_SYSTEM_PYTHON=${UPSTREAM_SYSTEM_PYTHON:-/usr/bin/python3}
UPSTREAM_HOME=$STACK_CACHE/upstream-producer
UPSTREAM_VENV=$UPSTREAM_HOME/venv
UPSTREAM_REQUIREMENTS=$UPSTREAM_SRC/requirements.txt
UPSTREAM_MARKER=$UPSTREAM_HOME/.installed-$(sha256sum "$UPSTREAM_REQUIREMENTS" | cut -c1-12)

upstream_install_venv() { install_pinned_venv upstream-producer "$UPSTREAM_SYSTEM_PYTHON" "$UPSTREAM_VENV" "$UPSTREAM_REQUIREMENTS" "$UPSTREAM_MARKER"; }

upstream_install() { timed_install upstream-producer "$UPSTREAM_MARKER" upstream_install_venv; }
