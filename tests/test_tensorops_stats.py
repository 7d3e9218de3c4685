"""Statistics, histograms, distances and run/set ops composed in Python: cov, corrcoef, aminmax,
quantile / nanquantile, histc, bincount, cdist, dist, isin, logcumsumexp, mode, unique_consecutive;
values, dtypes and errors against PyTorch (recorded), NumPy for hypothesis shapes, gradients by gradcheck."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from tensorops_cases import arr, parity, run
from torch_ref import torch_ref

T = lambda lib, a: lib.tensor(a)  # noqa: E731
NAN = float("nan")
INF = float("inf")

CASES = {
    # cov / corrcoef
    "cov_int": lambda lib: lib.cov(lib.tensor([[1, 2, 4], [3, 1, 0]])),
    "cov_1d_corr0": lambda lib: lib.cov(lib.tensor([1.0, 2, 4]), correction=0),
    "cov_weights": lambda lib: T(lib, arr(0, 3, 5)).cov(fweights=lib.tensor([1, 2, 1, 0, 3]),
                                                         aweights=T(lib, arr(1, 5, lo=0, hi=2))),
    "cov_fweights": lambda lib: lib.cov(T(lib, arr(2, 2, 4, dtype=np.float64)), fweights=lib.tensor([1, 2, 1, 1])),
    "cov_one_obs": lambda lib: lib.cov(lib.tensor([1.0])),
    "cov_err_3d": lambda lib: lib.cov(lib.zeros(2, 2, 2)),
    "cov_err_fw_float": lambda lib: lib.cov(lib.tensor([1.0, 2]), fweights=lib.tensor([1.0, 2])),
    "cov_err_fw_neg": lambda lib: lib.cov(lib.tensor([1.0, 2]), fweights=lib.tensor([-1, 2])),
    "cov_err_aw_neg": lambda lib: lib.cov(lib.tensor([1.0, 2]), aweights=lib.tensor([-1.0, 2])),
    "cov_err_aw_int": lambda lib: lib.cov(lib.tensor([1.0, 2]), aweights=lib.tensor([1, 2])),
    "cov_err_fw_numel": lambda lib: lib.cov(lib.tensor([1.0, 2]), fweights=lib.tensor([1, 2, 3])),
    "corrcoef": lambda lib: T(lib, arr(3, 3, 6)).corrcoef(),
    "corrcoef_int": lambda lib: lib.corrcoef(lib.tensor([[1, 2, 4], [3, 1, 0]])),
    "corrcoef_1d": lambda lib: lib.corrcoef(lib.tensor([1.0, 2, 4])),
    # aminmax
    "aminmax_all": lambda lib: lib.aminmax(lib.tensor([[1, 5], [3, 2]])),
    "aminmax_dim_keep": lambda lib: T(lib, arr(4, 3, 4)).aminmax(dim=0, keepdim=True),
    "aminmax_neg_dim": lambda lib: lib.aminmax(T(lib, arr(5, 3, 4)), dim=-1),
    "aminmax_all_keep": lambda lib: lib.aminmax(T(lib, arr(6, 2, 3)), keepdim=True),
    "aminmax_0d": lambda lib: lib.aminmax(lib.tensor(3.0)),
    "aminmax_nan": lambda lib: lib.aminmax(lib.tensor([1.0, NAN])),
    "aminmax_bool": lambda lib: lib.aminmax(lib.tensor([True, False])),
    "aminmax_empty_other_dim": lambda lib: lib.aminmax(lib.zeros(2, 0), dim=0),
    "aminmax_err_empty": lambda lib: lib.aminmax(lib.zeros(0)),
    "aminmax_err_empty_dim": lambda lib: lib.aminmax(lib.zeros(2, 0), dim=1),
    # quantile
    "quantile_scalar": lambda lib: lib.quantile(lib.tensor([1.0, 2, 3, 4]), 0.4),
    "quantile_lower": lambda lib: lib.quantile(lib.tensor([1.0, 2, 3, 4]), lib.tensor([0.4, 0.5]),
                                               interpolation="lower"),
    "quantile_dim_keep": lambda lib: T(lib, arr(7, 3, 5)).quantile(lib.tensor([0.1, 0.5, 1.0]), dim=1,
                                                                    keepdim=True),
    "quantile_all_keep": lambda lib: lib.quantile(T(lib, arr(8, 2, 3)), 0.3, keepdim=True),
    "quantile_nearest": lambda lib: lib.quantile(lib.arange(12.0), lib.tensor([0.5, 0.1, 0.3, 0.9]),
                                                 interpolation="nearest"),
    "quantile_midpoint": lambda lib: lib.quantile(T(lib, arr(9, 6, dtype=np.float64)),
                                                  lib.tensor([0.1, 0.3, 0.5, 0.7, 0.9], dtype=lib.float64),
                                                  interpolation="midpoint"),
    "quantile_higher": lambda lib: lib.quantile(T(lib, arr(10, 2, 6)), lib.tensor([0.1, 0.7]), dim=0,
                                                interpolation="higher"),
    "quantile_nan_row": lambda lib: lib.quantile(lib.tensor([[1.0, NAN, 2], [3, 1, 2]]), 0.5, dim=1),
    "quantile_0d": lambda lib: lib.quantile(lib.tensor(3.0), 0.5),
    "quantile_0d_q": lambda lib: lib.quantile(T(lib, arr(11, 5)), lib.tensor(0.25)),
    "nanquantile": lambda lib: lib.nanquantile(lib.tensor([[1.0, NAN, 3], [NAN, NAN, NAN], [4, 2, 0]]),
                                               lib.tensor([0.0, 0.5, 0.75]), dim=1),
    "nanquantile_all": lambda lib: lib.tensor([1.0, NAN, 3]).nanquantile(0.5),
    "quantile_err_int": lambda lib: lib.quantile(lib.tensor([1, 2]), 0.4),
    "quantile_err_q_range": lambda lib: lib.quantile(lib.tensor([1.0, 2]), 1.4),
    "quantile_err_q_tensor_range": lambda lib: lib.quantile(lib.tensor([1.0, 2]), lib.tensor([0.5, 2.0])),
    "quantile_err_interp": lambda lib: lib.quantile(lib.tensor([1.0, 2]), 0.4, interpolation="foo"),
    "quantile_err_empty": lambda lib: lib.quantile(lib.zeros(0), 0.5),
    "quantile_err_q_2d": lambda lib: lib.quantile(lib.tensor([1.0, 2]), lib.tensor([[0.5]])),
    "quantile_err_q_dtype": lambda lib: lib.quantile(lib.tensor([1.0, 2]), lib.tensor([0.5], dtype=lib.float64)),
    # histogram
    "histogram_range_weight": lambda lib: lib.histogram(lib.tensor([1.0, 2, 1]), bins=4, range=(0.0, 3.0),
                                                        weight=lib.tensor([1.0, 2.0, 4.0])),
    "histogram_auto": lambda lib: T(lib, arr(40, 30)).histogram(6),
    "histogram_edges_density": lambda lib: lib.histogram(lib.tensor([1.0, 2, 1]), lib.tensor([0.0, 1, 2.5, 3]),
                                                         density=True),
    "histogram_same_values": lambda lib: lib.histogram(lib.tensor([1.0, 1]), bins=2),
    "histogram_empty": lambda lib: lib.histogram(lib.tensor([]), bins=2),
    "histogram_edge_values": lambda lib: lib.histogram(lib.tensor([0.1, 0.2, 0.3, 0.7]), bins=3, range=(0.1, 0.7)),
    "histogram_double": lambda lib: lib.histogram(T(lib, arr(41, 20, dtype=np.float64)), bins=5, range=(-2.0, 2.0)),
    "histogram_err_int": lambda lib: lib.histogram(lib.tensor([1, 2, 1]), bins=4),
    "histogram_err_edges_2d": lambda lib: lib.histogram(lib.tensor([1.0]), bins=lib.tensor([[1.0, 2]])),
    "histogram_err_weight": lambda lib: lib.histogram(lib.tensor([1.0]), bins=2, weight=lib.tensor([1.0, 2])),
    "histogram_err_range": lambda lib: lib.histogram(lib.tensor([1.0]), bins=2, range=(2.0, 1.0)),
    # histc / bincount
    "histc_range": lambda lib: lib.histc(lib.tensor([1.0, 2, 1]), bins=4, min=0, max=3),
    "histc_auto": lambda lib: T(lib, arr(12, 50)).histc(bins=7),
    "histc_same": lambda lib: lib.histc(lib.tensor([1.0, 1]), bins=4),
    "histc_nan_outside": lambda lib: lib.histc(lib.tensor([1.0, NAN, -5, 9, 3]), bins=4, min=0, max=3),
    "histc_empty": lambda lib: lib.histc(lib.zeros(0), bins=4),
    "histc_double": lambda lib: lib.histc(T(lib, arr(13, 20, dtype=np.float64)), bins=3, min=-1, max=1),
    "histc_err_int": lambda lib: lib.histc(lib.tensor([1, 2]), bins=4),
    "histc_err_bins": lambda lib: lib.histc(lib.tensor([1.0, 2]), bins=0),
    "histc_err_minmax": lambda lib: lib.histc(lib.tensor([1.0, 2]), bins=4, min=3, max=1),
    "histc_err_inf": lambda lib: lib.histc(lib.tensor([1.0, INF]), bins=4),
    "bincount": lambda lib: lib.bincount(lib.tensor([1, 1, 3])),
    "bincount_minlength": lambda lib: lib.tensor([1, 1, 3]).bincount(minlength=6),
    "bincount_w_float": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), weights=lib.tensor([0.5, 1, 2])),
    "bincount_w_double": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), lib.tensor([0.5, 1, 2]).double()),
    "bincount_w_int": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), weights=lib.tensor([1, 1, 2])),
    "bincount_w_half": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), weights=lib.tensor([1, 1, 2]).half()),
    "bincount_uint8": lambda lib: lib.bincount(lib.tensor([1, 1, 3], dtype=lib.uint8)),
    "bincount_empty": lambda lib: lib.bincount(lib.tensor([], dtype=lib.int64)),
    "bincount_random": lambda lib: lib.bincount(T(lib, arr(14, 100, dtype=np.int64, lo=0, hi=20))),
    "bincount_err_neg": lambda lib: lib.bincount(lib.tensor([1, -1, 3])),
    "bincount_err_2d": lambda lib: lib.bincount(lib.tensor([[1, 1]])),
    "bincount_err_float": lambda lib: lib.bincount(lib.tensor([1.0, 1])),
    "bincount_err_minlength": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), minlength=-1),
    "bincount_err_weights": lambda lib: lib.bincount(lib.tensor([1, 1, 3]), weights=lib.tensor([0.5, 1])),
    # cdist / dist
    "cdist_p2_small": lambda lib: lib.cdist(T(lib, arr(15, 4, 3)), T(lib, arr(16, 5, 3))),
    "cdist_p2_mm": lambda lib: lib.cdist(T(lib, arr(17, 30, 3, dtype=np.float64)),
                                         T(lib, arr(18, 4, 3, dtype=np.float64))),
    "cdist_p2_no_mm": lambda lib: lib.cdist(T(lib, arr(19, 30, 3)), T(lib, arr(20, 4, 3)),
                                            compute_mode="donot_use_mm_for_euclid_dist"),
    "cdist_p1_batch": lambda lib: lib.cdist(T(lib, arr(21, 2, 1, 3, 4)), T(lib, arr(22, 3, 2, 4)), p=1),
    "cdist_p0": lambda lib: lib.cdist(lib.tensor([[0.0, 1]]), lib.tensor([[1.0, 3], [0, 1]]), p=0),
    "cdist_pinf": lambda lib: lib.cdist(T(lib, arr(23, 3, 2)), T(lib, arr(24, 2, 2)), p=INF),
    "cdist_p_half": lambda lib: lib.cdist(T(lib, arr(25, 3, 2)), T(lib, arr(26, 2, 2)), p=0.5),
    "cdist_p3": lambda lib: lib.cdist(T(lib, arr(27, 3, 2)), T(lib, arr(28, 2, 2)), p=3),
    "cdist_empty": lambda lib: lib.cdist(lib.zeros(0, 3), lib.zeros(2, 3)),
    "cdist_err_cols": lambda lib: lib.cdist(lib.zeros(2, 3), lib.zeros(4, 2)),
    "cdist_err_1d": lambda lib: lib.cdist(lib.zeros(3), lib.zeros(4, 3)),
    "cdist_err_p": lambda lib: lib.cdist(lib.zeros(2, 3), lib.zeros(4, 3), p=-1),
    "cdist_err_int": lambda lib: lib.cdist(lib.zeros(2, 3, dtype=lib.int64), lib.zeros(4, 3, dtype=lib.int64)),
    "cdist_err_batch": lambda lib: lib.cdist(lib.ones(2, 1, 3), lib.zeros(3, 4, 3)),
    "dist_p3": lambda lib: lib.dist(lib.tensor([[0.0, 1]]), lib.tensor([1.0, 3]), 3),
    "dist_default": lambda lib: T(lib, arr(29, 3, 4)).dist(T(lib, arr(30, 4))),
    "dist_p0": lambda lib: lib.dist(lib.tensor([0.0, 1]), lib.tensor([1.0, 1]), 0),
    "dist_pinf": lambda lib: lib.dist(lib.tensor([0.0, 1]), lib.tensor([1.0, 3]), INF),
    "dist_err_int": lambda lib: lib.dist(lib.tensor([0, 1]), lib.tensor([1, 3])),
    # isin
    "isin": lambda lib: lib.isin(lib.tensor([1, 2, 3]), lib.tensor([2, 5])),
    "isin_scalar_test": lambda lib: lib.isin(lib.tensor([[1, 2], [2, 3]]), 2),
    "isin_scalar_elem": lambda lib: lib.isin(2, lib.tensor([1, 2, 3])),
    "isin_invert_mixed": lambda lib: lib.isin(lib.tensor([1.0, 2, 3]), lib.tensor([2, 5]), invert=True),
    "isin_nan": lambda lib: lib.isin(lib.tensor([NAN, 1.0]), lib.tensor([NAN, 1.0])),
    "isin_empty_test": lambda lib: lib.isin(lib.tensor([1, 2]), lib.tensor([], dtype=lib.int64)),
    "isin_random": lambda lib: lib.isin(T(lib, arr(31, 5, 6, dtype=np.int64, lo=0, hi=30)),
                                        T(lib, arr(32, 10, dtype=np.int64, lo=0, hi=30))),
    # logcumsumexp
    "logcumsumexp": lambda lib: T(lib, arr(33, 3, 9)).logcumsumexp(1),
    "logcumsumexp_dim0": lambda lib: lib.logcumsumexp(T(lib, arr(34, 5, 2, dtype=np.float64)), 0),
    "logcumsumexp_far": lambda lib: lib.logcumsumexp(lib.tensor([-1000.0, 0]), 0),
    "logcumsumexp_inf": lambda lib: lib.logcumsumexp(lib.tensor([-INF, -INF, 1.0, INF, 2.0]), 0),
    "logcumsumexp_0d": lambda lib: lib.logcumsumexp(lib.tensor(2.0), 0),
    "logcumsumexp_err_int": lambda lib: lib.logcumsumexp(lib.tensor([1, 2, 3]), 0),
    # mode
    "mode_1d": lambda lib: lib.mode(lib.tensor([3, 1, 3, 1, 2])),
    "mode_rows": lambda lib: lib.tensor([[3, 1, 3, 1, 2], [5, 5, 0, 0, 0]]).mode(1),
    "mode_keepdim": lambda lib: lib.mode(lib.tensor([[3, 1], [3, 1]]), 0, keepdim=True),
    # PyTorch's index is that of any occurrence (its CPU kernel sorts unstably): values only.
    "mode_random": lambda lib: lib.mode(T(lib, arr(35, 4, 30, dtype=np.int64, lo=0, hi=6)), 1).values,
    "mode_float": lambda lib: lib.mode(lib.tensor([[0.5, 0.5, 1.5], [2.0, 1.0, 1.0]])),
    "mode_0d": lambda lib: lib.mode(lib.tensor(4.0)),
    "mode_empty_other_dim": lambda lib: lib.mode(lib.zeros(2, 0), 0),
    "mode_err_empty": lambda lib: lib.mode(lib.zeros(0)),
    # unique_consecutive
    "unique_consecutive_all": lambda lib: lib.unique_consecutive(lib.tensor([1, 1, 2, 2, 3, 1, 1, 2]),
                                                                 return_inverse=True, return_counts=True),
    "unique_consecutive_counts": lambda lib: lib.tensor([1, 1, 2]).unique_consecutive(return_counts=True),
    "unique_consecutive_plain": lambda lib: lib.unique_consecutive(T(lib, arr(36, 20, dtype=np.int64, lo=0, hi=3))),
    "unique_consecutive_dim0": lambda lib: lib.unique_consecutive(lib.tensor([[1, 1], [1, 1], [2, 3]]), dim=0,
                                                                  return_inverse=True, return_counts=True),
    "unique_consecutive_dim1": lambda lib: lib.unique_consecutive(lib.tensor([[1, 1, 2], [1, 1, 3]]), dim=1,
                                                                  return_inverse=True, return_counts=True),
    "unique_consecutive_0d": lambda lib: lib.unique_consecutive(lib.tensor(5), return_inverse=True,
                                                                return_counts=True),
    "unique_consecutive_empty": lambda lib: lib.unique_consecutive(lib.zeros(0), return_inverse=True,
                                                                   return_counts=True),
    "unique_consecutive_2d_flat": lambda lib: lib.unique_consecutive(lib.tensor([[1, 1], [2, 2]]),
                                                                     return_inverse=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    parity(CASES[name], torch_ref(lambda torch: run(CASES[name], torch)), rtol=1e-5, atol=1e-5)


@given(st.lists(st.integers(0, 4), min_size=1, max_size=3), st.data())
def test_logcumsumexp_matches_numpy(shape, data):
    a = np.random.default_rng(len(shape)).normal(0, 30, size=shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    ref = np.logaddexp.accumulate(a, axis=dim) if a.size else a
    assert_close(rtorch.tensor(a).logcumsumexp(dim), ref, rtol=1e-10, atol=1e-10)


@given(st.integers(1, 6), st.integers(1, 40), st.floats(0, 1), st.sampled_from(
    ["linear", "lower", "higher", "midpoint", "nearest"]))
def test_quantile_matches_numpy(rows, cols, q, interpolation):
    a = np.random.default_rng(rows * 100 + cols).normal(size=(rows, cols))
    got = rtorch.tensor(a).quantile(q, dim=1, interpolation=interpolation)
    assert_close(got, np.quantile(a, q, axis=1, method=interpolation), rtol=1e-10, atol=1e-12)


@given(st.integers(0, 60), st.integers(0, 10), st.booleans())
def test_bincount_and_isin_match_numpy(n, hi, weighted):
    rng = np.random.default_rng(n + 7 * hi)
    x = rng.integers(0, hi + 1, size=n)
    w = rng.normal(size=n) if weighted else None
    got = rtorch.tensor(x).bincount(None if w is None else rtorch.tensor(w), minlength=3)
    assert_close(got, np.bincount(x, w, minlength=3).astype(np.float64 if weighted else np.int64))
    test = rng.integers(0, hi + 1, size=3)
    assert_close(rtorch.isin(rtorch.tensor(x), rtorch.tensor(test)), np.isin(x, test))


@given(st.integers(0, 5), st.integers(0, 5), st.integers(1, 4), st.sampled_from([0.0, 1.0, 2.0, 3.5, math.inf]))
def test_cdist_matches_numpy(p_rows, r_rows, m, p):
    rng = np.random.default_rng(p_rows * 31 + r_rows * 7 + m)
    a, b = rng.normal(size=(p_rows, m)), rng.normal(size=(r_rows, m))
    d = np.abs(a[:, None, :] - b[None, :, :])
    ref = ((d != 0).sum(-1).astype(np.float64) if p == 0 else d.max(-1, initial=0) if p == math.inf
           else (d ** p).sum(-1) ** (1 / p))
    assert_close(rtorch.cdist(rtorch.tensor(a), rtorch.tensor(b), p=p), ref, rtol=1e-9, atol=1e-9)


def test_unique_consecutive_and_mode_noncontiguous():
    x = rtorch.tensor([[1, 2], [1, 2], [3, 2]]).t()  # rows [1, 1, 3] and [2, 2, 2]
    assert x.unique_consecutive().tolist() == [1, 3, 2]
    assert x.mode(1).values.tolist() == [1, 2]
    assert x.mode(1).indices.tolist() == [1, 2]


@given(st.integers(1, 5), st.integers(1, 30), st.integers(1, 5))
def test_mode_matches_numpy(rows, cols, hi):
    a = np.random.default_rng(rows * 97 + cols * 5 + hi).integers(0, hi, size=(rows, cols))
    values, indices = rtorch.tensor(a).mode(1)
    for r in range(rows):
        counts = np.bincount(a[r])
        assert values[r].item() == counts.argmax()  # the most frequent, the smallest on ties
        assert indices[r].item() == np.flatnonzero(a[r] == counts.argmax())[-1]  # its last occurrence


def test_return_types_are_named():
    r = rtorch.aminmax(rtorch.tensor([3, 1]))
    assert (r.min.item(), r.max.item()) == (1, 3)
    m = rtorch.tensor([2, 2, 1]).mode()
    assert (m.values.item(), m.indices.item()) == (2, 1)


def _leaf(seed, *shape):
    return rtorch.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def test_gradients():
    x, y = _leaf(0, 3, 5), _leaf(1, 4, 5)
    assert gradcheck(lambda a: rtorch.cov(a), (x,))
    assert gradcheck(lambda a: rtorch.corrcoef(a), (x,))
    assert gradcheck(lambda a, b: rtorch.cdist(a, b), (x, y))
    assert gradcheck(lambda a, b: rtorch.cdist(a, b, p=1.5), (x, y))
    assert gradcheck(lambda a, b: rtorch.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), (x, y))
    assert gradcheck(lambda a, b: rtorch.dist(a, b[:3], 3), (x, y))
    assert gradcheck(lambda a: a.logcumsumexp(1), (x,))
    assert gradcheck(lambda a: a.quantile(rtorch.tensor([0.2, 0.7], dtype=rtorch.float64), dim=1), (x,))
    assert gradcheck(lambda a: a.nanquantile(0.3), (x,))
    assert gradcheck(lambda a: rtorch.aminmax(a, dim=1).max, (x,))
    assert gradgradcheck(lambda a: a.logcumsumexp(0), (x,))
    assert gradgradcheck(lambda a, b: rtorch.cdist(a, b), (x, y))


def test_zero_distance_has_zero_gradient():
    # PyTorch's cdist / dist backward give 0 (not NaN) where two points coincide.
    a = rtorch.tensor([[1.0, 2.0]], dtype=rtorch.float64, requires_grad=True)
    rtorch.cdist(a, a.detach().clone()).sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0]]
    b = rtorch.tensor([1.0, 2.0], requires_grad=True)
    rtorch.dist(b, b.detach()).backward()
    assert b.grad.tolist() == [0.0, 0.0]
