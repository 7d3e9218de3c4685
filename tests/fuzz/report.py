"""Summaries of fuzz results: the outcome table (outcome, count, sites), one reproducer per finding site, JSON."""
import collections
import json
from dataclasses import asdict

from .classify import OUTCOMES

DESCRIBE = {
    "death": "process died (signal, abort on a failed allocation, OOM kill)",
    "hang": "hang (no answer within the per-call timeout)",
    "panic": "`pyo3_runtime.PanicException` (a Rust panic reaching Python)",
    "raw": "raw Python-internal error from rtorch's own code (no argument named)",
    "unnamed": "native conversion error naming no argument (e.g. \"can't convert negative int to unsigned\")",
    "clean": "clean exception (PyTorch-style type with a message)",
    "setup": "arguments could not be built (no call made)",
    "ok": "returned",
}


def site_key(r):
    """The site a finding is grouped under: the op (statement label) and, for panics and raw errors, where."""
    label = r.label or r.site
    if r.outcome in ("panic", "raw") and r.where:
        return f"{label} @ {r.where}"
    return label


def findings_by_site(results):
    """{(outcome, site): [Result, ...]} for every non-clean result."""
    out = collections.defaultdict(list)
    for r in results:
        if r.outcome not in ("ok", "clean", "setup"):
            out[(r.outcome, site_key(r))].append(r)
    return out


def table(results, max_sites=6):
    """The Markdown summary table: outcome, count, number of sites and the most frequent ones."""
    counts = collections.Counter(r.outcome for r in results)
    sites = collections.defaultdict(collections.Counter)
    for r in results:
        if r.outcome not in ("ok", "clean", "setup"):
            sites[r.outcome][site_key(r)] += 1
    lines = ["| outcome | count | sites | most frequent sites |", "|---|---|---|---|"]
    for o in OUTCOMES[:-2] + ("setup", "clean", "ok"):
        if o not in counts and o not in ("death", "hang", "panic", "raw"):
            continue
        top = ", ".join(f"`{s}` ({n})" for s, n in sites[o].most_common(max_sites))
        more = len(sites[o]) - max_sites
        if more > 0:
            top += f", ... {more} more"
        lines.append(f"| {DESCRIBE[o]} | {counts.get(o, 0)} | {len(sites[o]) if sites[o] else ''} | {top} |")
    lines.append(f"| **total calls** | {len(results)} | | |")
    return "\n".join(lines)


def reproducers(results):
    """One block per finding site: outcome, count, seed:index, message and the reproducer line."""
    out = []
    for (outcome, site), rs in sorted(findings_by_site(results).items()):
        r = min(rs, key=lambda r: len(r.repro))  # the shortest reproducer of the site
        out.append(f"[{outcome}] {site}  x{len(rs)}  (seed {r.seed}, call {r.index})\n    {r.msg}\n"
                   f"    {r.repro}")
    return "\n".join(out)


def dump(results, path):
    with open(path, "w") as f:
        json.dump([asdict(r) for r in results if r.outcome not in ("ok", "clean", "setup")] +
                  [{"counts": collections.Counter(r.outcome for r in results)}], f, indent=1)
