# Keepwell developer recipes. The README names `make demo` and `make test`; each installs
# what it needs on a fresh Debian machine (scripts/system-setup, scripts/debian-packages.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install system-run system-test demo test quick lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,spark]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Keepwell with its development tools.

system-run: ## Debian packages the app needs (PDF libraries, fonts).
	scripts/system-setup run

system-test: ## Debian packages the tests need, and a running PostgreSQL.
	scripts/system-setup test

demo: system-run install ## Build the demo company on the embedded SQLite database and show it.
	$(BIN)/keepwell demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test: system-test install lint typecheck ## The whole test suite (SQLite and PostgreSQL).
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

quick: install ## The fast loop: SQLite only, no browser, slow or Spark tests.
	KEEPWELL_TEST_POSTGRES_URL=skip $(BIN)/pytest -n 2 -m "not browser and not slow and not spark" $(PYTEST_ARGS)

bench: install
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
