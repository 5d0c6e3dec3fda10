#!/usr/bin/env bash
# `make dataset`: installs the job's venv (once) and adds the newly labelled claims of the stack's
# topics to the training dataset, $STACK_DATA/models/dataset by default (DATASET_DIR). Kafka and
# the schema registry must be up (`infra/local/stack up`). Arguments go to build_dataset.py;
# the report is the last line on stdout.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/venv.sh"
dataset_install
dataset_build "$@"
