# Apache Kafka in KRaft mode: one node that is both broker and controller, run with the
# machine's java from the official jars on Maven Central (resolved by infra/local/kafka/pom.xml).
#   jars        $STACK_CACHE/kafka/libs       (reinstalled when the pom changes)
#   config      $STACK_DATA/kafka/server.properties (rewritten on every start, so port overrides apply)
#   data        $STACK_DATA/kafka/data        (formatted once, kept across restarts)
# Tools run from the same jars (tools-log4j.properties keeps them to warnings), e.g.
#   java -Dlog4j.configuration=file:infra/local/kafka/tools-log4j.properties -cp "$STACK_CACHE/kafka/libs/*" \
#     org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
# (also kafka.tools.ConsoleProducer, org.apache.kafka.tools.consumer.ConsoleConsumer,
#  org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
KAFKA_HOME_DIR=$STACK_ROOT/infra/local/kafka   # pom.xml and log4j.properties, kept in the repo
KAFKA_LIBS=$STACK_CACHE/kafka/libs
KAFKA_DIR=$STACK_DATA/kafka

kafka_ports() { echo "$KAFKA_PORT"; echo "$KAFKA_CONTROLLER_PORT"; }

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

kafka_write_config() {
  cat >"$KAFKA_DIR/server.properties" <<EOF
# written by infra/local/components/kafka.sh on every start; edit that file, not this one
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$KAFKA_DIR/data

# one node: every internal topic has a single replica
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1

num.partitions=6
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF
}

# A random cluster id in Kafka's form: 16 bytes, URL-safe base64, no padding, not starting with '-'.
kafka_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [ "${id:0:1}" != - ] && { echo "$id"; return; }
  done
}

kafka_start() {
  [ -n "$(compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar")" ] || die "kafka is not installed in $KAFKA_LIBS"
  mkdir -p "$KAFKA_DIR/data"
  kafka_write_config
  kafka_java
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    log "formatting kafka storage in $KAFKA_DIR/data"
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --cluster-id "$(kafka_cluster_id)" \
      --config "$KAFKA_DIR/server.properties" >>"$STACK_LOGS/kafka.log" 2>&1 \
      || die "kafka storage format failed, see $STACK_LOGS/kafka.log"
  fi
  # kafka_ready only believes log lines written after this point (the log is appended across runs)
  stat -c %s "$STACK_LOGS/kafka.log" 2>/dev/null >"$KAFKA_DIR/log.offset" || echo 0 >"$KAFKA_DIR/log.offset"
  spawn kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
}

# Sends a Kafka ApiVersions v0 request (correlation id 7, client id "stack") and checks that the
# reply carries the same correlation id and error code 0: proof that the broker serves requests.
kafka_api_versions_ok() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT" || exit 1
            printf '\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x07\x00\x05stack' >&3
            timeout 3 head -c 10 <&3 | od -An -tx1) 2>/dev/null | tr -d ' \n')
  [ "${reply:8:12}" = 000000070000 ]
}

# Ready once this run's log says the server started and the broker answers on its port.
kafka_ready() {
  local log=$STACK_LOGS/kafka.log offset
  offset=$(cat "$KAFKA_DIR/log.offset" 2>/dev/null || echo 0)
  [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -ge "${offset:-0}" ] || offset=0
  grep -q 'Kafka Server started' < <(tail -c +"$(( ${offset:-0} + 1 ))" "$log" 2>/dev/null) || return 1
  kafka_api_versions_ok
}

kafka_version() {
  local jars=("$KAFKA_LIBS"/kafka_2.13-*.jar) v
  [ -f "${jars[0]}" ] || return 1
  v=${jars[0]##*/kafka_2.13-}
  echo "${v%.jar}"
}
