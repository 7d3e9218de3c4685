"""Sorting and selection: sort / argsort / topk / kthvalue / median / nanmedian / unique / searchsorted against
NumPy (and PyTorch where installed): NaN order, ties in the stable order, int64 beyond 2**53, 0-d inputs,
gradients."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck
from helpers import assert_close
from torch_ref import TorchError, catch, live_ref, torch_ref


mats = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
                  elements=st.floats(-50, 50))


@given(mats, st.data())
def test_sort_topk_kthvalue_median_match_numpy(a, data):
    t = torch.from_numpy(a)
    d = data.draw(st.integers(-a.ndim, a.ndim - 1))
    desc = data.draw(st.booleans())
    v, i = t.sort(d, descending=desc)
    ref = -np.sort(-a, axis=d, kind="stable") if desc else np.sort(a, axis=d, kind="stable")
    assert_close(v, ref)
    assert_close(torch.from_numpy(a).gather(d, i), ref)  # indices address the sorted values
    assert_close(t.argsort(d), np.argsort(a, axis=d, kind="stable"))
    n = a.shape[d]
    k = data.draw(st.integers(1, n))
    assert_close(t.topk(k, d).values, np.take(-np.sort(-a, axis=d), range(k), axis=d))
    assert_close(t.kthvalue(k, d).values, np.take(np.sort(a, axis=d), k - 1, axis=d))
    med = np.take(np.sort(a, axis=d), (n - 1) // 2, axis=d)  # lower median, like PyTorch
    assert_close(t.median(d).values, med)
    assert_close(t.cummax(d).values, np.maximum.accumulate(a, axis=d))
    assert_close(t.cummin(d).values, np.minimum.accumulate(a, axis=d))


def test_sort_puts_nan_last_and_unique_counts():
    t = torch.tensor([3.0, float("nan"), 1.0, 3.0])
    assert t.sort().indices.tolist() == [2, 0, 3, 1]
    u, inv, cnt = torch.tensor([2, 1, 2, 5]).unique(return_inverse=True, return_counts=True)
    assert u.tolist() == [1, 2, 5] and inv.tolist() == [1, 0, 1, 2] and cnt.tolist() == [1, 2, 1]
    assert torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9])).tolist() == [1, 3, 4]
    assert torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3]), right=True).tolist() == [2]
    assert torch.bucketize(torch.tensor([0.5, 3.0]), torch.tensor([1.0, 3.0])).tolist() == [0, 1]
    with pytest.raises(RuntimeError, match="k = 3"):
        torch.tensor([1.0, 2.0]).topk(3)


def test_int64_beyond_2_53_sorts_exactly():
    # As float64 these values would collide; sort/unique/topk/searchsorted must compare them as integers.
    big = 2**60
    vals = [big + 3, big + 1, -big - 1, big + 2, big + 1, -big - 2]
    t = torch.tensor(vals, dtype=torch.int64)
    s, i = t.sort()
    assert s.tolist() == sorted(vals) and [vals[k] for k in i.tolist()] == sorted(vals)
    assert t.unique().tolist() == sorted(set(vals))
    assert t.topk(2).values.tolist() == [big + 3, big + 2]
    assert t.median().item() == sorted(vals)[2]
    seq = torch.tensor(sorted(set(vals)), dtype=torch.int64)
    assert torch.searchsorted(seq, torch.tensor([big + 2, -big - 1], dtype=torch.int64)).tolist() == [3, 1]


def test_topk_of_a_0d_tensor_returns_it_for_k_0_and_1():
    # PyTorch's rule: a 0-d input comes back as itself (k = 0 included); k = 2 is out of range.
    for k in (0, 1):
        v, i = torch.tensor(3.5).topk(k)
        assert v.shape == () and v.item() == 3.5 and i.shape == () and i.item() == 0
    with pytest.raises(RuntimeError, match="out of range"):
        torch.tensor(3.5).topk(2)


def test_searchsorted_nan_follows_pytorch():
    # PyTorch's binary search moves right while !(b >= v) (right: !(b > v)): NaN values and
    # values past a NaN tail land at the end. (Expected values are PyTorch 2.x's output.)
    s = torch.tensor([1.0, 2, 3, float("nan"), float("nan")])
    v = torch.tensor([float("nan"), float("-inf"), float("inf"), 2.0, 3.0])
    assert torch.searchsorted(s, v).tolist() == [5, 0, 5, 1, 2]
    assert torch.searchsorted(s, v, right=True).tolist() == [5, 0, 5, 2, 5]
    sn, vn = s.numpy(), v.numpy()
    ref = torch_ref(lambda pt: [pt.searchsorted(pt.tensor(sn), pt.tensor(vn), right=r).tolist() for r in (False, True)])
    assert ref == [torch.searchsorted(s, v).tolist(), torch.searchsorted(s, v, right=True).tolist()]


@pytest.mark.parametrize("shape,d", [((50,), 0), ((7, 300), 1), ((300, 5), 0), ((3, 1, 4097), -1)])
def test_selection_indices_follow_the_stable_order(shape, d):
    # topk / kthvalue / median select from (value, index) pairs: ties resolve exactly as in the
    # stable sort (descending for topk keeps equal values in index order too).
    rng = np.random.default_rng(len(shape))
    a = rng.integers(0, 6, size=shape).astype(np.float64)  # many ties
    t = torch.tensor(a)
    n = shape[d]
    asc = np.argsort(a, axis=d, kind="stable")
    desc = np.argsort(-a, axis=d, kind="stable")
    for k in {1, 2, n // 3 + 1, n}:
        np.testing.assert_array_equal(t.topk(k, d).indices.numpy(), np.take(desc, range(k), axis=d))
        np.testing.assert_array_equal(t.topk(k, d, largest=False).indices.numpy(), np.take(asc, range(k), axis=d))
        np.testing.assert_array_equal(t.kthvalue(k, d).indices.numpy(), np.take(asc, k - 1, axis=d))
    np.testing.assert_array_equal(t.median(d).indices.numpy(), np.take(asc, (n - 1) // 2, axis=d))
    np.testing.assert_array_equal(t.sort(d, descending=True).indices.numpy(), desc)


GRADS = {
    "sort": lambda x: x.sort(1).values * torch.arange(4.0, dtype=torch.float64),
    "topk": lambda x: x.topk(2, 0).values, "kthvalue": lambda x: x.kthvalue(2, 1).values,
    "median": lambda x: x.median(0).values, "cummax": lambda x: x.cummax(1).values,
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.1, (3, 4)), requires_grad=True)
    assert gradcheck(GRADS[name], (x,))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 7), st.floats(0, 1), st.integers(0, 2**31))
def test_nanmedian_matches_numpy_and_torch(rows, cols, nan_frac, seed):
    check_nanmedian(rows, cols, nan_frac, seed, live_ref)


@pytest.mark.parametrize("rows,cols,nan_frac,seed", [(1, 1, 0.0, 0), (3, 4, 0.0, 1), (5, 7, 0.3, 2), (4, 6, 1.0, 3),
                                                     (2, 5, 0.6, 4), (5, 2, 0.5, 5), (3, 7, 0.1, 6)])
def test_nanmedian_fixed_cases_match_torch(rows, cols, nan_frac, seed):
    check_nanmedian(rows, cols, nan_frac, seed, torch_ref)


def check_nanmedian(rows, cols, nan_frac, seed, reference):
    """nanmedian / median against NumPy and PyTorch (`reference`: torch_ref or live_ref)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, (rows, cols)).astype(np.float64)  # ties on purpose
    a[rng.random(a.shape) < nan_frac] = np.nan
    r = torch.from_numpy(a)
    v, i = r.nanmedian(1)
    tv, tall, tmed = reference(lambda pt: (pt.from_numpy(a).nanmedian(1)[0], pt.from_numpy(a).nanmedian(),
                                           pt.from_numpy(a).median(1).values))
    np.testing.assert_array_equal(v.numpy(), tv)
    # the index points at an element holding the median (NaN rows: at a NaN)
    picked = np.take_along_axis(a, i.numpy()[:, None], 1)[:, 0]
    np.testing.assert_array_equal(picked, v.numpy())
    # NumPy's nanmedian averages the two middle values; the lower median is PyTorch's rule
    lower = [np.sort(row[~np.isnan(row)])[(np.count_nonzero(~np.isnan(row)) - 1) // 2]
             if (~np.isnan(row)).any() else np.nan for row in a]
    np.testing.assert_array_equal(v.numpy(), lower)
    assert_close(r.nanmedian(), tall, rtol=0, atol=0)
    assert_close(r.median(1).values, tmed, rtol=0, atol=0)


def test_median_of_empty_is_nan_like_torch():
    assert np.isnan(torch.tensor([]).median().item()) and np.isnan(torch.tensor([]).nanmedian().item())
    with pytest.raises(IndexError, match="non-zero size"):
        torch.empty(0, 3).nanmedian(0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=3), st.data(), st.integers(0, 2**31),
       st.sampled_from([np.float32, np.int64, np.bool_]))
