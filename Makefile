# The two commands of the README: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
CARGO := $(shell [ -f $$HOME/.cargo/env ] && . $$HOME/.cargo/env; command -v cargo || echo cargo)
SAMPLES := $(wildcard fixtures/samples/*)

# One OCR engine per core: OpenMP threads inside tesseract only slow it down (stack notes).
export OMP_THREAD_LIMIT := 1

.PHONY: setup build demo test bench loadgen fixtures golden schemas definitions fmt

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
# and, when present, the third-party documents of ../shared/benchmarks.
bench: build
	@scripts/bench.sh
	@python3 scripts/bench_ocr.py


# Regenerate the fixture documents, dossiers and scans (needs python3 with fpdf2, Pillow and
# numpy, and pdftoppm), then the golden verdicts.
fixtures:
	python3 fixtures/generator/generate.py
	UPDATE_GOLDEN=1 $(CARGO) test -p dossier-cli --test it -- dossiers scans

golden:
	UPDATE_GOLDEN=1 $(CARGO) test -p dossier-cli --test it -- dossiers scans

# Fleet throughput and latency on the local broker (workers started and stopped here).
loadgen: build
	@scripts/loadgen.sh

definitions:
	UPDATE_DEFINITIONS=1 $(CARGO) test -p dossier-fleet

schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test -p dossier-contract

fmt:
	$(CARGO) fmt --all
