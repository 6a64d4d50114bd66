# gevent-lab: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The newest Python >= 3.12 (override with `make PYTHON=/path/to/python3.12 ...`).
PYTHON ?= $(shell sh lab/find-python.sh 2>/dev/null)

.PHONY: help venv lab-up lab-down lab-status latency run check hint watch reset trace test \
        test-fast lint bench flake images test-docker clean ui class class-demo

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

# Make variables reach the command line only as single, validated words (never spliced into
# a shell command as they are): EX, MS, SEED, TARGET, ALL.
arg = $(if $(filter-out 1,$(words $(1))),$(error $(2) must be one word, got "$(1)"),$(if $(findstring ',$(1))$(findstring ",$(1))$(findstring ;,$(1))$(findstring $$,$(1))$(findstring `,$(1)),$(error $(2) has characters it cannot have: "$(1)"),'$(1)'))
LAB     := $(PY) -m lab
EX_ARG   = $(if $(EX),$(call arg,$(EX),EX))
TGT_ARG  = $(if $(TARGET),--target $(call arg,$(TARGET),TARGET))
SEED_ARG = $(if $(SEED),--seed $(call arg,$(SEED),SEED))

lab-up: $(STAMP) ## Start the lab (LAB_BACKEND=auto|local|docker)
	$(LAB) up

lab-down: $(STAMP) ## Stop everything lab-up started
	$(LAB) down

lab-status: $(STAMP) ## Show each service, whether it answers, toxics and DNS delay
	$(LAB) status

latency: $(STAMP) ## Set the lab's latency: make latency MS=250
	$(LAB) latency $(if $(MS),$(call arg,$(MS),MS))

run: $(STAMP) ## Run one exercise against the lab: make run EX=06
	$(LAB) run $(EX_ARG)

check: $(STAMP) ## Grade your exercises: all, or one (EX=06); SEED=, TARGET=dir
	$(LAB) check $(EX_ARG) $(TGT_ARG) $(SEED_ARG)

hint: $(STAMP) ## Show the next hint for an exercise: make hint EX=06 (ALL=1: every hint)
	$(LAB) hint $(EX_ARG) $(if $(ALL),--all)

watch: $(STAMP) ## Re-grade an exercise each time its file is saved: make watch EX=06
	$(LAB) watch $(EX_ARG) $(TGT_ARG)

reset: $(STAMP) ## Restore an exercise's starting file, keeping yours as a backup: make reset EX=01
	$(LAB) reset $(EX_ARG)

trace: $(STAMP) ## Grade one exercise and draw its timeline: make trace EX=06 (TARGET=solutions)
	$(LAB) trace $(EX_ARG) $(TGT_ARG) $(SEED_ARG)

ui: $(STAMP) ## The live dashboard in your browser (LAB_UI_PORT, default 8090)
	$(LAB) ui

class: $(STAMP) ## Grade a whole class: make class ROSTER=roster.csv [OUT=reports/class] [JOBS=6] [SHARD=1/4]
	$(LAB) class grade $(call arg,$(ROSTER),ROSTER) $(if $(OUT),--out $(call arg,$(OUT),OUT)) \
	  $(if $(JOBS),--jobs $(call arg,$(JOBS),JOBS)) $(if $(SHARD),--shard $(call arg,$(SHARD),SHARD))

class-demo: $(STAMP) ## Grade 40 generated learners (hostile ones too) at --jobs 1..N, print learners/min
	$(PY) -m lab.classroom.demo

test: $(STAMP) ## Run the project's own tests (starts its own lab on free ports)
	$(PY) -m pytest tests

test-fast: $(STAMP) ## The project's tests without the slow grading ones
	$(PY) -m pytest tests -m "not slow"

lint: $(STAMP) ## ruff check, ruff format --check, mypy, the class workflows and Job (CI's lint stage)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows docs/classroom/*.yml
	$(VENV)/bin/check-jsonschema --schemafile docs/classroom/job-batch-v1.schema.json docs/classroom/k8s-job.yaml
	bash lab/actionlint.sh docs/classroom/*.yml

bench: $(STAMP) ## Benchmark the latency injector (OTHER=http://host:8474 to compare)
	$(PY) -m services.toxiproxy.bench $(if $(OTHER),--other $(call arg,$(OTHER),OTHER))

flake: $(STAMP) ## Measure the grader's flake rate (grades solutions/ 40 times)
	$(PY) -m lab.grading.flake $(TGT_ARG)

images: ## Build the Docker backend's images (offline: debootstrap base when none can be pulled)
	bash lab/images.sh

test-docker: $(STAMP) ## Test the Docker backend with Compose v2 and v1 (as root: installs Docker if missing)
	bash lab/docker-engine.sh
	bash lab/images.sh && LAB_TEST_DOCKER=1 $(PY) -m pytest tests/docker; \
	  rc=$$?; bash lab/docker-engine.sh stop; exit $$rc

clean: ## Remove the venv, runtime state and reports
	-$(PY) -m lab down 2>/dev/null
	rm -rf $(VENV) .lab reports *.egg-info
