# Redis from Debian's redis-server package, AOF on (the audit index relies on it).
REDIS_PORT=${REDIS_PORT:-6379}

redis_ports() { echo "$REDIS_PORT"; }

redis_install_package() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
}

redis_install() {
  command -v redis-server >/dev/null && return 0
  timed_install redis /nonexistent redis_install_package
}

redis_start() {
  mkdir -p "$STACK_DATA/redis"
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STACK_DATA/redis" \
    --appendonly yes --appendfsync everysec --save '' --daemonize no --protected-mode yes
}

redis_ready() { redis-cli -p "$REDIS_PORT" ping | grep -q PONG; }

redis_version() { redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p'; }
