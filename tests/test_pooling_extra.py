"""The pools composed in rtorch.nn._functional.pooling (max/avg pool 3-D, adaptive max pool 1/2/3-D, adaptive
avg pool 1/3-D, LP pool 1/2/3-D, max unpool 1/2/3-D) and their modules: values, indices and gradients against
PyTorch over strides, padding, dilation, ceil mode, count_include_pad and divisor_override; ties (the gradient
goes to the first maximum, as PyTorch's), gradcheck, and PyTorch's errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

MAX3D = [dict(kernel_size=2), dict(kernel_size=(2, 3, 2), stride=1), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=2, stride=(1, 2, 2), dilation=(2, 1, 2)), dict(kernel_size=3, stride=2, ceil_mode=True),
         dict(kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), ceil_mode=True)]


@pytest.mark.parametrize("kw", MAX3D, ids=str)
def test_max_pool3d_matches_torch(kw, rng):
    x = rng.standard_normal((1, 1, 5, 6, 7))
    check_parity(rtorch, lambda lib, v: lib.nn.functional.max_pool3d(v, **kw), [x])
    check_parity(rtorch, lambda lib, v: lib.nn.functional.max_pool3d(v, return_indices=True, **kw)[1].float(),
                 [x], ())
    assert_close(nn.MaxPool3d(**kw)(rtorch.tensor(x[0])), F.max_pool3d(rtorch.tensor(x), **kw)[0])


def test_max_pool3d_ties_send_the_gradient_to_the_first_maximum(rng):
    x = rng.integers(0, 2, (1, 2, 4, 4, 4)).astype(np.float64)
    check_parity(rtorch, lambda lib, v: lib.nn.functional.max_pool3d(v, 2, 1), [x])
    xi = rng.integers(-5, 5, (1, 2, 4, 4, 4))
    check_parity(rtorch, lambda lib, v: lib.nn.functional.max_pool3d(v, 2), [xi], ())


AVG3D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
         dict(kernel_size=(2, 3, 3), stride=2, padding=(1, 1, 0), ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=2, divisor_override=3)]


@pytest.mark.parametrize("kw", AVG3D, ids=str)
def test_avg_pool3d_matches_torch(kw, rng):
    x = rng.standard_normal((1, 1, 5, 6, 7))
    check_parity(rtorch, lambda lib, v: lib.nn.functional.avg_pool3d(v, **kw), [x])
    assert_close(nn.AvgPool3d(**kw)(rtorch.tensor(x[0])), F.avg_pool3d(rtorch.tensor(x), **kw)[0])


ADAPTIVE = [(1, (2, 5), 3), (1, (3, 7), 7), (1, (2, 3, 5), 2), (2, (1, 3, 5, 7), (3, 4)), (2, (3, 5, 7), (None, 3)),
            (2, (1, 2, 4, 4), 6), (3, (1, 1, 5, 6, 7), (2, 3, 4)), (3, (2, 4, 5, 3), (3, None, 2))]


@pytest.mark.parametrize("n,shape,out", ADAPTIVE, ids=str)
def test_adaptive_max_pool_matches_torch(n, shape, out, rng):
    x = rng.standard_normal(shape)
    fn = f"adaptive_max_pool{n}d"
    check_parity(rtorch, lambda lib, v: getattr(lib.nn.functional, fn)(v, out), [x])
    check_parity(rtorch, lambda lib, v: getattr(lib.nn.functional, fn)(v, out, True)[1].float(), [x], ())
    assert_close(getattr(nn, f"AdaptiveMaxPool{n}d")(out, True)(rtorch.tensor(x))[0],
                 getattr(F, fn)(rtorch.tensor(x), out))


@pytest.mark.parametrize("n,shape,out", [a for a in ADAPTIVE if a[0] != 2], ids=str)
def test_adaptive_avg_pool_matches_torch(n, shape, out, rng):
    x = rng.standard_normal(shape)
    check_parity(rtorch, lambda lib, v: getattr(lib.nn.functional, f"adaptive_avg_pool{n}d")(v, out), [x])
    assert_close(getattr(nn, f"AdaptiveAvgPool{n}d")(out)(rtorch.tensor(x)),
                 getattr(F, f"adaptive_avg_pool{n}d")(rtorch.tensor(x), out))


@pytest.mark.parametrize("n,p,kw", [(1, 2.0, dict(kernel_size=3)), (1, 3.0, dict(kernel_size=2, stride=1)),
                                    (2, 2.0, dict(kernel_size=2)), (2, 1.5, dict(kernel_size=(2, 3), stride=1,
                                                                                   ceil_mode=True)),
                                    (3, 2.0, dict(kernel_size=2)), (3, 1.0, dict(kernel_size=(1, 2, 2), stride=1))],
                         ids=str)
def test_lp_pool_matches_torch(n, p, kw, rng):
    x = np.abs(rng.standard_normal((1, 1, 5, 6, 7)[: 3 + (n - 1)])) + 0.1
    if n == 1:
        x = rng.standard_normal((1, 2, 7)) ** 2 + 0.1
    check_parity(rtorch, lambda lib, v: getattr(lib.nn.functional, f"lp_pool{n}d")(v, p, **kw), [x])
    assert_close(getattr(nn, f"LPPool{n}d")(p, **kw)(rtorch.tensor(x)),
                 getattr(F, f"lp_pool{n}d")(rtorch.tensor(x), p, **kw))


@pytest.mark.parametrize("n,kw,output_size", [(1, dict(kernel_size=2), None), (1, dict(kernel_size=3, stride=2),
                                                                               (8,)),
                                              (2, dict(kernel_size=2), None), (2, dict(kernel_size=3, stride=2,
                                                                                         padding=1), [6, 6]),
                                              (3, dict(kernel_size=2), None), (3, dict(kernel_size=2), (5, 6, 7))],
                         ids=str)
def test_max_unpool_matches_torch(n, kw, output_size, rng):
    x = rng.standard_normal((1, 1, 5, 6, 7)[: 2 + n] if n > 1 else (1, 2, 8))
    if n == 3:
        x = x if output_size else x[:, :, :4, :6, :6]

    def fn(lib, v):
        F_ = lib.nn.functional
        pooled, idx = getattr(F_, f"max_pool{n}d")(v, return_indices=True, **kw)
        return getattr(F_, f"max_unpool{n}d")(pooled, idx, output_size=output_size, **kw)
    check_parity(rtorch, fn, [x])

    def mod(lib, v):
        pooled, idx = getattr(lib.nn, f"MaxPool{n}d")(return_indices=True, **kw)(v)
        return getattr(lib.nn, f"MaxUnpool{n}d")(**kw)(pooled, idx, output_size)
    check_parity(rtorch, mod, [x])


def test_pool_gradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((1, 2, 4, 5, 5)), requires_grad=True)
    assert gradcheck(lambda v: F.max_pool3d(v, 2, 1, 1), (x,))
    assert gradcheck(lambda v: F.avg_pool3d(v, 3, 2, 1, True, False), (x,))
    assert gradgradcheck(lambda v: F.avg_pool3d(v, 2), (x,))
    assert gradcheck(lambda v: F.adaptive_max_pool3d(v, (3, 2, 4)), (x,))
    assert gradcheck(lambda v: F.adaptive_avg_pool3d(v, (3, 2, 4)), (x,))
    assert gradgradcheck(lambda v: F.adaptive_avg_pool1d(v.flatten(2), 7), (x,))
    y = rtorch.tensor(np.abs(rng.standard_normal((1, 2, 6, 6))) + 0.5, requires_grad=True)
    assert gradcheck(lambda v: F.lp_pool2d(v, 2.0, 2), (y,))


def test_empty_and_noncontiguous_inputs(rng):
    assert F.max_pool3d(rtorch.zeros(0, 2, 4, 4, 4), 2).shape == (0, 2, 2, 2, 2)
    assert F.adaptive_max_pool2d(rtorch.zeros(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)
    x = rtorch.tensor(rng.standard_normal((2, 6, 5, 4, 3))).permute(0, 4, 3, 2, 1)
    assert_close(F.max_pool3d(x, 2), F.max_pool3d(x.contiguous(), 2))
    assert_close(F.avg_pool3d(x, 2, 1, 1), F.avg_pool3d(x.contiguous(), 2, 1, 1))
    assert_close(F.adaptive_max_pool3d(x, 3), F.adaptive_max_pool3d(x.contiguous(), 3))


def test_with_indices_names():
    x = rtorch.randn(1, 2, 6, 6)
    v, i = F.max_pool2d_with_indices(x, 2)
    assert_close(v, F.max_pool2d(x, 2))
    v1, i1 = F.max_pool1d_with_indices(x[0], 2)
    assert v1.shape == (2, 6, 3) and i1.dtype == rtorch.int64
    v3, i3 = F.adaptive_max_pool2d_with_indices(x, 3)
    assert_close(v3, F.adaptive_max_pool2d(x, 3))


ERRORS = [
    ("pad_too_big", lambda lib: lib.nn.functional.max_pool3d(lib.randn(1, 1, 3, 3, 3), 2, padding=2)),
    ("too_small", lambda lib: lib.nn.functional.max_pool3d(lib.randn(1, 1, 1, 3, 3), 2)),
    ("rank", lambda lib: lib.nn.functional.max_pool3d(lib.randn(3, 3), 2)),
    ("stride_zero", lambda lib: lib.nn.functional.max_pool3d(lib.randn(1, 1, 3, 3, 3), 2, stride=0)),
    ("avg_pad", lambda lib: lib.nn.functional.avg_pool3d(lib.randn(1, 1, 3, 3, 3), 2, padding=2)),
    ("avg_rank", lambda lib: lib.nn.functional.avg_pool3d(lib.randn(3, 3), 2)),
    ("adaptive3d_rank", lambda lib: lib.nn.functional.adaptive_avg_pool3d(lib.randn(2, 3), 2)),
    ("unpool_index", lambda lib: lib.nn.functional.max_unpool2d(lib.randn(1, 1, 2, 2),
                                                                lib.tensor([[[[0, 1], [2, 30]]]]), 2)),
]


@pytest.mark.parametrize("name", [e[0] for e in ERRORS])
def test_errors_match_torch(name):
    fn = dict(ERRORS)[name]
    ref = torch_ref(lambda torch: catch(fn, torch))
    with pytest.raises(Exception) as info:
        fn(rtorch)
    assert type(info.value).__name__ == ref.type
    assert str(info.value) == ref.message


# ------------------------------------------------------------------------------------------------ hypothesis
from hypothesis import assume, given, strategies as st  # noqa: E402


def _np_max_pool(x, k, s, p, d, ceil_mode):
    """Brute-force N-d max pooling over the trailing len(k) dims (PyTorch's window rules), float64."""
    n = len(k)
    sp = x.shape[-n:]
    out = []
    for i in range(n):
        o = (sp[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1 + (s[i] - 1 if ceil_mode else 0)) // s[i] + 1
        if ceil_mode and (o - 1) * s[i] >= sp[i] + p[i]:
            o -= 1
        out.append(o)
    res = np.full(x.shape[:-n] + tuple(out), -np.inf)
    for idx in np.ndindex(*out):
        for off in np.ndindex(*k):
            pos = [idx[i] * s[i] - p[i] + off[i] * d[i] for i in range(n)]
            if all(0 <= pos[i] < sp[i] for i in range(n)):
                res[(...,) + idx] = np.maximum(res[(...,) + idx], x[(...,) + tuple(pos)])
    return res


@given(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)), st.integers(1, 3), st.integers(1, 2),
       st.integers(0, 1), st.integers(1, 2), st.booleans(), st.booleans(), st.integers(0, 2**31 - 1))
