"""Trains the fraud models and writes them out as a Triton model repository.

usage: python train.py REPOSITORY_DIR

fraud_teacher is an MLP; fraud_student is a logistic regression distilled from its teacher's
soft labels. Each comes in versions 1 and 2 (VERSIONS). All are trained on the same synthetic
claims (claims_data.py) and scored on the same held-out split, whose metrics are printed and
kept in REPOSITORY_DIR/training-report.json. The data and every model are seeded: a rerun
gives the same weights.
"""
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

import claims_data
from fraud_net import FraudNet

HERE = Path(__file__).parent
DATA_SEED = 20240501
ROWS = 100_000
TEST_FRACTION = 0.2

# Version 2 is a retrain with another seed, a wider teacher and stronger regularisation, so the
# two versions give visibly different scores for canary and shadow comparisons.
VERSIONS = {
    1: {"seed": 1, "hidden": (32, 16), "alpha": 1e-4, "student_c": 1.0},
    2: {"seed": 2, "hidden": (64, 32), "alpha": 1e-3, "student_c": 0.05},
}

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


def metrics(y, probability):
    return {
        "auc": round(float(roc_auc_score(y, probability)), 4),
        "accuracy": round(float(accuracy_score(y, probability >= 0.5)), 4),
        "log_loss": round(float(log_loss(y, probability)), 4),
    }


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


def model_config(name, feature_count, versions):
    with open(claims_data.FEATURE_ORDER_FILE) as f:
        order = json.load(f)
    return f"""name: "{name}"
backend: "python"
max_batch_size: {MAX_BATCH_SIZE}
version_policy: {{ specific: {{ versions: [{", ".join(str(v) for v in versions)}] }} }}
input [ {{ name: "{order["input"]["name"]}", data_type: TYPE_FP32, dims: [ {feature_count} ] }} ]
output [ {{ name: "{order["output"]["name"]}", data_type: TYPE_FP32, dims: [ 1 ] }} ]
dynamic_batching {{ max_queue_delay_microseconds: {MAX_QUEUE_DELAY_US} }}
instance_group [ {{ kind: KIND_CPU, count: 1 }} ]
"""


def write_model(repository, name, version, net):
    version_dir = repository / name / str(version)
    version_dir.mkdir(parents=True)
    shutil.copy(HERE / "triton_model.py", version_dir / "model.py")
    shutil.copy(HERE / "fraud_net.py", version_dir / "fraud_net.py")
    net.save(version_dir / "weights.npz")


def main(target):
    started = time.time()
    names = claims_data.feature_names()
    x, y = claims_data.generate(ROWS, DATA_SEED)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=TEST_FRACTION, random_state=DATA_SEED, stratify=y
    )
    log_columns = [name not in claims_data.boolean_features() and name != "amountZScore" for name in names]
    scaling = FraudNet.scaling_for(x_train, log_columns)
    s_train, s_test = scaling.scale_inputs(x_train), scaling.scale_inputs(x_test)
    print(f"[train] {ROWS} synthetic claims, {y.mean():.1%} fraudulent, {len(y_test)} held out", flush=True)

    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    report = {"rows": ROWS, "fraud_rate": round(float(y.mean()), 4), "held_out": len(y_test), "models": {}}
    for number, version in VERSIONS.items():
        teacher = fit_teacher(s_train, y_train, version)
        student = distil_student(s_train, teacher.predict_proba(s_train)[:, 1], version)
        teacher_test = teacher.predict_proba(s_test)[:, 1]
        student_test = student.predict_proba(s_test)[:, 1]
        results = {
            "fraud_teacher": metrics(y_test, teacher_test),
            "fraud_student": {
                **metrics(y_test, student_test),
                "agrees_with_teacher": round(float(np.mean((student_test >= 0.5) == (teacher_test >= 0.5))), 4),
            },
        }
        for name, model in (("fraud_teacher", teacher), ("fraud_student", student)):
            write_model(partial, name, number, exported(scaling, model, x_test, s_test))
            report["models"][f"{name}/{number}"] = results[name]
            print(f"[train] {name} v{number}: {json.dumps(results[name])}", flush=True)

    for name in ("fraud_teacher", "fraud_student"):
        (partial / name / "config.pbtxt").write_text(model_config(name, len(names), VERSIONS))
    (partial / "training-report.json").write_text(json.dumps(report, indent=2) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    print(f"[train] model repository written to {target} in {time.time() - started:.1f}s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve())
