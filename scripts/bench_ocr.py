#!/usr/bin/env python3
"""OCR benchmark: our reader (`dossier extract --show-text`, which decodes, deskews, erases
leader dots, detects orientation when needed and runs tesseract) against the tesseract CLI
with default settings (`tesseract IMG - -l fra --psm 3`), in the same run, one page at a
time with OMP_THREAD_LIMIT=1.

Reports, per set: character error rate (both readers' text in tesseract's reading order) (Levenshtein distance over the ground truth's length,
whitespace collapsed) of each reader, time per page and the ratio, our peak memory, and the
speed-up of two pages read at once on two cores. Sets:
  - ../shared/benchmarks/tapuscorpus (French typewritten pages, ALTO ground truth)
  - ../shared/benchmarks/tesseract-ocr-test (exact .txt ground truth)
  - the generated fixture documents rendered at 300 dpi and skewed by up to ±2.5° (truth:
    their own text layer as read by `dossier extract --show-text`)
Needs: tesseract (tesseract-ocr), pdftoppm, Pillow for the fixture renders.
Usage: scripts/bench_ocr.py [--limit N] [--rounds N] [--sets tapuscorpus,tesseract-ocr-test,fixtures]
"""

import argparse
import glob
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "dossier")
SHARED = os.path.join(ROOT, "..", "shared", "benchmarks")
ENV = dict(os.environ, OMP_THREAD_LIMIT="1", DOSSIER_LOG="off")


def normalise(text):
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def levenshtein(a, b):
    try:
        from rapidfuzz.distance import Levenshtein
        return Levenshtein.distance(a, b)
    except ImportError:
        pass
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(truth, read):
    truth, read = normalise(truth), normalise(read)
    return levenshtein(truth, read) / max(1, len(truth))


def ours(path):
    """Text as our reader recognises it (in tesseract's reading order, so that the error rate
    measures recognition, not how columns are merged into lines), wall time, peak RSS (KiB)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "bench", "ocr-text", path],
                          capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    rss = int((proc.stderr.strip().splitlines() or ["0"])[-1] or 0)
    return proc.stdout, elapsed, rss


def ours_lines(path):
    """Our reading as the extractors see it: lines rebuilt from positions."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "extract", "--show-text", path],
                          capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    lines = [l.split("] ", 1)[1][5:] for l in proc.stdout.splitlines() if l.startswith("[")]
    rss = int((proc.stderr.strip().splitlines() or ["0"])[-1] or 0)
    return "\n".join(lines), elapsed, rss


def cli(path):
    start = time.perf_counter()
    proc = subprocess.run(["tesseract", path, "-", "-l", "fra", "--psm", "3"], capture_output=True, text=True, env=ENV)
    return proc.stdout, time.perf_counter() - start


def alto_text(path):
    root = ET.parse(path).getroot()
    ns = {"a": root.tag.split("}")[0].strip("{")}
    lines = []
    for line in root.iter("{%s}TextLine" % ns["a"]):
        words = [s.get("CONTENT", "") for s in line.iter("{%s}String" % ns["a"])]
        lines.append(" ".join(w for w in words if w))
    return "\n".join(lines)


def pairs_tapuscorpus(limit):
    out = []
    for xml in sorted(glob.glob(os.path.join(SHARED, "tapuscorpus", "data", "*", "*.xml"))):
        image = os.path.splitext(xml)[0] + ".jpg"
        if os.path.exists(image):
            out.append((image, alto_text(xml)))
    return out[:limit]


def pairs_tesseract_test(limit):
    out = []
    for image in sorted(glob.glob(os.path.join(SHARED, "tesseract-ocr-test", "*.tif"))):
        stem = os.path.splitext(image)[0]
        truth = stem + ".gold.txt" if os.path.exists(stem + ".gold.txt") else stem + ".txt"
        if os.path.exists(truth):
            out.append((image, open(truth, encoding="utf-8", errors="replace").read()))
    return out[:limit]


