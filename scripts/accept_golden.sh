#!/usr/bin/env bash
# Accepts reviewed golden verdicts: moves every verdict.golden.new.json that the golden tests
# proposed (fixtures/dossiers, fixtures/samples, fixtures/scans) over its verdict.golden.json
# and lists what it accepted. Nothing else ever rewrites a golden verdict: run the tests
# (`make golden`), read the diffs they print, then run this (`make accept-golden`).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t proposals < <(find fixtures/dossiers fixtures/samples fixtures/scans -name verdict.golden.new.json 2>/dev/null | sort)
if [ ${#proposals[@]} -eq 0 ]; then
  echo "no proposed golden verdict (verdict.golden.new.json): nothing to accept; run \`make golden\` first"
  exit 0
fi
for new in "${proposals[@]}"; do
  golden="${new%.new.json}.json"
  if [ -f "$golden" ]; then
    echo "accepted: $golden ($(diff "$golden" "$new" | grep -c '^[<>]' || true) lines changed)"
  else
    echo "accepted: $golden (new)"
  fi
  mv "$new" "$golden"
done
echo "${#proposals[@]} golden verdict(s) accepted; review \`git diff fixtures\` before committing"
