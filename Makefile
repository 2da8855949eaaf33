# Every target CI and the README use. The environment is created on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LANDING ?= data/landing
LAKE ?= data/lake
SCALE ?= 0.1
SEED ?= 42
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: env run test lint dev package clean-data

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

env: $(STAMP)

run: $(STAMP)
	@mkdir -p $(DAGSTER_HOME) $(LANDING)
	@if [ -z "$$(ls -A $(LANDING))" ]; then \
		$(BIN)/olist-lakehouse generate --scale $(SCALE) --seed $(SEED) --out $(LANDING); fi
	$(BIN)/olist-lakehouse run --source $(LANDING) --lake $(LAKE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

dev: $(STAMP)
	@mkdir -p $(DAGSTER_HOME) $(LANDING)
	OLIST_LAKE_URL=$(LAKE) OLIST_LANDING_URL=$(LANDING) \
		$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

package: $(STAMP)
	$(BIN)/python infrastructure/build_lambda_zip.py --out build/lambda.zip

clean-data:
	rm -rf data .dagster_home
