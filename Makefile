# The README's two commands: `make demo` and `make test`. Each builds its own virtual environment.
PYTHON ?= $(shell for p in python3.12 python3.11 python3.13 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] < (3,14))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "swp-rules needs Python 3.11, 3.12 or 3.13 and a C compiler (durable-rules builds from source)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# Python 3.13 removed a C call durable-rules 2.0.28 makes: build it from its sdist with the one-line fix first
	if $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then \
		$(BIN)/python -m pip install --quiet "$$($(BIN)/python tools/build_durable_rules.py)"; fi
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/swp-rules demo

test: $(BIN)/.installed
	$(BIN)/python -m pytest
	$(BIN)/ruff check swp_rules tests bench
	$(BIN)/mypy --strict swp_rules

# The unit tests and the ruleset cases (what tests/conftest.py and the slow marks leave): under a minute on two cores.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not slow"

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
