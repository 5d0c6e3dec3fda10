# `stack up --tls`: every link of the mesh encrypted with certificates of a local CA. Sourced by
# infra/local/stack, never run.
#
# At install, openssl makes into $STACK_CACHE/tls (ignored, never committed; keys mode 600, the CA's
# key thrown away once it has signed, so nothing else can be issued under it):
#   ca.pem                the local CA: what clients trust (KAFKA_SSL_CA_FILE, REDIS_TLS_CA_FILE,
#                         TRITON_TLS_CA_FILE, SCHEMA_REGISTRY_CA_FILE: one variable per link rather than
#                         one for the mesh, as a deployment's managed Kafka, Redis and registry each
#                         come with a CA of their own)
#   server.pem server.key the servers' certificate (SAN IP 127.0.0.1 and localhost), signed by the CA
#   server.p12            key + certificate as the PKCS#12 keystore Kafka reads (Kafka takes a PEM key
#                         file only encrypted), its password generated beside it in keystore.password
# They are made again when the server certificate expires within a week.
#
# With --tls: Kafka's client listener is SASL_SSL (it implies --auth), Redis listens with TLS only
# and takes ACL users (one per service), Triton's gRPC is TLS, the registry HTTPS. Like --auth it is
# a property of the data dir: recorded in $STACK_DATA/tls, so later `up`, `status` and `down` of
# that dir keep to it without the flag. Triton's HTTP and metrics ports stay plain on loopback:
# tritonserver serves TLS on gRPC only, and only the stack's readiness check and Prometheus use them.
STACK_TLS=${STACK_TLS:-$(cat "$STACK_DATA/tls" 2>/dev/null || echo off)}
TLS_DIR=$STACK_CACHE/tls
TLS_CA=$TLS_DIR/ca.pem
TLS_CERT=$TLS_DIR/server.pem
TLS_KEY=$TLS_DIR/server.key
TLS_KEYSTORE=$TLS_DIR/server.p12
TLS_KEYSTORE_PASSWORD=$TLS_DIR/keystore.password

tls_on() { [ "$STACK_TLS" = on ]; }

tls_make_certificates() {
  local tmp
  mkdir -p "$TLS_DIR" || return 1
  tmp=$(mktemp -d "$TLS_DIR/.make.XXXXXX") || return 1
  (umask 077
   generated_secret "$tmp/keystore.password" >/dev/null &&
   openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ca.key" &&
   openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/server.key") || { rm -rf "$tmp"; return 1; }
  openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days 825 -subj "/CN=claims-mesh local CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$tmp/ca.pem" &&
    openssl req -new -key "$tmp/server.key" -subj "/CN=127.0.0.1" -out "$tmp/server.csr" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >"$tmp/ext" &&
    openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 397 -sha256 \
      -extfile "$tmp/ext" -out "$tmp/server.pem" 2>/dev/null &&
    (umask 077; openssl pkcs12 -export -in "$tmp/server.pem" -inkey "$tmp/server.key" -name server \
      -passout "file:$tmp/keystore.password" -out "$tmp/server.p12") || { rm -rf "$tmp"; return 1; }
  mv "$tmp/ca.pem" "$tmp/server.key" "$tmp/server.pem" "$tmp/server.p12" "$tmp/keystore.password" "$TLS_DIR/" || return 1
  rm -rf "$tmp"
}

# Called by `stack up` before any component: makes the certificates when missing or expiring, and
# remembers --tls in the data dir. Several `stack up --tls NAME` may run side by side (a test starts
# the components at once): the locks make one of them do each step and the others find it done.
tls_prepare() {
  tls_on || return 0
  (
    flock 9
    if [ -s "$TLS_CERT" ] && openssl x509 -checkend 604800 -noout -in "$TLS_CERT" >/dev/null 2>&1; then exit 0; fi
    rm -f "$TLS_DIR/.installed"
    timed_install tls "$TLS_DIR/.installed" tls_make_certificates
    touch "$TLS_DIR/.installed"
  ) 9>"$STACK_CACHE/.tls.lock"
  (
    flock 9
    [ -f "$STACK_DATA/tls" ] && exit 0
    # A dir that ran without TLS cannot take it: Kafka's SCRAM users are made only when its storage is formatted.
    [ -d "$STACK_DATA/kafka" ] || [ -d "$STACK_DATA/redis" ] && die "--tls needs a fresh STACK_DATA (this one ran without it)"
    echo on >"$STACK_DATA/tls"
  ) 9>"$STACK_DATA/.tls.lock"
}
