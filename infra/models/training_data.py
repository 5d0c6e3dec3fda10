"""The data a fraud model is trained and held-out-scored on, and the facts its model card records
about it: where each row's label comes from, the time window, row counts and a content hash.

Today every row is a synthetic claim (claims_data.py, label source `synthetic`). The later
sources are labels a reviewer gave (`reviewed`) and claims re-checked by an audit sample
(`audit-sample`); they join as rows with their own label source and dates, and change the
content hash, so a model trained on them is told apart from one trained on synthetic claims only.
"""
import hashlib
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

import claims_data

LABEL_SOURCES = ("synthetic", "reviewed", "audit-sample")
DATA_SEED = 20240501
ROWS = 100_000
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class TrainingData:
    x: np.ndarray  # features, columns in feature-order.json's order
    y: np.ndarray  # fraud labels, 1 or 0
    label_source: np.ndarray  # one of LABEL_SOURCES per row
    segments: dict  # segment name -> value per row (product, region, channel)
    window: dict  # from/to of the rows' claim dates (None for synthetic claims, which have none)
    train: np.ndarray  # row indices of the training split, in the order the models see them
    held_out: np.ndarray  # row indices of the held-out split

    def content_hash(self):
        """sha256 of the rows (features, label, label source) in a canonical order: sorted, so
        the same rows give the same hash whatever order they were gathered in."""
        source = np.searchsorted(np.array(sorted(LABEL_SOURCES)), self.label_source).astype(np.float64)
        rows = np.column_stack([self.x, self.y.astype(np.float64), source])
        rows = rows[np.lexsort(rows.T[::-1])]
        digest = hashlib.sha256()
        header = ",".join([*claims_data.feature_names(), "fraud", "label_source:" + "|".join(sorted(LABEL_SOURCES))])
        digest.update(header.encode())
        digest.update(np.ascontiguousarray(rows, dtype="<f8").tobytes())
        return "sha256:" + digest.hexdigest()

    def label_source_counts(self, rows=None):
        """Rows and frauds per label source (every source listed, zero when absent)."""
        rows = np.arange(len(self.y)) if rows is None else rows
        counts = {}
        for source in LABEL_SOURCES:
            mine = rows[self.label_source[rows] == source]
            counts[source] = {"rows": int(len(mine)), "fraud": int(self.y[mine].sum())}
        return counts


def synthetic(rows=ROWS, seed=DATA_SEED):
    """The synthetic claims every model is trained on today, split the same way each time."""
    claims = claims_data.generate_claims(rows, seed)
    train, held_out = train_test_split(
        np.arange(rows), test_size=TEST_FRACTION, random_state=seed, stratify=claims.fraud
    )
    return TrainingData(
        x=claims.x,
        y=claims.fraud,
        label_source=np.full(rows, "synthetic"),
        segments=claims.segments,
        window={"from": None, "to": None, "synthetic_seed": seed},
        train=train,
        held_out=held_out,
    )
