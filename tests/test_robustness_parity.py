"""Issue 15's hostile calls behave as PyTorch's do: the same value, or an exception of the class PyTorch raises.

The cases are in tests/fixtures/robustness_cases.py (0-d tensors, empty inputs, huge and overflowing sizes,
integer division, Python scalars out of range, half-precision reductions, empty advanced indices); PyTorch's
outcome of each is recorded in tests/fixtures/robustness_torch.json by make_robustness_fixtures.py, so this test
runs without PyTorch. A Rust panic fails the case twice over: PanicException is not an Exception, and the
conftest fixture counts panics.
"""
import builtins
import json
import math
import os
import sys

import numpy as np
import pytest

import rtorch
import rtorch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from robustness_cases import cases  # noqa: E402

with open(os.path.join(HERE, "fixtures", "robustness_torch.json")) as _f:
    RECORD = json.load(_f)["cases"]


def _same(got, want, where):
    """`got` (an rtorch result) matches `want` (PyTorch's, as encoded by make_robustness_fixtures.encode)."""
    if "tensor" in want:
        assert isinstance(got, rtorch.Tensor), f"{where}: expected a tensor, got {got!r}"
        assert str(got.dtype).replace("rtorch.", "") == want["dtype"], f"{where}: dtype {got.dtype}"
        assert list(got.shape) == want["shape"], f"{where}: shape {list(got.shape)}"
        g = np.asarray(got.detach().float().tolist() if got.dtype == rtorch.bfloat16 else got.tolist(), dtype=object)
        w = np.asarray(want["tensor"], dtype=object)
        if want["dtype"].startswith(("float", "bfloat")):
            np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=2e-3, equal_nan=True,
                                       err_msg=where)
        else:
            assert g.tolist() == w.tolist(), f"{where}: {g.tolist()} != {w.tolist()}"
    elif "seq" in want:
        assert isinstance(got, (list, tuple)) and len(got) == len(want["seq"]), f"{where}: {got!r}"
        for i, (g, w) in enumerate(zip(got, want["seq"])):
            _same(g, w, f"{where}[{i}]")
    elif "float" in want:
        assert repr(got) == want["float"] or (math.isnan(got) and want["float"] == "nan"), f"{where}: {got!r}"
    else:
        assert got == want["value"] and type(got) is type(want["value"]), f"{where}: {got!r} != {want['value']!r}"


@pytest.mark.parametrize("group,expr", cases(), ids=[f"{g}:{e}" for g, e in cases()])
def test_matches_pytorch(group, expr):
    want = RECORD[expr]
    try:
        got = eval(expr, {"torch": rtorch, "F": F})  # noqa: S307 (our own case list)
    except Exception as e:  # noqa: BLE001 (the class is what is compared)
        assert "raises" in want, f"rtorch raised {type(e).__name__}: {e}; PyTorch returned {want['ok']}"
        cls = getattr(builtins, want["raises"])
        assert isinstance(e, cls), f"rtorch raised {type(e).__name__}: {e}; PyTorch raises {want['raises']}: " \
                                   f"{want['message']}"
        assert "internal error" not in str(e), f"a guarded Rust panic: {e}"
        return
    assert "ok" in want, f"rtorch returned {got!r}; PyTorch raises {want['raises']}: {want['message']}"
    _same(got, want["ok"], expr)


def test_record_covers_every_case():
    # The fixture must be re-recorded when a case is added (make_robustness_fixtures.py).
    assert sorted(RECORD) == sorted(e for _, e in cases())


@pytest.mark.expects_panic
@pytest.mark.parametrize("release_gil", [False, True])
def test_guard_turns_a_panic_into_a_counted_runtime_error(release_gil):
    # The bindings' last resort (src/py/guard.rs): a panic becomes a RuntimeError naming the op, and the process-wide
    # counter still records it, so the autouse fixture in conftest.py fails any other test during which one happened.
    before = rtorch._rtorch._panic_count()
    with pytest.raises(RuntimeError, match=r"^_guard_selftest: internal error \(a bug in rtorch.*deliberate panic"):
        rtorch._rtorch._guard_selftest(release_gil)
    assert rtorch._rtorch._panic_count() == before + 1
