"""Trains candidates to replace the fraud models Triton serves, each with its model card.

usage: python retrain.py LIVE_REPOSITORY CANDIDATES_DIR

The current version of each model is the newest in LIVE_REPOSITORY (the Triton model
repository). Its candidate is the next version number, trained by train.py's code on today's
training data (training_data.py) with the current version's recipe and the candidate's number
as seed; the card names the current version as its parent and leaves approval pending.

CANDIDATES_DIR is laid out like a model repository (<model>/<version>/, no config.pbtxt), so
registry.py registers it as it does the live one, and putting a candidate into service is
copying its version directory into the live repository and listing the version in the model's
config (a later step, after approval). The same data, code and current version give the same
candidate, which registration then recognises as already registered.
"""
import json
import sys
import time
from pathlib import Path

import model_card
import training_data
from train import MODELS, Training, written_whole

CANDIDATE_APPROVAL = {"status": "pending", "by": None}


def current_card(repository, name):
    """The card of the newest version of `name` in the repository."""
    versions = [int(d.name) for d in (repository / name).iterdir() if d.name.isdigit()]
    if not versions:
        raise SystemExit(f"no versions of {name} in {repository}")
    return json.loads((repository / name / str(max(versions)) / model_card.CARD_FILE).read_text())


def main(live, target):
    started = time.time()
    current = {name: current_card(live, name) for name in MODELS}
    numbers = {card["model"]["version"] for card in current.values()}
    if len(numbers) != 1:
        raise SystemExit(f"teacher and student are trained as a pair but their newest versions differ: {numbers}")
    parent_number = numbers.pop()
    number = parent_number + 1
    # Teacher and student of a version share one recipe (the student is distilled from that teacher).
    recipe = {**current["fraud_teacher"]["training"]["recipe"], "seed": number}
    parents = {name: {"version": parent_number, "training_key": card["training"]["training_key"]}
               for name, card in current.items()}

    training = Training(training_data.synthetic())
    with written_whole(target) as partial:
        cards = training.train_version(partial, number, recipe, parents, CANDIDATE_APPROVAL)
    for name, card in cards.items():
        metrics = card["held_out_metrics"]
        print(f"[retrain] {name} v{number} (replaces v{parent_number}): AUC {metrics['auc']}, "
              f"Brier {metrics['brier']}, agreement {metrics['student_teacher_agreement']}", flush=True)
    print(f"[retrain] candidates written to {target} in {time.time() - started:.1f}s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
