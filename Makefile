# Keepwell developer recipes. The README names `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install demo test lint typecheck check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,spark]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Keepwell with its development tools.

demo: install ## Build the demo company on the embedded SQLite database and show it.
	$(BIN)/keepwell demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test: install lint typecheck ## The whole test suite (SQLite and PostgreSQL).
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: install
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
