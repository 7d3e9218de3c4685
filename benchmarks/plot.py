#!/usr/bin/env python
"""Bar chart of "rtorch vs best other" ratios from bench.py's JSON (optional; needs matplotlib).

    .venv/bin/python benchmarks/plot.py [benchmarks/results.json] [-o benchmarks/ratios.png]

Bars right of 1 (log scale) mean rtorch is faster than the fastest of NumPy / PyTorch on that
workload. Rows where rtorch was n/a or failed are listed with no bar. Without matplotlib the
script says so and exits 0.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("json", nargs="?", default=os.path.join(HERE, "results.json"))
    p.add_argument("-o", "--output", default=os.path.join(HERE, "ratios.png"))
    args = p.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib to get one)")
        return 0
    with open(args.json) as f:
        data = json.load(f)
    rows = data["results"]
    names = [r["workload"] for r in rows]
    ratios = [r["ratio_rtorch_vs_best_other"] for r in rows]
    others = [lib for lib in data["libraries"] if lib != "rtorch"]

    fig, ax = plt.subplots(figsize=(9, 0.38 * len(rows) + 1.6))
    ys = list(range(len(rows)))[::-1]
    for y, name, r, row in zip(ys, names, ratios, rows):
        if r is None:
            status = row["cells"]["rtorch"]["status"]
            ax.text(1.0, y, f"  rtorch {status}", va="center", fontsize=8, color="gray")
            continue
        ax.barh(y, r - 1.0, left=1.0, color="tab:green" if r >= 1 else "tab:red", height=0.7)
        ax.text(r, y, f" {r:.2f}x" if r >= 1 else f"{r:.2f}x ", va="center", fontsize=8,
                ha="left" if r >= 1 else "right")
    ax.set_xscale("log")
    finite = [r for r in ratios if r]
    lo = min(finite + [0.5]) / 1.5
    hi = max(finite + [2.0]) * 2.5
    ax.set_xlim(lo, hi)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel(f"time of fastest of {' / '.join(others)} ÷ time of rtorch  (> 1: rtorch faster)")
    cpu = data["machine"]["cpu"].get("model name", "?")
    th = data["machine"]["threads"]
    ax.set_title(f"rtorch vs {' / '.join(others)} — {cpu}, rtorch {th['rtorch']} / torch {th['torch']} threads"
                 + (" (quick)" if data.get("quick") else ""), fontsize=9)
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
