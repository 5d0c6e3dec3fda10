# Apache Kafka in KRaft mode: one node that is both broker and controller, run with the
# machine's java from the official jars on Maven Central (resolved by infra/local/kafka/pom.xml).
#   jars        $STACK_CACHE/kafka/libs       (reinstalled when the pom changes)
#   config      $STACK_DATA/kafka/server.properties (rewritten on every start, so port overrides apply)
#   data        $STACK_DATA/kafka/data        (formatted once, kept across restarts)
#
# `stack up --brokers 3` (KAFKA_NODES=3) runs a cluster instead: three brokers and, as separate
# processes, three KRaft controllers, with replication factor 3 and min.insync.replicas 2 for every
# internal topic (and for the mesh's topics when created with KAFKA_REPLICATION_FACTOR=3
# KAFKA_MIN_INSYNC_REPLICAS=2). Broker n listens on KAFKA_PORT+2(n-1) for clients, controller n on
# KAFKA_CONTROLLER_PORT+2(n-1) for the quorum: 9092/9093, 9094/9095, 9096/9097 by default.
# Dedicated controllers, as a production cluster runs them (Kafka's docs keep combined nodes for
# development): a killed broker leaves the quorum whole. With combined nodes a kill left two voters
# of three, and on a loaded two-core machine those two missed each other's fetches for seconds at a
# time and elected a new leader about twenty times in two minutes. Each new active controller gives
# every registered broker a fresh session, so the dead broker was fenced late, its restarted
# incarnation was refused (DUPLICATE_BROKER_REGISTRATION) or could not get a heartbeat through, and
# the mesh stalled for over a minute.
# A broker's config and data are in $STACK_DATA/kafka/node-n/ (log $STACK_LOGS/kafka-n.log), a
# controller's in $STACK_DATA/kafka/controller-n/ (log $STACK_LOGS/kafka-controller-n.log).
# infra/local/kafka/nodes.sh supervises them all as the one `kafka` process of the stack, writes each
# one's pid to its dir's kafka.pid (so a test can SIGKILL one broker) and starts a killed one again
# after KAFKA_RESTART_DELAY_S seconds.
# Tools run from the same jars (tools-log4j.properties keeps them to warnings), e.g.
#   java -Dlog4j.configuration=file:infra/local/kafka/tools-log4j.properties -cp "$STACK_CACHE/kafka/libs/*" \
#     org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
# (also kafka.tools.ConsoleProducer, org.apache.kafka.tools.consumer.ConsoleConsumer,
#  org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
# A data dir formatted as a cluster stays one: `stack up` without --brokers starts it the same way.
KAFKA_NODES=${KAFKA_NODES:-$(cat "$STACK_DATA/kafka/nodes" 2>/dev/null || echo 1)}
KAFKA_RESTART_DELAY_S=${KAFKA_RESTART_DELAY_S:-10}
# `stack up --auth` (KAFKA_AUTH=scram): the client listener is SASL_PLAINTEXT and takes only SCRAM-SHA-512
# logins; brokers talk to each other as user `broker`, the mesh's clients log in as user `mesh`. The users
# are created when the storage is formatted, so --auth needs a data dir formatted with it (kept across
# restarts like --brokers). Passwords come from KAFKA_SCRAM_BROKER_PASSWORD / KAFKA_SCRAM_MESH_PASSWORD,
# else are generated once into $STACK_DATA/kafka/secrets/NAME.password (mode 600); clients read theirs with
#   KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=mesh KAFKA_SASL_PASSWORD_FILE=$STACK_DATA/kafka/secrets/mesh.password
# The controller listener stays PLAINTEXT on loopback: KRaft controllers cannot use SCRAM (its
# credentials live in the metadata they serve).
KAFKA_AUTH=${KAFKA_AUTH:-$(cat "$STACK_DATA/kafka/auth" 2>/dev/null || echo none)}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
KAFKA_HOME_DIR=$STACK_ROOT/infra/local/kafka   # pom.xml and log4j.properties, kept in the repo
KAFKA_LIBS=$STACK_CACHE/kafka/libs
KAFKA_DIR=$STACK_DATA/kafka

# `stack up --tls` (see infra/local/tls.sh) makes the client listener SASL_SSL: SCRAM logins over TLS
# with the stack's server certificate, also between brokers; clients then trust the stack's CA with
#   KAFKA_SECURITY_PROTOCOL=sasl_ssl KAFKA_SSL_CA_FILE=$STACK_CACHE/tls/ca.pem
kafka_client_protocol() {
  if [ "$KAFKA_AUTH" != scram ]; then echo PLAINTEXT
  elif tls_on; then echo SASL_SSL
  else echo SASL_PLAINTEXT; fi
}

