"""The aten forms `rtorch.embedding_bag` (output, offset2bag, bag_size, max_indices) and `rtorch.embedding_renorm_`:
values, bookkeeping tensors and errors against PyTorch (recorded), gradients by gradcheck, hypothesis against a
NumPy reference of the bookkeeping."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.autograd import gradcheck
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref

W = arr(0, 5, 3)
IDX = np.array([0, 2, 1, 4, 4, 3], dtype=np.int64)
OFF = np.array([0, 2, 2, 5], dtype=np.int64)
TIES = np.array([[1.0, 5.0], [1.0, 2.0], [3.0, 5.0]], dtype=np.float32)


def bag(*args, w=W, idx=IDX, off=OFF, idx_dtype=None, off_dtype=None, **kwargs):
    def case(lib):
        i = lib.tensor(idx if idx_dtype is None else idx.astype(idx_dtype))
        o = lib.tensor(off if off_dtype is None else off.astype(off_dtype))
        return lib.embedding_bag(lib.tensor(w), i, o, *args, **kwargs)
    return case


CASES = {
    "sum": bag(False, 0),
    "mean": bag(False, 1),
    "max": bag(False, 2),
    "sum_weights": bag(False, 0, False, lambda: None),  # replaced below
    "sum_double": bag(False, 0, w=W.astype(np.float64)),
    "sum_padding": bag(False, 0, False, None, False, 4),
    "mean_padding": bag(False, 1, False, None, False, 4),
    "max_padding_negative": bag(False, 2, False, None, False, -1),
    "mean_last_offset": bag(False, 1, False, None, True, off=np.array([0, 2, 6])),
    "max_last_offset": bag(False, 2, False, None, True, off=np.array([0, 2, 6])),
    "sum_last_offset": bag(False, 0, False, None, True, off=np.array([0, 2, 6])),
    "max_ties": bag(False, 2, w=TIES, idx=np.array([0, 1, 2, 1]), off=np.array([0])),
    "int32": bag(False, 2, idx_dtype=np.int32, off_dtype=np.int32),
    "mixed_index_dtypes": bag(False, 1, idx_dtype=np.int32),
    "empty_indices": bag(False, 1, idx=np.zeros(0, np.int64), off=np.array([0, 0])),
    "scale_grad_by_freq": bag(True, 1),
    # errors
    "mode_range": bag(False, 3),
    "offsets_first": bag(False, 0, off=np.array([1, 2])),
    "offsets_last": bag(False, 0, off=np.array([0, 9])),
    "offsets_2d": bag(False, 0, off=np.array([[0, 2]])),
    "index_range": bag(False, 0, idx=np.array([0, 9])),
    "index_negative": bag(False, 1, idx=np.array([0, -1])),
    "weights_not_sum": bag(False, 1, False, lambda: None),  # replaced below
    "weights_count": bag(False, 0, False, lambda: None),  # replaced below
    "float_indices": lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor([0.0]), lib.tensor(OFF)),
    "mode_str": lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), lib.tensor(OFF), False, "sum"),
    "offsets_none": lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), None),
}
PSW = arr(5, 6)
CASES["sum_weights"] = lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), lib.tensor(OFF), False, 0, False,
                                                     lib.tensor(PSW))
CASES["weights_not_sum"] = lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), lib.tensor(OFF), False, 1,
                                                         False, lib.tensor(PSW))
CASES["weights_count"] = lambda lib: lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), lib.tensor(OFF), False, 0,
                                                       False, lib.tensor(PSW[:4]))


def renorm(idx, max_norm, norm_type, idx_dtype=np.int64):
    def case(lib):
        w = lib.tensor(arr(1, 4, 3))
        out = lib.embedding_renorm_(w, lib.tensor(np.array(idx, dtype=idx_dtype)), max_norm, norm_type)
        assert out is w
        return w
    return case


CASES.update({
    "renorm_2": renorm([0, 2, 2], 2.0, 2.0),
    "renorm_1": renorm([[1, 0]], 1.0, 1.0),
    "renorm_inf": renorm([3], 0.5, float("inf")),
    "renorm_int32": renorm([1, 3], 1.5, 3.0, np.int32),
    "renorm_empty": renorm([], 0.1, 2.0),
    "renorm_float_indices": renorm([0.0], 1.0, 2.0, np.float32),
    "renorm_range": renorm([7], 1.0, 2.0),
    "renorm_leaf": lambda lib: lib.embedding_renorm_(lib.ones(2, 2, requires_grad=True), lib.tensor([0]), 1.0, 2.0),
})


def test_matches_torch():
    check_table(CASES, torch_ref(lambda torch: torch_table(torch, CASES)))


def test_renorm_under_no_grad_on_a_leaf():
    w = rtorch.full((2, 2), 3.0, requires_grad=True)
    with rtorch.no_grad():
        rtorch.embedding_renorm_(w, rtorch.tensor([1]), 1.0, 2.0)
    assert_close(w.detach(), np.array([[3, 3], [1 / np.sqrt(2), 1 / np.sqrt(2)]], np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", [0, 1, 2])
def test_gradcheck(mode):
    w = rtorch.tensor(arr(2, 5, 3), dtype=rtorch.float64, requires_grad=True)
    psw = rtorch.tensor(arr(3, 6), dtype=rtorch.float64, requires_grad=True) if mode == 0 else None
    idx, off = rtorch.tensor(IDX), rtorch.tensor(OFF)
    if psw is None:
        assert gradcheck(lambda w: rtorch.embedding_bag(w, idx, off, False, mode)[0], (w,))
    else:
        assert gradcheck(lambda w, p: rtorch.embedding_bag(w, idx, off, False, mode, False, p)[0], (w, psw))


def np_bookkeeping(weight, idx, off, mode, padding):
    """offset2bag, bag_size and max_indices as ATen's CPU kernel makes them (no include_last_offset)."""
    n, bags = len(idx), len(off)
    o2b = np.zeros(n, np.int64)
    for b in range(1, bags):
        o2b[off[b]:] += 1
    valid = np.ones(n, bool) if padding is None else idx != padding
    size = np.bincount(o2b[valid], minlength=bags)[:bags] if n else np.zeros(bags, np.int64)
    best = np.zeros((bags, weight.shape[1]), np.int64)
    for b in range(bags):
        rows = [int(idx[j]) for j in range(n) if o2b[j] == b and valid[j]]
        if rows:
            best[b] = np.array(rows)[np.argmax(weight[rows], axis=0)]
    return o2b, size, best


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 8), rows=st.integers(1, 5), dim=st.integers(1, 3), mode=st.sampled_from([1, 2]),
       data=st.data())
def test_bookkeeping_against_numpy(n, rows, dim, mode, data):
    idx = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=n, max_size=n)), dtype=np.int64)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=0, max_size=4)))
    off = np.array([0] + cuts, dtype=np.int64)
    padding = data.draw(st.one_of(st.none(), st.integers(0, rows - 1)))
    weight = np.random.default_rng(n).permutation(rows * dim).reshape(rows, dim).astype(np.float32)  # no ties
    out, o2b, size, best = rtorch.embedding_bag(rtorch.tensor(weight), rtorch.tensor(idx), rtorch.tensor(off),
                                                False, mode, False, None, False, padding)
    e_o2b, e_size, e_best = np_bookkeeping(weight, idx, off, mode, padding)
    assert o2b.tolist() == e_o2b.tolist() and size.tolist() == e_size.tolist()
    assert (best if mode == 2 else size).tolist() == (e_best if mode == 2 else e_size).tolist()
    if mode == 2:  # the chosen rows give the output
        got = np.take_along_axis(weight, e_best, axis=0) if False else weight[e_best, np.arange(dim)]
        assert_close(out, np.where(e_size[:, None] > 0, got, 0).astype(np.float32))
