#!/usr/bin/env bash
# Runs the nodes of the local multi-broker Kafka cluster (`stack up --brokers N`), one java process
# per node, as the one `kafka` process the stack records: `stack down` stops its process group,
# nodes included. Each node's pid goes to KAFKA_DIR/node-n/kafka.pid so a test can SIGKILL one
# broker; a node that exits is started again after RESTART_DELAY seconds, the way a process
# manager brings a crashed broker back.
#
#   nodes.sh KAFKA_DIR LOG_DIR NODES RESTART_DELAY JAVA_COMMAND...   (node-n/server.properties is appended)
set -uo pipefail
kafka_dir=$1 log_dir=$2 nodes=$3 restart_delay=$4
shift 4

run_node() {
  local n=$1 dir=$kafka_dir/node-$1 pid='' code
  shift
  # `stack down` signals the whole group: wait for this node's orderly shutdown, do not restart it.
  trap '[ -n "$pid" ] && wait "$pid"; exit 0' TERM INT
  while :; do
    "$@" "$dir/server.properties" >>"$log_dir/kafka-$n.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/kafka.pid"
    echo "[kafka-nodes] node $n started (pid $pid)"
    wait "$pid"
    code=$?
    rm -f "$dir/kafka.pid"
    echo "[kafka-nodes] node $n exited with code $code; restarting in ${restart_delay}s"
    sleep "$restart_delay"
  done
}

for n in $(seq 1 "$nodes"); do run_node "$n" "$@" & done
# Exits only once every node has stopped, so `stack down` returns with the ports free.
trap 'wait; exit 0' TERM INT
wait
