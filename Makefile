# 医院智能客服 — every command a newcomer needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PYTHON  := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
MODEL   := models/hospital.tar.gz
TRAIN_DATA := data/nlu data/lookups data/rules data/stories
# The goal for held-out intent accuracy, and the floor `make test` enforces against regressions.
NLU_MIN_ACCURACY ?= 0.95
NLU_REGRESSION_FLOOR := 0.93

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_DETERMINISTIC_OPS := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

MODEL_INPUTS := config.yml domain.yml $(shell find $(TRAIN_DATA) data/jieba data/normalization hospital_nlu hospital_core/text.py -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

.PHONY: help install train validate test test-unit test-his test-console test-conversations eval-nlu eval-safety run bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-20s %s\n", $$1, $$2}'

install: ## Build all environments (Python 3.10 venvs, npm packages, Chromium); idempotent
	@scripts/install.sh

train: $(MODEL) ## Train the model if config, domain or data changed since the last one

$(MODEL): $(MODEL_INPUTS)
	@mkdir -p models
	$(RASA) train --data $(TRAIN_DATA) --config config.yml --domain domain.yml --out models --fixed-model-name hospital
	@touch $(MODEL)

validate: ## Layer 1: rasa data validate (domain, NLU, rules, stories); fails on any unexplained warning
	$(PYTHON) scripts/validate.py --data $(TRAIN_DATA) --config config.yml --domain domain.yml

test-unit: ## Layer 2: pytest for actions, components and the stack (starts its own servers)
	$(PYTHON) -m pytest -q tests

test-his: ## pytest of the hospital scheduling system (SQLite and the local PostgreSQL)
	@if [ -f hospital_system/Makefile ]; then $(MAKE) -s -C hospital_system test; fi

test-console: ## pytest of the agents' console service (SQLite and the local PostgreSQL)
	@if [ -f agent_console/Makefile ]; then $(MAKE) -s -C agent_console test; fi

test-conversations: train ## Layer 3: conversation tests (rasa test, fails on any prediction error)
	$(PYTHON) scripts/with_action_server.py -- $(RASA) test core --model $(MODEL) --stories tests/conversations --endpoints {endpoints} --e2e --fail-on-prediction-errors --out results/conversations

test: validate test-his test-console train test-unit test-conversations eval-safety ## The whole suite: validation, pytest, conversation tests, NLU and safety evaluations
	@$(MAKE) -s eval-nlu NLU_MIN_ACCURACY=$(NLU_REGRESSION_FLOOR)

eval-nlu: train ## Intent accuracy on the held-out set (never trained on), with a confusion report
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu --out results/nlu >/dev/null
	$(PYTHON) scripts/report_nlu.py results/nlu --min-accuracy $(NLU_MIN_ACCURACY)

eval-safety: ## Emergency recall, false positives and triage accuracy on the evaluation sets
	$(PYTHON) scripts/eval_safety.py

run: install train ## Start everything on embedded defaults and print the URLs (Ctrl-C stops all)
	$(PYTHON) scripts/run_stack.py

bench: install train ## Benchmark: load time, memory, training time, latency and throughput
	$(PYTHON) scripts/bench.py

clean: ## Remove trained models, results and local databases
	rm -rf models results var/*.db
