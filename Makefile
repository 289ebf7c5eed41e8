# The two Quickstart commands (`make demo`, `make test`) set everything up themselves.
.PHONY: install demo run test test-fast fuzz lint bench constraints clean

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
VENV := .venv/bin

install:
	@scripts/bootstrap.sh

demo: install  ## the whole pipeline, offline, on the bundled snapshot; prints where the digests are
	$(VENV)/chainwatch demo

run: install  ## the whole pipeline against the live sources
	$(VENV)/chainwatch run

test: install  ## the whole test suite against real PostgreSQL (127.0.0.1:5432, else an embedded server)
	@scripts/ensure-postgres.sh
	@scripts/ensure-chromium.sh
	$(VENV)/python -m pytest

test-fast: install  ## the edit-test loop: tests that need neither PostgreSQL, the model nor a browser
	$(VENV)/python -m pytest -q -m "not db and not model and not browser and not slow"

fuzz: install  ## the fuzz targets (tests/fuzz) with a long budget: 20,000 examples each (make test runs 100)
	$(VENV)/python -m pytest -q -p no:cacheprovider tests/fuzz --hypothesis-profile=fuzz

lint: install  ## ruff (lint, format check) and mypy; the import layers are checked by tests/test_architecture.py
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy

bench: install  ## the benchmark suite (prints a table, writes bench/results/)
	$(VENV)/python -m bench

constraints:  ## re-pin every dependency from the working venv
	$(VENV)/python -m pip freeze --exclude-editable | grep -v '^chainwatch' > constraints.txt

clean:
	rm -rf out test-artifacts .pytest_cache
