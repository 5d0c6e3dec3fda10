#!/usr/bin/env bash
# Runs the processes of the local multi-broker Kafka cluster (`stack up --brokers N`), one java
# process per node, as the one `kafka` process the stack records: `stack down` stops its process
# group, nodes included. A node is a directory of KAFKA_DIR holding its server.properties:
# controller-n (a KRaft controller, log LOG_DIR/kafka-controller-n.log) or node-n (broker n, log
# LOG_DIR/kafka-n.log). Each node's pid goes to KAFKA_DIR/NODE/kafka.pid so a test can SIGKILL one
# broker; a node that exits is started again after RESTART_DELAY seconds, the way a process
# manager brings a crashed broker back.
#
#   nodes.sh KAFKA_DIR LOG_DIR RESTART_DELAY NODE... -- JAVA_COMMAND...   (NODE/server.properties is appended)
set -uo pipefail
kafka_dir=$1 log_dir=$2 restart_delay=$3
shift 3
nodes=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do nodes+=("$1"); shift; done
shift # the --

# Kafka runs on machines of its own in production; here it shares two cores with the mesh, its tests
# and builds. Under that load (load average 100+) the controllers missed each other's fetches and
# re-elected dozens of times in a minute, and live brokers missed heartbeats and were fenced. A
# higher CPU priority for the quorum, and a little for the brokers, stands in for those machines.
# Only root may raise a priority; anyone else runs the nodes at the usual one.
priority() {
  [ "$(id -u)" -eq 0 ] || return 0
  case "$1" in controller-*) echo -10 ;; *) echo -5 ;; esac
}

run_node() {
  local name=$1 dir=$kafka_dir/$1 log=$log_dir/kafka-${1#node-}.log pid='' code prio
  shift
  prio=$(priority "$name")
  # `stack down` signals the whole group: wait for this node's orderly shutdown, do not restart it.
  trap '[ -n "$pid" ] && wait "$pid"; exit 0' TERM INT
  while :; do
    if [ -n "$prio" ]; then nice -n "$prio" "$@" "$dir/server.properties" >>"$log" 2>&1 &
    else "$@" "$dir/server.properties" >>"$log" 2>&1 &
    fi
    pid=$!
    echo "$pid" >"$dir/kafka.pid"
    echo "[kafka-nodes] $(date '+%F %T') $name started (pid $pid)"
    wait "$pid"
    code=$?
    rm -f "$dir/kafka.pid"
    echo "[kafka-nodes] $(date '+%F %T') $name exited with code $code; restarting in ${restart_delay}s"
    sleep "$restart_delay"
  done
}

for node in "${nodes[@]}"; do run_node "$node" "$@" & done
# Exits only once every node has stopped, so `stack down` returns with the ports free.
trap 'wait; exit 0' TERM INT
wait
