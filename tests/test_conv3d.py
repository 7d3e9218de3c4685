"""conv3d, conv_transpose1d and conv_transpose3d (compositions of the native 2-D convolutions) and the Conv3d /
ConvTranspose1d / ConvTranspose3d modules: values and gradients (input, weight, bias) against PyTorch over
stride, padding ('same', 'valid'), dilation, groups and output_padding, gradcheck / gradgradcheck in float64,
padding modes and output_size of the modules, errors."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

CONV3D = [dict(), dict(stride=2), dict(stride=(1, 2, 3), padding=(1, 0, 2)), dict(dilation=(2, 1, 2), padding=1),
          dict(groups=2, padding=1), dict(padding="same", dilation=(1, 2, 1)), dict(padding="valid", stride=2)]


@pytest.mark.parametrize("kw", CONV3D, ids=str)
def test_conv3d_matches_torch(kw, rng):
    g = kw.get("groups", 1)
    x = rng.standard_normal((1, 4, 4, 5, 5))
    w = rng.standard_normal((4, 4 // g, 3, 2, 2))
    b = rng.standard_normal(4)
    check_parity(rtorch, lambda lib, x, w, b: lib.nn.functional.conv3d(x, w, b, **kw), [x, w, b], (0, 1, 2),
                 rtol=1e-9, atol=1e-10)


def test_conv3d_unbatched_and_no_bias(rng):
    x = rng.standard_normal((3, 4, 4, 4))
    w = rng.standard_normal((2, 3, 2, 2, 2))
    check_parity(rtorch, lambda lib, x, w: lib.nn.functional.conv3d(x, w), [x, w], (0, 1), rtol=1e-9, atol=1e-10)


CONVT3D = [dict(), dict(stride=2), dict(stride=(2, 1, 3), padding=(1, 0, 1), output_padding=(1, 0, 2)),
           dict(dilation=(2, 1, 2), padding=1), dict(groups=2, stride=2, output_padding=1),
           dict(stride=3, dilation=2, output_padding=(2, 1, 0), padding=2)]


@pytest.mark.parametrize("kw", CONVT3D, ids=str)
def test_conv_transpose3d_matches_torch(kw, rng):
    g = kw.get("groups", 1)
    x = rng.standard_normal((1, 4, 2, 3, 3))
    w = rng.standard_normal((4, 4 // g, 3, 2, 2))
    b = rng.standard_normal(4)
    check_parity(rtorch, lambda lib, x, w, b: lib.nn.functional.conv_transpose3d(x, w, b, **kw), [x, w, b],
                 (0, 1, 2), rtol=1e-9, atol=1e-10)


CONVT1D = [dict(), dict(stride=2, padding=1, output_padding=1), dict(dilation=3, groups=2), dict(stride=3, padding=2)]


@pytest.mark.parametrize("kw", CONVT1D, ids=str)
def test_conv_transpose1d_matches_torch(kw, rng):
    g = kw.get("groups", 1)
    x = rng.standard_normal((2, 4, 7))
    w = rng.standard_normal((4, 6 // g, 3))
    b = rng.standard_normal(6)
    check_parity(rtorch, lambda lib, x, w, b: lib.nn.functional.conv_transpose1d(x, w, b, **kw), [x, w, b],
                 (0, 1, 2), rtol=1e-9, atol=1e-10)
    check_parity(rtorch, lambda lib, x, w: lib.nn.functional.conv_transpose1d(x, w, **kw), [x[0], w], (0, 1),
                 rtol=1e-9, atol=1e-10)


def test_gradcheck_and_gradgradcheck(rng):
    x = rtorch.tensor(rng.standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((2, 2, 2, 2, 2)), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(2), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv3d(x, w, b, stride=(2, 1, 1), padding=1, dilation=(1, 2, 1)), (x, w, b))
    assert gradgradcheck(lambda x, w: F.conv3d(x, w, padding=1), (x, w))
    assert gradcheck(lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1, output_padding=1), (x, w, b))
    assert gradgradcheck(lambda x, w: F.conv_transpose3d(x, w, stride=(2, 1, 1)), (x, w))
    y = rtorch.tensor(rng.standard_normal((2, 2, 5)), requires_grad=True)
    v = rtorch.tensor(rng.standard_normal((2, 3, 3)), requires_grad=True)
    assert gradcheck(lambda y, v: F.conv_transpose1d(y, v, stride=2, output_padding=1), (y, v))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv3d_module_padding_modes_match_torch(mode, rng):
    x = rng.standard_normal((1, 2, 3, 4, 4))

    def side(lib):
        lib.manual_seed(0) if lib is not rtorch else None
        m = lib.nn.Conv3d(2, 3, (3, 2, 3), padding=(1, 1, 2), padding_mode=mode, stride=(1, 2, 1)).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(np.linspace(-1, 1, m.weight.numel()).reshape(m.weight.shape)))
            m.bias.copy_(lib.tensor([0.1, -0.2, 0.3]))
        xt = lib.tensor(x, requires_grad=True)
        y = m(xt)
        (y * y).sum().backward()
        return [t.float() for t in (y.detach(), xt.grad, m.weight.grad, m.bias.grad)]  # float32: small fixture
    for a, b in zip(side(rtorch), torch_ref(side)):
        assert_close(a, b, rtol=1e-5, atol=1e-5)


def test_conv_transpose_modules_output_size_match_torch(rng):
    x3, x1 = rng.standard_normal((1, 2, 3, 3, 3)), rng.standard_normal((1, 2, 5))

    def side(lib):
        m3 = lib.nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1).double()
        m1 = lib.nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1).double()
        for m in (m3, m1):
            with lib.no_grad():
                m.weight.copy_(lib.tensor(np.linspace(-1, 1, m.weight.numel()).reshape(m.weight.shape)))
                m.bias.zero_()
        return (m3(lib.tensor(x3), output_size=[6, 5, 6]), m1(lib.tensor(x1), output_size=[10]),
                m1(lib.tensor(x1)), repr(m3), repr(m1))
    for a, b in zip(side(rtorch), torch_ref(side)):
        if isinstance(b, str):
            assert a == b
        else:
            assert_close(a.detach(), b, rtol=1e-10, atol=1e-10)


def test_conv3d_module_shapes_and_init():
    m = nn.Conv3d(4, 8, 3, stride=2, padding=1, groups=2, bias=False)
    assert m.weight.shape == (8, 2, 3, 3, 3) and m.bias is None
    assert m(rtorch.randn(2, 4, 5, 6, 7)).shape == (2, 8, 3, 3, 4)
    t = nn.ConvTranspose3d(4, 6, 2, stride=2, groups=2)
    assert t.weight.shape == (4, 3, 2, 2, 2)
    assert t(rtorch.randn(4, 3, 3, 3)).shape == (6, 6, 6, 6)
    bound = 1 / np.sqrt(2 * 27)
    assert float(m.weight.abs().max()) <= bound + 1e-6


ERRORS = [
    ("kernel_too_big", lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 2, 4, 4), lib.ones(1, 1, 3, 3, 3))),
    ("channels", lambda lib: lib.nn.functional.conv3d(lib.ones(1, 2, 4, 4, 4), lib.ones(1, 3, 3, 3, 3))),
    ("same_strided", lambda lib: lib.nn.functional.conv3d(lib.ones(1, 1, 4, 4, 4), lib.ones(1, 1, 3, 3, 3),
                                                          stride=2, padding="same")),
    ("rank", lambda lib: lib.nn.functional.conv3d(lib.ones(4, 4), lib.ones(1, 1, 3, 3, 3))),
]


@pytest.mark.parametrize("name", [e[0] for e in ERRORS])
def test_errors_match_torch_type(name):
    fn = dict(ERRORS)[name]
    ref = torch_ref(lambda torch: catch(fn, torch))
    with pytest.raises(Exception) as info:
        fn(rtorch)
    assert type(info.value).__name__ == ref.type