def test_unique_dim_matches_numpy_and_torch(shape, data, seed, dt):
    check_unique_dim(shape, data.draw(st.integers(-len(shape), len(shape) - 1)), seed, dt, live_ref)


@pytest.mark.parametrize("shape,dim,seed,dt", [
    ([3], 0, 0, np.float32), ([4, 3], 0, 1, np.int64), ([4, 3], -1, 2, np.bool_), ([2, 3, 4], 1, 3, np.float32),
    ([3, 0], 1, 4, np.int64), ([0, 2], 0, 5, np.float32), ([0, 0], 0, 6, np.int64), ([2, 0, 3], 0, 7, np.bool_),
    ([4, 4, 2], -3, 8, np.int64), ([1], 0, 9, np.bool_)], ids=str)
def test_unique_dim_fixed_cases_match_torch(shape, dim, seed, dt):
    check_unique_dim(shape, dim, seed, dt, torch_ref)


def check_unique_dim(shape, dim, seed, dt, reference):
    """unique(dim=...) against NumPy and PyTorch (`reference`: torch_ref or live_ref), errors included."""
    a = np.random.default_rng(seed).integers(0, 2, shape).astype(dt)  # few values: many duplicate slices
    ref = reference(lambda pt: catch(pt.from_numpy(a).unique, dim=dim, return_inverse=True, return_counts=True))
    zero = [i for i, n in enumerate(shape) if n == 0]
    if len(zero) > 1 or (zero and zero[0] != dim % len(shape)):
        with pytest.raises(RuntimeError, match="unique cannot be applied"):
            torch.from_numpy(a).unique(dim=dim)
        assert isinstance(ref, TorchError) and ref.type == "RuntimeError", ref
        assert "unique cannot be applied" in ref.message
        return
    v, inv, cnt = torch.from_numpy(a).unique(dim=dim, return_inverse=True, return_counts=True)
    if a.size > 0:  # NumPy's axis unique of a size-0 array differs from PyTorch's
        ev, einv, ecnt = np.unique(a, axis=dim, return_inverse=True, return_counts=True)
        np.testing.assert_array_equal(v.numpy(), ev)
        np.testing.assert_array_equal(inv.numpy(), einv.reshape(-1))
        np.testing.assert_array_equal(cnt.numpy(), ecnt)
    tv, tinv, tcnt = ref
    assert_close(v, tv)
    assert_close(inv, tinv)
    assert_close(cnt, tcnt)
    assert torch.unique(torch.from_numpy(a), dim=dim).shape == tv.shape


