"""The data a fraud model is trained and held-out-scored on, and the facts its model card records
about it: where each row's label comes from, the time window, row counts and a content hash.

Two sources of rows:
- `synthetic()`: synthetic claims (claims_data.py, label source `synthetic`), what train.py trains
  the versions Triton installs with on.
- `from_dataset(dir)`: the training dataset the dataset job builds from the mesh (infra/dataset):
  reviewers' labels (`reviewed`, claims a rule sent to review) and audit samples (`audit-sample`,
  claims drawn at random for review), each with the features its claim was scored with, topped up
  with synthetic claims while labels are few. Its latest labelled rows are held out, so candidates
  are evaluated on a later time slice than they were trained on.
"""
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

import claims_data

LABEL_SOURCES = ("synthetic", "reviewed", "audit-sample")
DATA_SEED = 20240501
ROWS = 100_000
TEST_FRACTION = 0.2
# While labelled rows are few beside the synthetic base, each labelled training row is repeated so
# that together they are about this share of what the models see (at most MAX_LABELLED_REPEATS
# times): a few hundred reviews of a new fraud pattern would otherwise vanish among 100,000
# synthetic claims that never show it.
LABELLED_TRAINING_SHARE = 0.2
MAX_LABELLED_REPEATS = 50
# Segments a dataset row leaves empty are reported under this value.
UNKNOWN_SEGMENT = "unknown"


@dataclass(frozen=True)
class TrainingData:
    x: np.ndarray  # features, columns in feature-order.json's order
    y: np.ndarray  # fraud labels, 1 or 0
    label_source: np.ndarray  # one of LABEL_SOURCES per row
    segments: dict  # segment name -> value per row (product, region, channel)
    window: dict  # from/to of the rows' claim dates (None for synthetic claims, which have none)
    train: np.ndarray  # row indices of the training split, in the order the models see them
    held_out: np.ndarray  # row indices of the held-out split
    # When each row's label was given, in ms since the epoch (NaN for synthetic claims); None when
    # every row is synthetic. The held-out split of labelled rows follows from it.
    labelled_at: np.ndarray = None

    def content_hash(self):
        """sha256 of the rows (features, label, label source, and the label's time when there are
        labelled rows, as it decides their split) in a canonical order: sorted, so the same rows
        give the same hash whatever order they were gathered in. Synthetic claims alone hash as
        they always did."""
        source = np.searchsorted(np.array(sorted(LABEL_SOURCES)), self.label_source).astype(np.float64)
        columns = [self.x, self.y.astype(np.float64), source]
        header = [*claims_data.feature_names(), "fraud", "label_source:" + "|".join(sorted(LABEL_SOURCES))]
        if self.labelled_at is not None:
            columns.append(self.labelled_at.astype(np.float64))
            header.append("labelled_at_ms")
        rows = np.column_stack(columns)
        rows = rows[np.lexsort(rows.T[::-1])]
        digest = hashlib.sha256()
        header = ",".join(header)
        digest.update(header.encode())
        digest.update(np.ascontiguousarray(rows, dtype="<f8").tobytes())
        return "sha256:" + digest.hexdigest()

    def label_source_counts(self, rows=None):
        """Distinct rows and frauds per label source (every source listed, zero when absent)."""
        rows = np.arange(len(self.y)) if rows is None else np.unique(rows)
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


def _iso(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="seconds")


def read_dataset(directory):
    """The dataset job's rows (infra/dataset), ordered by label time and claim id, as a dict of
    numpy columns; None when the directory holds no rows. Needs pyarrow (the dataset venv)."""
    # Imported here: train.py runs this module in the Triton venv, which has no pyarrow.
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    if not any(Path(directory).glob("day=*/*.parquet")):
        return None
    table = ds.dataset(directory, format="parquet", partitioning="hive").to_table()
    if table.num_rows == 0:
        return None
    table = table.sort_by([("labelledAt", "ascending"), ("claimId", "ascending")])

    def millis(column):
        return pc.cast(pc.cast(table.column(column), pa.timestamp("ms", tz="UTC")), pa.int64()).to_numpy(zero_copy_only=False)

    return {
        "x": np.column_stack([table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
                              for name in claims_data.feature_names()]),
        "y": table.column("fraud").to_numpy(zero_copy_only=False).astype(int),
        "label_source": np.array(table.column("labelSource").to_pylist()),
        "segments": {name: np.array([v or UNKNOWN_SEGMENT for v in table.column(name).to_pylist()])
                     for name in ("product", "region", "channel")},
        "labelled_at": millis("labelledAt").astype(np.float64),
        "submitted_at": millis("claimSubmittedAt").astype(np.float64),
    }


def labelled_repeats(synthetic_rows, labelled_rows):
    """How often each labelled training row is seen: enough for LABELLED_TRAINING_SHARE of the training rows."""
    if labelled_rows == 0 or synthetic_rows == 0:
        return 1
    wanted = LABELLED_TRAINING_SHARE / (1 - LABELLED_TRAINING_SHARE) * synthetic_rows * (1 - TEST_FRACTION) / labelled_rows
    return int(min(MAX_LABELLED_REPEATS, max(1, round(wanted))))


def from_dataset(directory, rows=ROWS, seed=DATA_SEED):
    """The dataset's labelled claims with the synthetic claims as a base while labels are few:
    `rows` rows in all as long as there are fewer labelled ones (the first of synthetic()'s claims,
    keeping their split), none once there are more. Without labelled rows it is synthetic().

    Held out: the latest TEST_FRACTION of the labelled rows by label time (every row labelled at or
    after the first of them, so all training labels are older than all held-out ones) and the
    synthetic rows of synthetic()'s held-out split. Labelled training rows are repeated as
    labelled_repeats() says while the synthetic base is large."""
    labelled = read_dataset(directory)
    if labelled is None:
        return synthetic(rows, seed)
    base = synthetic(rows, seed)
    n = len(labelled["y"])
    kept = max(0, rows - n)  # synthetic rows kept: indices 0 .. kept-1 of base
    held = math.ceil(n * TEST_FRACTION)
    cutoff = labelled["labelled_at"][n - held]
    later = labelled["labelled_at"] >= cutoff
    labelled_train = kept + np.flatnonzero(~later)
    repeats = labelled_repeats(kept, len(labelled_train))
    train = np.concatenate([base.train[base.train < kept], np.tile(labelled_train, repeats)])
    held_out = np.concatenate([base.held_out[base.held_out < kept], kept + np.flatnonzero(later)])
    times = labelled["submitted_at"][~np.isnan(labelled["submitted_at"])]
    return TrainingData(
        x=np.vstack([base.x[:kept], labelled["x"]]),
        y=np.concatenate([base.y[:kept], labelled["y"]]),
        label_source=np.concatenate([base.label_source[:kept], labelled["label_source"]]),
        segments={name: np.concatenate([base.segments[name][:kept], labelled["segments"][name]])
                  for name in base.segments},
        window={
            # Claim dates of the labelled rows, then when their labels were given and from when on
            # they are held out.
            "from": _iso(times.min()) if len(times) else None,
            "to": _iso(times.max()) if len(times) else None,
            "labelled_from": _iso(labelled["labelled_at"][0]),
            "labelled_to": _iso(labelled["labelled_at"][-1]),
            "held_out_labelled_from": _iso(cutoff),
            "synthetic_seed": seed if kept else None,
            "synthetic_rows": kept,
            "labelled_training_repeats": repeats,
        },
        train=train,
        held_out=held_out,
        labelled_at=np.concatenate([np.full(kept, np.nan), labelled["labelled_at"]]),
    )
