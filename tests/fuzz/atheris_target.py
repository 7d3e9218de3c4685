"""Coverage-guided fuzzing of rtorch's Python surface with atheris (libFuzzer): input bytes -> one API call.

The bytes drive the same hypothesis strategies as the batch fuzzer, through hypothesis's
`fuzz_one_input` (hypothesis's documented hook for external fuzzers), so atheris's coverage feedback
steers which targets and arguments are drawn. A call runs in this process: a panic or a raw internal
error raises `Finding` (atheris records the input as a crash); a death or a hang is caught by libFuzzer
itself (the crash or timeout file it writes replays with the same command plus the file's path). Panics at
sites in the known-findings list are not reported (RTORCH_FUZZ_ALL=1 reports them too); a death stops the run.

    PYTHONPATH=python python tests/fuzz/atheris_target.py -max_total_time=300 -timeout=20 -rss_limit_mb=4096 [corpus]
    PYTHONPATH=python python tests/fuzz/atheris_target.py --show crash-...     # the Python call an input stands for
"""
import os
import resource
import sys
import warnings

import atheris

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

with atheris.instrument_imports(include=["rtorch"]):
    import rtorch  # noqa: F401  (instrumented: coverage of rtorch's Python code guides the fuzzer)
    import rtorch.nn.functional  # noqa: F401

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from fuzz import known  # noqa: E402
from fuzz.calls import call_for, reproducer  # noqa: E402
from fuzz.supervisor import Result  # noqa: E402
from fuzz.surface import build_surface  # noqa: E402
from fuzz.worker import namespace, run_call  # noqa: E402

SURFACE = build_surface(rtorch)
BASE, PKG = namespace()
# Panics at known sites (tests/fuzz/known_findings.json) do not stop the run; set RTORCH_FUZZ_ALL=1 to stop anyway.
KNOWN = [] if os.environ.get("RTORCH_FUZZ_ALL") else known.load()
warnings.simplefilter("ignore")


class Finding(Exception):
    """A panic or raw internal error found by a fuzzed call (the message holds the reproducer)."""


@settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def one_call(data):
    target = data.draw(st.sampled_from(SURFACE))
    stmts = data.draw(call_for(target))
    res = run_call(stmts, BASE, PKG)
    if res["o"] in ("panic", "raw") and known.matches(Result(0, 0, "", res["o"], res.get("label", "")), KNOWN) is None:
        raise Finding(f"[{res['o']}] {res.get('label')} {res.get('where')} {res.get('msg')}\n{reproducer(stmts)}")


@settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def show_call(data):
    target = data.draw(st.sampled_from(SURFACE))
    print(reproducer(data.draw(call_for(target))))


def main():
    # The batch fuzzer's address-space limit, so an impossible size raises MemoryError here too instead of
    # growing past libFuzzer's -rss_limit_mb (RTORCH_FUZZ_MEM_GB=0: none, as ASan's shadow memory needs).
    gb = float(os.environ.get("RTORCH_FUZZ_MEM_GB", "4"))
    if gb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (int(gb * (1 << 30)),) * 2)
    if sys.argv[1:2] == ["--show"]:  # print the call a saved input (crash-*, timeout-*) stands for
        for path in sys.argv[2:]:
            with open(path, "rb") as f:
                show_call.hypothesis.fuzz_one_input(f.read())
        return
    argv = list(sys.argv)
    # hypothesis needs a few hundred bytes per call: start from full-length inputs.
    for flag in ("-len_control=0", "-max_len=4096"):
        if not any(a.startswith(flag.split("=")[0] + "=") for a in argv):
            argv.append(flag)
    atheris.Setup(argv, one_call.hypothesis.fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
