"""Trains the fraud models and writes them out as a Triton model repository.

usage: python train.py REPOSITORY_DIR

fraud_teacher is an MLP; fraud_student is a logistic regression distilled from its teacher's
soft labels. Each comes in versions 1 and 2 (VERSIONS). All are trained on the same synthetic
claims (training_data.py) and scored on the same held-out split, whose metrics are printed and
kept in REPOSITORY_DIR/training-report.json. The data and every model are seeded: a rerun
gives the same weights.

Each version's directory also gets its model card and the drift reference of its training rows
(model_card.py), which registry.py registers in MLflow. This script neither needs nor talks to
MLflow: the stack trains when Triton installs, whether or not the registry runs.
"""
import json
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

import claims_data
import drift_reference
import evaluation
import model_card
import training_data
from code_version import code_version
from fraud_net import FraudNet

HERE = Path(__file__).parent
MODELS = ("fraud_teacher", "fraud_student")

# Version 2 is a retrain with another seed, a wider teacher and stronger regularisation, so the
# two versions give visibly different scores for canary and shadow comparisons.
VERSIONS = {
    1: {"seed": 1, "hidden": [32, 16], "alpha": 1e-4, "student_c": 1.0},
    2: {"seed": 2, "hidden": [64, 32], "alpha": 1e-3, "student_c": 0.05},
}
# The versions in the repository Triton installs with go straight into service: the install approves them.
BOOTSTRAP_APPROVAL = {"status": "approved", "by": "bootstrap (stack install)"}

MAX_BATCH_SIZE = 256
# The gateway forms the batches; Triton's own batcher only merges requests that arrive together
# (several gateway replicas, or shadow and main traffic), so it waits very little for more.
MAX_QUEUE_DELAY_US = 100


def fit_teacher(x, y, version):
    mlp = MLPClassifier(
        hidden_layer_sizes=version["hidden"],
        alpha=version["alpha"],
        batch_size=512,
        learning_rate_init=2e-3,
        max_iter=200,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=version["seed"],
    )
    return mlp.fit(x, y)


def distil_student(x, teacher_probability, version):
    """Logistic regression fitted to the teacher's probabilities rather than the labels.

    Each row appears twice, as fraud weighted by p and as not-fraud weighted by 1 - p: the
    weighted log-loss is then the cross-entropy against the soft label p."""
    n = len(x)
    student = LogisticRegression(C=version["student_c"], max_iter=2000)
    return student.fit(
        np.vstack([x, x]),
        np.concatenate([np.ones(n), np.zeros(n)]),
        sample_weight=np.concatenate([teacher_probability, 1 - teacher_probability]),
    )


def exported(scaling, model, x_test_raw, x_test_scaled):
    """The model as a FraudNet, checked to score like scikit-learn does."""
    if isinstance(model, MLPClassifier):
        net = scaling.with_layers(model.coefs_, model.intercepts_)
    else:
        net = scaling.with_layers([model.coef_.T], [model.intercept_])
    gap = np.abs(net.predict(x_test_raw)[:, 0] - model.predict_proba(x_test_scaled)[:, 1]).max()
    if gap > 1e-5:
        raise SystemExit(f"exported model differs from scikit-learn by {gap}")
    return net


def model_config(name, feature_count):
    """The model's config.pbtxt, the same for every version.

    Version policy `all`: a shard serves every version directory the repository holds when the
    model is (re)loaded, so putting a trained version into service is adding its directory and
    asking each shard to load the model (explicit model control, infra/local/triton/shards.py),
    and a shard started again loads every version there. A `specific` list would have to be
    rewritten under running shards for each new version, and a shard restarting between the copy
    and the rewrite would come back without it. Which version scores which claim is the gateway's
    routing, never the policy's default version."""
    with open(claims_data.FEATURE_ORDER_FILE) as f:
        order = json.load(f)
    return f"""name: "{name}"
backend: "python"
max_batch_size: {MAX_BATCH_SIZE}
version_policy: {{ all: {{}} }}
input [ {{ name: "{order["input"]["name"]}", data_type: TYPE_FP32, dims: [ {feature_count} ] }} ]
output [ {{ name: "{order["output"]["name"]}", data_type: TYPE_FP32, dims: [ 1 ] }} ]
dynamic_batching {{ max_queue_delay_microseconds: {MAX_QUEUE_DELAY_US} }}
instance_group [ {{ kind: KIND_CPU, count: 1 }} ]
"""


