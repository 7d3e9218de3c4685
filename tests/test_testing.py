"""rtorch.testing: assert_close / assert_allclose semantics and messages (recorded from PyTorch), make_tensor."""
import math
import threading

import numpy as np
import pytest

import rtorch
from rtorch.testing import assert_close, make_tensor
from torch_ref import TorchError, catch, torch_ref

nan, inf = math.nan, math.inf

# Each case compares the same inputs in either library; PyTorch's outcome (None or its exception) is recorded.
CASES = {
    "close_1d": lambda L: L.testing.assert_close(L.tensor([1., 2., 3.]), L.tensor([1., 2.5, 3.])),
    "close_2d": lambda L: L.testing.assert_close(L.tensor([[1., 2.], [3, 4]]), L.tensor([[1., 2.5], [3, 5]])),
    "scalar_tensor": lambda L: L.testing.assert_close(L.tensor(1.), L.tensor(2.)),
    "int_equal": lambda L: L.testing.assert_close(L.tensor([1, 2]), L.tensor([1, 3])),
    "uint8_no_wrap": lambda L: L.testing.assert_close(L.tensor([1, 2], dtype=L.uint8), L.tensor([3, 2], dtype=L.uint8)),
    "bool_tensor": lambda L: L.testing.assert_close(L.tensor([True, False]), L.tensor([True, True])),
    "dtype": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1, 2])),
    "dtype_unchecked": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1., 2]).double(), check_dtype=False),
    "shape": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1., 2, 3])),
    "stride": lambda L: L.testing.assert_close(L.ones(2, 2), L.ones(2, 2).t(), check_stride=True),
    "stride_unchecked": lambda L: L.testing.assert_close(L.ones(2, 2), L.ones(2, 2).t()),
    "nan": lambda L: L.testing.assert_close(L.tensor([1., nan]), L.tensor([1., nan])),
    "nan_equal": lambda L: L.testing.assert_close(L.tensor([1., nan]), L.tensor([1., nan]), equal_nan=True),
    "inf_same": lambda L: L.testing.assert_close(L.tensor([1., inf]), L.tensor([1., inf])),
    "inf_opposite": lambda L: L.testing.assert_close(L.tensor([1., inf]), L.tensor([1., -inf])),
    "empty": lambda L: L.testing.assert_close(L.zeros(0, 3), L.zeros(0, 3)),
    "within_atol": lambda L: L.testing.assert_close(L.tensor([0., 2]), L.tensor([1e-9, 2.])),
    "explicit_tol": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1., 2.1]), rtol=0.01, atol=0.0),
    "explicit_tol_ok": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1., 2.1]), rtol=0.1, atol=0.0),
    "only_rtol": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.]), rtol=0.1),
    "only_atol": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.]), atol=0.1),
    "msg": lambda L: L.testing.assert_close(L.tensor([1., 2]), L.tensor([1., 2.1]), msg="custom"),
    "msg_callable": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([2.]), msg=lambda m: "X" + m[:8]),
    "float64_tol": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.float64), L.tensor([1. + 2e-7], dtype=L.float64)),
    "float_scalars": lambda L: L.testing.assert_close(1.0, 1.1),
    "int_scalars": lambda L: L.testing.assert_close(1, 2),
    "int_float_scalars": lambda L: L.testing.assert_close(1, 1.0),
    "int_float_unchecked": lambda L: L.testing.assert_close(1, 1.0, check_dtype=False),
    "bools": lambda L: L.testing.assert_close(True, False),
    "nones": lambda L: L.testing.assert_close(None, None),
    "none_one": lambda L: L.testing.assert_close(None, 1),
    "list_item": lambda L: L.testing.assert_close([L.tensor(1.), L.tensor(2.)], [L.tensor(1.), L.tensor(3.)]),
    "nested_item": lambda L: L.testing.assert_close({"a": [1, {"b": 2.0}]}, {"a": [1, {"b": 2.5}]}),
    "dict_item": lambda L: L.testing.assert_close({"a": L.tensor(1.)}, {"a": L.tensor(2.)}),
    "dict_keys": lambda L: L.testing.assert_close({"a": L.tensor(1.), "c": 1}, {"b": L.tensor(2.), "c": 1}),
    "seq_len": lambda L: L.testing.assert_close([1, 2], [1, 2, 3]),
    "tuple_ok": lambda L: L.testing.assert_close((1, 2.5), (1, 2.5)),
    "numpy": lambda L: L.testing.assert_close(np.array([1., 2]), np.array([1., 2.1])),
    "numpy_scalar": lambda L: L.testing.assert_close(np.float64(1.0), np.float64(1.0 + 1e-12)),
    "tensor_numpy": lambda L: L.testing.assert_close(L.tensor([1., 2]), np.array([1., 2])),
    "tensor_str": lambda L: L.testing.assert_close(L.tensor([1., 2]), "a"),
    "scalar_tensor_number": lambda L: L.testing.assert_close(1.0, L.tensor(1.0)),
    "requires_grad_ignored": lambda L: L.testing.assert_close(L.tensor([1., 2], requires_grad=True), L.tensor([1., 2])),
    "big_mismatch": lambda L: L.testing.assert_close(L.arange(12.).reshape(3, 4), L.arange(12.).reshape(3, 4).flip(0)),
    "allclose_default": lambda L: L.testing.assert_allclose(L.tensor([1., 2.]), [1., 2.00001]),
    "allclose_fail": lambda L: L.testing.assert_allclose(L.tensor([1., 2.]), [1., 2.1]),
    "allclose_nan": lambda L: L.testing.assert_allclose(L.tensor([nan]), L.tensor([nan])),
    "allclose_msg": lambda L: L.testing.assert_allclose(L.tensor([1.]), L.tensor([3.]), msg="boom"),
    "bfloat16": lambda L: L.testing.assert_close(L.tensor([1., 2.], dtype=L.bfloat16), L.tensor([1., 2.1], dtype=L.bfloat16)),
    "int_promote": lambda L: L.testing.assert_close(L.tensor([1, 2], dtype=L.int8), L.tensor([1, 2], dtype=L.int16),
                                                    check_dtype=False),
    "int8_extremes": lambda L: L.testing.assert_close(L.tensor([-128], dtype=L.int8), L.tensor([127], dtype=L.int8)),
    "empty_2d": lambda L: L.testing.assert_close(L.zeros(2, 0), L.zeros(2, 0)),
    "empty_shapes": lambda L: L.testing.assert_close(L.zeros(2, 0), L.zeros(0, 2)),
    "half": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.float16), L.tensor([1.002], dtype=L.float16)),
}


