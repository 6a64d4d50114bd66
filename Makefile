# gevent-lab: `make help` lists the targets, in the learner's language (LAB_LANG, .env,
# locale). Their order and texts are one table: lab/makehelp.py and the catalogue's
# make.<target> ids (tests/lab/test_help_lang.py keeps it and this file in step).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The newest Python >= 3.12 (override with `make PYTHON=/path/to/python3.12 ...`).
PYTHON ?= $(shell sh lab/find-python.sh 2>/dev/null)

.PHONY: help venv lab-up lab-down lab-status latency run check hint watch reset trace test \
        test-fast lint bench bench-grade flake images test-docker clean ui class class-demo

# Works on a fresh clone (no .venv yet): lab.makehelp needs only the standard library.
help:
	@$(or $(wildcard $(PY)),$(PYTHON),python3) -m lab.makehelp

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { sh lab/find-python.sh; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# The lab's own modules as bytecode now: an editable install leaves them as source, and
	@# a shell with PYTHONDONTWRITEBYTECODE set compiles them at every check (60 ms of each).
	$(PY) -m compileall -q lab services >/dev/null
	@touch $@

venv: $(STAMP)

# Make variables reach the command line only as single, validated words (never spliced into
# a shell command as they are): EX, MS, SEED, TARGET, ALL.
arg = $(if $(filter-out 1,$(words $(1))),$(error $(2) must be one word, got "$(1)"),$(if $(findstring ',$(1))$(findstring ",$(1))$(findstring ;,$(1))$(findstring $$,$(1))$(findstring `,$(1)),$(error $(2) has characters it cannot have: "$(1)"),'$(1)'))
LAB     := $(PY) -m lab

# A learner's command that fails (a grading not passed, a lab that does not start) has
# already said why in its own words: make then ends there, exit status 0, without its
# "make: *** [Makefile:NN: check] Error 1", which reads like a crash. STRICT=1, or CI=true
# (CI sets it), keeps the command's non-zero exit status. The project's own targets (test,
# lint, ...) always keep theirs.
STRICT ?= $(if $(filter true 1 yes,$(CI)),1)
SOFT     = $(if $(filter-out 0 false no,$(STRICT)),,|| true)
EX_ARG   = $(if $(EX),$(call arg,$(EX),EX))
TGT_ARG  = $(if $(TARGET),--target $(call arg,$(TARGET),TARGET))
SEED_ARG = $(if $(SEED),--seed $(call arg,$(SEED),SEED))

lab-up: $(STAMP)
	@$(LAB) up $(SOFT)

lab-down: $(STAMP)
	@$(LAB) down $(SOFT)

lab-status: $(STAMP)
	@$(LAB) status $(SOFT)

latency: $(STAMP)
	@$(LAB) latency $(if $(MS),$(call arg,$(MS),MS)) $(SOFT)

run: $(STAMP)
	@$(LAB) run $(EX_ARG) $(SOFT)

check: $(STAMP)
	@$(LAB) check $(EX_ARG) $(TGT_ARG) $(SEED_ARG) $(SOFT)

hint: $(STAMP)
	@$(LAB) hint $(EX_ARG) $(if $(ALL),--all) $(SOFT)

watch: $(STAMP)
	@$(LAB) watch $(EX_ARG) $(TGT_ARG) $(SOFT)

reset: $(STAMP)
	@$(LAB) reset $(EX_ARG) $(SOFT)

trace: $(STAMP)
	@$(LAB) trace $(EX_ARG) $(TGT_ARG) $(SEED_ARG) $(SOFT)

ui: $(STAMP)
	@$(LAB) ui $(SOFT)

class: $(STAMP)
	$(LAB) class grade $(call arg,$(ROSTER),ROSTER) $(if $(OUT),--out $(call arg,$(OUT),OUT)) \
	  $(if $(JOBS),--jobs $(call arg,$(JOBS),JOBS)) $(if $(SHARD),--shard $(call arg,$(SHARD),SHARD))

class-demo: $(STAMP)
	$(PY) -m lab.classroom.demo

test: $(STAMP)
	$(PY) -m pytest tests

test-fast: $(STAMP)
	$(PY) -m pytest tests -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows docs/classroom/*.yml
	$(VENV)/bin/check-jsonschema --schemafile docs/classroom/job-batch-v1.schema.json docs/classroom/k8s-job.yaml
	bash lab/actionlint.sh docs/classroom/*.yml

bench: $(STAMP)
	$(PY) -m services.toxiproxy.bench $(if $(OTHER),--other $(call arg,$(OTHER),OTHER))

flake: $(STAMP)
	$(PY) -m lab.grading.flake $(TGT_ARG)

bench-grade: $(STAMP)
	$(PY) -m lab.grading.bench $(if $(RUNS),--runs $(call arg,$(RUNS),RUNS))

images:
	bash lab/images.sh

test-docker: $(STAMP)
	bash lab/docker-engine.sh
	bash lab/images.sh && LAB_TEST_DOCKER=1 $(PY) -m pytest tests/docker; \
	  rc=$$?; bash lab/docker-engine.sh stop; exit $$rc

clean:
	-$(PY) -m lab down 2>/dev/null
	rm -rf $(VENV) .lab reports *.egg-info