def test_unique_dim_errors():
    with pytest.raises(IndexError):
        torch.tensor(3).unique(dim=0)
    with pytest.raises(IndexError):
        torch.ones(2, 2).unique(dim=2)


# ------------------------------------------------------------------ selection on native values
def _np_topk_idx(a, k, largest):
    """Stable order of each row (NaN greatest; ties in index order), first k positions."""
    nan = np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, bool)
    rows = []
    for r, nr in zip(a.reshape(-1, a.shape[-1]), nan.reshape(-1, a.shape[-1])):
        items = list(range(len(r)))
        if largest:
            items.sort(key=lambda i: (not nr[i], -r[i] if not nr[i] else 0))
        else:
            items.sort(key=lambda i: (nr[i], r[i] if not nr[i] else 0))
        rows.append(items[:k])
    return np.array(rows, np.int64).reshape(a.shape[:-1] + (k,))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8"])
@pytest.mark.parametrize("k", [1, 3, 16, 40])
def test_topk_native_dtypes_ties_and_nan(dtype, k, num_threads):
    rng = np.random.default_rng(k)
    a = rng.integers(-20, 20, (37, 101)).astype(np.float64)  # many ties
    if dtype.startswith("float") or dtype == "bfloat16":
        a[3, 50] = a[5, 7] = a[5, 90] = np.nan
    if dtype == "uint8":
        a = np.abs(a)
    x = torch.from_numpy(a).to(getattr(torch, dtype))
    ref_vals = x.double().numpy() if dtype not in ("float64",) else a
    for largest in (True, False):
        v, i = x.topk(k, -1, largest=largest)
        want = _np_topk_idx(ref_vals, k, largest)
        np.testing.assert_array_equal(i.numpy(), want)
        np.testing.assert_array_equal(v.double().numpy(), np.take_along_axis(ref_vals, want, -1))
    kv, ki = x.kthvalue(k, 1)
    want = _np_topk_idx(ref_vals, k, False)[:, -1]
    np.testing.assert_array_equal(kv.double().numpy(), np.take_along_axis(ref_vals, want[:, None], -1)[:, 0])
    # A transposed view selects along the storage's first dim.
    vt, it = x.t().contiguous().t().topk(k, 1)
    np.testing.assert_array_equal(it.numpy(), _np_topk_idx(ref_vals, k, True))


