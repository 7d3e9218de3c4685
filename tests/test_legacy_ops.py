"""Old PyTorch names (the functions removed in 1.9 raise PyTorch's message, ger, vander, convolution,
max_pool1d_with_indices, Tensor.hardshrink/prelu/const_data_ptr) and the fuzzer's findings of this session."""
import numpy as np
import pytest

import rtorch
from helpers import assert_close
from torch_ref import catch, torch_ref


@pytest.mark.parametrize("name,nargs", [("lstsq", 2), ("symeig", 1), ("eig", 1), ("solve", 2), ("matrix_rank", 1)])
def test_removed_functions_raise_torch_message(name, nargs):
    ref = torch_ref(lambda torch: catch(getattr(torch, name), *[torch.eye(2)] * nargs))
    with pytest.raises(RuntimeError) as e:
        getattr(rtorch, name)(*[rtorch.eye(2)] * nargs)
    assert (type(e.value).__name__, str(e.value)) == (ref.type, ref.message)
    if name != "matrix_rank":  # Tensor.matrix_rank never existed
        with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
            getattr(rtorch.eye(2), name)(*[rtorch.eye(2)] * (nargs - 1))


def test_removed_functions_by_name():
    # Each name spelled out (the declaration drift test looks for a call of every composite op).
    for call in (lambda: rtorch.lstsq(rtorch.eye(2), rtorch.eye(2)), lambda: rtorch.symeig(rtorch.eye(2)),
                 lambda: rtorch.eig(rtorch.eye(2)), lambda: rtorch.solve(rtorch.eye(2), rtorch.eye(2)),
                 lambda: rtorch.matrix_rank(rtorch.eye(2))):
        with pytest.raises(RuntimeError, match="^This function was deprecated since version 1.9 and is now removed"):
            call()


def test_ger_is_outer():
    a = np.arange(3, dtype=np.float32)
    b = np.arange(4, dtype=np.float64) - 1
    ref = torch_ref(lambda torch: torch.ger(torch.tensor(a), torch.tensor(b)))
    assert_close(rtorch.ger(rtorch.tensor(a), rtorch.tensor(b)), ref, rtol=0, atol=0)
    assert_close(rtorch.tensor(a).ger(rtorch.tensor(b)), ref, rtol=0, atol=0)


@pytest.mark.parametrize("values,dtype", [([True, False], "bool"), ([1, 2, -3], "int8"), ([2, 3], "uint8"),
                                          ([1.5, 2.0, -0.5], "float32"), ([], "float32"), ([7], "int64")])
@pytest.mark.parametrize("N", [None, 0, 1, 3])
@pytest.mark.parametrize("increasing", [False, True])
def test_vander_matches_torch(values, dtype, N, increasing):
    x = np.array(values, dtype=dtype)
    ref = torch_ref(lambda torch: torch.vander(torch.tensor(x), N=N, increasing=increasing))
    assert_close(rtorch.vander(rtorch.tensor(x), N=N, increasing=increasing), ref, rtol=0, atol=0)


def test_vander_errors_and_gradient():
    for bad in (rtorch.tensor(2.0), rtorch.ones(2, 2)):
        with pytest.raises(RuntimeError, match="^x must be a one-dimensional tensor.$"):
            rtorch.vander(bad)
    with pytest.raises(RuntimeError, match="^N must be non-negative.$"):
        rtorch.vander(rtorch.ones(2), N=-1)
    x = rtorch.tensor([1.5, 2.0, -1.0], dtype=rtorch.float64, requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda t: rtorch.vander(t, N=4), (x,))
    assert rtorch.autograd.gradcheck(lambda t: rtorch.vander(t, increasing=True), (x,))


@pytest.mark.parametrize("case", range(6))
def test_convolution_dispatches_like_torch(case):
    rng = np.random.default_rng(case)
    shapes = [((2, 4, 7), (6, 2, 3), False, 2), ((1, 2, 5, 6), (2, 3, 2, 2), True, 1), ((1, 2, 4, 4, 4), (4, 2, 2, 2, 2), False, 1),
              ((2, 3, 8), (3, 2, 3), True, 1), ((1, 4, 6, 5), (4, 1, 3, 3), False, 4), ((1, 2, 3, 3, 3), (2, 1, 2, 2, 2), True, 2)]
    xs, ws, transposed, groups = shapes[case]
    x = rng.standard_normal(xs)
    w = rng.standard_normal(ws)
    b = rng.standard_normal(ws[1] * groups if transposed else ws[0])
    d = len(xs) - 2
    args = ([2] * d, [1] * d, [1] * d, transposed, [1 if transposed else 0] * d, groups)
    ref = torch_ref(lambda torch: torch.convolution(torch.tensor(x), torch.tensor(w), torch.tensor(b), *args))
    assert_close(rtorch.convolution(rtorch.tensor(x), rtorch.tensor(w), rtorch.tensor(b), *args), ref,
                 rtol=1e-10, atol=1e-10)


def test_max_pool1d_with_indices():
    x = np.random.default_rng(0).standard_normal((2, 3, 9)).astype(np.float32)
    ref = torch_ref(lambda torch: torch.max_pool1d_with_indices(torch.tensor(x), 3, 2, 1, 1, True))
    got = rtorch.max_pool1d_with_indices(rtorch.tensor(x), 3, 2, 1, 1, True)
    assert_close(got[0], ref[0], rtol=0, atol=0)
    assert_close(got[1], ref[1], rtol=0, atol=0)


