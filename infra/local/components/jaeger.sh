# Jaeger v2 (the OpenTelemetry-collector based `jaeger` binary), built from source with the Go
# toolchain, in-memory trace storage, everything on loopback. Config: infra/local/jaeger/config.yaml.
#
# Jaeger publishes v1 and v2 from the same Go module: the tag v1.76.0 is the commit released as
# Jaeger v2.13.0, and its cmd/jaeger is the v2 binary. `go install` refuses the module because its
# go.mod has replace directives, so the install builds inside the module's directory in the Go
# module cache, where the module is the main module and its replace directives apply.
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_MODULE_VERSION=v1.76.0
JAEGER_VERSION=v2.13.0

JAEGER_QUERY_HTTP_PORT=${JAEGER_QUERY_HTTP_PORT:-16686}   # query API and the trace viewer (jaeger/ui)
JAEGER_QUERY_GRPC_PORT=${JAEGER_QUERY_GRPC_PORT:-16685}   # query gRPC API (bound too, cannot be turned off)
JAEGER_OTLP_GRPC_PORT=${JAEGER_OTLP_GRPC_PORT:-4317}
JAEGER_OTLP_HTTP_PORT=${JAEGER_OTLP_HTTP_PORT:-4318}

JAEGER_HOME=$STACK_CACHE/jaeger
JAEGER_BIN=$JAEGER_HOME/bin/jaeger
JAEGER_MARKER=$JAEGER_HOME/bin/.built-from-$JAEGER_MODULE_VERSION
JAEGER_CONFIG=$STACK_ROOT/infra/local/jaeger/config.yaml
# Our trace viewer (index.html + static/), served by the query server at :$JAEGER_QUERY_HTTP_PORT.
JAEGER_UI_ASSETS_PATH=${JAEGER_UI_ASSETS_PATH:-$STACK_ROOT/infra/local/jaeger/ui}

jaeger_ports() {
  echo "$JAEGER_QUERY_HTTP_PORT"
  echo "$JAEGER_OTLP_GRPC_PORT"
  echo "$JAEGER_OTLP_HTTP_PORT"
  echo "$JAEGER_QUERY_GRPC_PORT"
}

# Prints the value of a top-level string field of `go mod download -json` output.
jaeger_json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p"; }

# Runs from timed_install's `fn || die`, where set -e is off, so every step checks its own status.
jaeger_build() {
  command -v go >/dev/null 2>&1 || { log "building jaeger needs the Go toolchain (go) on PATH"; return 1; }
  local json dir info date tmp
  json=$(GOWORK=off go mod download -json "$JAEGER_MODULE@$JAEGER_MODULE_VERSION") || return 1
  dir=$(jaeger_json_field Dir <<<"$json")
  info=$(jaeger_json_field Info <<<"$json")
  [ -d "$dir/cmd/jaeger" ] || { log "no cmd/jaeger in the downloaded module ($dir)"; return 1; }
  # Build date: the release tag's commit time, as recorded by the module proxy.
  date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info" 2>/dev/null)
  log "building jaeger $JAEGER_VERSION from $JAEGER_MODULE@$JAEGER_MODULE_VERSION (a cold build takes many minutes)"
  mkdir -p "$JAEGER_HOME/bin" || return 1
  rm -f "$JAEGER_HOME"/bin/.built-from-*
  tmp=$JAEGER_HOME/bin/jaeger.partial
  # Same flags as Jaeger's own release build (CGO off, -trimpath, version info via -X).
  (cd "$dir" && GOWORK=off CGO_ENABLED=0 go build -trimpath -o "$tmp" \
    -ldflags "-X $JAEGER_MODULE/internal/version.latestVersion=$JAEGER_VERSION -X $JAEGER_MODULE/internal/version.date=$date" \
    ./cmd/jaeger) || { rm -f "$tmp"; return 1; }
  mv -f "$tmp" "$JAEGER_BIN" || return 1
  echo "$JAEGER_VERSION ($JAEGER_MODULE@$JAEGER_MODULE_VERSION)" >"$JAEGER_MARKER"
}

jaeger_install() {
  [ -x "$JAEGER_BIN" ] || rm -f "$JAEGER_MARKER"
  timed_install jaeger "$JAEGER_MARKER" jaeger_build
}

# Jaeger's Go garbage collector runs at GOGC=100 by default: with every claim traced, spans
# arrive by the ten thousand a second and its collections were a third of its CPU (a scratch
# load of feature-like spans: 16-19 µs of Jaeger CPU per span at 100, 12-14 at 400). The local
# stack trades memory for that CPU; GOMEMLIMIT keeps the heap bounded all the same (the store
# holds at most max_traces traces). Both can be overridden from the environment.
JAEGER_GOGC=${JAEGER_GOGC:-400}
JAEGER_GOMEMLIMIT=${JAEGER_GOMEMLIMIT:-4GiB}

jaeger_start() {
  spawn jaeger env GOGC="$JAEGER_GOGC" GOMEMLIMIT="$JAEGER_GOMEMLIMIT" \
    JAEGER_QUERY_HTTP_PORT="$JAEGER_QUERY_HTTP_PORT" JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
    JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" \
    JAEGER_UI_ASSETS_PATH="$JAEGER_UI_ASSETS_PATH" \
    "$JAEGER_BIN" --config "file:$JAEGER_CONFIG"
}

# The query API answers, and the OTLP receivers (started after the query extension) listen.
jaeger_ready() {
  curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$JAEGER_QUERY_HTTP_PORT/api/services" &&
    port_in_use "$JAEGER_OTLP_GRPC_PORT" && port_in_use "$JAEGER_OTLP_HTTP_PORT"
}

# `jaeger --version` prints "jaeger version v2.13.0" (set at build time through -ldflags).
jaeger_version() { "$JAEGER_BIN" --version 2>/dev/null | awk '{print $NF}'; }
