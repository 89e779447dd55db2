# The two commands of the README: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
CARGO := $(shell [ -f $$HOME/.cargo/env ] && . $$HOME/.cargo/env; command -v cargo || echo cargo)
SAMPLES := $(wildcard fixtures/samples/*)

# One OCR engine per core: OpenMP threads inside tesseract only slow it down (stack notes).
export OMP_THREAD_LIMIT := 1

.PHONY: setup build demo test bench score-real loadgen fixtures golden accept-golden schemas definitions fmt

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --release --locked -p dossier-cli -p extract-worker -p verdict-worker

# Validate the bundled sample dossiers in-process (no broker): a pass, a review, a fail.
demo: build
	@for d in $(SAMPLES); do ./target/release/dossier validate "$$d" --format text; echo; done

# Every test of the workspace: unit, golden, CLI end to end, and the fleet on a real
# RabbitMQ (started here when none runs). The binaries are built first: the fleet tests run
# the workers and the CLI as processes.
test: setup
	@scripts/setup.sh broker
	$(CARGO) build --workspace --locked
	$(CARGO) test --workspace --locked
	python3 scripts/check_deploy.py

# Benchmarks against their anchors (pdftotext -layout, the tesseract CLI), on the fixtures
# and, when present, the third-party documents of ../shared/benchmarks, then their score.
bench: build
	@scripts/bench.sh
	@python3 scripts/bench_ocr.py
	@SCORE_NO_BUILD=1 scripts/score_real.sh

# Kinds and fields of the release binary on the real documents of ../shared/benchmarks
# (../shared/tools/score-documents); a SKIP line when ../shared is absent.
score-real: build
	@SCORE_NO_BUILD=1 scripts/score_real.sh


# Regenerate the fixture documents, dossiers and scans (needs python3 with fpdf2, Pillow and
# numpy, and pdftoppm), then check the golden verdicts: nothing is accepted here. A verdict
# that changed is proposed as verdict.golden.new.json with its diff; review, then
# `make accept-golden`.
fixtures:
	python3 fixtures/generator/generate.py
	@$(MAKE) --no-print-directory golden

# Check every golden verdict; each one that differs is written as verdict.golden.new.json
# next to it and its unified diff printed.
golden:
	@$(CARGO) test -p dossier-cli --test it -- dossiers:: scans:: || { \
	  echo "golden verdicts differ: review the diffs above, then \`make accept-golden\`"; exit 1; }

# Move the reviewed proposals (verdict.golden.new.json) over the golden verdicts.
accept-golden:
	@scripts/accept_golden.sh

# Fleet throughput and latency on the local broker (workers started and stopped here).
loadgen: build
	@scripts/loadgen.sh

definitions:
	UPDATE_DEFINITIONS=1 $(CARGO) test -p dossier-fleet

schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test -p dossier-contract

fmt:
	$(CARGO) fmt --all
