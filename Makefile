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

.PHONY: bootstrap compile test lint gas demo clean

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
	$(BIN)/python -m shortfall.lint

gas: compile
	$(BIN)/ape run gas

demo: compile
	@echo "make demo: deployment and the scripted crash are the next milestone (issue 3); not built yet." >&2
	@exit 1

clean:
	rm -rf .build .solc out cache reports/gas
