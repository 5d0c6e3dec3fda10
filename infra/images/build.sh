#!/usr/bin/env bash
# Builds the OCI images of the Node services (and the model trainer) from this checkout, with
# buildah and no registry: the base filesystem is made of Debian packages (see README.md here).
#
#   infra/images/build.sh                  every image
#   infra/images/build.sh ingest decision  only these (names of services/*, or "trainer")
#
# Tags: localhost/claims-mesh/<name>:<git short rev> and :dev. Needs the services built
# (`make build`: services/*/dist, libs/*/dist) and node_modules installed (`make install`).
# Staging lives in .cache/images (ignored); a layer whose inputs did not change is not rebuilt.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STAGE=${IMAGES_STAGE:-$ROOT/.cache/images}
export CONTAINERS_CONF=$HERE/containers.conf
NODE_SERVICES=(ingest feature inference-gateway decision human-task audit rollout-controller)
# Workspace libraries the services load at run time (libs/testing is for tests only).
RUNTIME_LIBS=(contracts kafka platform telemetry triton)
KAFKA_CLIENT=node_modules/@confluentinc/kafka-javascript
REPO=localhost/claims-mesh
# org.opencontainers.image.source: IMAGE_SOURCE_URL, else the checkout's origin, else the checkout itself.
SOURCE_URL=${IMAGE_SOURCE_URL:-$(git -C "$ROOT" remote get-url origin 2>/dev/null || echo "file://$ROOT")}

started=$(date +%s)
log() { echo "[images] $*"; }

"$HERE/install-tools.sh"

NODE_BIN=$(ls -d "$ROOT"/.cache/node-*/bin/node 2>/dev/null | tail -n 1 || true)
[ -x "$NODE_BIN" ] || { echo "no Node 24 in .cache (run make install)" >&2; exit 1; }
NODE_VERSION=$("$NODE_BIN" -p 'process.versions.node')
REV=$(git -C "$ROOT" rev-parse --short HEAD)
FULL_REV=$(git -C "$ROOT" rev-parse HEAD)
VERSION=$(cd "$ROOT" && "$NODE_BIN" -p 'require("./package.json").version')
DIRTY=$([ -z "$(git -C "$ROOT" status --porcelain)" ] || echo "-dirty")

