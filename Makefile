# Shortfall: every target bootstraps what is missing and reinstalls nothing that is there.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
SOLC_VERSION := 0.8.28
SOLC := .solc/solc-v$(SOLC_VERSION)
export PATH := $(CURDIR)/node_modules/.bin:$(BIN):$(PATH)
export SOLCX_BINARY_PATH := $(CURDIR)/.solc
export PYTHONPATH := $(CURDIR)

.PHONY: bootstrap compile test lint gas demo replay replays sweep clean node node-stop deploy verify-deployment fuzz mutants

# A persistent local Anvil for deployments that outlive a script (ape-foundry's own node stops with it).
NODE_PORT ?= 8545
NODE_URL := http://127.0.0.1:$(NODE_PORT)
NODE_PID := .node/anvil.pid
LOCAL := --network ethereum:local:foundry

bootstrap: $(VENV)/.installed node_modules/.installed $(SOLC)

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A `solc-v<version>` executable over the npm compiler, where py-solc-x and forge look for it.
$(SOLC): tools/solc.js node_modules/.installed
	mkdir -p .solc
	printf '#!/bin/sh\nexec node "%s/tools/solc.js" "$$@"\n' "$(CURDIR)" > $@
	chmod +x $@
	$@ --version | grep -q "Version: $(SOLC_VERSION)"

compile: bootstrap
	$(BIN)/ape compile

test: compile
	SHORTFALL_ABI_GATE=1 $(BIN)/ape test tests

lint: compile
	$(BIN)/ruff check shortfall scripts tests
	$(BIN)/ruff format --check shortfall scripts tests
	forge build --quiet
	$(BIN)/python -m shortfall.checks.lint

# The stateful fuzzer at length: STEPS steps (default 10,000) from SEED; progress, steps/s, per-rule counts,
# and a non-vacuity verdict (shortfall/fuzz/report.py). A failure prints the shrunk sequence ready to paste.
STEPS ?= 10000
SEED ?= 1
fuzz: compile
	SHORTFALL_FUZZ_PROFILE=fuzz SHORTFALL_FUZZ_STEPS=$(STEPS) SHORTFALL_FUZZ_PROGRESS=500 \
		$(BIN)/ape test tests/stateful/test_pool_machine.py -s -q --hypothesis-seed=$(SEED)
	$(BIN)/python -m shortfall.fuzz.report reports/fuzz.json

# Named mutations of contracts/ (shortfall/fuzz/mutants.py) that the ci fuzz profile must each kill.
mutants: compile
	$(BIN)/python -m shortfall.fuzz.mutants

gas: compile
	$(BIN)/ape run gas

# The main job: replays the default crash scenario on a local Anvil (started if none answers, stopped
# after unless KEEP_NODE=1) and prints who bore the bad debt; the run folder is runs/demo.
SCENARIO ?= scenarios/black_thursday.yaml
demo: compile
	NODE_URL=$(NODE_URL) tools/on_node.sh replay $(SCENARIO) --out runs/demo

# Any scenario: make replay SCENARIO=scenarios/luna_ust.yaml [ARGS="--engine model"]
replay: compile
	NODE_URL=$(NODE_URL) tools/on_node.sh replay $(SCENARIO) $(ARGS)

# Every scenario in scenarios/ on chain, then one table of their summaries: reports/replays.md.
replays: compile
	@for f in scenarios/*.yaml; do \
		NODE_URL=$(NODE_URL) tools/on_node.sh replay $$f --out runs/replays/$$(basename $$f .yaml) || exit 1; \
	done
	$(BIN)/python -m shortfall.replay.library runs/replays reports/replays.md

# A parameter grid on a local Dask cluster (or SCHEDULER=host:port), with VERIFY cells re-run on chain.
PARAMS ?= --param liquidation_threshold=0.75:0.85:0.05 --param initial_reserve=50000,100000,200000,400000
VERIFY ?= 2
sweep: compile
	NODE_URL=$(NODE_URL) tools/on_node.sh sweep $(SCENARIO) $(PARAMS) --verify $(VERIFY) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER))

node: bootstrap
	@if [ -f $(NODE_PID) ] && kill -0 $$(cat $(NODE_PID)) 2>/dev/null; then \
		echo "anvil already running (pid $$(cat $(NODE_PID))) at $(NODE_URL)"; \
	else \
		mkdir -p .node; \
		nohup anvil --port $(NODE_PORT) --base-fee 0 --gas-price 0 > .node/anvil.log 2>&1 & echo $$! > $(NODE_PID); \
		for i in $$(seq 50); do curl -s -o /dev/null -X POST -H 'content-type: application/json' \
			--data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' $(NODE_URL) && break; sleep 0.1; done; \
		echo "anvil started (pid $$(cat $(NODE_PID))) at $(NODE_URL); log in .node/anvil.log"; \
	fi

node-stop:
	@if [ -f $(NODE_PID) ] && kill $$(cat $(NODE_PID)) 2>/dev/null; then echo "anvil stopped"; else echo "no anvil of ours running"; fi
	@rm -f $(NODE_PID)

deploy: compile
	APE_FOUNDRY_HOST=$(NODE_URL) $(BIN)/ape run deploy $(LOCAL) $(ARGS)

verify-deployment: compile
	APE_FOUNDRY_HOST=$(NODE_URL) $(BIN)/ape run verify-deployment $(LOCAL) $(ARGS)

clean:
	rm -rf .build .solc out cache reports/gas
