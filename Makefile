# The two set-up commands of the README: `make run` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA_DIR ?= ./data
LISTEN ?= 127.0.0.1:9400

.PHONY: run test check lint typecheck web web-test unit bench test-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## run: start Pulseboard with its demo workload on the embedded store
run: $(VENV)/.installed
	$(VENV)/bin/pulseboard demo --listen $(LISTEN) --data-dir $(DATA_DIR)

## test: install everything the tests need, then lint, type-check, build the web UI (in CI: fail
## when the committed build is stale), run the web UI's unit tests, then the whole suite
test: $(VENV)/.installed test-deps check web web-test unit

test-deps:
	scripts/install-test-deps
	scripts/start-services

check: lint typecheck

lint: $(VENV)/.installed
	$(PY) -m ruff check pulseboard tests benchmarks
	$(PY) -m ruff format --check pulseboard tests benchmarks

typecheck: $(VENV)/.installed
	$(PY) -m mypy

## web: build the web UI (web/) into pulseboard/web
web:
	scripts/build-web

web-test: web
	cd web && npm test

unit: $(VENV)/.installed
	$(PY) -m pytest -q -p no:cacheprovider

## bench: run every benchmark (prints figures; not part of the test suite)
bench: $(VENV)/.installed
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done
