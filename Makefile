# Every target creates the virtual environment it needs (.venv) on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test check lint bench clean venv wheel train

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## demo: replay the seed corpus on the default SQLite database, then show what it found
demo: $(STAMP)
	$(BIN)/tradewatch replay seeds
	$(BIN)/tradewatch stories
	$(BIN)/tradewatch events
	$(BIN)/tradewatch alerts

## test: the whole test suite (needs PostgreSQL on 127.0.0.1:5432, database "test")
test: $(STAMP)
	$(BIN)/python -m pytest

## wheel: build the sdist and wheel, install the wheel in a fresh venv, replay the seeds with it
wheel: $(STAMP)
	bash .ci/wheel

## train: retrain the signal models from eval/signals/news (needs ../shared/corpora or TRADEWATCH_CORPORA)
train: $(STAMP)
	$(BIN)/tradewatch train

## check: lint, types and the pure unit tests (no database, network, Prefect, corpora or subprocess)
check: $(STAMP)
	$(BIN)/ruff check extractors storage flows tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not database and not network and not prefect and not corpora and not subprocess and not slow"

lint: $(STAMP)
	$(BIN)/ruff check extractors storage flows tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