def test_max_pool3d_matches_brute_force(spatial, k, s, p, d, ceil_mode, transposed, seed):
    assume(p <= ((k - 1) * d + 1) // 2)
    assume(all(v + 2 * p >= d * (k - 1) + 1 for v in spatial))
    x = np.random.default_rng(seed).standard_normal((2, 3) + spatial)
    t = rtorch.tensor(x)
    if transposed:  # a non-contiguous view with the same values
        t = rtorch.tensor(np.ascontiguousarray(np.swapaxes(x, 0, 1))).transpose(0, 1)
    got = F.max_pool3d(t, k, s, p, d, ceil_mode)
    assert_close(got, _np_max_pool(x, (k,) * 3, (s,) * 3, (p,) * 3, (d,) * 3, ceil_mode), rtol=0, atol=0)


@given(st.integers(0, 3), st.integers(1, 6), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_adaptive_max_pool1d_matches_brute_force(n, length, out, seed):
    x = np.random.default_rng(seed).standard_normal((n, 2, length))
    got, idx = F.adaptive_max_pool1d(rtorch.tensor(x), out, return_indices=True)
    starts = [(i * length) // out for i in range(out)]
    ends = [-(-((i + 1) * length) // out) for i in range(out)]
    ref = np.stack([x[..., a:b].max(-1) for a, b in zip(starts, ends)], -1) if n else np.zeros((0, 2, out))
    assert_close(got, ref.reshape(n, 2, out), rtol=0, atol=0)
    if n:
        assert_close(rtorch.tensor(x).gather(2, idx), ref, rtol=0, atol=0)
