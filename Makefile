# Everyday verbs. `make build` and `make test` work on a fresh clone with only
# Python >= 3.11 and make: they create .venv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build test lint serve bench lighthouse clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[model,test]'
	@touch $(STAMP)

build: $(STAMP)  ## build the sample site into build/
	$(VENV)/bin/sitegen build

test: $(STAMP)  ## the whole test suite (browser tests need /usr/bin/chromium)
	$(VENV)/bin/ruff check sitegen tests bench
	$(VENV)/bin/ruff format --check sitegen tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check sitegen tests bench
	$(VENV)/bin/ruff format --check sitegen tests bench
	$(VENV)/bin/mypy

serve: $(STAMP)  ## live preview of the sample site at http://127.0.0.1:8000/
	$(VENV)/bin/sitegen serve

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[model,test,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)  ## attribution precision/recall (vs textacy), build speed, Dask vs local
	$(PY) bench/attribution_quality.py
	$(PY) bench/incremental.py
	$(PY) bench/article_size.py
	$(PY) bench/dask_speed.py

# Lighthouse 13 wants Node 22; 12.2.3 runs on Debian's Node 20.
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE):
	npm install --prefix .lighthouse --save-exact --no-audit --no-fund lighthouse@12.2.3

lighthouse: build $(LIGHTHOUSE)  ## Lighthouse scores of the sample article (mobile; needs npm)
	$(PY) bench/lighthouse.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