# usage: kafka_scram_password NAME: the user's password from the environment, else its generated file.
kafka_scram_password() {
  local name=$1 var file
  var=KAFKA_SCRAM_${name^^}_PASSWORD file=$KAFKA_DIR/secrets/$name.password
  if [ -n "${!var:-}" ]; then
    [[ "${!var}" =~ ^[A-Za-z0-9._~+/=-]{8,}$ ]] || die "$var must be 8 or more of A-Z a-z 0-9 . _ ~ + / = -"
    printf '%s' "${!var}"
    return
  fi
  generated_secret "$file"
}

# The broker settings of `--auth`: SCRAM-SHA-512 on the client listener, also between brokers.
kafka_auth_config() {
  [ "$KAFKA_AUTH" = scram ] || return 0
  cat <<EOF

# --auth: SASL/SCRAM-SHA-512 for clients and between brokers
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.$(kafka_client_protocol | tr '[:upper:]' '[:lower:]').scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(kafka_scram_password broker)";
EOF
}

# The broker settings of `--tls`: its certificate, and the CA it checks the other brokers' against.
kafka_tls_config() {
  tls_on || return 0
  cat <<EOF

# --tls: the stack's server certificate (infra/local/tls.sh)
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_KEYSTORE
ssl.keystore.password=$(cat "$TLS_KEYSTORE_PASSWORD")
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_CA
EOF
}

# The storage tool's arguments that create the SCRAM users of `--auth`, one per line.
kafka_scram_users() {
  [ "$KAFKA_AUTH" = scram ] || return 0
  local name
  for name in broker mesh; do printf -- '--add-scram\nSCRAM-SHA-512=[name=%s,password=%s]\n' "$name" "$(kafka_scram_password "$name")"; done
}

kafka_node_port() { echo $(( KAFKA_PORT + 2 * ($1 - 1) )); }
kafka_node_controller_port() { echo $(( KAFKA_CONTROLLER_PORT + 2 * ($1 - 1) )); }

kafka_ports() {
  local n
  for n in $(seq 1 "$KAFKA_NODES"); do kafka_node_port "$n"; kafka_node_controller_port "$n"; done
}

# The install marker names the pom's content, so editing the pom (e.g. a version bump) reinstalls.
kafka_marker() { echo "$STACK_CACHE/kafka/.installed-$(sha256sum "$KAFKA_HOME_DIR/pom.xml" | cut -c1-16)"; }

kafka_install_toolchain() {
  command -v java >/dev/null && command -v mvn >/dev/null && return 0
  log "installing java and maven from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
}

kafka_install_jars() {
  local tmp=$STACK_CACHE/kafka/libs.tmp marker
  marker=$(kafka_marker)
  kafka_install_toolchain || return 1
  rm -rf "$tmp" || return 1
  # maven's output goes to a file (quiet mode still prints colour codes), shown only on failure
  mvn -q -B -f "$KAFKA_HOME_DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp" \
    >"$STACK_CACHE/kafka/mvn.log" 2>&1 || { cat "$STACK_CACHE/kafka/mvn.log" >&2; return 1; }
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { log "kafka jar missing from $tmp"; return 1; }
  rm -rf "$KAFKA_LIBS" && mv "$tmp" "$KAFKA_LIBS" || return 1
  rm -f "$STACK_CACHE"/kafka/.installed-* && touch "$marker"
}

kafka_install() {
  mkdir -p "$STACK_CACHE/kafka"
  timed_install kafka "$(kafka_marker)" kafka_install_jars
}

# Sets KAFKA_JAVA to the java command line shared by the storage tool and the server.
kafka_java() {
  local heap
  read -ra heap <<<"$KAFKA_HEAP_OPTS"
  KAFKA_JAVA=(java "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$KAFKA_HOME_DIR/log4j.properties" -cp "$KAFKA_LIBS/*")
}

# The failover settings of a cluster. Every partition has a replica on every broker, so while a dead
# broker is still in the ISRs no acks=all write (nor offset commit) completes anywhere: the whole mesh
# waits until the controller fences the broker, which takes it out of the ISRs and moves its
# leaderships and coordinators. It does so once the broker's heartbeats have been missing for
# broker.session.timeout.ms (read by the controllers), 9 s by default. Left at 9 s: shorter
# sessions fenced live brokers on the loaded chaos machine (two cores, six Kafka JVMs beside the
# mesh): 5 s fenced brokers 1 and 3 while broker 2 restarted, which moved their leaderships too.
# The quorum's own timeouts are twice Kafka's 2 s fetch / 1 s election: on that machine a fetch from
# the quorum leader took 3.6 s and a quorum-state write 2 s, and with the defaults each such pause
# became an election. No test kills a controller; the cost is a dead active controller noticed
# after 4 s instead of 2.
# A killed broker loads every log it holds before it rejoins, recovering each from its last flush:
# 184 logs took 45 s there, half of them the 50 partitions each of __consumer_offsets and
# __transaction_state, which a local cluster's handful of groups and producers do not need. Six
# each, and four threads to load them, bring it back inside the chaos run's window.
kafka_failover_config() {
  [ "$KAFKA_NODES" -gt 1 ] || return 0
  cat <<EOF

# see kafka_failover_config: heartbeats every second, quorum timeouts for a loaded machine
broker.heartbeat.interval.ms=1000
controller.quorum.fetch.timeout.ms=4000
controller.quorum.election.timeout.ms=2000
# see kafka_failover_config: a restarted broker's log loading
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
num.recovery.threads.per.data.dir=4
EOF
}