if [ $# -gt 0 ]; then wanted=("$@"); else wanted=("${NODE_SERVICES[@]}" trainer); fi
for name in "${wanted[@]}"; do
  [ "$name" = trainer ] && continue
  [ -f "$ROOT/services/$name/dist/main.js" ] || { echo "services/$name/dist/main.js missing (run make build)" >&2; exit 1; }
done
for lib in "${RUNTIME_LIBS[@]}"; do
  [ -d "$ROOT/libs/$lib/dist" ] || { echo "libs/$lib/dist missing (run make build)" >&2; exit 1; }
done

mkdir -p "$STAGE"

# A fingerprint of a staged tree: paths, modes, link targets, and files' sizes and modification
# times (staging copies keep the sources' times, so unchanged inputs give the same fingerprint).
tree_hash() {
  (cd "$1" && find . \( -type f -printf '%p %s %m %T@\n' \) -o \( ! -type f -printf '%p %y %m %l\n' \) | LC_ALL=C sort | sha256sum | cut -c1-16)
}
image_label() { podman image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------------
# 1. A base filesystem: the shared libraries some binaries load, taken from the Debian packages
#    that ship them on this machine (same versions), plus a CA bundle, a passwd/group with the
#    unprivileged user 10001 and /tmp; then a finishing step adds the interpreter.
# ---------------------------------------------------------------------------------------------
debian_package_of() { # a library path as ldd prints it -> the Debian package that ships it
  local path=$1 candidate owner
  for candidate in "$path" "/usr$path" "${path#/usr}" "$(readlink -f "$path")" "/usr$(readlink -f "$path")"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    [ -n "$owner" ] && { echo "$owner"; return; }
  done
  echo "no Debian package ships $path" >&2
  return 1
}

# stage_rootfs NAME FINISH "EXTRA PACKAGES" FILE... -> $STAGE/NAME, its key in $STAGE/NAME.key
stage_rootfs() {
  local name=$1 finish=$2 extra=$3
  shift 3
  local files=("$@") rootfs=$STAGE/$name recipe
  recipe=$(declare -f stage_rootfs debian_package_of "$finish"; echo "$extra")
  # Nothing to do when neither the binaries nor the machine's installed packages changed.
  local prekey
  prekey=$( (stat -c '%n %s %Y' "${files[@]}" /var/lib/dpkg/status; echo "$recipe") | sha256sum | cut -c1-16)
  if [ -f "$STAGE/$name.key" ] && [ "$(cat "$STAGE/$name.prekey" 2>/dev/null)" = "$prekey" ]; then return; fi
  local libs packages=() pkg
  libs=$(for f in "${files[@]}"; do ldd "$f"; done | awk '/=> \// { print $3 } /^\s*\/lib/ { print $1 }' |
    grep -v -e "^$ROOT/" -e "^$STAGE/" | sort -u)
  while read -r lib; do packages+=("$(debian_package_of "$lib")"); done <<< "$libs"
  packages+=(ca-certificates $extra)
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  local pinned=() key
  for pkg in "${packages[@]}"; do pinned+=("$pkg=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')"); done
  key=$( (printf '%s\n' "${pinned[@]}"; sha256sum "${files[@]}" | cut -c1-64; echo "$recipe") | sha256sum | cut -c1-16)
  if [ "$(cat "$STAGE/$name.key" 2>/dev/null)" = "$key" ]; then echo "$prekey" > "$STAGE/$name.prekey"; return; fi

  log "$name filesystem from ${#pinned[@]} Debian packages: ${packages[*]}"
  mkdir -p "$STAGE/debs"
  (cd "$STAGE/debs" && for p in "${pinned[@]}"; do
     ls "${p%%=*}_${p#*=}"_*.deb "${p%%=*}_$(sed 's/:/%3a/' <<< "${p#*=}")"_*.deb >/dev/null 2>&1 && continue
     apt-get download -qq -o APT::Sandbox::User=root "$p" 2>/dev/null || apt-get download -qq -o APT::Sandbox::User=root "${p%%=*}"
   done)
  rm -rf "$rootfs" && mkdir -p "$rootfs"/{usr/bin,usr/lib,usr/lib64,usr/sbin,etc,tmp,app}
  # Debian 12 is merged-/usr: /lib, /lib64, /bin and /sbin are links into /usr.
  ln -s usr/bin "$rootfs/bin"; ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"; ln -s usr/sbin "$rootfs/sbin"
  for p in "${pinned[@]}"; do
    local deb
    deb=$(ls -t "$STAGE/debs/${p%%=*}"_*.deb | head -n 1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$rootfs"
  done
  # One PEM bundle made from the CA certificates the package ships (what update-ca-certificates does).
  mkdir -p "$rootfs/etc/ssl/certs"
  cat "$rootfs"/usr/share/ca-certificates/mozilla/*.crt > "$rootfs/etc/ssl/certs/ca-certificates.crt"
  # No programs (the finishing step adds the one the image runs), no documentation.
  rm -rf "$rootfs"/usr/share/{doc,man,info,lintian,bug,ca-certificates} "$rootfs"/usr/sbin/* "$rootfs"/usr/bin/* \
    "$rootfs"/etc/ca-certificates* "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/lib/ssl/misc
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:10001:10001:claims-mesh:/tmp:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  chmod 1777 "$rootfs/tmp"
  "$finish" "$rootfs"
  echo "$key" > "$STAGE/$name.key"
  echo "$prekey" > "$STAGE/$name.prekey"
}

# Only the node binary from the Node package (no npm, headers or docs), without its static
# symbol table and debug sections (18 MB; native addons link against its dynamic symbols, kept).
finish_node_base() { strip --strip-unneeded -o "$1/usr/bin/node" "$NODE_BIN"; }

stage_base() {
  stage_rootfs base finish_node_base "" "$NODE_BIN" "$ROOT/$KAFKA_CLIENT"/build/Release/*.node \
    "$ROOT/$KAFKA_CLIENT"/build/deps/librdkafka.so.1 "$ROOT/$KAFKA_CLIENT"/build/deps/librdkafka++.so.1
}

# ---------------------------------------------------------------------------------------------
# 2. The application tree shared by every service, laid out as in the repository (the code finds
#    schemas/, protos/ and libs' data files relative to itself): production node_modules only,
#    the workspace libraries as dist + package.json, and the data files the code reads.
# ---------------------------------------------------------------------------------------------
stage_app() {
  local app=$STAGE/app filter=$STAGE/node_modules.filter
  mkdir -p "$app/node_modules"
  {
    # The Kafka client as built here: its JavaScript, the addon and the librdkafka it links
    # (RUNPATH $ORIGIN/../deps), not librdkafka's sources and objects (280 MB).
    echo "+ /@confluentinc/kafka-javascript/build/"
    echo "+ /@confluentinc/kafka-javascript/build/Release/"
    echo "+ /@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node"
    echo "+ /@confluentinc/kafka-javascript/build/deps/"
    echo "+ /@confluentinc/kafka-javascript/build/deps/librdkafka.so.1"
    echo "+ /@confluentinc/kafka-javascript/build/deps/librdkafka++.so.1"
    echo "- /@confluentinc/kafka-javascript/build/**"
    for dir in deps src util types ci; do echo "- /@confluentinc/kafka-javascript/$dir/"; done
    # Not code: type declarations, source maps, TypeScript sources, documents.
    echo "- *.d.ts"; echo "- *.d.mts"; echo "- *.d.cts"; echo "- *.map"; echo "- *.ts"; echo "- *.md"; echo "- *.markdown"
    echo "- .bin/"
    # The production packages, each with everything under it.
    (cd "$ROOT" && "$NODE_BIN" "$HERE/prod-packages.mjs" . "${NODE_SERVICES[@]}") | while read -r pkg; do
      case "$pkg" in @types/*) continue ;; esac
      [[ $pkg == @*/* ]] && echo "+ /${pkg%%/*}/"
      echo "+ /$pkg/***"
    done
    echo "- *"
  } > "$filter"
  rsync -a --delete --delete-excluded --filter="merge $filter" "$ROOT/node_modules/" "$app/node_modules/"
  mkdir -p "$app/node_modules/@claims-mesh" "$app/libs"
  for lib in "${RUNTIME_LIBS[@]}"; do
    ln -sfn "../../libs/$lib" "$app/node_modules/@claims-mesh/$lib"
    mkdir -p "$app/libs/$lib"
    rsync -a --delete --exclude='*.d.ts' --exclude='*.tsbuildinfo' "$ROOT/libs/$lib/dist/" "$app/libs/$lib/dist/"
    rsync -a "$ROOT/libs/$lib/package.json" "$app/libs/$lib/"
  done
  rsync -a "$ROOT/libs/contracts/topics.json" "$app/libs/contracts/"
  rsync -a --delete "$ROOT/schemas/" "$app/schemas/"
  rsync -a --delete "$ROOT/protos/" "$app/protos/"
  mkdir -p "$app/infra/models"
  rsync -a "$ROOT/infra/models/feature-order.json" "$app/infra/models/"
}

# 3. One service: its package.json, dist (without declarations) and data folders beside them.
stage_service() {
  local name=$1 dir=$STAGE/services/$1/app/services/$1
  mkdir -p "$dir"
  rsync -a --delete --exclude=/src/ --exclude=/test/ --exclude=/public/ --exclude=/node_modules/ \
    --exclude='tsconfig*.json' --exclude='*.d.ts' --exclude='*.tsbuildinfo' "$ROOT/services/$name/" "$dir/"
}

# 4. The model trainer: Debian's Python 3.11 (interpreter and standard library) on a base made
#    like the Node one, the training packages as wheels from PyPI, and infra/models.
stage_trainer() {
  local req=$HERE/trainer-requirements.txt site=$STAGE/trainer-site/opt/trainer/site-packages pin
  # The pins must be the ones the local stack trains with.
  while read -r pin; do
    grep -qxF "$pin" "$ROOT/infra/local/triton/requirements.txt" "$ROOT/infra/dataset/requirements.txt" ||
      { echo "trainer-requirements.txt: $pin is pinned neither in infra/local/triton nor infra/dataset" >&2; exit 1; }
  done < <(grep -E '^[A-Za-z0-9_.-]+==' "$req")
  local sitekey
  sitekey=$( (cat "$req"; /usr/bin/python3.11 -V) | sha256sum | cut -c1-16)
  if [ "$(cat "$STAGE/trainer-site.key" 2>/dev/null)" != "$sitekey" ]; then
    log "trainer: Python packages from PyPI"
    [ -x "$STAGE/pip-venv/bin/pip" ] || /usr/bin/python3.11 -m venv "$STAGE/pip-venv"
    rm -rf "$STAGE/trainer-site" && mkdir -p "$site"
    "$STAGE/pip-venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
      -d "$STAGE/wheels" -r "$req"
    "$STAGE/pip-venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-index --find-links "$STAGE/wheels" \
      --target "$site" -r "$req"
    # Not needed to run: tests, headers, the console scripts' launchers.
    find "$site" -depth -type d \( -name tests -o -name test -o -name include \) -path '*/site-packages/*/*' -exec rm -rf {} +
    rm -rf "$site/bin"
    echo "$sitekey" > "$STAGE/trainer-site.key"
  fi
  local sofiles
  mapfile -t sofiles < <(find /usr/lib/python3.11/lib-dynload "$site" -name '*.so*' -type f | sort)
  stage_rootfs trainer-base finish_trainer_base "python3.11-minimal libpython3.11-minimal libpython3.11-stdlib" \
    /usr/bin/python3.11 "${sofiles[@]}"
  # The training sources, as infra/models in the repository.
  mkdir -p "$STAGE/trainer-app/app/infra/models"
  rsync -a --delete --include='*.py' --include=feature-order.json --include=README.md --exclude='*' \
    "$ROOT/infra/models/" "$STAGE/trainer-app/app/infra/models/"
}

# Python from its Debian package, the staged site-packages, and a `git` that answers as outside a
# repository does: infra/models/code_version.py asks git first and falls back on a content hash.
finish_trainer_base() {
  local rootfs=$1
  dpkg-deb --fsys-tarfile "$(ls -t "$STAGE"/debs/python3.11-minimal_*.deb | head -n 1)" |
    tar -x --keep-directory-symlink -C "$rootfs" ./usr/bin/python3.11
  rm -rf "$rootfs"/usr/lib/python3.11/{ensurepip,idlelib,lib2to3,pydoc_data,tkinter,turtledemo}
  mkdir -p "$rootfs/opt/trainer"
  cp -a "$STAGE/trainer-site/opt/trainer/site-packages" "$rootfs/opt/trainer/"
  printf '#!/usr/bin/python3.11\nimport sys\nsys.stderr.write("fatal: not a git repository (this image has no repository)\\n")\nsys.exit(128)\n' > "$rootfs/usr/bin/git"
  chmod 0755 "$rootfs/usr/bin/git"
}

# Commits `from` + the contents of `dir` (copied to `dest`) as `tag`, with the buildah config
# options that follow, unless an image with the same inputs and options exists; prints the image id.
layer_image() {
  local tag=$1 from=$2 dir=$3 dest=$4 inputs
  shift 4
  inputs=$( (echo "$1"; shift; printf '%s\n' "$@") | sha256sum | cut -c1-16)
  shift
  if [ "$(image_label "$tag" claims-mesh.inputs)" = "$inputs" ]; then podman image inspect --format '{{.Id}}' "$tag"; return; fi
  local ctr
  ctr=$(buildah from --pull=never "$from")
  buildah copy --quiet --chown 0:0 "$ctr" "$dir" "$dest" >/dev/null
  buildah config --label claims-mesh.inputs="$inputs" "$@" "$ctr"
  buildah commit --quiet --rm "$ctr" "$tag"
}

common_labels=(
  --label org.opencontainers.image.source="$SOURCE_URL"
  --label org.opencontainers.image.revision="$FULL_REV$DIRTY"
  --label org.opencontainers.image.version="$VERSION"
  --label org.opencontainers.image.licenses=Apache-2.0
  --label org.opencontainers.image.vendor=claims-mesh
)

built=()
node_wanted=()
for name in "${wanted[@]}"; do [ "$name" = trainer ] || node_wanted+=("$name"); done

if [ ${#node_wanted[@]} -gt 0 ]; then
  t=$(date +%s)
  stage_base
  stage_app
  for name in "${node_wanted[@]}"; do stage_service "$name"; done
  log "staged in $(( $(date +%s) - t ))s"

  base_inputs=$(cat "$STAGE/base.key")
  layer_image "$REPO/node-base:$base_inputs" scratch "$STAGE/base" / "$base_inputs" >/dev/null
  # The heap bound is a default in the environment, not on the command line, where it would win
  # over the NODE_OPTIONS a deployment sets (the chart's nodeHeapMb).
  runtime_config=(--env PATH=/usr/bin --env NODE_ENV=production --env NODE_OPTIONS=--max-old-space-size=256
    --user 10001:10001 --workingdir /app)
  # Its tag names its contents and settings: the service images are built on it by that tag.
  runtime_inputs=$( (echo "$base_inputs /app"; printf '%s\n' "${runtime_config[@]}"; tree_hash "$STAGE/app") | sha256sum | cut -c1-16)
  layer_image "$REPO/node-runtime:$runtime_inputs" "$REPO/node-base:$base_inputs" "$STAGE/app" /app "$runtime_inputs" \
    "${runtime_config[@]}" >/dev/null
  for name in "${node_wanted[@]}"; do
    inputs=$( (echo "$runtime_inputs $FULL_REV$DIRTY $VERSION $SOURCE_URL"; tree_hash "$STAGE/services/$name") | sha256sum | cut -c1-16)
    layer_image "$REPO/$name:$REV" "$REPO/node-runtime:$runtime_inputs" "$STAGE/services/$name" / "$inputs" \
      "${common_labels[@]}" \
      --label org.opencontainers.image.title="claims-mesh $name" \
      --label org.opencontainers.image.description="claims-mesh service $name (services/$name)" \
      --user 10001:10001 --workingdir /app \
      --entrypoint "[\"node\", \"--enable-source-maps\", \"/app/services/$name/dist/main.js\"]" >/dev/null
    podman tag "$REPO/$name:$REV" "$REPO/$name:dev"
    built+=("$name")
  done
fi

for name in "${wanted[@]}"; do
  [ "$name" = trainer ] || continue
  t=$(date +%s)
  stage_trainer
  log "trainer staged in $(( $(date +%s) - t ))s"
  trainer_base_inputs=$(cat "$STAGE/trainer-base.key")
  layer_image "$REPO/trainer-base:$trainer_base_inputs" scratch "$STAGE/trainer-base" / "$trainer_base_inputs" >/dev/null
  trainer_inputs=$( (echo "$trainer_base_inputs $FULL_REV$DIRTY $VERSION $SOURCE_URL"; tree_hash "$STAGE/trainer-app") | sha256sum | cut -c1-16)
  layer_image "$REPO/trainer:$REV" "$REPO/trainer-base:$trainer_base_inputs" "$STAGE/trainer-app" / "$trainer_inputs" \
    "${common_labels[@]}" \
    --label org.opencontainers.image.title="claims-mesh trainer" \
    --label org.opencontainers.image.description="claims-mesh fraud model trainer (infra/models: train.py, retrain.py)" \
    --env PATH=/usr/bin --env PYTHONPATH=/opt/trainer/site-packages --env PYTHONDONTWRITEBYTECODE=1 --env PYTHONUNBUFFERED=1 \
    --env OMP_NUM_THREADS=1 --env OPENBLAS_NUM_THREADS=1 \
    --user 10001:10001 --workingdir /app/infra/models \
    --entrypoint '["python3.11"]' --cmd '["train.py", "/tmp/models"]' >/dev/null
  podman tag "$REPO/trainer:$REV" "$REPO/trainer:dev"
  built+=(trainer)
done

# Superseded images of this script (older base/runtime tags, untagged service images) go.
# Older revisions' tags of the images built now too (each holds its own runtime layer), unless
# IMAGES_KEEP_OLD=1.
if [ "${IMAGES_KEEP_OLD:-0}" != 1 ]; then
  for name in "${built[@]}"; do
    old=$(podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$REPO/$name" | grep -vxF -e "$REPO/$name:$REV" -e "$REPO/$name:dev" || true)
    [ -z "$old" ] || podman rmi $old >/dev/null 2>&1 || true
  done
fi
current=()
[ ${#node_wanted[@]} -eq 0 ] || current+=(-e "$REPO/node-base:$base_inputs" -e "$REPO/node-runtime:$runtime_inputs")
[ -z "${trainer_base_inputs:-}" ] || current+=(-e "$REPO/trainer-base:$trainer_base_inputs")
if [ ${#current[@]} -gt 0 ]; then
  stale=$(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E "^$REPO/(node-base|node-runtime|trainer-base):" |
    grep -vxF "${current[@]}" || true)
  # Only the kinds rebuilt now: a node-only run leaves the trainer's base alone, and the reverse.
  [ ${#node_wanted[@]} -gt 0 ] || stale=$(grep "/trainer-base:" <<< "$stale" || true)
  [ -n "${trainer_base_inputs:-}" ] || stale=$(grep -v "/trainer-base:" <<< "$stale" || true)
  [ -z "$stale" ] || podman rmi $stale >/dev/null 2>&1 || true
  dangling=$(podman images -q --filter dangling=true --filter label=claims-mesh.inputs)
  [ -z "$dangling" ] || podman rmi $dangling >/dev/null 2>&1 || true
fi

# Sizes: each image on its own (uncompressed; the Node images share every layer but their last).
size_of() { podman image inspect --format '{{.Size}}' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo
printf '%-48s %12s\n' IMAGE SIZE
total=0
[ ${#node_wanted[@]} -eq 0 ] || total=$(size_of "$REPO/node-runtime:$runtime_inputs")
for name in "${built[@]}"; do
  size=$(size_of "$REPO/$name:$REV")
  printf '%-48s %12s\n' "$REPO/$name:$REV" "$(mb "$size")"
  if [ "$name" = trainer ]; then total=$((total + size)); else total=$((total + size - $(size_of "$REPO/node-runtime:$runtime_inputs"))); fi
done
[ ${#node_wanted[@]} -eq 0 ] || printf '%-48s %12s\n' "(shared by the Node images: node-runtime)" "$(mb "$(size_of "$REPO/node-runtime:$runtime_inputs")")"
printf '%-48s %12s\n' "all of them on disk, shared layers once" "$(mb "$total")"
log "total build time $(( $(date +%s) - started ))s"
