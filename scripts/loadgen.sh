#!/usr/bin/env bash
# Fleet benchmark on the local broker: one extract-worker and one verdict-worker (release
# builds), `dossier loadgen` at full speed (throughput) and at 10 dossiers/s (latency), each
# compared with in-process `validate` of the same dossiers. Workers are stopped with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1  # tesseract's OpenMP threads would contend with the workers' own
scripts/setup.sh broker
data=$(mktemp -d)
export DOSSIER_STORAGE_URL="file://$data" DOSSIER_LOG=warn
bin=target/release
$bin/dossier topology
$bin/extract-worker --http-addr 127.0.0.1:9191 & ew=$!
$bin/verdict-worker --http-addr 127.0.0.1:9192 & vw=$!
trap 'kill -TERM $ew $vw 2>/dev/null; wait $ew $vw 2>/dev/null; rm -rf "$data"' EXIT
sleep 1
echo "== warm-up: every fixture dossier once, text and scanned (extractions stored once, as for re-uploads)"
$bin/dossier loadgen --count 38 --rate 0 --timeout 300 >/dev/null
text=(fixtures/dossiers/*/)
echo "== throughput: 300 text dossiers as fast as possible"
$bin/dossier loadgen --count 300 --rate 0 "${text[@]}"
echo "== cold throughput: 300 text dossiers whose files have bytes of their own (nothing cached)"
$bin/dossier loadgen --cold --count 300 --rate 0 "${text[@]}"
echo "== latency: 200 text dossiers at 10 dossiers/s"
$bin/dossier loadgen --count 200 --rate 10 "${text[@]}"
echo "== mixed: 200 dossiers, text and scanned fixtures, at 10 dossiers/s (anchor: validate, OCR included)"
$bin/dossier loadgen --count 200 --rate 10
