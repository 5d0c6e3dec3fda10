"""Held-out metrics of a fraud model, overall and per segment, as its model card reports them."""
import numpy as np
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score

CALIBRATION_BINS = 10
THRESHOLD = 0.5


def calibration(y, probability, bins=CALIBRATION_BINS):
    """Reliability over equal-width probability bins: each bin's mean predicted and observed
    fraud rate, and the expected calibration error (their gap weighted by the bin's rows)."""
    index = np.minimum((probability * bins).astype(int), bins - 1)
    table, error = [], 0.0
    for b in range(bins):
        mine = index == b
        if not mine.any():
            continue
        predicted, observed = float(probability[mine].mean()), float(y[mine].mean())
        error += mine.mean() * abs(predicted - observed)
        table.append({"from": b / bins, "to": (b + 1) / bins, "rows": int(mine.sum()),
                      "predicted": round(predicted, 4), "observed": round(observed, 4)})
    return {"expected_calibration_error": round(float(error), 4), "bins": table}


def agreement(probability, other):
    """Share of claims both models put on the same side of the threshold."""
    return round(float(np.mean((probability >= THRESHOLD) == (other >= THRESHOLD))), 4)


def scores(y, probability):
    """AUC, Brier score, log loss and accuracy; AUC is None for a set with one class only."""
    both_classes = 0 < y.sum() < len(y)
    return {
        "rows": int(len(y)),
        "fraud": int(y.sum()),
        "auc": round(float(roc_auc_score(y, probability)), 4) if both_classes else None,
        "brier": round(float(brier_score_loss(y, probability, pos_label=1)), 4),
        "log_loss": round(float(log_loss(y, probability, labels=[0, 1])), 4),
        "accuracy": round(float(accuracy_score(y, probability >= THRESHOLD)), 4),
    }


def held_out_metrics(y, probability, paired_probability):
    """Overall metrics; paired_probability is the other model of the student-teacher pair."""
    return {
        **scores(y, probability),
        "calibration": calibration(y, probability),
        "student_teacher_agreement": agreement(probability, paired_probability),
    }


def segment_metrics(y, probability, paired_probability, segments):
    """The same metrics for each value of each segment (product, region, channel)."""
    result = {}
    for name, values in segments.items():
        result[name] = {}
        for value in sorted(set(values)):
            mine = values == value
            result[name][str(value)] = {
                **scores(y[mine], probability[mine]),
                "expected_calibration_error": calibration(y[mine], probability[mine])["expected_calibration_error"],
                "student_teacher_agreement": agreement(probability[mine], paired_probability[mine]),
            }
    return result
