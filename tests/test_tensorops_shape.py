"""Structural torch.* / Tensor.* ops composed in Python: movedim, the splits, broadcasting helpers,
block_diag / cartesian_prod / combinations, diag / diag_embed / diagflat, the *_scatter ops and the *_copy
ops; values, dtypes and errors against PyTorch (recorded), gradients by gradcheck."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from tensorops_cases import arr, parity, run
from torch_ref import torch_ref

T = lambda lib, a: lib.tensor(a)  # noqa: E731

CASES = {
    # movedim / moveaxis
    "movedim_int": lambda lib: lib.movedim(T(lib, arr(0, 2, 3, 4)), 0, -1),
    "movedim_tuple": lambda lib: T(lib, arr(1, 2, 3, 4)).movedim((0, 1), (2, 0)),
    "moveaxis": lambda lib: lib.moveaxis(T(lib, arr(2, 2, 3)), 1, 0),
    "movedim_0d": lambda lib: lib.movedim(T(lib, np.float32(3)), 0, 0),
    "movedim_err_len": lambda lib: lib.movedim(lib.zeros(2, 3), (0, 1), (0,)),
    "movedim_err_rep_src": lambda lib: lib.movedim(lib.zeros(2, 3), (0, 0), (0, 1)),
    "movedim_err_rep_dst": lambda lib: lib.movedim(lib.zeros(2, 3), (0, 1), (1, 1)),
    "movedim_err_range": lambda lib: lib.movedim(lib.zeros(2, 3), 5, 0),
    # splits
    "tensor_split_sections": lambda lib: lib.tensor_split(lib.arange(7), 3),
    "tensor_split_indices": lambda lib: lib.tensor_split(lib.arange(5), [-1, 7]),
    "tensor_split_decreasing": lambda lib: lib.tensor_split(lib.arange(5), [3, 1]),
    "tensor_split_tensor0d": lambda lib: lib.tensor_split(lib.arange(5), lib.tensor(2)),
    "tensor_split_tensor1d": lambda lib: T(lib, arr(3, 2, 6)).tensor_split(lib.tensor([1, 4]), dim=1),
    "tensor_split_err_zero": lambda lib: lib.tensor_split(lib.arange(5), 0),
    "tensor_split_err_2d": lambda lib: lib.tensor_split(lib.arange(5), lib.tensor([[2]])),
    "tensor_split_err_float": lambda lib: lib.tensor_split(lib.arange(5), lib.tensor([2.0])),
    "tensor_split_err_0d_input": lambda lib: lib.tensor_split(lib.zeros(()), 2),
    "hsplit_2d": lambda lib: lib.hsplit(T(lib, arr(4, 2, 4)), 2),
    "hsplit_1d_indices": lambda lib: lib.hsplit(lib.arange(4), [1]),
    "hsplit_err_divisible": lambda lib: lib.hsplit(lib.zeros(2, 4), 3),
    "hsplit_err_0d": lambda lib: lib.hsplit(lib.zeros(()), 3),
    "vsplit": lambda lib: T(lib, arr(5, 4, 2)).vsplit([1, 3]),
    "vsplit_err_1d": lambda lib: lib.vsplit(lib.zeros(4), 2),
    "dsplit": lambda lib: lib.dsplit(T(lib, arr(6, 1, 2, 4)), 2),
    "dsplit_err_2d": lambda lib: lib.dsplit(lib.zeros(4, 4), 2),
    "split_with_sizes": lambda lib: T(lib, arr(7, 3, 5)).split_with_sizes([2, 0, 3], dim=1),
    "split_with_sizes_err_sum": lambda lib: lib.split_with_sizes(lib.arange(5), [2, 2]),
    "split_with_sizes_err_neg": lambda lib: lib.split_with_sizes(lib.arange(5), [2, -1, 4]),
    # broadcasting
    "broadcast_shapes": lambda lib: lib.broadcast_shapes((2, 1), (3,), (1, 1, 1)),
    "broadcast_shapes_int": lambda lib: lib.broadcast_shapes(2, (3, 1)),
    "broadcast_shapes_empty": lambda lib: lib.broadcast_shapes(),
    "broadcast_shapes_zero": lambda lib: lib.broadcast_shapes((0, 1), (3,)),
    "broadcast_shapes_err": lambda lib: lib.broadcast_shapes((2, 1), (3, 4)),
    "broadcast_shapes_err_neg": lambda lib: lib.broadcast_shapes((-1,)),
    "broadcast_tensors": lambda lib: lib.broadcast_tensors(T(lib, arr(8, 2, 1)), T(lib, arr(9, 3)),
                                                           lib.tensor(1)),
    "broadcast_tensors_err": lambda lib: lib.broadcast_tensors(lib.zeros(2, 2), lib.zeros(3)),
    # block_diag, cartesian_prod, combinations
    "block_diag_mixed": lambda lib: lib.block_diag(lib.tensor(1), lib.tensor([2.0, 3]),
                                                   lib.ones(2, 1, dtype=lib.int32)),
    "block_diag_none": lambda lib: lib.block_diag(),
    "block_diag_empty_rows": lambda lib: lib.block_diag(lib.zeros(0, 2), lib.ones(1, 1)),
    "block_diag_ints": lambda lib: lib.block_diag(T(lib, arr(10, 2, 3, dtype=np.int64)),
                                                  T(lib, arr(11, 1, 2, dtype=np.int64))),
    "block_diag_err_3d": lambda lib: lib.block_diag(lib.zeros(1, 1, 1)),
    "cartesian_prod_one": lambda lib: lib.cartesian_prod(lib.tensor([1, 2])),
    "cartesian_prod_three": lambda lib: lib.cartesian_prod(lib.tensor([1, 2]), lib.tensor([3, 4, 5]),
                                                           lib.tensor([6])),
    "cartesian_prod_err_dtype": lambda lib: lib.cartesian_prod(lib.tensor([1, 2]), lib.tensor([3.0])),
    "cartesian_prod_err_2d": lambda lib: lib.cartesian_prod(lib.zeros(2, 2)),
    "combinations_2": lambda lib: lib.combinations(T(lib, arr(12, 4))),
    "combinations_3_repl": lambda lib: lib.combinations(lib.tensor([1, 2, 3]), 3, with_replacement=True),
    "combinations_r0": lambda lib: lib.combinations(lib.tensor([1, 2, 3]), r=0),
    "combinations_r_too_big": lambda lib: lib.combinations(lib.tensor([1, 2, 3]), r=4),
    "combinations_r1": lambda lib: lib.combinations(lib.tensor([1, 2, 3]), r=1),
    "combinations_err_neg": lambda lib: lib.combinations(lib.tensor([1, 2, 3]), r=-1),
    "combinations_err_2d": lambda lib: lib.combinations(lib.zeros(2, 2)),
    # diag family
    "diag_vec_offset": lambda lib: lib.diag(lib.tensor([1, 2]), 1),
    "diag_vec_neg": lambda lib: T(lib, arr(13, 3)).diag(-2),
    "diag_mat": lambda lib: lib.diag(lib.arange(6).view(2, 3), -1),
    "diag_mat_far": lambda lib: lib.diag(lib.arange(6).view(2, 3), 5),
    "diag_err_0d": lambda lib: lib.diag(lib.zeros(())),
    "diag_err_3d": lambda lib: lib.diag(lib.zeros(2, 2, 2)),
    "diag_embed": lambda lib: T(lib, arr(14, 2, 3)).diag_embed(),
    "diag_embed_dims": lambda lib: lib.diag_embed(T(lib, arr(15, 2, 3)), -1, 0, 2),
    "diag_embed_err_same": lambda lib: lib.diag_embed(lib.ones(2, 2), 0, 0, 0),
    "diag_embed_err_0d": lambda lib: lib.diag_embed(lib.tensor(1.0)),
    "diagflat": lambda lib: lib.diagflat(lib.tensor([[1, 2], [3, 4]]), -1),
    "diagflat_0d": lambda lib: lib.tensor(5).diagflat(),
    # scatter family
    "select_scatter": lambda lib: lib.select_scatter(T(lib, arr(16, 2, 3)), T(lib, arr(17, 2)), 1, -1),
    "select_scatter_cast": lambda lib: lib.zeros(2, 2).select_scatter(lib.ones(2, dtype=lib.int64), 0, 0),
    "select_scatter_err_shape": lambda lib: lib.select_scatter(lib.zeros(2, 2), lib.ones(3), 0, 0),
    "select_scatter_err_index": lambda lib: lib.select_scatter(lib.zeros(2, 2), lib.ones(2), 0, 5),
    "slice_scatter": lambda lib: lib.slice_scatter(lib.zeros(4, 2), lib.ones(2, 2), 0, 1, 3),
    "slice_scatter_step": lambda lib: lib.zeros(2, 5).slice_scatter(T(lib, arr(18, 2, 3)), 1, None, None, 2),
    "slice_scatter_err": lambda lib: lib.slice_scatter(lib.zeros(4, 2), lib.ones(3, 2), 0, 1, 3),
    "diagonal_scatter": lambda lib: lib.diagonal_scatter(lib.zeros(3, 3), T(lib, arr(19, 2)), 1),
    "diagonal_scatter_3d": lambda lib: lib.zeros(2, 3, 3).diagonal_scatter(T(lib, arr(20, 2, 3)), 0, 1, 2),
    "diagonal_scatter_err": lambda lib: lib.diagonal_scatter(lib.zeros(3, 3), lib.ones(3), 1),
    "as_strided_scatter": lambda lib: lib.as_strided_scatter(lib.zeros(4), lib.ones(2), (2,), (2,), 1),
    "as_strided_scatter_err": lambda lib: lib.as_strided_scatter(lib.zeros(4), lib.ones(3), (2,), (2,), 1),
    # *_copy
    "permute_copy": lambda lib: lib.permute_copy(T(lib, arr(21, 2, 3, 4)), (2, 0, 1)),
    "view_copy": lambda lib: lib.view_copy(lib.arange(6), (2, 3)),
    "expand_copy": lambda lib: lib.expand_copy(lib.tensor([1, 2]), (3, 2)),
    "diagonal_copy": lambda lib: lib.diagonal_copy(T(lib, arr(22, 3, 4)), 1),
    "select_copy": lambda lib: lib.select_copy(T(lib, arr(23, 3, 4)), 1, 2),
    "slice_copy": lambda lib: lib.slice_copy(lib.arange(7), 0, 1, 6, 2),
    "split_copy": lambda lib: lib.split_copy(lib.arange(5), 2),
    "split_with_sizes_copy": lambda lib: lib.split_with_sizes_copy(lib.arange(5), [1, 4]),
    "squeeze_copy": lambda lib: lib.squeeze_copy(lib.zeros(1, 2, 1), 0),
    "t_copy": lambda lib: lib.t_copy(T(lib, arr(24, 2, 3))),
    "transpose_copy": lambda lib: lib.transpose_copy(T(lib, arr(25, 2, 3, 4)), 0, 2),
    "unbind_copy": lambda lib: lib.unbind_copy(T(lib, arr(26, 2, 3)), 1),
    "unfold_copy": lambda lib: lib.unfold_copy(lib.arange(7), 0, 3, 2),
    "unsqueeze_copy": lambda lib: lib.unsqueeze_copy(lib.arange(3), -1),
    "alias_copy": lambda lib: lib.alias_copy(lib.arange(3)),
    "detach_copy": lambda lib: lib.detach_copy(lib.ones(2, requires_grad=True)),
    "narrow_copy": lambda lib: lib.arange(5).narrow_copy(0, 1, 3),
    "narrow_copy_fn": lambda lib: lib.narrow_copy(T(lib, arr(27, 3, 4)), 1, 2, 2),
    "as_strided_copy": lambda lib: lib.as_strided_copy(lib.arange(6), (2, 2), (3, 1), 1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    parity(CASES[name], torch_ref(lambda torch: run(CASES[name], torch)))


def test_copies_share_no_memory():
    x = rtorch.arange(6.0)
    for y in (rtorch.view_copy(x, (2, 3)), rtorch.permute_copy(x.view(2, 3), (1, 0)),
              rtorch.expand_copy(x[:1], (3,)), rtorch.alias_copy(x), rtorch.narrow_copy(x, 0, 0, 2)):
        y.fill_(-1)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_splits_are_views():
    x = rtorch.zeros(6)
    for part in rtorch.tensor_split(x, 3):
        part.add_(1)
    rtorch.split_with_sizes(x, [2, 4])[1].add_(1)
    assert x.tolist() == [1, 1, 2, 2, 2, 2]
    y = rtorch.zeros(2, 3, 4)
    m = y.movedim(0, 2)
    assert m._is_view() and m.data_ptr() == y.data_ptr()


@given(st.lists(st.integers(0, 3), min_size=0, max_size=4), st.data())
def test_movedim_matches_numpy(shape, data):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    nd = len(shape)
    if nd == 0:
        return
    k = data.draw(st.integers(1, nd))
    src = data.draw(st.permutations(range(nd)))[:k]
    dst = data.draw(st.permutations(range(nd)))[:k]
    assert_close(rtorch.tensor(a).movedim(tuple(src), tuple(dst)), np.moveaxis(a, src, dst))


@given(st.integers(0, 9), st.integers(1, 5))
def test_tensor_split_matches_numpy(n, sections):
    a = np.arange(n * 2).reshape(n, 2)
    got = rtorch.tensor(a).tensor_split(sections)
    exp = np.array_split(a, sections)
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        assert_close(g, e)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=4))
def test_block_diag_matches_scipy_rule(shapes):
    mats = [np.full(s, i + 1, dtype=np.int64) for i, s in enumerate(shapes)]
    got = rtorch.block_diag(*[rtorch.tensor(m) for m in mats])
    rows = sum(s[0] for s in shapes) if shapes else 1
    cols = sum(s[1] for s in shapes)
    exp = np.zeros((rows, cols), dtype=np.int64 if shapes else np.float32)
    r = c = 0
    for m in mats:
        exp[r:r + m.shape[0], c:c + m.shape[1]] = m
        r, c = r + m.shape[0], c + m.shape[1]
    assert_close(got, exp)


@given(st.integers(0, 4), st.integers(-3, 3))
def test_diag_roundtrip_matches_numpy(n, k):
    v = np.arange(1, n + 1, dtype=np.float64)
    m = rtorch.tensor(v).diag(k)
    assert_close(m, np.diag(v, k))
    assert_close(m.diag(k), v)


def test_diag_embed_noncontiguous_input():
    x = rtorch.arange(12.0).view(3, 4).t()  # (4, 3), non-contiguous
    out = x.diag_embed(1)
    assert out.shape == (4, 4, 4)
    for i in range(4):
        assert_close(out[i], np.diag(x[i].numpy(), 1))


def test_gradients():
    x = rtorch.randn(3, 4, dtype=rtorch.float64, generator=rtorch.Generator().manual_seed(0), requires_grad=True)
    v = rtorch.randn(3, dtype=rtorch.float64, generator=rtorch.Generator().manual_seed(1), requires_grad=True)
    s = rtorch.randn(4, dtype=rtorch.float64, generator=rtorch.Generator().manual_seed(2), requires_grad=True)
    assert gradcheck(lambda a: a.movedim(0, 1) * 2, (x,))
    assert gradcheck(lambda a: rtorch.diag(a, 1), (v,))
    assert gradcheck(lambda a: a.diag_embed(-1, 0, 1), (x,))
    assert gradcheck(lambda a: rtorch.diagflat(a), (x,))
    assert gradcheck(lambda a, b: rtorch.select_scatter(a, b, 0, 1), (x, s))
    assert gradcheck(lambda a, b: rtorch.slice_scatter(a, b.view(1, 4).expand(2, 4), 0, 0, 3, 2), (x, s))
    assert gradcheck(lambda a, b: rtorch.diagonal_scatter(a, b, 0), (x, v))
    assert gradcheck(lambda a, b: rtorch.as_strided_scatter(a, b, (4,), (3,)), (x, s))
    assert gradcheck(lambda a, b: rtorch.block_diag(a, b), (x, v))
    assert gradcheck(lambda a: rtorch.combinations(a, 2).prod(1), (s,))
    assert gradcheck(lambda a, b: rtorch.cartesian_prod(a, b), (v, s))
    assert gradgradcheck(lambda a, b: rtorch.diagonal_scatter(a, b, 0) ** 2, (x, v))
    assert gradgradcheck(lambda a: rtorch.diag(a) ** 2, (v,))
