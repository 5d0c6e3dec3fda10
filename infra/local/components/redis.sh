# Redis from Debian's redis-server package (built with TLS), AOF on (the audit index relies on it).
#
# `stack up --tls` (see infra/local/tls.sh): TLS only on $REDIS_PORT (no plaintext port), and ACL
# users instead of the open default user: each service its own user, limited to its keys and to
# the commands of data, scripts and transactions (no admin, no KEYS/FLUSHALL/CONFIG, no pub/sub),
# and `admin` (everything) for operators and tests. Passwords are generated once into
# $STACK_DATA/redis/secrets/NAME.password (mode 600); the ACL file holds their SHA-256 only.
# A service then reads, e.g. for feature:
#   REDIS_URL=rediss://127.0.0.1:$REDIS_PORT REDIS_TLS_CA_FILE=$STACK_CACHE/tls/ca.pem
#   REDIS_USERNAME=feature REDIS_PASSWORD_FILE=$STACK_DATA/redis/secrets/feature.password
REDIS_PORT=${REDIS_PORT:-6379}
REDIS_DIR=$STACK_DATA/redis
# user, then the key patterns it may touch: the service's default key prefix, and the subjects' data
# keys (libs/platform's SubjectKeyStore), which every service that seals or opens personal data shares.
REDIS_ACL_USERS=(
  "ingest ~ingest:* ~pii:key:*"
  "feature ~features:* ~pii:key:*"
  "decision ~decision:* ~pii:key:*"
  "human-task ~human-task:* ~pii:key:*"
  "audit ~audit:* ~pii:key:*"
)
# INFO: ioredis's ready check on connecting.
REDIS_SERVICE_COMMANDS='-@all +@read +@write +@keyspace +@scripting +@transaction +@connection -@dangerous +info'

redis_ports() { echo "$REDIS_PORT"; }

redis_install_package() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
}

redis_install() {
  command -v redis-server >/dev/null && return 0
  timed_install redis /nonexistent redis_install_package
}

redis_password() { generated_secret "$REDIS_DIR/secrets/$1.password"; }

redis_write_acl() {
  local entry user keys
  {
    echo "user default off"
    echo "user admin on #$(redis_password admin | sha256sum | cut -c1-64) ~* &* +@all"
    for entry in "${REDIS_ACL_USERS[@]}"; do
      read -r user keys <<<"$entry"
      echo "user $user on #$(redis_password "$user" | sha256sum | cut -c1-64) $keys resetchannels $REDIS_SERVICE_COMMANDS"
    done
  } >"$REDIS_DIR/users.acl"
  chmod 600 "$REDIS_DIR/users.acl"
}

redis_start() {
  local listen=(--port "$REDIS_PORT")
  mkdir -p "$REDIS_DIR"
  if tls_on; then
    redis_write_acl
    # Clients prove who they are with their ACL user, not a certificate.
    listen=(--port 0 --tls-port "$REDIS_PORT" --tls-cert-file "$TLS_CERT" --tls-key-file "$TLS_KEY"
      --tls-ca-cert-file "$TLS_CA" --tls-auth-clients no --aclfile "$REDIS_DIR/users.acl")
  fi
  spawn redis redis-server "${listen[@]}" --bind 127.0.0.1 --dir "$REDIS_DIR" \
    --appendonly yes --appendfsync everysec --save '' --daemonize no --protected-mode yes
}

# With --tls as `admin`, its password handed over in the environment rather than on the command line.
redis_cli() {
  if tls_on; then
    REDISCLI_AUTH=$(redis_password admin) redis-cli --tls --cacert "$TLS_CA" --user admin --no-auth-warning -p "$REDIS_PORT" "$@"
  else
    redis-cli -p "$REDIS_PORT" "$@"
  fi
}

redis_ready() { redis_cli ping | grep -q PONG; }

redis_version() { redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p'; }
