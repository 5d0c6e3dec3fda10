"""The model card of one trained fraud model version: what it is for and not for, what it was
trained on, how it scores on held-out claims (overall and per product, region and channel), which
code trained it, the version it replaces and who approved it.

train.py writes it into the version's directory beside the weights, as model-card.json (read by
registry.py, which registers the version with it) and model-card.md (for people; it becomes the
registered version's description in the MLflow UI).
"""
import hashlib
import json

import numpy as np

CARD_FILE = "model-card.json"
CARD_MARKDOWN_FILE = "model-card.md"
# Written beside the card by train.py (drift_reference.py); the card names it.
DRIFT_REFERENCE_FILE = "drift-reference.json"
SCHEMA = "claims-mesh/model-card/1"

INTENDED_USE = {
    "for": [
        "Ranking incoming warranty and insurance claims by their probability of fraud, as the "
        "inference gateway's cascade does (student first, teacher for the uncertain band)",
        "Routing claims to human review through the decision service's versioned rules",
    ],
    "not_for": [
        "Rejecting a claim or denying payment without a human review",
        "Judging a customer (it scores one claim, from the features the feature service computes)",
        "Claims outside the products, regions and channels it was evaluated on (see segments)",
        "Production decisions while trained on synthetic claims only (label source `synthetic`)",
    ],
}

DESCRIPTIONS = {
    "fraud_teacher": "Multi-layer perceptron scoring the probability that a claim is fraudulent; "
                     "the cascade's second stage and the student's teacher.",
    "fraud_student": "Logistic regression distilled from the teacher of the same version; scores "
                     "every claim first in the cascade.",
}


def training_key(name, dataset_hash, code, recipe):
    """Identity of a training: the same model trained on the same rows by the same code with the
    same settings. Registration skips a version whose key is already registered."""
    facts = json.dumps({"model": name, "dataset": dataset_hash, "code": code, "recipe": recipe}, sort_keys=True)
    return "sha256:" + hashlib.sha256(facts.encode()).hexdigest()


def build(*, name, version, data, dataset_hash, recipe, code, held_out, segments, pair, parent, approval, trained_at):
    """The card as a dict. parent: {"version", "training_key"} of the version this one is trained
    to replace, or None; approval: {"status": "approved" | "pending", "by": who or what, or None}."""
    return {
        "schema": SCHEMA,
        "model": {"name": name, "version": version, "description": DESCRIPTIONS[name], "pair": pair},
        "intended_use": INTENDED_USE,
        "training_data": {
            "window": data.window,
            "content_hash": dataset_hash,
            "rows": {"total": int(len(data.y)), "train": int(len(np.unique(data.train))), "held_out": int(len(data.held_out))},
            "label_sources": {
                "train": data.label_source_counts(data.train),
                "held_out": data.label_source_counts(data.held_out),
            },
        },
        "held_out_metrics": held_out,
        "segment_metrics": segments,
        "training": {
            "recipe": recipe,
            "code_version": code,
            "trained_at": trained_at,
            "training_key": training_key(name, dataset_hash, code, recipe),
        },
        "parent": parent,
        "approval": approval,
        "drift_reference": DRIFT_REFERENCE_FILE,
    }


def _metric(value):
    return "n/a" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def markdown(card):
    model, data, metrics = card["model"], card["training_data"], card["held_out_metrics"]
    parent = card["parent"]
    approval = card["approval"]
    lines = [
        f"# {model['name']} version {model['version']}",
        "",
        model["description"],
        f"Trained as a pair: teacher {model['pair']['teacher']}, student {model['pair']['student']}.",
        "",
        "## For",
        *[f"- {use}" for use in card["intended_use"]["for"]],
        "",
        "## Not for",
        *[f"- {use}" for use in card["intended_use"]["not_for"]],
        "",
        "## Training data",
        f"- window: {data['window']['from'] or 'n/a'} to {data['window']['to'] or 'n/a'}"
        + (f" (synthetic claims, seed {data['window']['synthetic_seed']})" if data["window"].get("synthetic_seed") else ""),
        f"- rows: {data['rows']['train']} for training, {data['rows']['held_out']} held out",
        f"- content hash: `{data['content_hash']}`",
        "",
        "| label source | training rows (fraud) | held-out rows (fraud) |",
        "| --- | --- | --- |",
        *[
            f"| {source} | {counts['rows']} ({counts['fraud']}) | "
            f"{data['label_sources']['held_out'][source]['rows']} ({data['label_sources']['held_out'][source]['fraud']}) |"
            for source, counts in data["label_sources"]["train"].items()
        ],
        "",
        "## Held-out metrics",
        "",
        "| AUC | Brier score | log loss | accuracy at 0.5 | calibration error (ECE) | student-teacher agreement |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {_metric(metrics['auc'])} | {_metric(metrics['brier'])} | {_metric(metrics['log_loss'])} | "
        f"{_metric(metrics['accuracy'])} | {_metric(metrics['calibration']['expected_calibration_error'])} | "
        f"{_metric(metrics['student_teacher_agreement'])} |",
        "",
        "## Per segment",
    ]
    for segment, values in card["segment_metrics"].items():
        lines += [
            "",
            f"| {segment} | rows | fraud | AUC | Brier | ECE | agreement |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *[
                f"| {value} | {m['rows']} | {m['fraud']} | {_metric(m['auc'])} | {_metric(m['brier'])} | "
                f"{_metric(m['expected_calibration_error'])} | {_metric(m['student_teacher_agreement'])} |"
                for value, m in values.items()
            ],
        ]
    lines += [
        "",
        "## Provenance",
        f"- code version: `{card['training']['code_version']}`",
        f"- recipe: `{json.dumps(card['training']['recipe'], sort_keys=True)}`",
        f"- trained at: {card['training']['trained_at']}",
        f"- replaces: {'version ' + str(parent['version']) if parent else 'nothing (first version)'}",
        f"- approval: {approval['status']}" + (f", by {approval['by']}" if approval["by"] else ""),
        f"- drift reference: `{card['drift_reference']}`",
        "",
    ]
    return "\n".join(lines)


def write(version_dir, card):
    (version_dir / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    (version_dir / CARD_MARKDOWN_FILE).write_text(markdown(card))
