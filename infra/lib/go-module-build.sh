# Sourced by the scripts that run a Go tool no release binary of which can be downloaded here
# (promtool, helm): they build it once from the Go module proxy into the ignored cache.
#
#   go_tool TAG MODULE VERSION PACKAGE OUTPUT [LDFLAGS]   builds OUTPUT unless it is there
#
# `go install module/cmd/x@version` refuses modules whose go.mod has replace directives, so the
# build runs inside the module's directory in the Go module cache, where it is the main module and
# its replaces apply. The binary is built beside OUTPUT and moved into place last, so an
# interrupted build never sits at OUTPUT and is retried next time.
build_from_module() {
  local tag=$1 module=$2 version=$3 package=$4 output=$5 ldflags=${6:-} dir start
  command -v go >/dev/null 2>&1 || { echo "[$tag] building it needs the Go toolchain (go) on PATH" >&2; return 1; }
  echo "[$tag] building $package from $module@$version (a cold build takes minutes)" >&2
  start=$(date +%s)
  dir=$(GOWORK=off go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$dir/$package" ] || { echo "[$tag] no $package in the downloaded module ($dir)" >&2; return 1; }
  mkdir -p "$(dirname "$output")"
  (cd "$dir" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$output.partial" -ldflags "$ldflags" "./$package")
  mv -f "$output.partial" "$output"
  echo "[$tag] built in $(( $(date +%s) - start ))s" >&2
}

go_tool() {
  if [ -x "$5" ]; then echo "[$1] cached: $5" >&2; else build_from_module "$@"; fi
}