# The quorum's voters: the single node itself, or a cluster's controllers (node ids 101, 102, ...).
kafka_controller_id() { echo $(( 100 + $1 )); }
kafka_voters() {
  local n voters=''
  if [ "$KAFKA_NODES" -eq 1 ]; then echo "1@127.0.0.1:$(kafka_node_controller_port 1)"; return; fi
  for n in $(seq 1 "$KAFKA_NODES"); do voters+="${voters:+,}$(kafka_controller_id "$n")@127.0.0.1:$(kafka_node_controller_port "$n")"; done
  echo "$voters"
}

# usage: kafka_write_config NODE_DIR NODE_ID ROLES: the server.properties of one node.
# ROLES: broker,controller (the single node), or broker (id n) / controller (id 100+n) in a cluster.
kafka_write_config() {
  local dir=$1 id=$2 roles=$3 replicas=1 min_isr=1 listeners broker_lines=''
  # A cluster keeps every internal topic on three replicas, two of them in sync for a write.
  if [ "$KAFKA_NODES" -gt 1 ]; then replicas=3; min_isr=2; fi
  case "$roles" in
    broker,controller)
      listeners="$(kafka_client_protocol)://127.0.0.1:$(kafka_node_port "$id"),CONTROLLER://127.0.0.1:$(kafka_node_controller_port "$id")" ;;
    broker) listeners="$(kafka_client_protocol)://127.0.0.1:$(kafka_node_port "$id")" ;;
    controller) listeners="CONTROLLER://127.0.0.1:$(kafka_node_controller_port $(( id - 100 )))" ;;
  esac
  if [ "$roles" != controller ]; then
    broker_lines="advertised.listeners=$(kafka_client_protocol)://127.0.0.1:$(kafka_node_port "$id")
inter.broker.listener.name=$(kafka_client_protocol)"
  fi
  cat >"$dir/server.properties" <<EOF
# written by infra/local/components/kafka.sh on every start; edit that file, not this one
process.roles=$roles
node.id=$id
controller.quorum.voters=$(kafka_voters)
listeners=$listeners
listener.security.protocol.map=$(kafka_client_protocol):$(kafka_client_protocol),CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
$broker_lines
log.dirs=$dir/data

# internal topics: one replica on a single node, three (two in sync for a write) on a cluster
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
default.replication.factor=$replicas
min.insync.replicas=$min_isr

num.partitions=6
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
$(kafka_failover_config)
$(kafka_auth_config)
$(kafka_tls_config)
EOF
  # it may hold the inter-broker password
  chmod 600 "$dir/server.properties"
}

# A random cluster id in Kafka's form: 16 bytes, URL-safe base64, no padding, not starting with '-'.
kafka_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [ "${id:0:1}" != - ] && { echo "$id"; return; }
  done
}

# The nodes to run: the single combined node (1), or a cluster's controllers and brokers by dir name.
kafka_nodes() {
  local n
  if [ "$KAFKA_NODES" -eq 1 ]; then echo 1; return; fi
  for n in $(seq 1 "$KAFKA_NODES"); do echo "controller-$n"; done
  for n in $(seq 1 "$KAFKA_NODES"); do echo "node-$n"; done
}

# Where a node's config and data live, and its log: the single node keeps the layout it always had.
# usage: kafka_node_dir NODE, NODE as kafka_nodes prints it (a bare n is broker n)
kafka_node_dir() {
  if [ "$KAFKA_NODES" -eq 1 ]; then echo "$KAFKA_DIR"; return; fi
  case "$1" in controller-*|node-*) echo "$KAFKA_DIR/$1" ;; *) echo "$KAFKA_DIR/node-$1" ;; esac
}
kafka_node_log() { if [ "$KAFKA_NODES" -eq 1 ]; then echo "$STACK_LOGS/kafka.log"; else echo "$STACK_LOGS/kafka-${1#node-}.log"; fi; }

