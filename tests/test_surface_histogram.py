"""rtorch.histogramdd (bins as ints or edge tensors; range, weight, density): against PyTorch (recorded) and, by
hypothesis, against numpy.histogramdd; argument errors as PyTorch's."""
import numpy as np
from hypothesis import given, settings, strategies as st

import rtorch
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref

P = np.array([[0., 1.], [1., 0.], [2., 0.], [2., 2.]], dtype=np.float32)
R3 = arr(4, 2, 5, 3, lo=-1, hi=1)


def hdd(x, *args, weight=None, **kwargs):
    def case(lib):
        w = None if weight is None else lib.tensor(weight)
        bins = [lib.tensor(b) for b in args[0]] if args and isinstance(args[0], list) and args[0] \
            and isinstance(args[0][0], np.ndarray) else args[0]
        r = lib.histogramdd(lib.tensor(x), bins, *args[1:], weight=w, **kwargs)
        return (r.hist, list(r.bin_edges), type(r.bin_edges).__name__, type(r).__name__)
    return case


E = [np.array([0., 1., 2.], np.float32), np.array([0., 2.], np.float32)]
CASES = {
    "weights": hdd(P, [3, 3], weight=np.array([1., 2., 4., 8.], np.float32)),
    "range_density": hdd(P, 2, range=[0., 1., 0., 1.], density=True),
    "edges": hdd(P, E),
    "edges_density": hdd(P, E, density=True),
    "int_bins": hdd(P, 2),
    "tuple_bins": hdd(P, (2, 3)),
    "one_dim": hdd(P[:, :1], 2),
    "constant": hdd(np.ones((3, 2), np.float32), 2),
    "empty": hdd(np.zeros((0, 2), np.float32), 2),
    "three_d_input": hdd(R3, [2, 3, 2]),
    "float64": hdd(R3.astype(np.float64), 3, range=[-1, 1, -0.5, 0.5, -1, 0], weight=arr(5, 2, 5, dtype=np.float64)),
    "decreasing_edges": hdd(P, [np.array([1., 0.], np.float32), np.array([0., 2.], np.float32)]),
    # errors
    "one_d_input": hdd(P[0], 2),
    "long_input": lambda lib: lib.histogramdd(lib.tensor(P).long(), 2),
    "half_input": lambda lib: lib.histogramdd(lib.tensor(P).half(), 2),
    "bins_count": hdd(P, [2]),
    "bins_zero": hdd(P, 0),
    "range_length": hdd(P, 2, range=[0., 1.]),
    "range_order": hdd(P, 2, range=[1., 0., 0., 1.]),
    "range_inf": hdd(P, 2, range=[0., float("inf"), 0., 1.]),
    "nan_point": hdd(np.array([[np.nan, 1.]], np.float32), 2),
    "weight_shape": hdd(P, 2, weight=np.ones(3, np.float32)),
    "weight_dtype": hdd(P, 2, weight=np.ones(4, np.float64)),
    "edges_2d": hdd(P, [np.array([[1., 0.]], np.float32), np.array([0., 2.], np.float32)]),
    "edges_one": hdd(P, [np.array([0.], np.float32), np.array([0., 2.], np.float32)]),
}


def test_matches_torch():
    check_table(CASES, torch_ref(lambda torch: torch_table(torch, CASES)))


@settings(max_examples=40, deadline=None)
@given(m=st.integers(0, 12), n=st.integers(1, 3), data=st.data())
def test_against_numpy(m, n, data):
    rng = np.random.default_rng(m * 7 + n)
    x = np.round(rng.uniform(-2, 2, (m, n)), 1)  # coordinates on the edges too
    bins = data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    edges = [np.linspace(-1.5, 1.5, b + 1) for b in bins]
    w = rng.uniform(0, 1, m)
    density = data.draw(st.booleans())
    got = rtorch.histogramdd(rtorch.tensor(x), [rtorch.tensor(e) for e in edges], weight=rtorch.tensor(w),
                             density=density)
    want, _ = np.histogramdd(x, bins=edges, weights=w, density=density)
    if density and not w[np.all([(x[:, d] >= -1.5) & (x[:, d] <= 1.5) for d in range(n)], axis=0)].sum():
        return  # 0/0: NumPy and PyTorch both give NaN, nothing more to compare
    assert_close(got.hist, want, rtol=1e-10, atol=1e-12)
    # equal-width bins over a range: the edges are linspace, the counts NumPy's
    rng_flat = [v for _ in range(n) for v in (-1.5, 1.5)]
    got = rtorch.histogramdd(rtorch.tensor(x), bins, range=rng_flat)
    want, want_edges = np.histogramdd(x, bins=bins, range=[(-1.5, 1.5)] * n)
    assert_close(got.hist, want.astype(np.float64), rtol=0, atol=0)
    for e, we in zip(got.bin_edges, want_edges):
        assert_close(e, we, rtol=1e-12, atol=1e-12)


def test_huge_bin_count_raises():
    import pytest
    with pytest.raises(RuntimeError, match="cannot be allocated"):
        rtorch.histogramdd(rtorch.zeros(2, 3), 2 ** 63)
