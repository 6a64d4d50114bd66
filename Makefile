# gevent-lab: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The newest Python >= 3.12 (override with `make PYTHON=/path/to/python3.12 ...`).
PYTHON ?= $(shell sh lab/find-python.sh 2>/dev/null)

.PHONY: help venv lab-up lab-down lab-status latency run check hint watch test bench flake \
        images test-docker clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { sh lab/find-python.sh; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP) ## Create .venv and install the lab into it

lab-up: $(STAMP) ## Start the lab (LAB_BACKEND=auto|local|docker)
	$(PY) -m lab up

lab-down: $(STAMP) ## Stop everything lab-up started
	$(PY) -m lab down

lab-status: $(STAMP) ## Show each service, whether it answers, toxics and DNS delay
	$(PY) -m lab status

latency: $(STAMP) ## Set the lab's latency: make latency MS=250
	$(PY) -m lab latency $(MS)

run: $(STAMP) ## Run one exercise against the lab: make run EX=06
	$(PY) -m lab run $(EX)

check: $(STAMP) ## Grade your exercises (all, or one: make check EX=06)
	$(PY) -m tests.grader check $(if $(EX),--ex $(EX))

hint: $(STAMP) ## Show the next hint for an exercise: make hint EX=06
	$(PY) -m tests.grader hint $(EX)

watch: $(STAMP) ## Re-grade an exercise each time its file is saved: make watch EX=06
	$(PY) -m tests.grader watch $(EX)

test: $(STAMP) ## Run the project's own tests (starts its own lab on free ports)
	$(PY) -m pytest tests

bench: $(STAMP) ## Benchmark the latency injector (OTHER=http://host:8474 to compare)
	$(PY) -m services.toxiproxy.bench $(if $(OTHER),--other $(OTHER))

flake: $(STAMP) ## Measure the grader's flake rate (grades solutions/ 40 times)
	$(PY) -m tests.grader.flake

images: ## Build the Docker backend's images (offline: debootstrap base when none can be pulled)
	bash lab/images.sh

test-docker: $(STAMP) ## Test the Docker backend with Compose v2 and v1 (as root: installs Docker if missing)
	bash lab/docker-engine.sh
	bash lab/images.sh && LAB_TEST_DOCKER=1 $(PY) -m pytest tests/docker; \
	  rc=$$?; bash lab/docker-engine.sh stop; exit $$rc

clean: ## Remove the venv, runtime state and reports
	-$(PY) -m lab down 2>/dev/null
	rm -rf $(VENV) .lab reports *.egg-info