kafka_start() {
  [ -n "$(compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar")" ] || die "kafka is not installed in $KAFKA_LIBS"
  local node dir cluster_id id roles
  kafka_java
  # Every node of a cluster is formatted with the same cluster id, kept for nodes formatted later.
  mkdir -p "$KAFKA_DIR"
  cluster_id=$(cat "$KAFKA_DIR/cluster.id" 2>/dev/null || kafka_cluster_id)
  if [ "$KAFKA_NODES" -gt 1 ] && [ -f "$KAFKA_DIR/node-1/data/meta.properties" ] && [ ! -d "$KAFKA_DIR/controller-1" ]; then
    die "$KAFKA_DIR holds a cluster of combined broker+controller nodes, which the stack no longer runs: use a fresh STACK_DATA"
  fi
  if [ "$KAFKA_AUTH" = scram ]; then
    [ -f "$(kafka_node_dir "$(kafka_nodes | head -1)")/data/meta.properties" ] && [ ! -f "$KAFKA_DIR/auth" ] \
      && die "--auth needs SCRAM users, created only when the storage is formatted: use a fresh STACK_DATA"
    echo scram >"$KAFKA_DIR/auth"
  fi
  local scram_users=()
  mapfile -t scram_users < <(kafka_scram_users)
  for node in $(kafka_nodes); do
    dir=$(kafka_node_dir "$node")
    case "$node" in
      controller-*) id=$(kafka_controller_id "${node#controller-}") roles=controller ;;
      node-*) id=${node#node-} roles=broker ;;
      *) id=1 roles=broker,controller ;;
    esac
    mkdir -p "$dir/data"
    kafka_write_config "$dir" "$id" "$roles"
    if [ ! -f "$dir/data/meta.properties" ]; then
      log "formatting kafka storage in $dir/data"
      "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --cluster-id "$cluster_id" "${scram_users[@]}" \
        --config "$dir/server.properties" >>"$(kafka_node_log "$node")" 2>&1 \
        || die "kafka storage format failed, see $(kafka_node_log "$node")"
    fi
    # kafka_ready only believes log lines written after this point (the log is appended across runs)
    stat -c %s "$(kafka_node_log "$node")" 2>/dev/null >"$dir/log.offset" || echo 0 >"$dir/log.offset"
  done
  if [ "$KAFKA_NODES" -eq 1 ]; then
    rm -f "$KAFKA_DIR/nodes"
    spawn kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
  else
    echo "$cluster_id" >"$KAFKA_DIR/cluster.id"
    echo "$KAFKA_NODES" >"$KAFKA_DIR/nodes"
    local nodes
    mapfile -t nodes < <(kafka_nodes)
    spawn kafka "$KAFKA_HOME_DIR/nodes.sh" "$KAFKA_DIR" "$STACK_LOGS" "$KAFKA_RESTART_DELAY_S" "${nodes[@]}" -- \
      "${KAFKA_JAVA[@]}" kafka.Kafka
  fi
}

# Sends a Kafka ApiVersions v0 request (correlation id 7, client id "stack") and checks that the
# reply carries the same correlation id and error code 0: proof that the broker serves requests.
# With --tls it goes through openssl, which also checks the broker's certificate against the CA.
# usage: kafka_api_versions_ok PORT
kafka_api_versions_ok() {
  local reply request='\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x07\x00\x05stack'
  if tls_on; then
    # -quiet keeps the connection open after the request, until the reply's first bytes are read.
    # shellcheck disable=SC2059 # the request is printf's escapes
    reply=$(printf "$request" | timeout 3 openssl s_client -quiet -verify_return_error -CAfile "$TLS_CA" \
              -verify_ip 127.0.0.1 -connect "127.0.0.1:$1" 2>/dev/null | head -c 10 | od -An -tx1 | tr -d ' \n')
  else
    # shellcheck disable=SC2059 # the request is printf's escapes
    reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
              printf "$request" >&3
              timeout 3 head -c 10 <&3 | od -An -tx1) 2>/dev/null | tr -d ' \n')
  fi
  [ "${reply:8:12}" = 000000070000 ]
}

# Ready once this run's log of every node says the server started and every broker answers on its port.
kafka_ready() {
  local node dir log offset
  for node in $(kafka_nodes); do
    dir=$(kafka_node_dir "$node") log=$(kafka_node_log "$node")
    offset=$(cat "$dir/log.offset" 2>/dev/null || echo 0)
    [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -ge "${offset:-0}" ] || offset=0
    grep -q 'Kafka Server started' < <(tail -c +"$(( ${offset:-0} + 1 ))" "$log" 2>/dev/null) || return 1
    case "$node" in controller-*) ;; *) kafka_api_versions_ok "$(kafka_node_port "${node#node-}")" || return 1 ;; esac
  done
}

kafka_version() {
  local jars=("$KAFKA_LIBS"/kafka_2.13-*.jar) v
  [ -f "${jars[0]}" ] || return 1
  v=${jars[0]##*/kafka_2.13-}
  echo "${v%.jar}"
}
