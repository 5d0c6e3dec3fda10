"""The dataset on disk: `<dir>/day=YYYY-MM-DD/part-<hash>.parquet`, the day being the label's
(UTC), Hive-style so pyarrow (and Spark, DuckDB, pandas) read `day` as a column.

Rows are only ever added, in new files: a file is written beside its final name and renamed into
place, so a reader (or a crash) never sees half a file, and its name hashes the claim ids it
holds, so a run that wrote it and crashed before the next day's file writes the same name again.
A lock file keeps two runs from adding the same claims at once.
"""
import fcntl
import hashlib
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import rows


@contextmanager
def locked(directory):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"[dataset] another run is writing {directory}") from None
        yield


def claim_ids(directory):
    """The claims the dataset already holds (files and directories starting with . or _ are not
    part of it, as for every Parquet reader)."""
    if not any(directory.glob("day=*/*.parquet")):
        return set()
    table = ds.dataset(directory, format="parquet", partitioning="hive").to_table(columns=["claimId"])
    return set(table.column("claimId").to_pylist())


def write(directory, new_rows):
    """Adds rows, one file per label day; returns {day: rows written}."""
    by_day = {}
    for row in new_rows:
        by_day.setdefault(row["labelledAt"].astimezone(timezone.utc).date().isoformat(), []).append(row)
    written = {}
    for day, day_rows in sorted(by_day.items()):
        day_rows.sort(key=lambda r: (r["labelledAt"], r["claimId"]))
        ids = "\n".join(sorted(r["claimId"] for r in day_rows))
        name = f"part-{hashlib.sha256(ids.encode()).hexdigest()[:16]}.parquet"
        partition = Path(directory) / f"day={day}"
        partition.mkdir(parents=True, exist_ok=True)
        partial = partition / f".{name}.partial"
        pq.write_table(pa.Table.from_pylist(day_rows, schema=rows.ARROW_SCHEMA), partial)
        partial.rename(partition / name)
        written[day] = len(day_rows)
    return written
