"""The known-findings list (known_findings.json): Rust-side defects the fuzzer finds today, one entry per site.

Each entry is {"id", "outcome", "site", "repro", "issue"}: `site` is the op label a fuzz result carries
(`Tensor.flip`, `rtorch.rand`, `repr`...), `repro` the statements that show it (the last one's label is the
site). tests/test_fuzz.py treats the entries as strict expected failures: a short fuzz run may hit them without
failing, and each entry's reproducer runs as its own strict-xfail test, so fixing a site makes that test
XPASS (strict: reported as a failure) until the entry is deleted from the list.
"""
import json
import os

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_findings.json")


def load(path=PATH):
    with open(path) as f:
        return json.load(f)


def by_id(entry_id, path=PATH):
    """The entry with `id`, or None once it has been removed (the defect is fixed)."""
    return next((e for e in load(path) if e["id"] == entry_id), None)


def matches(result, entries):
    """The entry that covers a fuzz Result (same outcome and site), or None."""
    site = result.label or result.site
    for e in entries:
        if e["outcome"] == result.outcome and e["site"] == site:
            return e
    return None


def statements(entry):
    """The entry's reproducer as a call's labelled statements (setup statements, then the site's)."""
    parts = [p.strip() for p in entry["repro"].split(";") if p.strip()]
    return [("setup", p) for p in parts[:-1]] + [(entry["site"], parts[-1])]


def draft(results, entries):
    """Draft entries (shortest reproducer each) for failing results no entry covers: what to review and add."""
    from .calls import PREAMBLE
    from .classify import FAILING

    best = {}
    for r in results:
        if r.outcome in FAILING and matches(r, entries) is None:
            key = (r.outcome, r.label or r.site)
            if key not in best or len(r.repro) < len(best[key].repro):
                best[key] = r
    out = []
    for (outcome, site), r in sorted(best.items()):
        ident = f"{outcome}-{site}".replace("()", "-init").replace(".", "-").lower()
        repro = r.repro[len(PREAMBLE) + 2:] if r.repro.startswith(PREAMBLE) else r.repro
        if repro.endswith("; repr(r)") and site != "repr":
            repro = repro[: -len("; repr(r)")]
        out.append({"id": ident, "outcome": outcome, "site": site, "issue": "15", "repro": repro,
                    "seen": f"seed {r.seed} call {r.index}: {r.msg[:160]}"})
    return out
