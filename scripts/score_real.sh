#!/usr/bin/env bash
# Scores the release `dossier` on the real third-party documents of ../shared/benchmarks with
# ../shared/tools/score-documents (kinds and contract fields against ../shared/benchmarks/
# truth.json) and prints its summary: each miss, then per kind and per field, then one line.
# `make score-real` builds first; `make bench` runs it after the timings. Prints a SKIP line
# and succeeds when ../shared (the tool or its documents) is absent. Never scores a binary
# older than the sources without saying so: it builds it, or with SCORE_NO_BUILD=1 says it
# is stale. Extra arguments go to the tool (--only SUBSTRING, --verbose, --json OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${DOSSIER_SHARED:-../shared}
tool=$shared/tools/score-documents
bin=./target/release/dossier
for need in "$shared" "$tool" "$shared/benchmarks/truth.json"; do
  if [ ! -e "$need" ]; then
    echo "SKIP real-document score: $need not found"
    exit 0
  fi
done
if [ -z "${SCORE_NO_BUILD:-}" ]; then
  cargo=$( [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; command -v cargo || echo cargo)
  "$cargo" build --release --locked -p dossier-cli
fi
if [ ! -x "$bin" ]; then
  echo "SKIP real-document score: $bin not built (make build)"
  exit 0
fi
# The newest source the binary depends on, against the binary's own time.
newest=$(find crates workers Cargo.toml Cargo.lock -type f \( -name '*.rs' -o -name '*.toml' -o -name Cargo.lock \) \
  -newer "$bin" -print -quit 2>/dev/null || true)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git status --porcelain -- crates workers Cargo.toml Cargo.lock 2>/dev/null | grep -q . && echo " + uncommitted changes" || true)
echo "== real documents: $tool on $bin (built $(date -r "$bin" '+%Y-%m-%d %H:%M'), sources at $commit$dirty)"
if [ -n "$newest" ]; then
  echo "WARNING: STALE BINARY: $newest is newer than $bin; these scores are not those of the current sources (run without SCORE_NO_BUILD, or make build)"
fi
OMP_THREAD_LIMIT=1 python3 "$tool" "$bin" "$@"