def test_tensor_method_forms_of_functional_ops():
    x = np.array([0.3, -1.0, 0.6, -0.2], dtype=np.float32)
    ref = torch_ref(lambda torch: (torch.tensor(x).hardshrink(), torch.tensor(x).hardshrink(0.25),
                                   torch.tensor(x).prelu(torch.tensor([0.25]))))
    t = rtorch.tensor(x)
    assert_close(t.hardshrink(), ref[0], rtol=0, atol=0)
    assert_close(t.hardshrink(0.25), ref[1], rtol=0, atol=0)
    assert_close(t.prelu(rtorch.tensor([0.25])), ref[2], rtol=0, atol=0)
    assert t.const_data_ptr() == t.data_ptr() and t[1:].const_data_ptr() == t.data_ptr() + 4


def test_empty_index_of_any_rank_is_a_no_op_for_scatter_and_gather():
    # Found by the fuzzer: an empty 1-D index with a 4-D self reached the kernel and panicked.
    x = rtorch.arange(12.0).reshape(3, 4)
    empty = rtorch.tensor([], dtype=rtorch.int64)
    ref = torch_ref(lambda torch: (torch.scatter(torch.arange(12.0).reshape(3, 4), 1, torch.tensor([], dtype=torch.int64),
                                                 torch.ones(3, 4)),
                                   torch.gather(torch.arange(12.0).reshape(3, 4), 1, torch.tensor([], dtype=torch.int64)),
                                   torch.zeros(3, 4).scatter_add(0, torch.tensor([], dtype=torch.int64), torch.ones(2, 2))))
    assert_close(rtorch.scatter(x, 1, empty, rtorch.ones(3, 4)), ref[0], rtol=0, atol=0)
    assert_close(rtorch.gather(x, 1, empty), ref[1], rtol=0, atol=0)
    assert_close(rtorch.zeros(3, 4).scatter_add(0, empty, rtorch.ones(2, 2)), ref[2], rtol=0, atol=0)
    x4 = rtorch.zeros((6, 1, 0, 1))[::2]
    assert rtorch.scatter(x4, 2, empty, rtorch.zeros((1, 0, 3, 1)).permute(2, 0, 1, 3)).shape == (3, 1, 0, 1)
    w = rtorch.ones(3, 4, requires_grad=True)
    rtorch.scatter(w, 1, empty, 5.0).sum().backward()
    assert w.grad.tolist() == [[1.0] * 4] * 3  # nothing written: every element passes its gradient through


def test_fuzz_found_argument_errors_name_the_argument():
    import rtorch.nn.functional as F
    with pytest.raises(TypeError, match=r"^lp_pool\(\): argument 'kernel_size' must be tuple of ints, not Tensor$"):
        F.lp_pool3d(rtorch.ones(1, 2, 4, 4, 4), 2, rtorch.tensor(float("nan")))
    with pytest.raises(TypeError, match=r"^linalg_svd\(\): argument 'out' must be tuple of Tensors, not int$"):
        rtorch.svd(rtorch.zeros(5, 5), True, compute_uv=False, out=0)
    with pytest.raises(IndexError, match="Dimension specified as -1 but tensor has no dimensions"):
        F.multilabel_soft_margin_loss(rtorch.randn(()), rtorch.zeros(()), None)
    with pytest.raises(RuntimeError, match=r"Storage size calculation overflowed with sizes=\[2, 36893488147419103231\]"):
        rtorch.tril_indices(18446744073709551616, 2)
    assert F.avg_pool2d(rtorch.ones(1, 1, 4, 4), np.int64(2)).shape == (1, 1, 2, 2)  # NumPy ints are ints


def test_tri_indices_counts_match_numpy():
    for r in range(6):
        for c in range(6):
            for o in range(-7, 8):
                assert rtorch.tril_indices(r, c, o).tolist() == [list(v) for v in np.tril_indices(r, o, c)]
                assert rtorch.triu_indices(r, c, o).tolist() == [list(v) for v in np.triu_indices(r, o, c)]


def test_second_fuzz_round_findings_raise_clean_errors():
    with pytest.raises(TypeError, match=r"convolution\(\): argument 'weight'"):
        rtorch.convolution(rtorch.zeros(64), 3.0, rtorch.zeros(64), 2, 2, 2, 2, (), 6)
    with pytest.raises(ValueError, match="^CrossMapLRN2d: size must be positive, got 0$"):
        rtorch.nn.CrossMapLRN2d(0)(rtorch.zeros(1, 2, 3, 3))
    with pytest.raises(TypeError, match="argument 'out_features' must be tuple of ints, not bool"):
        rtorch.nn.LinearCrossEntropyLoss(2, 3, out_features=True)
    # Muon on an empty matrix: nothing to update (PyTorch divides by zero scaling its learning rate).
    p = rtorch.zeros(0, 3).requires_grad_()
    opt = rtorch.optim.Muon([p], 4, 4, nesterov=False)
    p.sum().backward()
    opt.step()
    assert p.shape == (0, 3)
