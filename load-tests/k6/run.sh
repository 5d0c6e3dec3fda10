#!/usr/bin/env bash
# Runs one k6 suite against the mesh on its default ports (or INGEST_URL / AUDIT_URL) and
# exits with k6's status: non-zero when a threshold broke.
#   load-tests/k6/run.sh SUITE [k6 run options...]
# SUITE is a file name in load-tests/k6/suites (smoke, constant-rate, ramp, spike, soak). The
# suite's settings come from the environment (RATE, DURATION, HTTP_P99_MS...: see lib/config.js).
# Summaries go to results/k6/<suite>-<timestamp>.{json,html} (RESULTS_DIR to change).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

suite=${1:-}
[ -n "$suite" ] && [ -f "$HERE/suites/$suite.js" ] || {
  echo "usage: $0 SUITE   (one of: $(cd "$HERE/suites" && ls *.js | sed 's/\.js$//' | tr '\n' ' '))" >&2
  exit 2
}
shift

k6=$("$HERE/install-k6.sh")
export RESULTS_DIR=${RESULTS_DIR:-$ROOT/results/k6}
mkdir -p "$RESULTS_DIR"
# --no-usage-report: no call home from a test run.
exec "$k6" run --quiet --no-usage-report -e SUITE="$suite" "$@" "$HERE/suites/$suite.js"
