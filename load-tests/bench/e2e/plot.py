"""p99 end-to-end latency against sustained throughput, the mesh's line beside the relay chain's.

usage: plot.py results/bench/e2e.json results/bench/e2e.png
One point per offered rate; a step whose p99 never came out (claims still undecided after the
drain) is drawn at the top edge with an open marker.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str) -> None:
    with open(source) as f:
        result = json.load(f)
    pipelines = result["meshes"] + [result["relayChain"]]
    targets = result["targets"]
    measured = [s["p99Ms"] for p in pipelines for s in p["steps"] if s["p99Ms"] is not None]
    ceiling = max(measured + [targets["p99Ms"]]) * 1.15

    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    colors = ["tab:blue", "tab:green", "tab:purple"][: len(result["meshes"])] + ["tab:gray"]
    for pipeline, color in zip(pipelines, colors):
        steps = pipeline["steps"]
        xs = [s["decidedPerSecond"] for s in steps]
        ys = [s["p99Ms"] if s["p99Ms"] is not None else ceiling for s in steps]
        ax.plot(xs, ys, "-", color=color, label=pipeline["label"])
        for s, x, y in zip(steps, xs, ys):
            ax.plot(x, y, "o", color=color, fillstyle="full" if s["p99Ms"] is not None else "none")
            if s["p99Ms"] is None:
                continue
            ax.annotate(f"{s['offeredPerSecond']:,}/s offered", (x, y), textcoords="offset points",
                        xytext=(4, 6), fontsize=7, color=color)
    ax.axhline(targets["p99Ms"], color="tab:red", linestyle=":", linewidth=1,
               label=f"target p99 {targets['p99Ms']} ms")
    ax.axvline(targets["claimsPerSecondTraced"], color="tab:red", linestyle="--", linewidth=1,
               label=f"target {targets['claimsPerSecondTraced']:,} claims/s, every claim traced")
    ax.axvline(targets["claimsPerSecondSampled"], color="tab:orange", linestyle="--", linewidth=1,
               label=f"target {targets['claimsPerSecondSampled']:,} claims/s, a tenth traced")
    ax.set_xlabel("sustained throughput (decided claims/s)")
    ax.set_ylabel("p99 end-to-end latency, ms (log; open marker: undecided)")
    # Log scale: the relay chain's tens of ms and a saturated mesh's tens of seconds on one plot.
    ax.set_yscale("log")
    ax.set_ylim(min(measured + [targets["p99Ms"]]) / 2, ceiling * 1.3)
    ax.set_xlim(left=0)
    ax.set_title(f"Claims mesh vs bare relay chain ({result['at'][:16].replace('T', ' ')} UTC), ratio {result['ratio']:.2f}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
