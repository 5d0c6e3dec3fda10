"""Trains candidates to replace the fraud models Triton serves, each with its model card.

usage: python retrain.py [--dataset DIR] [--parent N] [--flip-labels] LIVE_REPOSITORY CANDIDATES_DIR

The current version of each model is --parent (the primary the rollout controller retrains, which
passes it), else the newest in LIVE_REPOSITORY (the Triton model repository). The candidate is
the next version number free in the repository (a candidate rolled back earlier keeps its number),
trained by train.py's code with the current version's recipe and the candidate's number as seed;
the card names the current version as its parent and leaves approval pending.

The training data: with --dataset, the training dataset the dataset job built (infra/dataset) with
synthetic claims as a base while labels are few, its latest labelled rows held out
(training_data.from_dataset); without it, the synthetic claims alone (training_data.synthetic).
Reading the dataset needs pyarrow: run it in the dataset venv (infra/local/mlflow/retrain.sh does).

--flip-labels is for rollback drills and the rollback test only: the candidate is trained on
inverted labels (fraud as not fraud and the other way round), a deliberately bad model. Its held-out
metrics are measured on the true labels, so its card shows how bad it is, and its recipe says
`flipped_labels`, so it is never taken for the candidate trained on the same data properly.

CANDIDATES_DIR is laid out like a model repository (<model>/<version>/, no config.pbtxt), so
registry.py registers it as it does the live one; retrain.sh then copies the version into the live
repository and loads it on every shard (version policy `all`: no config changes), where it serves
nothing until the rollout controller names it in a rollout. The same data, code and current version
give the same candidate, which registration then recognises as already registered.
"""
import argparse
import json
import time
from pathlib import Path

import model_card
import training_data
from train import MODELS, Training, written_whole

CANDIDATE_APPROVAL = {"status": "pending", "by": None}


def versions_of(repository, name):
    versions = [int(d.name) for d in (repository / name).iterdir() if d.name.isdigit()]
    if not versions:
        raise SystemExit(f"no versions of {name} in {repository}")
    return versions


def current_card(repository, name, version=None):
    """The card of `version` of `name` in the repository, the newest by default."""
    version = max(versions_of(repository, name)) if version is None else version
    card = repository / name / str(version) / model_card.CARD_FILE
    if not card.exists():
        raise SystemExit(f"{name} v{version} is not in {repository}")
    return json.loads(card.read_text())


def describe(data):
    counts = data.label_source_counts()
    sources = ", ".join(f"{source} {c['rows']} ({c['fraud']} fraud)" for source, c in counts.items() if c["rows"])
    held = data.label_source_counts(data.held_out)
    print(f"[retrain] training data: {sources}; held out: "
          + ", ".join(f"{source} {c['rows']}" for source, c in held.items() if c["rows"])
          + (f" (labels from {data.window['held_out_labelled_from']} on)" if data.window.get("held_out_labelled_from") else ""),
          flush=True)


def main(live, target, dataset=None, flip_labels=False, parent=None):
    started = time.time()
    current = {name: current_card(live, name, parent) for name in MODELS}
    numbers = {card["model"]["version"] for card in current.values()}
    if len(numbers) != 1:
        raise SystemExit(f"teacher and student are trained as a pair but their newest versions differ: {numbers}")
    parent_number = numbers.pop()
    number = max(max(versions_of(live, name)) for name in MODELS) + 1
    # Teacher and student of a version share one recipe (the student is distilled from that teacher).
    # (A flipped parent's flag is its own: a candidate is flipped only when asked.)
    recipe = {**current["fraud_teacher"]["training"]["recipe"], "seed": number}
    recipe.pop("flipped_labels", None)
    if flip_labels:
        recipe["flipped_labels"] = True
    parents = {name: {"version": parent_number, "training_key": card["training"]["training_key"]}
               for name, card in current.items()}

    data = training_data.synthetic() if dataset is None else training_data.from_dataset(dataset)
    describe(data)
    training = Training(data)
    if flip_labels:
        # Only what the models learn from; the held-out labels stay true.
        print("[retrain] --flip-labels: training on inverted labels, a deliberately bad candidate", flush=True)
        training.y_train = 1 - training.y_train
    with written_whole(target) as partial:
        cards = training.train_version(partial, number, recipe, parents, CANDIDATE_APPROVAL)
    for name, card in cards.items():
        metrics = card["held_out_metrics"]
        print(f"[retrain] {name} v{number} (replaces v{parent_number}): AUC {metrics['auc']}, "
              f"Brier {metrics['brier']}, agreement {metrics['student_teacher_agreement']}", flush=True)
    print(f"[retrain] candidates written to {target} in {time.time() - started:.1f}s", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("live", type=Path, metavar="LIVE_REPOSITORY")
    parser.add_argument("target", type=Path, metavar="CANDIDATES_DIR")
    parser.add_argument("--dataset", type=Path, help="the dataset job's directory (default: synthetic claims only)")
    parser.add_argument("--parent", type=int, help="the version the candidate replaces (default: the newest in the repository)")
    parser.add_argument("--flip-labels", action="store_true",
                        help="for rollback drills and the rollback test only: train on inverted labels")
    args = parser.parse_args()
    main(args.live.resolve(), args.target.resolve(), args.dataset and args.dataset.resolve(), args.flip_labels, args.parent)