class Training:
    """What every version trained on one dataset shares: the data, its input scaling, the
    provenance facts and the drift reference of its training rows."""

    def __init__(self, data):
        self.data = data
        names = claims_data.feature_names()
        log_columns = [name not in claims_data.boolean_features() and name != "amountZScore" for name in names]
        self.x_train, self.x_test = data.x[data.train], data.x[data.held_out]
        self.y_train, self.y_test = data.y[data.train], data.y[data.held_out]
        self.scaling = FraudNet.scaling_for(self.x_train, log_columns)
        self.s_train, self.s_test = self.scaling.scale_inputs(self.x_train), self.scaling.scale_inputs(self.x_test)
        self.dataset_hash = data.content_hash()
        self.code = code_version()
        self.reference = drift_reference.reference(
            self.x_train, names, {k: v[data.train] for k, v in data.segments.items()}, data.window
        )

    def train_version(self, repository, number, recipe, parents, approval):
        """Trains the teacher and student of version `number` with `recipe` and writes each to
        repository/<model>/<number>/ with its card. parents: model name -> the card's parent
        entry (None for a first version). Returns each model's card."""
        teacher = fit_teacher(self.s_train, self.y_train, recipe)
        student = distil_student(self.s_train, teacher.predict_proba(self.s_train)[:, 1], recipe)
        probability = {
            "fraud_teacher": teacher.predict_proba(self.s_test)[:, 1],
            "fraud_student": student.predict_proba(self.s_test)[:, 1],
        }
        pair = {"teacher": f"fraud_teacher v{number}", "student": f"fraud_student v{number}"}
        # Per label source too: the reviewed and audit-sample rows held out are the latest labelled
        # ones (training_data.from_dataset), so theirs are the metrics on a later time slice.
        segments = {k: v[self.data.held_out] for k, v in self.data.segments.items()}
        segments["label_source"] = self.data.label_source[self.data.held_out]
        trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        cards = {}
        for name, model in (("fraud_teacher", teacher), ("fraud_student", student)):
            other = probability["fraud_student" if name == "fraud_teacher" else "fraud_teacher"]
            cards[name] = model_card.build(
                name=name, version=number, data=self.data, dataset_hash=self.dataset_hash, recipe=recipe,
                code=self.code, pair=pair, parent=parents[name], approval=approval, trained_at=trained_at,
                held_out=evaluation.held_out_metrics(self.y_test, probability[name], other),
                segments=evaluation.segment_metrics(self.y_test, probability[name], other, segments),
            )
            version_dir = write_model(repository, name, number, exported(self.scaling, model, self.x_test, self.s_test))
            model_card.write(version_dir, cards[name])
            (version_dir / model_card.DRIFT_REFERENCE_FILE).write_text(json.dumps(self.reference) + "\n")
        return cards


def write_model(repository, name, version, net):
    version_dir = repository / name / str(version)
    version_dir.mkdir(parents=True)
    shutil.copy(HERE / "triton_model.py", version_dir / "model.py")
    shutil.copy(HERE / "fraud_net.py", version_dir / "fraud_net.py")
    net.save(version_dir / "weights.npz")
    return version_dir


def summary(card):
    """The figures printed and kept in training-report.json."""
    metrics = card["held_out_metrics"]
    return {k: metrics[k] for k in ("auc", "brier", "log_loss", "accuracy", "student_teacher_agreement")}


@contextmanager
def written_whole(target):
    """A directory to write `target` into, which replaces `target` only once all of it is written:
    a crash midway leaves the previous one (or none), never a half-written repository."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    yield partial
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def main(target):
    started = time.time()
    training = Training(training_data.synthetic())
    data = training.data
    print(f"[train] {len(data.y)} synthetic claims, {data.y.mean():.1%} fraudulent, {len(data.held_out)} held out", flush=True)

    with written_whole(target) as partial:
        report = {"rows": len(data.y), "fraud_rate": round(float(data.y.mean()), 4), "held_out": len(data.held_out),
                  "dataset_hash": training.dataset_hash, "code_version": training.code, "models": {}}
        # Version 2 is trained to replace version 1, so version 1 is its parent.
        parents = {name: None for name in MODELS}
        for number, recipe in VERSIONS.items():
            cards = training.train_version(partial, number, recipe, parents, BOOTSTRAP_APPROVAL)
            for name, card in cards.items():
                report["models"][f"{name}/{number}"] = summary(card)
                print(f"[train] {name} v{number}: {json.dumps(summary(card))}", flush=True)
            parents = {name: {"version": number, "training_key": card["training"]["training_key"]} for name, card in cards.items()}

        for name in MODELS:
            (partial / name / "config.pbtxt").write_text(model_config(name, len(claims_data.feature_names())))
        (partial / "training-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"[train] model repository written to {target} in {time.time() - started:.1f}s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve())
