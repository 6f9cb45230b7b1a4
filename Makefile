# The README's two commands: `make demo` and `make test`. Each builds its own virtual environment.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] < (3,13)))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "swp-rules needs Python 3.11 or 3.12 (durable-rules does not build on 3.13)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/swp-rules demo

test: $(BIN)/.installed
	$(BIN)/python -m pytest
	$(BIN)/ruff check swp_rules tests bench
	$(BIN)/mypy --strict swp_rules

# The unit and case tests only (no property, metamorphic, state-machine or scale tests): under a minute.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not slow"

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
