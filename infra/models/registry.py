"""Registers trained fraud model versions in MLflow, each with its model card.

usage: python registry.py --tracking-uri URI register REPOSITORY_DIR

REPOSITORY_DIR is laid out as a Triton model repository, <model>/<version>/ holding the weights
and what train.py writes beside them: model-card.json, model-card.md, drift-reference.json.
Each version becomes an MLflow run (experiment `fraud-models`: parameters, held-out metrics
overall and per segment, the version's files as artifacts) and a version of the registered
model of the same name, linked to the run, with the card's key facts as tags and the card's
Markdown as its description.

Idempotent: a version whose training key (model_card.training_key: same dataset hash, code and
recipe) is already registered is skipped, so running this on every `stack up` adds nothing new.
Runs in the MLflow venv of the stack (infra/local/components/mlflow.sh); reads only JSON, no
training code.
"""
import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

# The client prints a link per run it ends; this script logs one line per version instead.
os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from model_card import CARD_FILE, CARD_MARKDOWN_FILE, DESCRIPTIONS

EXPERIMENT = "fraud-models"
ARTIFACT_PATH = "model"
NO_PARENT = "none"
NOBODY = "none"  # approved_by of a candidate no one has approved yet


def log(message):
    print(f"[registry] {message}", file=sys.stderr, flush=True)


def version_dirs(repository):
    """Every <model>/<version>/ with a card, oldest version first, so a parent is registered before its child."""
    found = [card.parent for card in repository.glob(f"*/*/{CARD_FILE}") if card.parent.name.isdigit()]
    return sorted(found, key=lambda d: (d.parent.name, int(d.name)))


def flat(prefix, value):
    """{"a": {"b": 1}} as {"prefix/a/b": 1}: MLflow's parameters and metrics are flat."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flat(f"{prefix}/{key}" if prefix else key, item).items()}
    return {prefix: value}


def params(card):
    data = card["training_data"]
    return {
        **flat("recipe", card["training"]["recipe"]),
        "dataset_hash": data["content_hash"],
        "code_version": card["training"]["code_version"],
        **flat("rows", data["rows"]),
        **flat("window", data["window"]),
    }


def metrics(card):
    """Numeric held-out metrics, overall (auc, brier, ...) and per segment (region/UK/auc, ...)."""
    held_out = {k: v for k, v in card["held_out_metrics"].items() if k != "calibration"}
    held_out["expected_calibration_error"] = card["held_out_metrics"]["calibration"]["expected_calibration_error"]
    every = {**held_out, **flat("", card["segment_metrics"])}
    return {k: float(v) for k, v in every.items() if isinstance(v, (int, float))}


def label_source_rows(card):
    sources = card["training_data"]["label_sources"]
    return {source: sources["train"][source]["rows"] + sources["held_out"][source]["rows"] for source in sources["train"]}


def version_tags(card, parent_version):
    approval = card["approval"]
    return {
        "triton_version": str(card["model"]["version"]),
        "training_key": card["training"]["training_key"],
        "dataset_hash": card["training_data"]["content_hash"],
        "code_version": card["training"]["code_version"],
        "parent_version": parent_version,
        "approval_status": approval["status"],
        "approved_by": approval["by"] or NOBODY,
        "label_source_rows": json.dumps(label_source_rows(card), sort_keys=True),
        "model_card": f"{ARTIFACT_PATH}/{CARD_FILE}",
    }


class Registry:
    def __init__(self, tracking_uri):
        self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

    def versions(self, name):
        return self.client.search_model_versions(f"name = '{name}'")

    def find(self, name, key):
        return next((v for v in self.versions(name) if v.tags.get("training_key") == key), None)

    def ensure_model(self, name):
        if not self.client.search_registered_models(f"name = '{name}'"):
            self.client.create_registered_model(
                name, description=DESCRIPTIONS[name],
                tags={"served_by": "triton", "inputs": "infra/models/feature-order.json"},
            )

    def experiment_id(self):
        experiment = self.client.get_experiment_by_name(EXPERIMENT)
        return experiment.experiment_id if experiment else self.client.create_experiment(EXPERIMENT)

    def register(self, version_dir):
        """Registers one version directory; returns its registered version number."""
        card = json.loads((version_dir / CARD_FILE).read_text())
        name, triton_version = card["model"]["name"], card["model"]["version"]
        existing = self.find(name, card["training"]["training_key"])
        if existing:
            log(f"{name} v{triton_version}: already registered as version {existing.version}")
            return existing.version
        parent_version = NO_PARENT
        if card["parent"]:
            parent = self.find(name, card["parent"]["training_key"])
            if not parent:
                raise SystemExit(f"{name} v{triton_version}: its parent (v{card['parent']['version']}, "
                                 f"{card['parent']['training_key']}) is not registered")
            parent_version = parent.version
        self.ensure_model(name)
        tags = version_tags(card, parent_version)
        description = (version_dir / CARD_MARKDOWN_FILE).read_text()

        run = self.client.create_run(
            self.experiment_id(), run_name=f"{name} v{triton_version}",
            tags={**tags, "model_name": name, "mlflow.note.content": description},
        )
        run_id = run.info.run_id
        now = int(time.time() * 1000)
        self.client.log_batch(
            run_id,
            metrics=[Metric(key, value, now, 0) for key, value in metrics(card).items()],
            params=[Param(key, "none" if value is None else str(value)) for key, value in params(card).items()],
        )
        # The version's files, without the __pycache__ a Triton that served them leaves behind.
        for path in sorted(version_dir.iterdir()):
            if path.is_file():
                self.client.log_artifact(run_id, str(path), ARTIFACT_PATH)
        self.client.set_terminated(run_id)

        version = self.client.create_model_version(
            name, source=f"{run.info.artifact_uri}/{ARTIFACT_PATH}", run_id=run_id, tags=tags, description=description,
        )
        log(f"{name} v{triton_version}: registered as version {version.version} (parent: {parent_version}, "
            f"approval: {card['approval']['status']})")
        return version.version


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracking-uri", required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    register = commands.add_parser("register", help="register every version of a model repository")
    register.add_argument("repository", type=Path)
    args = parser.parse_args()
    logging.getLogger("mlflow").setLevel(logging.WARNING)

    dirs = version_dirs(args.repository)
    if not dirs:
        raise SystemExit(f"no model versions with a {CARD_FILE} under {args.repository}")
    registry = Registry(args.tracking_uri)
    for version_dir in dirs:
        registry.register(version_dir)


if __name__ == "__main__":
    main()
