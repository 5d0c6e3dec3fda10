# Sourced by the scripts that run the images against the local stack (infra/images/check.sh,
# infra/helm/laptop.sh). The services in the images run as user 10001, which cannot read the
# checkout's development secrets (root's, mode 0600): they get a copy owned by 10001, mode 0400,
# as a Kubernetes Secret volume would present them.

# The development files the chart's values name by devPath, relative to the checkout.
CONTAINER_SECRET_FILES=(infra/local/api-keys.json infra/local/webhooks.json .cache/dev-secrets/pii-kek .cache/dev-secrets/pseudonym-secret)

#   stage_container_secrets ROOT DEST   copies each file under DEST at its path relative to ROOT
stage_container_secrets() {
  local root=$1 dest=$2 path
  rm -rf "$dest"
  for path in "${CONTAINER_SECRET_FILES[@]}"; do
    [ -f "$root/$path" ] || { echo "$path is missing (infra/local/stack up makes the dev secrets)" >&2; return 1; }
    mkdir -p "$dest/$(dirname "$path")"
    install -m 0400 -o 10001 -g 10001 "$root/$path" "$dest/$path"
  done
}
