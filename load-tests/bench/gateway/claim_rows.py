"""Writes the feature rows of N synthetic claims to stdout, for the gateway benchmark.

usage: python claim_rows.py N SEED

The claims come from infra/models/claims_data.py, the documented process the fraud models
were trained on, drawn with another seed than training's so the models have not seen them.
Output: N rows of the input tensor's columns (feature-order.json), little-endian float32,
row-major, nothing else.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "infra" / "models"))

import claims_data  # noqa: E402

n, seed = int(sys.argv[1]), int(sys.argv[2])
features, _ = claims_data.generate(n, seed)
sys.stdout.buffer.write(features.astype("<f4").tobytes())
