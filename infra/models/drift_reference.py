"""The reference distribution of a model's inputs: per feature, the bins and each bin's share of
the training rows. Recorded with every model version (drift-reference.json), so drift of live
traffic is measured against the data the served model learned from, not whatever the feature
service happened to see first.

The bins follow services/feature/src/drift/psi.ts, so the feature service can use them as they
are: up to BINS bins split at quantiles of the values, given as upper edges with repeated edges
merged; bin i holds (edges[i-1], edges[i]], the last bin everything above the last edge.
"""
import math

import numpy as np

BINS = 10


def quantile_edges(values, bins=BINS):
    """psi.ts's quantileEdges: the value at rank ceil(k n / bins) for k = 1 .. bins-1, repeats merged."""
    ordered = np.sort(values)
    edges = []
    for k in range(1, bins):
        edge = float(ordered[math.ceil(k * len(ordered) / bins) - 1])
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges


def feature_reference(values, bins=BINS):
    edges = quantile_edges(values, bins)
    # side="left" puts a value equal to an edge in the bin that edge closes, as psi.ts's binIndex does.
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return {"edges": edges, "shares": [round(float(c), 6) for c in counts / len(values)]}


def reference(x, feature_names, segments, window):
    """Reference of the training rows x ([n, features]) and their segments' shares."""
    return {
        "binning": "upper edges at quantiles, repeats merged; bin i holds (edges[i-1], edges[i]] "
                   "(services/feature/src/drift/psi.ts)",
        "rows": int(len(x)),
        "window": window,
        "features": {name: feature_reference(x[:, i]) for i, name in enumerate(feature_names)},
        "segments": {
            name: {str(v): round(float(c) / len(values), 6) for v, c in zip(*np.unique(values, return_counts=True))}
            for name, values in segments.items()
        },
    }
