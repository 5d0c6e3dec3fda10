#!/usr/bin/env bash
# The chart's copies of repository files its templates read with .Files.Get (Helm reads only files
# inside the chart's directory, and a symlink out of it would not survive `helm package`):
#
#   infra/helm/sync-files.sh          copy the repository's files into infra/helm/claims-mesh/files/
#   infra/helm/sync-files.sh --check  exit 1, naming each copy, when a copy differs from its source
#
# infra/helm/test/chart.int-spec.ts runs the check, so a change to a source that is not copied fails.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FILES=$ROOT/infra/helm/claims-mesh/files

# source (from the repository root) -> the copy's name in files/
COPIES=(
  "libs/contracts/topics.json:topics.json"
  "services/decision/rules/rules.v2.json:rules.v2.json"
  "infra/observability/rules/claims-mesh.rules.yml:claims-mesh.rules.yml"
)

mode=${1:-sync}
stale=0
for pair in "${COPIES[@]}"; do
  src=$ROOT/${pair%%:*} copy=$FILES/${pair##*:}
  if [ "$mode" = --check ]; then
    cmp -s "$src" "$copy" || { echo "infra/helm/claims-mesh/files/${pair##*:} differs from ${pair%%:*}: run infra/helm/sync-files.sh" >&2; stale=1; }
  else
    mkdir -p "$FILES"; cp "$src" "$copy"
  fi
done
exit "$stale"
