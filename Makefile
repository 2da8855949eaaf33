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
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dg runs in the project's own environment; naming it keeps dg from warning that none is active
DG := VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg

.PHONY: env run test rehearse lint dev check-defs screenshots package docs infra-generate infra-check deploy-local burst destroy bench clean-data

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

env: $(STAMP)

run: $(STAMP)
	@mkdir -p $(DAGSTER_HOME) $(LANDING)
	@[ -f $(DAGSTER_HOME)/dagster.yaml ] || cp dagster_instance.yaml $(DAGSTER_HOME)/dagster.yaml
	@if [ -z "$$(ls -A $(LANDING))" ]; then \
		$(BIN)/olist-lakehouse generate --scale $(SCALE) --seed $(SEED) --out $(LANDING); fi
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/olist-lakehouse run --source $(LANDING) --lake $(LAKE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest -m "not rehearsal"

rehearse: $(STAMP)  ## the long rehearsals: Glue concurrency, the bad-input corpus and a burst through the Lambdas on moto, the pipeline on moto S3
	$(BIN)/pytest -m rehearsal

dev: $(STAMP)  ## the Dagster UI and daemon on http://127.0.0.1:3000 ([tool.dg] in pyproject.toml)
	@mkdir -p $(DAGSTER_HOME) $(LANDING)
	@[ -f $(DAGSTER_HOME)/dagster.yaml ] || cp dagster_instance.yaml $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) OLIST_LAKE_URL=$(LAKE) OLIST_LANDING_URL=$(LANDING) \
		$(DG) dev --host 127.0.0.1 --port 3000

check-defs: $(STAMP)  ## load the code location as dg does (CI runs it in tests/system/dagster)
	$(DG) check defs
	$(DG) list defs

screenshots: $(STAMP)  ## refresh docs/screenshots/ from the browser tests
	OLIST_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/system/browser -q

package: $(STAMP)  ## build/lambda.zip (handlers and their modules) and build/layer.zip (dependencies), sizes checked
	$(BIN)/python infrastructure/build_lambda_zip.py --out build/lambda.zip
	$(BIN)/python infrastructure/build_lambda_layer.py --out build/layer.zip
	$(BIN)/python infrastructure/check_lambda_sizes.py build/lambda.zip dependencies=build/layer.zip

docs: $(STAMP)  ## re-render docs/business_tables.md from sql/business/<table>.toml
	$(BIN)/python -m olist_assets.core.business.docs

infra-generate: $(STAMP)  ## re-render infrastructure/generated/*.json from the Python modules
	$(BIN)/python infrastructure/render_generated.py

infra-check: $(STAMP)  ## offline Terraform checks: generated files, fmt, validate, mocked test, ASL, checkov
	bash infrastructure/check.sh

deploy-local: $(STAMP)  ## rehearse the deployment on a local moto server, land a dataset, tear down
	bash infrastructure/deploy_local.sh rehearse

burst: $(STAMP)  ## 500 dated drops through the deployed event path on a local moto server: one refresh
	bash infrastructure/deploy_local.sh burst

destroy:  ## tear the deployment down, its data included: apply force_destroy, then destroy (asks twice)
	cd infrastructure && bash destroy.sh $(TF_ARGS)

bench: $(STAMP)  ## every benchmark, each printing its figures and the ratio to its baseline
	@data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	for script in benchmarks/bench_*.py; do \
		echo "== $$script"; \
		case $$script in *bench_clean*) args="--data $$data";; *) args="";; esac; \
		$(BIN)/python $$script $$args || exit 1; \
	done

clean-data:
	rm -rf data .dagster_home