def pairs_fixtures(tmp, limit):
    from PIL import Image
    rng = random.Random(2026)
    out = []
    for pdf in sorted(glob.glob(os.path.join(ROOT, "fixtures", "documents", "*.pdf")))[:limit]:
        truth = subprocess.run([BIN, "extract", "--show-text", pdf], capture_output=True, text=True, env=ENV).stdout
        truth = "\n".join(l.split("] ", 1)[1][5:] for l in truth.splitlines() if l.startswith("[") and "--- page 1" not in l)
        stem = os.path.join(tmp, os.path.basename(pdf)[:-4])
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, stem], check=True)
        image = Image.open(stem + ".png").rotate(rng.uniform(-2.5, 2.5), resample=Image.BICUBIC, fillcolor=255)
        image.save(stem + ".png")
        out.append((stem + ".png", truth))
    return out


def run_set(name, pairs, rounds, reader=None):
    """Each page read `rounds` times by each reader, alternately; the best time counts (this
    machine's neighbours add noise of ±20 %)."""
    if not pairs:
        print("%s: skipped (not present)" % name)
        return
    rows = []
    for image, truth in pairs:
        ours_runs = [(reader or ours)(image) for _ in range(rounds)]
        cli_runs = [cli(image) for _ in range(rounds)]
        ours_text, rss = ours_runs[0][0], max(r[2] for r in ours_runs)
        ours_time = min(r[1] for r in ours_runs)
        cli_text, cli_time = cli_runs[0][0], min(r[1] for r in cli_runs)
        rows.append((cer(truth, ours_text), cer(truth, cli_text), ours_time, cli_time, rss))
    n = len(rows)
    ours_cer = sum(r[0] for r in rows) / n
    cli_cer = sum(r[1] for r in rows) / n
    ours_t = sum(r[2] for r in rows) / n
    cli_t = sum(r[3] for r in rows) / n
    print("%s (%d pages): CER ours %.2f %% vs tesseract CLI %.2f %%; time per page ours %.2f s vs CLI %.2f s (ratio %.2fx); peak RSS %.0f MiB"
          % (name, n, ours_cer * 100, cli_cer * 100, ours_t, cli_t, ours_t / cli_t, max(r[4] for r in rows) / 1024))


def parallel_speedup(image):
    """Two pages at once on two cores, against one page alone."""
    start = time.perf_counter()
    subprocess.run([BIN, "bench", "ocr-text", image], capture_output=True, env=ENV)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen([BIN, "bench", "ocr-text", image], stdout=subprocess.DEVNULL, env=ENV) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen(["tesseract", image, "-", "-l", "fra", "--psm", "3"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=ENV) for _ in range(2)]
    for p in procs:
        p.wait()
    cli_two = time.perf_counter() - start
    cli_one = cli(image)[1]
    print("two pages on two cores: %.2f s vs one page %.2f s: throughput %.2fx (tesseract CLI on the same machine: %.2fx)"
          % (two, one, 2 * one / two, 2 * cli_one / cli_two))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=40, help="pages per set")
    parser.add_argument("--rounds", type=int, default=2, help="readings of each page by each reader")
    parser.add_argument("--sets", default="tapuscorpus,tesseract-ocr-test,fixtures",
                        help="comma-separated sets to run")
    args = parser.parse_args()
    sets = args.sets.split(",")
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release -p dossier-cli")
    if "tapuscorpus" in sets:
        run_set("tapuscorpus", pairs_tapuscorpus(args.limit), args.rounds)
    if "tesseract-ocr-test" in sets:
        run_set("tesseract-ocr-test", pairs_tesseract_test(args.limit), args.rounds)
    if "fixtures" not in sets:
        return
    with tempfile.TemporaryDirectory() as tmp:
        try:
            fixtures = pairs_fixtures(tmp, args.limit)
        except ImportError:
            fixtures = []
            print("fixtures: skipped (Pillow is needed to skew the renders)")
        # Truth and reading both laid out by our line builder: the error rate is recognition.
        run_set("fixture documents at 300 dpi, skew up to ±2.5° (lines as the extractors see them)",
                fixtures, args.rounds, reader=ours_lines)
        if fixtures:
            parallel_speedup(fixtures[0][0])


if __name__ == "__main__":
    main()