def _outcome(fn, lib):
    out = catch(fn, lib)
    return out if isinstance(out, TorchError) else None


@pytest.mark.parametrize("name", sorted(CASES))
def test_assert_close_matches_torch(name):
    ref = torch_ref(lambda torch: _outcome(CASES[name], torch))
    ours = _outcome(CASES[name], rtorch)
    if ref is None:
        assert ours is None, ours
    else:
        assert ours is not None, f"rtorch passed where PyTorch raised {ref}"
        assert ours.type == ref.type
        assert ours.message == ref.message.replace("torch.", "rtorch."), (ours.message, ref.message)


def test_assert_close_threads():
    # The comparison keeps no shared state: concurrent failures report their own numbers.
    errors = []

    def work(k):
        try:
            assert_close(rtorch.tensor(float(k)), rtorch.tensor(k + 1.0))
        except AssertionError as e:
            errors.append((k, str(e)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(errors) == 8
    for k, text in errors:
        assert f"Expected {k + 1.0} but got {float(k)}." in text


def test_assert_close_noncontiguous_and_views():
    x = rtorch.arange(24.).reshape(4, 6)
    assert_close(x[:, ::2], rtorch.tensor(x.numpy()[:, ::2].copy()))
    with pytest.raises(AssertionError, match=r"Greatest absolute difference: 1.0 at index \(3, 2\)"):
        bump = np.zeros((4, 3), np.float32)
        bump[3, 2] = 1
        assert_close(x[:, ::2], rtorch.tensor(x.numpy()[:, ::2] + bump))


# ------------------------------------------------------------------ make_tensor
@pytest.mark.parametrize("dtype,lo,hi", [(rtorch.float32, -9, 9), (rtorch.float64, -9, 9), (rtorch.int64, -9, 9),
                                         (rtorch.uint8, 0, 9), (rtorch.int8, -9, 9), (rtorch.bool, 0, 1)])
def test_make_tensor_default_ranges(dtype, lo, hi):
    t = make_tensor(40, 50, dtype=dtype, device="cpu")
    assert t.dtype == dtype and tuple(t.shape) == (40, 50)
    v = t.numpy().astype(np.float64)
    assert v.min() >= lo and v.max() <= hi
    # 2000 draws: both ends of the range are reached (probability of missing one is negligible)
    if dtype in (rtorch.int64, rtorch.uint8, rtorch.int8, rtorch.bool):
        assert v.min() == lo and v.max() == hi
    else:
        assert v.min() < lo + 0.5 and v.max() > hi - 0.5


def test_make_tensor_options():
    t = make_tensor((3, 4), dtype=rtorch.float32, device="cpu", low=2, high=3, noncontiguous=True,
                    requires_grad=True)
    assert tuple(t.shape) == (3, 4) and not t.is_contiguous() and t.requires_grad and t.is_leaf
    assert bool(((t >= 2) & (t < 3)).all())
    # a single element is never made non-contiguous
    assert make_tensor(1, dtype=rtorch.float32, device="cpu", noncontiguous=True).is_contiguous()
    z = make_tensor(200, dtype=rtorch.int64, device="cpu", low=-1, high=1, exclude_zero=True)
    assert set(z.tolist()) <= {-1, 1} and 1 in z.tolist()
    f = make_tensor(5, dtype=rtorch.float32, device="cpu", low=0, high=1e-30, exclude_zero=True)
    assert bool((f != 0).all())
    cl = make_tensor(2, 3, 4, 5, dtype=rtorch.float32, device="cpu", memory_format=rtorch.channels_last)
    assert cl.is_contiguous(memory_format=rtorch.channels_last)
    e = make_tensor(0, 3, dtype=rtorch.float32, device="cpu")
    assert tuple(e.shape) == (0, 3)
    big = make_tensor(100, dtype=rtorch.float32, device="cpu", low=-1e300, high=1e300)  # clamped to float32
    assert bool(big.isfinite().all())
    u = make_tensor(100, dtype=rtorch.uint8, device="cpu", low=-5, high=3)
    assert u.min().item() >= 0


@pytest.mark.parametrize("kwargs,exc,text", [
    (dict(dtype=rtorch.int64, requires_grad=True), ValueError, "`requires_grad=True` is not supported"),
    (dict(dtype=rtorch.float32, low=3, high=1), ValueError, "`low` must be less than `high`, but got 3 >= 1"),
    (dict(dtype=rtorch.float32, low=nan), ValueError, "`low` and `high` cannot be NaN"),
    (dict(dtype=rtorch.uint8, low=300, high=400), ValueError, "only supports [0, 256)"),
    (dict(dtype=rtorch.float32, noncontiguous=True, memory_format=rtorch.contiguous_format), ValueError,
     "mutually exclusive"),
])
def test_make_tensor_errors(kwargs, exc, text):
    with pytest.raises(exc) as info:
        make_tensor(2, 3, device="cpu", **kwargs)
    assert text in str(info.value)


def test_make_tensor_reproducible_under_manual_seed():
    rtorch.manual_seed(3)
    a = make_tensor(5, dtype=rtorch.float32, device="cpu")
    rtorch.manual_seed(3)
    b = make_tensor(5, dtype=rtorch.float32, device="cpu")
    assert_close(a, b, rtol=0, atol=0)
