# sitrep — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITREP := $(VENV)/bin/sitrep
export SITREP_KAFKA_BOOTSTRAP ?= 127.0.0.1:9092
export SITREP_KAFKA_PORT ?= $(lastword $(subst :, ,$(SITREP_KAFKA_BOOTSTRAP)))
export SITREP_TEST_DATABASE_URL ?= postgresql://sitrep:sitrep@127.0.0.1:5432/sitrep
# helm (built by deploy/tools/install-helm.sh) lives here
export PATH := $(CURDIR)/.cache/bin:$(PATH)

.PHONY: help venv run stop test test-unit test-faults lint format eval bench \
        kafka-up kafka-down pg-up schemas tools rules-test helm-lint sample-check clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"' \
		|| { echo "make: Python 3.11 or newer is required (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed ## create .venv and install sitrep with its dev tools

run: venv ## run the whole pipeline on the bundled sample (local broker, SQLite) and show the events
	@bash deploy/run-sample.sh

stop: ## stop what `make run KEEP=1` left running (pipeline services and the local broker)
	@bash deploy/run-sample.sh stop

test: venv kafka-up tools ## unit + integration + fault tests against the real broker, PostgreSQL, Prometheus, helm
	@bash deploy/tools/pg-up.sh
	$(PY) -m pytest -q -p no:cacheprovider tests

test-unit: venv ## unit tests only (no services needed)
	$(PY) -m pytest -q tests/unit

test-faults: venv kafka-up ## the fault suite alone (kills and restarts services)
	@bash deploy/tools/pg-up.sh
	$(PY) -m pytest -q tests/faults

lint: venv ## ruff, ruff format --check, mypy --strict on the package and the benchmarks
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/ruff format --check services tests bench
	$(VENV)/bin/mypy

format: venv ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff format services tests bench
	$(VENV)/bin/ruff check --fix services tests bench

eval: venv ## score understanding and same-event merging on the development set
	$(PY) -m sitrep.understand.evaluate eval/dev.jsonl
	$(PY) -m sitrep.dedupe.evaluate eval/dev.jsonl

bench: venv kafka-up ## benchmarks (loopback only); figures printed and written to bench/results/
	@bash deploy/tools/pg-up.sh
	$(PY) bench/run_all.py

kafka-up: ## start the local single-node KRaft broker (resolves the jars on first use)
	@bash deploy/kafka/kafka.sh up

kafka-down: ## stop the local broker
	@bash deploy/kafka/kafka.sh down

pg-up: ## start the local PostgreSQL (Debian package) and create the test database
	@bash deploy/tools/pg-up.sh

tools: ## install Prometheus/promtool (Debian package) and build helm (Go module proxy)
	bash deploy/tools/install-prometheus.sh
	bash deploy/tools/install-helm.sh

rules-test: ## promtool: check the alert rules and run their unit tests
	promtool check rules deploy/prometheus/rules/*.yaml
	promtool test rules deploy/prometheus/tests/*.yaml

helm-lint: ## helm lint --strict on the chart
	helm lint --strict helm/sitrep

sample-check: venv ## check that the bundled sample is what its source table generates
	$(PY) samples/syria-2024/build.py --check

schemas: venv ## regenerate schemas/ from the record types
	$(SITREP) schemas --write

clean: ## remove caches and local state (keeps .venv and the Kafka jars)
	rm -rf .sitrep .pytest_cache .mypy_cache .ruff_cache
	bash deploy/kafka/kafka.sh wipe
