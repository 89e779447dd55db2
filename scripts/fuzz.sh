#!/usr/bin/env bash
# Runs every fuzz target for N minutes each (default 10), two at a time, seeded with the
# fixture documents and the committed regressions; crashers found are copied to
# fuzz/regressions/<target>/ where the test suite replays them (commit them there). Needs
# cargo-fuzz (cargo install cargo-fuzz); stable Rust is told to
# accept the nightly flags libFuzzer needs.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
export RUSTC_BOOTSTRAP=1
targets=(${FUZZ_TARGETS:-pdf_text_layer read_document french_parsers dossier_json image_decode})
mkdir -p fuzz/corpus && for t in "${targets[@]}"; do mkdir -p "fuzz/corpus/$t"; done
for t in pdf_text_layer read_document; do
  mkdir -p "fuzz/corpus/$t"
  cp -n fixtures/documents/*.pdf fixtures/hostile/*.pdf "fuzz/corpus/$t/" 2>/dev/null || true
done
mkdir -p fuzz/corpus/dossier_json && cp -n fixtures/dossiers/*/dossier.json fuzz/corpus/dossier_json/ 2>/dev/null || true
mkdir -p fuzz/corpus/image_decode && cp -n fixtures/scans/*/*.jpg fixtures/scans/*/*.tif "fuzz/corpus/image_decode/" 2>/dev/null || true
(cd fuzz && cargo fuzz build --sanitizer none -O)
run() {
  local t=$1
  (cd fuzz && cargo fuzz run --sanitizer none -O "$t" "corpus/$t" "regressions/$t" -- -max_total_time=$((minutes * 60)) -rss_limit_mb=2048 -timeout=30 \
    > "target/fuzz-$t.log" 2>&1) || true
  local found=0
  for crash in fuzz/artifacts/"$t"/*; do
    [ -f "$crash" ] || continue
    mkdir -p "fuzz/regressions/$t"; cp "$crash" "fuzz/regressions/$t/"; found=$((found + 1))
  done
  echo "$t: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "fuzz/target/fuzz-$t.log" | tail -1), crashers: $found"
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" &
  if [ -n "${targets[i+1]:-}" ]; then run "${targets[i+1]}" & fi
  wait
done
