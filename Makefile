# The two commands: `make demo` (main job) and `make test` (the test suite, as CI runs it).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test check lint typecheck bench clean browser docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/marsad demo

test: check browser
	$(BIN)/python -m pytest -q

# the browser tests drive Debian's Chromium; installed here when missing and permitted
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && { apt-get install -y -q chromium >/dev/null 2>&1 \
	       || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } \
	  || echo "chromium is not installed: the browser tests will be skipped"


check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m marsad.cli.reference > docs/cli.md

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py --scale 1.0

clean:
	rm -rf $(VENV) marsad-data .pytest_cache .mypy_cache .ruff_cache
