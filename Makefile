# shareinbox: `make demo` tries the product, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SRC := shareinbox tests bench

.PHONY: venv demo test check lint typecheck pytest test-faults bench bench-full clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/shareinbox demo

lint: venv
	$(VENV)/bin/ruff format --check $(SRC)
	$(VENV)/bin/ruff check $(SRC)

typecheck: venv
	$(VENV)/bin/mypy

pytest: venv
	$(PY) -m pytest -q -m "not slow" -n 2 --dist loadfile

check: lint typecheck

test: check pytest

test-faults: venv
	$(PY) -m pytest -q -m slow

bench: venv
	$(PY) -m bench.run_all

bench-full: venv
	$(PY) -m bench.run_all --full

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
