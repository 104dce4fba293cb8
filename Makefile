# Precedent: make run (install, index corpus/, serve) · make test · make bench · make eval · make lint
VENV    := .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
INDEX   ?= index
HOST    ?= 127.0.0.1
PORT    ?= 8000
# make bench BENCH_ARGS="--sizes 1000,10000,100000" (or --short, --rebuild, --clients 32 ...)
BENCH_ARGS ?=

.PHONY: install index run test test-fast bench eval lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first, pinned: the CPU wheel on local disk; anything else pulls multi-GB CUDA builds
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/precedent index corpus --prune --index $(INDEX)

run: index
	$(BIN)/precedent serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q tests/unit

bench: install
	$(PY) -m evaluation.bench $(BENCH_ARGS)

eval: install
	$(PY) -m evaluation.run
	$(PY) -m evaluation.real

lint: install
	$(BIN)/ruff check indexer webui evaluation tests

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache tests/artifacts
