# Shared helpers for infra/local/stack and its components. Sourced, never run.
# Installs go to $STACK_CACHE (kept between runs), runtime data and logs to $STACK_DATA.
STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_CACHE=${STACK_CACHE:-$STACK_ROOT/.cache/stack}
STACK_DATA=${STACK_DATA:-$STACK_ROOT/.stack}
STACK_LOGS=$STACK_DATA/logs
STACK_PIDS=$STACK_DATA/pids
mkdir -p "$STACK_CACHE" "$STACK_LOGS" "$STACK_PIDS"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs an install step once, recording its duration, so a warm cache skips it.
# usage: timed_install NAME MARKER_FILE FUNCTION
timed_install() {
  local name=$1 marker=$2 fn=$3 start
  [ -e "$marker" ] && return 0
  log "installing $name ..."
  start=$(date +%s)
  "$fn" || die "install of $name failed"
  log "installed $name in $(( $(date +%s) - start ))s"
}

# Prints the secret in FILE, first generating it (mode 600) when there is none: 48 hex characters.
generated_secret() {
  if [ ! -s "$1" ]; then
    (umask 077; mkdir -p "$(dirname "$1")"; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1")
  fi
  cat "$1"
}

pid_file() { echo "$STACK_PIDS/$1.pid"; }

# Kernel start time of a process: with the pid it identifies the process even if the pid is reused.
process_start_time() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# The pid of a component this stack started and that is still alive, else nothing.
# The pid file holds "pid start-time", so a pid reused by another program is never taken for ours.
started_pid() {
  local f pid start
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  read -r pid start <"$f"
  [ -n "$start" ] && [ "$(process_start_time "$pid")" = "$start" ] || return 1
  echo "$pid"
}

# Starts a long-running server in its own session (so `down` can stop its whole group)
# and records who it is. usage: spawn NAME command args...
spawn() {
  local name=$1 pid; shift
  nohup setsid "$@" >>"$STACK_LOGS/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid $(process_start_time "$pid")" >"$(pid_file "$name")"
}

# Polls a readiness function until it succeeds, the process NAME dies, or the timeout (seconds) runs out.
wait_until() {
  local name=$1 timeout=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    started_pid "$name" >/dev/null || { log "$name exited during start"; return 1; }
    sleep 0.5
  done
}

stop_pid() {
  local name=$1 pid=$2 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in 30s, killing"; kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

# A venv of a system python holding exactly a pinned requirements file, `pip check` clean, for
# the stack's Python parts; MARKER (its name carries the requirements' hash) records it installed.
# Runs from timed_install's `fn || die`, where set -e is off, so every step checks its own status.
# usage: install_pinned_venv NAME PYTHON VENV REQUIREMENTS MARKER
install_pinned_venv() {
  local name=$1 python=$2 venv=$3 requirements=$4 marker=$5 broken
  dpkg -s python3-venv >/dev/null 2>&1 || {
    log "installing Debian's python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  } || return 1
  # Markers of earlier requirements go too: the venv they recorded is the one being replaced.
  rm -rf "$venv" "$(dirname "$marker")"/.installed-*
  mkdir -p "$(dirname "$marker")" || return 1
  "$python" -m venv "$venv" || return 1
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install -q -r "$requirements" || return 1
  broken=$("$venv/bin/pip" check 2>&1) || { log "$name venv is inconsistent: $broken"; return 1; }
  touch "$marker"
}

# The local stack's development secrets: the key-encryption key that wraps subjects' data keys
# and the pseudonym secret (libs/platform's PII_KEK_FILE and PSEUDONYM_SECRET_FILE point here by
# default). Random per checkout and never in the repository; production refuses these paths.
DEV_SECRETS=$STACK_ROOT/.cache/dev-secrets
ensure_dev_secrets() {
  mkdir -p "$DEV_SECRETS"; chmod 700 "$DEV_SECRETS"
  local name
  for name in pii-kek pseudonym-secret; do
    [ -s "$DEV_SECRETS/$name" ] || { (umask 077; head -c 32 /dev/urandom | base64 > "$DEV_SECRETS/$name"); log "made development secret $DEV_SECRETS/$name"; }
  done
}
