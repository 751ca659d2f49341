# The newest Python 3.10+ found on PATH; override with `make PYTHON=python3.11 ...`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3.10 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
# Tests run in parallel on every core, each bounded by pytest-timeout.
PYTEST_ARGS ?= -n auto --timeout=120 -q

.PHONY: run test soak lint bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.10 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	@touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/python examples/hello.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The long soak: 1,000,000 requests after 100,000 of warm-up (make test runs a
# short one); the figure goes into benchmarks/README.md.
soak: $(VENV)/.installed-test
	SANIC_SOAK_WARMUP=100000 SANIC_SOAK_REQUESTS=1000000 \
		$(BIN)/python -m pytest tests/test_soak.py -p no:xdist -s -q --timeout=3600

lint: $(VENV)/.installed-test
	$(BIN)/ruff check sanic tests benchmarks examples
	$(BIN)/ruff format --check sanic tests benchmarks examples
	$(BIN)/mypy sanic

bench: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian package)"; \
		(apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 || \
		{ echo "error: wrk is needed for make bench; install it with your package manager"; exit 1; }; }
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/router_bench.py

clean:
	rm -rf $(VENV) build *.egg-info
