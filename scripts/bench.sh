#!/usr/bin/env bash
# Benchmarks of the reading and checking pipeline, each against its anchor in the same run.
# Prints ratios; performance is never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1  # tesseract's OpenMP threads would contend with the workers' own
bin=./target/release/dossier
shared=../shared/benchmarks

echo "== reading (text layer + classification + fields) vs pdftotext -layout"
$bin bench read fixtures/documents/*.pdf --rounds 5
if [ -d "$shared" ]; then
  # Text-layer PDFs are compared with pdftotext; PDFs without a text layer (pdftotext finds
  # almost no words) are OCR'd by us and read as nothing by pdftotext, so they are timed
  # apart and their ratio says only what OCR costs.
  text=(); scanned=()
  while IFS= read -r f; do
    if [ "$(pdftotext "$f" - 2>/dev/null | wc -w)" -gt 50 ]; then text+=("$f"); else scanned+=("$f"); fi
  done < <(find "$shared"/fr-of-* "$shared"/invoice2data "$shared"/facturx-fnfe-zugferd-corpus/correct -maxdepth 1 -name '*.pdf' | sort)
  echo "-- real PDFs with a text layer (${#text[@]}; some have scanned pages, OCR'd)"
  $bin bench read "${text[@]}" --rounds 3
  echo "-- real PDFs without a text layer (${#scanned[@]}, OCR'd; pdftotext reads nothing on them)"
  [ ${#scanned[@]} -eq 0 ] || $bin bench read "${scanned[@]}" --rounds 1
fi

echo "== validate, batch mode (one process), vs pdftotext -layout over the same PDFs"
$bin bench validate fixtures/dossiers/pass-payment fixtures/dossiers/attendance-short fixtures/dossiers/invoice-exceeds --rounds 10

echo "== validate, one process per dossier including start-up (5-document dossier)"
dir=fixtures/dossiers/pass-payment
start=$(date +%s%N); for _ in $(seq 20); do $bin validate "$dir" --format json >/dev/null; done; end=$(date +%s%N)
ours=$(( (end - start) / 20000 ))
start=$(date +%s%N); for _ in $(seq 20); do for f in "$dir"/*.pdf; do pdftotext -layout "$f" /dev/null; done; done; end=$(date +%s%N)
anchor=$(( (end - start) / 20000 ))
echo "single process: ${ours} µs per dossier; pdftotext -layout over its 5 PDFs: ${anchor} µs; ratio $(python3 -c "print(f'{$ours/$anchor:.2f}x')")"

echo "== peak memory reading a 50-page PDF"
if ! python3 -c "import fpdf" 2>/dev/null; then echo "skipped: python3 fpdf2 is needed to make the 50-page PDF"; exit 0; fi
big=$(mktemp --suffix=.pdf)
python3 - "$big" <<'PY'
import sys
from fpdf import FPDF
pdf = FPDF(); pdf.set_font("helvetica", size=10)
for p in range(50):
    pdf.add_page()
    for i in range(60):
        pdf.cell(0, 4, f"Ligne {i} de la page {p + 1} - Total HT 1 234,56 EUR - SIRET 913 113 296 00036", new_x="LMARGIN", new_y="NEXT")
pdf.output(sys.argv[1])
PY
/usr/bin/time -f "peak RSS %M KiB, %e s" $bin extract "$big" --format json >/dev/null
rm -f "$big"
