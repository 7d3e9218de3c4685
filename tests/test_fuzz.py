"""A short run of the API fuzzer (tests/fuzz, about a minute on 2 cores) plus the known findings as strict xfails.

The run must give 0 panics, 0 process deaths, 0 hangs and 0 raw internal errors, except at sites listed in
tests/fuzz/known_findings.json (Rust-side defects of issue 15 awaiting their fix). Every listed entry's
reproducer runs as its own strict-xfail test: when a fix lands, that test XPASSes, which fails the suite
until the entry is removed from the list. The long run is `python scripts/fuzz.py` (docs/robustness.md).
"""
import os

import pytest

from fuzz import known, report, supervisor
from fuzz.classify import FAILING

# Fixed seeds and size: the same calls on every run (for a given hypothesis version and API surface).
SEEDS = (101, 102)
CALLS = int(os.environ.get("RTORCH_FUZZ_CALLS", "12000"))
TIMEOUT = 10.0
KNOWN = known.load()


@pytest.fixture(scope="module")
def fuzz_results():
    return supervisor.run_parallel(SEEDS, CALLS, jobs=2, timeout=TIMEOUT, batches_per_unit=2)


@pytest.fixture(scope="module")
def known_outcomes():
    """Each known entry's reproducer, run in a worker under the same limits: {id: answer}."""
    answers = supervisor.run_snippets([known.statements(e) for e in KNOWN], timeout=5.0)  # 3 entries hang
    return {e["id"]: a for e, a in zip(KNOWN, answers)}


def test_short_fuzz_run_finds_nothing_new(fuzz_results):
    assert len(fuzz_results) >= CALLS
    assert sum(r.outcome in ("ok", "clean") for r in fuzz_results) > CALLS // 2  # the calls mostly reach rtorch
    new = [r for r in fuzz_results if r.outcome in FAILING and known.matches(r, KNOWN) is None]
    assert not new, (f"{len(new)} new finding(s):\n{report.table(fuzz_results)}\n\n{report.reproducers(new)}")


def test_known_findings_have_reproducers():
    ids = [e["id"] for e in KNOWN]
    assert len(ids) == len(set(ids))
    for e in KNOWN:
        assert e["outcome"] in FAILING + ("race",) and e["site"] and e["repro"], e


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["id"], marks=pytest.mark.xfail(
    strict=True, reason=f"known {e['outcome']} at {e['site']} (issue {e.get('issue', '15')}); "
                        "XPASS means it is fixed: delete the entry from tests/fuzz/known_findings.json"))
    for e in KNOWN if e["site"] != "concurrency"])
def test_known_finding(entry, known_outcomes):
    ans = known_outcomes[entry["id"]]
    assert ans["o"] not in FAILING, f"{ans['o']}: {ans.get('where', '')} {ans.get('msg', '')}"
    assert ans["o"] != "setup", f"the reproducer no longer builds its arguments: {ans.get('msg')}"
