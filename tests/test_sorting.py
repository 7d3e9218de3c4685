"""Sort family, copying rearrangements, contractions and conv/pool kernels against NumPy, with gradients."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch as torch
from rtorch.autograd import gradcheck
from conftest import assert_close

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


@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4)), st.data())
def test_repeat_tile_roll_flip_rot_tri_match_numpy(a, data):
    t = torch.from_numpy(a)
    reps = data.draw(st.lists(st.integers(1, 3), min_size=a.ndim, max_size=a.ndim + 1))
    assert_close(t.repeat(*reps), np.tile(a, reps))
    assert_close(t.tile(2), np.tile(a, 2))
    assert_close(t.repeat_interleave(2, dim=0), np.repeat(a, 2, axis=0))
    s = data.draw(st.integers(-5, 5))
    assert_close(t.roll(s, 0), np.roll(a, s, axis=0))
    assert_close(t.roll(s), np.roll(a, s))
    k = data.draw(st.integers(-3, 3))
    assert_close(t.rot90(k, (0, 1)), np.rot90(a, k, axes=(0, 1)))
    dg = data.draw(st.integers(-2, 2))
    assert_close(t.tril(dg), np.tril(a, dg))
    assert_close(t.triu(dg), np.triu(a, dg))
    assert_close(t.diff(dim=0), np.diff(a, axis=0))


def test_pad_modes_match_numpy():
    a = np.arange(12.0).reshape(3, 4)
    t = torch.from_numpy(a)
    F = torch.nn.functional
    assert_close(F.pad(t, (1, 2)), np.pad(a, ((0, 0), (1, 2))))
    assert_close(F.pad(t, (1, 2, 2, 1), value=7.0), np.pad(a, ((2, 1), (1, 2)), constant_values=7.0))
    assert_close(F.pad(t, (2, 1), mode="reflect"), np.pad(a, ((0, 0), (2, 1)), mode="reflect"))
    assert_close(F.pad(t, (2, 3), mode="replicate"), np.pad(a, ((0, 0), (2, 3)), mode="edge"))
    assert_close(F.pad(t, (2, 3), mode="circular"), np.pad(a, ((0, 0), (2, 3)), mode="wrap"))
    assert_close(F.pad(t, (-1, 0)), a[:, 1:])


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("...ij,...jk", [(2, 3, 4), (4, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ijk->", [(2, 3, 4)]),
    ("bi,bi->b", [(4, 3), (4, 3)]),
])
def test_einsum_matches_numpy_and_differentiates(eq, shapes):
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(s) for s in shapes]
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    assert_close(torch.einsum(eq, *ts), np.einsum(eq, *arrs), rtol=1e-10, atol=1e-10)
    assert gradcheck(lambda *xs: torch.einsum(eq, *xs), tuple(ts))


def test_tensordot_kron_trace_addmm():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    assert_close(torch.tensordot(torch.tensor(a), torch.tensor(b), dims=([1, 2], [1, 0])),
                 np.tensordot(a, b, axes=([1, 2], [1, 0])), rtol=1e-10)
    m, n = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    assert_close(torch.kron(torch.tensor(m), torch.tensor(n)), np.kron(m, n))
    assert torch.tensor(np.eye(3) * 2).trace().item() == 6.0
    c = rng.standard_normal((2, 2))
    assert_close(torch.tensor(c).addmm(torch.tensor(m), torch.tensor(n), beta=0.5, alpha=2.0), 0.5 * c + 2 * m @ n)


def test_meshgrid_take_along_dim_masked_scatter():
    x, y = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
    ex, ey = np.meshgrid([1, 2], [3, 4, 5], indexing="ij")
    assert_close(x, ex) and assert_close(y, ey)
    x, y = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="xy")
    ex, ey = np.meshgrid([1, 2], [3, 4, 5], indexing="xy")
    assert_close(x, ex)
    a = np.array([[10, 30, 20], [60, 40, 50]])
    idx = np.argsort(a, axis=1)
    assert_close(torch.tensor(a).take_along_dim(torch.tensor(idx), 1), np.take_along_axis(a, idx, 1))
    m = torch.tensor([[True, False], [False, True]])
    r = torch.zeros(2, 2).masked_scatter(m, torch.tensor([1.0, 2.0, 3.0]))
    assert r.tolist() == [[1.0, 0.0], [0.0, 2.0]]


GRADS = {
    "sort": lambda x: x.sort(1).values * torch.arange(4.0, dtype=torch.float64),
    "topk": lambda x: x.topk(2, 0).values, "kthvalue": lambda x: x.kthvalue(2, 1).values,
    "median": lambda x: x.median(0).values, "cummax": lambda x: x.cummax(1).values,
    "repeat": lambda x: x.repeat(2, 1, 3), "roll": lambda x: x.roll(1, 1), "rot90": lambda x: x.rot90(1, (0, 1)),
    "tril": lambda x: x.tril(), "pad_reflect": lambda x: torch.nn.functional.pad(x, (2, 1), mode="reflect"),
    "pad_const": lambda x: torch.nn.functional.pad(x, (1, 1, 2, 0), value=3.0),
    "repeat_interleave": lambda x: x.repeat_interleave(torch.tensor([1, 0, 2]), dim=0),
    "diff": lambda x: x.diff(dim=1), "trace": lambda x: x[:, :3].trace(),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.1, (3, 4)), requires_grad=True)
    assert gradcheck(GRADS[name], (x,))


def _np_conv2d(x, w, b, stride, pad, dil, groups):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg, i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                           j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3)) + (b[oc] if b is not None else 0)
    return out


@given(st.integers(1, 2), st.sampled_from([1, 2]), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2),
       st.integers(1, 2), st.integers(4, 7))
def test_conv2d_matches_numpy(n, groups, k, pad, stride, dil, size):
    rng = np.random.default_rng(0)
    c, o = 2 * groups, 2 * groups
    x = rng.standard_normal((n, c, size, size + 1))
    w = rng.standard_normal((o, c // groups, k, k))
    b = rng.standard_normal(o)
    if size + 2 * pad < dil * (k - 1) + 1:
        return
    got = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride, pad, dil, groups)
    assert_close(got, _np_conv2d(x, w, b, (stride, stride), (pad, pad), (dil, dil), groups), rtol=1e-10, atol=1e-10)


def test_conv_and_pool_gradients():
    rng = np.random.default_rng(2)
    F = torch.nn.functional
    x = torch.tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((4, 1, 3, 2)), requires_grad=True)
    b = torch.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2), (x, w, b))
    wt = torch.tensor(rng.standard_normal((2, 3, 3, 3)), requires_grad=True)
    assert gradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1), (x, wt))
    assert gradcheck(lambda x: F.max_pool2d(x, 2), (x,))
    assert gradcheck(lambda x: F.max_pool2d(x, 3, stride=2, padding=1), (x,))
    assert gradcheck(lambda x: F.avg_pool2d(x, 2, padding=1), (x,))
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, (2, 3)), (x,))


def test_pool_values_match_numpy():
    a = np.random.default_rng(4).standard_normal((2, 3, 6, 6)).astype(np.float32)
    t = torch.from_numpy(a)
    F = torch.nn.functional
    ref_max = a.reshape(2, 3, 3, 2, 3, 2).max(axis=(3, 5))
    assert_close(F.max_pool2d(t, 2), ref_max)
    assert_close(F.avg_pool2d(t, 2), a.reshape(2, 3, 3, 2, 3, 2).mean(axis=(3, 5)))
    assert_close(F.adaptive_avg_pool2d(t, 1), a.mean(axis=(2, 3), keepdims=True))
    v, i = F.max_pool2d(t, 2, return_indices=True)
    assert_close(v, np.take_along_axis(a.reshape(2, 3, 36), i.numpy().reshape(2, 3, 9), 2).reshape(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.max_pool2d(torch.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError):
        F.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(4, 2, 3, 3))


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
    pt = pytest.importorskip("torch")
    ps, pv = pt.tensor(s.numpy()), pt.tensor(v.numpy())
    assert pt.searchsorted(ps, pv).tolist() == torch.searchsorted(s, v).tolist()
    assert pt.searchsorted(ps, pv, right=True).tolist() == torch.searchsorted(s, v, right=True).tolist()


def test_cummax_nan_indices_follow_pytorch():
    # A NaN takes over the running extreme, also from an earlier NaN; ties take the later index.
    x = torch.tensor([1.0, float("nan"), 2.0, float("nan"), 0.0, 5.0, 5.0])
    for f in (torch.cummax, torch.cummin):
        assert f(x, 0).indices.tolist() == [0, 1, 1, 3, 3, 3, 3]
    assert torch.cummax(torch.tensor([2, 1, 2, 2]), 0).indices.tolist() == [0, 0, 2, 3]
    assert torch.cummin(torch.tensor([2, 1, 1, 3]), 0).indices.tolist() == [0, 1, 2, 2]
    pt = pytest.importorskip("torch")
    px = pt.tensor(x.numpy())
    for name in ("cummax", "cummin"):
        assert getattr(pt, name)(px, 0).indices.tolist() == getattr(torch, name)(x, 0).indices.tolist()


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