def test_topk_int64_beyond_float_precision_and_long_rows(num_threads):
    big = 2 ** 60
    a = np.array([[big + 1, big + 3, big + 2, big - 5, big + 3]], np.int64)
    v, i = torch.from_numpy(a).topk(3)
    assert i.tolist() == [[1, 4, 2]] and v.tolist() == [[big + 3, big + 3, big + 2]]
    n = 2 * 2 ** 15 + 1  # one row longer than two thread grains
    r = np.random.default_rng(0).permutation(n).astype(np.float32)
    v, i = torch.from_numpy(r).topk(10)
    np.testing.assert_array_equal(v.numpy(), np.arange(n - 1, n - 11, -1, dtype=np.float32))
    rows = np.random.default_rng(1).standard_normal((3000, 33)).astype(np.float32)
    v, i = torch.from_numpy(rows).topk(2, largest=False)
    np.testing.assert_array_equal(i.numpy(), np.argsort(rows, -1, kind="stable")[:, :2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int16])
def test_searchsorted_native_and_mixed_dtypes(dtype, num_threads):
    rng = np.random.default_rng(2)
    seq = np.sort(rng.integers(-50, 50, (4, 300)), -1).astype(dtype)
    vals = rng.integers(-60, 60, (4, 20_000)).astype(dtype)
    for right in (False, True):
        side = "right" if right else "left"
        want = np.stack([np.searchsorted(s, v, side) for s, v in zip(seq, vals)])
        assert_close(torch.searchsorted(torch.from_numpy(seq), torch.from_numpy(vals), right=right), want)
        flat = np.searchsorted(seq[0], vals, side)
        assert_close(torch.searchsorted(torch.from_numpy(seq[0]), torch.from_numpy(vals), right=right), flat)
    # PyTorch's comparisons with NaN (recorded from PyTorch 2.x): a NaN in the sequence never stops the
    # search, so values past the last number land after it; same result with mixed float dtypes.
    f = np.array([-1.0, 0.5, 2.0, np.nan])
    for v in (torch.tensor([0.5, 3.0, float("nan")]), torch.tensor([0.5, 3.0, float("nan")], dtype=torch.float64)):
        assert torch.searchsorted(torch.from_numpy(f), v).tolist() == [1, 4, 4]
        assert torch.searchsorted(torch.from_numpy(f), v, right=True).tolist() == [2, 4, 4]
    mixed = torch.searchsorted(torch.tensor([1, 2, 3]), torch.tensor([1.5, 2.0, 3.5]))
    assert mixed.tolist() == [1, 1, 3]
