#!/usr/bin/env python
"""Fuzz rtorch's public Python API with hostile arguments and print the outcome table (docs/robustness.md).

    python scripts/fuzz.py --calls 200000 --seeds 1,2,3 --jobs 2      # the long run (about an hour on 2 cores)
    python scripts/fuzz.py --calls 2000 --seeds 1                     # a quick look
    python scripts/fuzz.py --replay 2:14071                           # rerun call 14071 of seed 2, print it

Each batch of calls runs in a child process under an address-space limit (--mem-gb) with a per-call timeout;
every finding prints with its seed, call index and a one-line Python reproducer. Exit status 1 when a call
panicked, killed its process, hung or raised a raw internal error.
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = os.path.join(ROOT, "tests")  # not scripts/: this file's own name would shadow the package
if os.path.isdir(os.path.join(ROOT, "python", "rtorch")):
    sys.path.insert(1, os.path.join(ROOT, "python"))

from fuzz import known, report, supervisor  # noqa: E402
from fuzz.classify import FAILING  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=2000,
                    help="total calls over all seeds (rounded up to whole batches of 500 per seed)")
    ap.add_argument("--seeds", default="1", help="comma-separated seeds")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes in parallel")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before a call counts as a hang")
    ap.add_argument("--mem-gb", type=float, default=4.0, help="address-space limit of each worker (0: none)")
    ap.add_argument("--threads", type=int, default=1, help="RTORCH_NUM_THREADS in the workers")
    ap.add_argument("--json", help="write the findings and counts to this file")
    ap.add_argument("--replay", help="SEED:INDEX: regenerate, print and run one call")
    ap.add_argument("--draft-known", metavar="FILE",
                    help="write draft known-findings entries for failing sites not in tests/fuzz/known_findings.json")
    a = ap.parse_args(argv)
    limit = int(a.mem_gb * (1 << 30))
    if a.replay:
        seed, index = map(int, a.replay.split(":"))
        r = supervisor.replay(seed, index, limit, a.threads, a.timeout)
        print(f"{r.site}: {r.outcome} {r.where} {r.msg}\n{r.repro}")
        return 1 if r.outcome in FAILING else 0
    seeds = [int(s) for s in a.seeds.split(",")]
    t0 = time.monotonic()

    def progress(done, total, results):
        bad = sum(r.outcome in FAILING for r in results)
        print(f"[{time.monotonic() - t0:7.0f} s] {done}/{total} units, {len(results)} calls, {bad} failing",
              file=sys.stderr, flush=True)

    results = supervisor.run_parallel(seeds, a.calls, a.jobs, limit, a.threads, a.timeout, progress=progress)
    print(f"\n{len(results)} calls, seeds {a.seeds}, {time.monotonic() - t0:.0f} s, "
          f"{a.mem_gb:g} GiB address space, {a.timeout:g} s timeout\n")
    print(report.table(results))
    print("\nFindings (one reproducer per site; rerun one with --replay SEED:CALL):\n")
    print(report.reproducers(results))
    if a.json:
        report.dump(results, a.json)
    if a.draft_known:
        with open(a.draft_known, "w") as f:
            json.dump(known.draft(results, known.load()), f, indent=1)
    return 1 if any(r.outcome in FAILING for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
