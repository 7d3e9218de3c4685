"""Convolutions: nn.Conv1d / Conv2d / ConvTranspose2d construction, parameters, state_dict and repr; the fused
CPU conv2d (one op, ConvolutionBackward0) forward and every gradient against NumPy, finite differences and
PyTorch (when installed) over groups, stride, padding (also 'same' and the padding modes), dilation, 0/1-sized
dims, non-contiguous views, partial requires_grad and double backward."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import (assert_close, has_native, n, needs_conv2d, needs_max_pool2d, needs_torch, optional_torch,
                     randn_pair, t)
from torch_ref import live_ref, torch_ref

torch = optional_torch()  # PyTorch for the parity tests (marked needs_torch), None without it


# ---------------------------------------------------------------------------------------- construction
def test_conv2d_parameters_and_state_dict():
    m = nn.Conv2d(3, 8, 5)
    assert tuple(m.weight.shape) == (8, 3, 5, 5) and tuple(m.bias.shape) == (8,)
    assert m.kernel_size == (5, 5) and m.stride == (1, 1) and m.padding == (0, 0) and m.dilation == (1, 1)
    assert m.groups == 1 and m.padding_mode == "zeros" and m.transposed is False
    assert list(m.state_dict()) == ["weight", "bias"]
    assert [name for name, _ in m.named_parameters()] == ["weight", "bias"]
    assert m.weight.requires_grad and m.bias.requires_grad

    g = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2, groups=2, bias=False)
    assert tuple(g.weight.shape) == (6, 2, 3, 2)
    assert g.bias is None and list(g.state_dict()) == ["weight"]
    assert g.stride == (2, 1) and g.padding == (1, 0) and g.dilation == (2, 2)


def test_conv1d_parameters():
    m = nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2)
    assert tuple(m.weight.shape) == (6, 2, 3) and tuple(m.bias.shape) == (6,)
    assert m.kernel_size == (3,) and m.stride == (2,) and m.padding == (1,)


def test_conv_init_bounds():
    rtorch.manual_seed(0)
    m = nn.Conv2d(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)  # kaiming_uniform_(a=sqrt(5)) and the bias rule both give 1/sqrt(fan_in)
    w, b = n(m.weight), n(m.bias)
    assert np.abs(w).max() <= bound + 1e-7 and np.abs(b).max() <= bound + 1e-7
    assert np.abs(w).max() > 0.9 * bound  # actually spread over the range
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    m2 = nn.Conv2d(16, 32, 3, dtype=rtorch.float64)
    assert m2.weight.dtype == rtorch.float64 and m2.bias.dtype == rtorch.float64


def test_conv_repr_matches_pytorch():
    assert repr(nn.Conv2d(1, 32, 3, padding=1)) == \
        "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))) == \
        "Conv2d(16, 33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))"
    assert repr(nn.Conv2d(4, 4, 3, groups=4, bias=False)) == \
        "Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), groups=4, bias=False)"
    assert repr(nn.Conv2d(2, 2, 3, padding="same")) == \
        "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)"
    assert repr(nn.Conv1d(16, 33, 3, stride=2)) == "Conv1d(16, 33, kernel_size=(3,), stride=(2,))"


def test_conv_argument_errors():
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 6, 3, groups=2)
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(4, 6, 3, groups=4)
    with pytest.raises(ValueError, match="positive"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding string"):
        nn.Conv2d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv2d(1, 1, (3, 3, 3))


def test_models_from_the_examples_build():
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == {"0.weight": (32, 1, 3, 3), "0.bias": (32,), "3.weight": (64, 32, 3, 3), "3.bias": (64,),
                      "7.weight": (128, 3136), "7.bias": (128,), "9.weight": (10, 128), "9.bias": (10,)}
    assert sum(p.numel() for p in model.parameters()) == 421642


def test_conv_state_dict_roundtrip_through_safetensors(tmp_path):
    m = nn.Conv2d(3, 4, 3, bias=True)
    rtorch.save(m.state_dict(), tmp_path / "c.safetensors")
    m2 = nn.Conv2d(3, 4, 3)
    m2.load_state_dict(rtorch.load(tmp_path / "c.safetensors"))
    np.testing.assert_array_equal(n(m.weight), n(m2.weight))
    np.testing.assert_array_equal(n(m.bias), n(m2.bias))


@pytest.mark.skipif(has_native("conv2d"), reason="native conv2d exists")
def test_missing_native_op_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="conv2d"):
        nn.Conv2d(1, 1, 3)(rtorch.randn(1, 1, 5, 5))


# ------------------------------------------------------------------------------------ NumPy references
def np_conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    kh, kw = w.shape[2:]
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        pads = ((th // 2, th - th // 2), (tw // 2, tw - tw // 2))
    elif padding == "valid":
        pads = ((0, 0), (0, 0))
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        pads = ((ph, ph), (pw, pw))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads)
    N, C, H, W = xp.shape
    O, Cg = w.shape[:2]
    OH = (H - dh * (kh - 1) - 1) // sh + 1
    OW = (W - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((N, O, OH, OW), dtype=np.float64)
    og = O // groups
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * Cg:(g + 1) * Cg, i * dh:i * dh + sh * (OH - 1) + 1:sh,
                           j * dw:j * dw + sw * (OW - 1) + 1:sw]
                out[:, g * og:(g + 1) * og] += np.einsum("ncyx,oc->noyx", patch, w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


# ----------------------------------------------------------------------------------- forward/backward
CONV_CASES = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(padding=(2, 0), stride=(1, 2)),
    dict(dilation=2, padding=2),
    dict(groups=2),
    dict(groups=4, padding=1),  # depthwise
    dict(padding="same"),
    dict(padding="same", dilation=(1, 2)),
    dict(padding="valid"),
]


@needs_conv2d
@pytest.mark.parametrize("kw", CONV_CASES, ids=str)
@pytest.mark.parametrize("kernel", [(3, 3), (2, 3), (1, 1)], ids=str)
def test_conv2d_forward_matches_numpy(kw, kernel):
    x, xa = randn_pair(2, 4, 7, 8, seed=1)
    groups = kw.get("groups", 1)
    w, wa = randn_pair(6 if groups != 4 else 4, 4 // groups, *kernel, seed=2)
    b, ba = randn_pair(w.shape[0], seed=3)
    out = F.conv2d(x, w, b, **kw)
    ref = np_conv2d(xa, wa, ba, **kw)
    assert tuple(out.shape) == ref.shape
    np.testing.assert_allclose(n(out), ref, rtol=1e-10, atol=1e-10)
    out32 = F.conv2d(x.float(), w.float(), None, **kw)
    np.testing.assert_allclose(n(out32), ref - ba[None, :, None, None], rtol=1e-4, atol=1e-4)


@needs_conv2d
def test_conv2d_module_forward_and_unbatched():
    rtorch.manual_seed(0)
    m = nn.Conv2d(3, 5, 3, padding=1).double()
    x, xa = randn_pair(2, 3, 6, 6)
    ref = np_conv2d(xa, n(m.weight), n(m.bias), padding=1)
    np.testing.assert_allclose(n(m(x)), ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(n(m(x[0])), ref[0], rtol=1e-10, atol=1e-10)


@needs_conv2d
def test_conv1d_forward_matches_numpy():
    x, xa = randn_pair(2, 4, 11)
    w, wa = randn_pair(6, 2, 3, seed=1)
    b, ba = randn_pair(6, seed=2)
    for kw in [dict(), dict(stride=2, padding=1, groups=2), dict(padding="same", dilation=2)]:
        kw2 = dict(kw)
        kw2.setdefault("groups", 1)
        if kw2["groups"] == 1:
            w_, wa_ = randn_pair(6, 4, 3, seed=1)
        else:
            w_, wa_ = w, wa
        out = F.conv1d(x, w_, b, **kw)
        ref2 = np_conv2d(xa[:, :, None, :], wa_[:, :, None, :], ba,
                         stride=(1, kw.get("stride", 1)),
                         padding=kw.get("padding", 0) if kw.get("padding") == "same" else (0, kw.get("padding", 0)),
                         dilation=(1, kw.get("dilation", 1)), groups=kw2["groups"])
        np.testing.assert_allclose(n(out), ref2[:, :, 0, :], rtol=1e-10, atol=1e-10)


@needs_conv2d
def test_conv2d_gradcheck():
    x, _ = randn_pair(2, 4, 5, 6, requires_grad=True)
    w, _ = randn_pair(4, 2, 3, 2, seed=1, requires_grad=True)
    b, _ = randn_pair(4, seed=2, requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
                     (x, w, b))
    assert gradcheck(lambda x, w: F.conv2d(x, w, None, padding="same"),
                     (x, randn_pair(3, 4, 2, 2, requires_grad=True)[0]))


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
    got = rtorch.nn.functional.conv2d(rtorch.tensor(x), rtorch.tensor(w), rtorch.tensor(b), stride, pad, dil, groups)
    assert_close(got, np_conv2d(x, w, b, (stride, stride), (pad, pad), (dil, dil), groups), rtol=1e-10, atol=1e-10)


def test_conv_and_pool_gradients():
    rng = np.random.default_rng(2)
    F = rtorch.nn.functional
    x = rtorch.tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((4, 1, 3, 2)), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2), (x, w, b))
    wt = rtorch.tensor(rng.standard_normal((2, 3, 3, 3)), requires_grad=True)
    assert gradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1), (x, wt))
    assert gradcheck(lambda x: F.max_pool2d(x, 2), (x,))
    assert gradcheck(lambda x: F.max_pool2d(x, 3, stride=2, padding=1), (x,))
    assert gradcheck(lambda x: F.avg_pool2d(x, 2, padding=1), (x,))
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, (2, 3)), (x,))


# ------------------------------------------------------------------------------------ ConvTranspose2d
def np_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    N, Cin, H, W = x.shape
    _, opg, kh, kw = w.shape
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    Hf, Wf = (H - 1) * sh + dh * (kh - 1) + 1 + oph, (W - 1) * sw + dw * (kw - 1) + 1 + opw
    full = np.zeros((N, opg * groups, Hf, Wf))
    ipg = Cin // groups
    for c in range(Cin):
        g = c // ipg
        for i in range(kh):
            for j in range(kw):
                full[:, g * opg:(g + 1) * opg, i * dh:i * dh + sh * (H - 1) + 1:sh,
                     j * dw:j * dw + sw * (W - 1) + 1:sw] += x[:, c][:, None] * w[c, :, i, j][None, :, None, None]
    out = full[:, :, ph:Hf - ph, pw:Wf - pw]
    return out if b is None else out + b[None, :, None, None]


def test_conv_transpose2d_module(rng):
    rtorch.manual_seed(0)
    m = nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                           dilation=(1, 2))
    assert tuple(m.weight.shape) == (4, 3, 3, 2) and tuple(m.bias.shape) == (6,)
    assert m.transposed is True and m.output_padding == (1, 0) and list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(3 * 3 * 2)  # fan_in of the transposed weight: (out / groups) * kH * kW
    assert np.abs(n(m.weight)).max() <= bound + 1e-7 and np.abs(n(m.weight)).max() > 0.8 * bound
    assert np.abs(n(m.bias)).max() <= bound + 1e-7
    assert repr(m) == ("ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), "
                       "dilation=(1, 2), output_padding=(1, 0), groups=2)")
    m = m.double()
    x = rng.standard_normal((2, 4, 3, 5))
    assert_close(m(t(x)), np_conv_transpose2d(x, n(m.weight), n(m.bias), (2, 1), (1, 0), (1, 0), 2, (1, 2)), rtol=1e-6,
                 atol=1e-8)
    assert gradcheck(lambda x: m(x), (t(x[:1, :, :2, :3], requires_grad=True),))


def test_conv_transpose2d_output_size(rng):
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    x = rng.standard_normal((1, 2, 4, 4))
    assert tuple(m(t(x)).shape) == (1, 3, 7, 7)
    y = m(t(x), output_size=[8, 7])
    assert_close(y, np_conv_transpose2d(x, n(m.weight), n(m.bias), (2, 2), (1, 1), (1, 0), 1, (1, 1)), rtol=1e-6,
                 atol=1e-8)
    assert tuple(m(t(x), output_size=(1, 3, 8, 8)).shape) == (1, 3, 8, 8)
    assert tuple(m(t(x[0]), output_size=(8, 8)).shape) == (3, 8, 8)
    with pytest.raises(ValueError, match=r"requested an output size of \[9, 8\], but valid sizes range from 7 to 8"):
        m(t(x), output_size=(9, 8))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        m(t(x), output_size=(8,))
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")


# ---------------------------------------------------------------- dilation, stride, padding differing per axis
# im2col / col2im (the conv forward, its input gradient, the conv_transpose forward, F.unfold / F.fold) take a
# stride, padding and dilation per axis. A kernel that applies one axis's value to the other, or drops one,
# moves taps to other rows or columns: with 3x2 kernels and the two axes different in every case, the forward
# against NumPy, the float64 gradients against finite differences and the fold/unfold adjoint identity all move.
AXES_CASES = [  # dilation, stride, padding, groups
    ((2, 1), (1, 1), (0, 0), 1),
    ((1, 2), (1, 1), (0, 0), 1),
    ((2, 1), (2, 1), (1, 0), 2),
    ((1, 2), (1, 2), (0, 1), 2),
    ((2, 1), (1, 2), (2, 1), 1),
    ((1, 2), (2, 1), (1, 2), 1),
    ((3, 2), (2, 2), (1, 1), 2),
    ((2, 3), (1, 1), (2, 0), 1),
]


@pytest.mark.parametrize("dilation,stride,padding,groups", AXES_CASES, ids=str)
def test_conv2d_gradcheck_per_axis_dilation_stride_padding(dilation, stride, padding, groups):
    x, xa = randn_pair(1, 2 * groups, 7, 6, seed=1, requires_grad=True)
    w, wa = randn_pair(2 * groups, 2, 3, 2, seed=2, requires_grad=True)
    b, ba = randn_pair(2 * groups, seed=3, requires_grad=True)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert_close(F.conv2d(x, w, b, **kw), np_conv2d(xa, wa, ba, **kw), rtol=1e-10, atol=1e-10)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("dilation,stride,padding,groups", AXES_CASES, ids=str)
def test_conv_transpose2d_gradcheck_per_axis_dilation_stride_padding(dilation, stride, padding, groups):
    x, xa = randn_pair(1, 2 * groups, 4, 3, seed=4, requires_grad=True)
    w, wa = randn_pair(2 * groups, 2, 3, 2, seed=5, requires_grad=True)  # (C_in, C_out / groups, kH, kW)
    b, ba = randn_pair(2 * groups, seed=6, requires_grad=True)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert_close(F.conv_transpose2d(x, w, b, **kw),
                 np_conv_transpose2d(xa, wa, ba, stride, padding, (0, 0), groups, dilation), rtol=1e-10, atol=1e-10)
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("dilation,stride,padding", [case[:3] for case in AXES_CASES], ids=str)
def test_fold_is_the_adjoint_of_unfold(dilation, stride, padding):
    # <unfold(x), c> == <x, fold(c)> for every x and c: col2im is exactly the transpose of im2col.
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 7, 6))
    kw = dict(kernel_size=(3, 2), dilation=dilation, padding=padding, stride=stride)
    cols = F.unfold(rtorch.from_numpy(x), **kw)
    c = rng.standard_normal(tuple(cols.shape))
    folded = F.fold(rtorch.from_numpy(c), (7, 6), **kw)
    assert folded.shape == x.shape
    np.testing.assert_allclose((n(cols) * c).sum(), (x * n(folded)).sum(), rtol=1e-12)
    # unfold's columns are the taps of the conv: a conv with one-hot weights reads the same numbers.
    w = np.eye(3 * 3 * 2).reshape(18, 3, 3, 2)
    taps = np_conv2d(x, w, None, stride=stride, padding=padding, dilation=dilation)
    assert_close(cols, taps.reshape(2, 18, -1), rtol=0, atol=0)


# ------------------------------------------------------------------------------------ padding='same', padding modes
@pytest.mark.parametrize("k,d", [(2, 1), (4, 1), (2, 3), (3, 2), (3, 1)])
def test_conv_same_padding_even_kernels_match_torch(k, d):
    rng = np.random.default_rng(k * 10 + d)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, k, k + 1))
    x1, w1 = rng.standard_normal((2, 3, 11)), rng.standard_normal((5, 3, k))
    exp, exp1 = torch_ref(lambda torch: (
        torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding="same", dilation=d),
        torch.nn.functional.conv1d(torch.from_numpy(x1), torch.from_numpy(w1), padding="same", dilation=d)))
    out = F.conv2d(rtorch.from_numpy(x), rtorch.from_numpy(w), padding="same", dilation=d)
    assert tuple(out.shape) == exp.shape == (2, 4, 9, 8)
    np.testing.assert_allclose(out.numpy(), exp, rtol=1e-10, atol=1e-10)
    # the native op itself (no Python wrapper) applies the same rule
    nat = rtorch._rtorch.conv2d(rtorch.from_numpy(x), rtorch.from_numpy(w), None, (1, 1), "same", (d, d), 1)
    np.testing.assert_allclose(nat.numpy(), exp, rtol=1e-10, atol=1e-10)
    assert_close(F.conv1d(rtorch.from_numpy(x1), rtorch.from_numpy(w1), padding="same", dilation=d), exp1,
                 rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, 2, "same", "valid", (1, 2)])
def test_conv_padding_modes_match_torch(mode, padding):
    rng = np.random.default_rng(5)
    for dims in (2, 1):
        if dims == 1 and isinstance(padding, tuple):
            continue
        kernel = (3, 4) if dims == 2 else 4
        wshape = (5, 3) + ((3, 4) if dims == 2 else (4,))
        w, b = rng.standard_normal(wshape) * 0.3, rng.standard_normal(5)
        x = rng.standard_normal((2, 3, 7, 6) if dims == 2 else (2, 3, 9))

        def side(lib):  # output, input and weight gradients, repr
            m = getattr(lib.nn, f"Conv{dims}d")(3, 5, kernel, padding=padding, padding_mode=mode, dtype=lib.float64)
            with lib.no_grad():
                m.weight.copy_(lib.from_numpy(w))
                m.bias.copy_(lib.from_numpy(b))
            xs = lib.from_numpy(x).requires_grad_()
            y = m(xs)
            y.sum().backward()
            return y.detach().numpy(), xs.grad.numpy(), m.weight.grad.numpy(), repr(m)
        ours, ref = side(rtorch), torch_ref(side)
        for a, c in zip(ours[:3], ref[:3]):
            assert a.dtype == c.dtype
            np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-10)
        assert ours[3] == ref[3]
    with pytest.raises(ValueError, match="zeros"):
        rtorch.nn.ConvTranspose2d(3, 3, 2, padding_mode=mode)


# ------------------------------------------------------------------------------------ the fused conv2d
@st.composite
def geometries(draw):
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    # The padded input must hold one dilated kernel.
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    return dict(n=draw(st.sampled_from([0, 1, 2, 3])), c=cg * groups, o=og * groups, groups=groups,
                k=(kh, kw), stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), hw=(h, w))


def make(rng, shape, layout, dtype):
    """(numpy base, view function): the view of the base is `shape`, laid out as `layout` says."""
    if layout == "contig":
        return rng.standard_normal(shape).astype(dtype), lambda t: t
    if layout == "step":  # every other column
        base = rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)
        return base, lambda t: t[..., ::2]
    # transposed last two dims
    base = rng.standard_normal(shape[:-2] + (shape[-1], shape[-2])).astype(dtype)
    return base, lambda t: t.transpose(-1, -2)


def run_both(g, dtype, layout, bias, req, seed, reference):
    """conv2d on a geometry `g` with rtorch and PyTorch (`reference`: torch_ref or live_ref): for each, the
    output, the gradients of x, w, b (None where not required) and the grad_fn's name."""
    rng = np.random.default_rng(seed)
    xs = (g["n"], g["c"]) + g["hw"]
    ws = (g["o"], g["c"] // g["groups"]) + g["k"]
    xb, xv = make(rng, xs, layout, dtype)
    wb, wv = make(rng, ws, "T" if layout == "T" else "contig", dtype)
    bb = rng.standard_normal(g["o"]).astype(dtype) if bias else None
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"])

    def side(lib):
        leaves = [lib.tensor(a, requires_grad=r) if a is not None else None for a, r in zip((xb, wb, bb), req)]
        x, w = xv(leaves[0]), wv(leaves[1])
        y = lib.nn.functional.conv2d(x, w, leaves[2], **kw)
        cot = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(dtype)
        if any(r for r, a in zip(req, (xb, wb, bb)) if a is not None):
            y.backward(lib.tensor(cot))
        grads = [None if t is None or t.grad is None else t.grad.detach().numpy() for t in leaves]
        name = None if y.grad_fn is None else y.grad_fn.name() if lib is rtorch else type(y.grad_fn).__name__
        return y.detach().numpy(), grads, name
    return side(rtorch), reference(side)


GRADCHECK_CASES = [
    dict(n=2, c=2, o=3, groups=1, k=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(1, 1), hw=(4, 5)),
    dict(n=1, c=4, o=2, groups=2, k=(2, 2), stride=(2, 1), padding=(0, 1), dilation=(2, 1), hw=(5, 3)),
    dict(n=2, c=3, o=3, groups=3, k=(1, 3), stride=(1, 1), padding=(0, 2), dilation=(1, 2), hw=(1, 2)),
]


def check_conv2d(g, dtype, layout, bias, req, seed, reference):
    (ro, rg, rname), (to, tg, tname) = run_both(g, dtype, layout, bias, req, seed, reference)
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    assert ro.shape == to.shape and ro.dtype == to.dtype
    np.testing.assert_allclose(ro, to, **tol)
    for name, a, b in zip("xwb", rg, tg):
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, **tol, err_msg=f"grad {name}")
    assert (rname is None) == (tname is None)
    if rname is not None:
        assert rname == "ConvolutionBackward0"


@settings(max_examples=120, deadline=None)
@given(g=geometries(), dtype=st.sampled_from([np.float64, np.float32]),
       layout=st.sampled_from(["contig", "step", "T"]), bias=st.booleans(),
       req=st.tuples(st.booleans(), st.booleans(), st.booleans()), seed=st.integers(0, 2**31))
def test_conv2d_matches_torch(g, dtype, layout, bias, req, seed):
    check_conv2d(g, dtype, layout, bias, req, seed, live_ref)


def _fixed_conv_cases(count=24):
    """Geometries drawn like `geometries` from a seeded NumPy generator (no hypothesis: the recorded
    fixtures need the same inputs in every run), plus the gradcheck geometries."""
    r = np.random.default_rng(2024)
    cases = []
    for i in range(count):
        groups, cg, og = (int(v) for v in r.integers(1, 4, 3))
        kh, kw, sh, sw = (int(v) for v in r.integers(1, 4, 4))
        dh, dw = (int(v) for v in r.integers(1, 3, 2))
        ph, pw = (int(v) for v in r.integers(0, 3, 2))
        h = int(r.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 8))
        w = int(r.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 8))
        g = dict(n=i % 4, c=cg * groups, o=og * groups, groups=groups, k=(kh, kw), stride=(sh, sw),
                 padding=(ph, pw), dilation=(dh, dw), hw=(h, w))
        req = tuple(bool(v) for v in r.integers(0, 2, 3))
        cases.append((g, (np.float64, np.float32)[i % 2], ("contig", "step", "T")[i % 3], bool(i % 5), req, i))
    return cases + [(g, np.float64, "contig", True, (True, True, True), 100 + i) for i, g in enumerate(GRADCHECK_CASES)]


@pytest.mark.parametrize("case", range(len(_fixed_conv_cases())))
def test_conv2d_fixed_cases_match_torch(case):
    check_conv2d(*_fixed_conv_cases()[case], torch_ref)


@needs_torch
def test_bench_shape_matches_torch_and_threads_agree():
    """The benchmark's shape (many images: the per-image parallel split) at 1 and 2 threads."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3, 32, 32)).astype(np.float32)
    w = (rng.standard_normal((64, 3, 3, 3)) * 0.2).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    cot = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv2d(tx, tw, tb, padding=1)
    ty.backward(torch.tensor(cot))
    old = rtorch.get_num_threads()
    try:
        for threads in (1, 2):
            rtorch.set_num_threads(threads)
            rx, rw, rb = (rtorch.tensor(a, requires_grad=True) for a in (x, w, b))
            ry = F.conv2d(rx, rw, rb, padding=1)
            ry.backward(rtorch.tensor(cot))
            np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-4)
            for r, t in ((rx, tx), (rw, tw), (rb, tb)):
                np.testing.assert_allclose(r.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=2e-3)
    finally:
        rtorch.set_num_threads(old)


@needs_torch
def test_large_single_image_uses_threads_inside_gemm():
    """One big image (fewer images than threads): the product itself is split."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 16, 40, 40))
    w = rng.standard_normal((32, 16, 3, 3))
    rx, rw = rtorch.tensor(x, requires_grad=True), rtorch.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ry, ty = F.conv2d(rx, rw, stride=2, padding=1), torch.nn.functional.conv2d(tx, tw, stride=2, padding=1)
    np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    (ry * ry).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(rx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(rw.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_inputs_compute_in_f32(dtype):
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((6, 2, 3, 3)), rng.standard_normal(6)

    def side(lib):  # output and gradients, as float32 (NumPy has no bfloat16), and their dtypes
        ts = [lib.tensor(a).to(getattr(lib, dtype)).requires_grad_() for a in (x, w, b)]
        y = lib.nn.functional.conv2d(*ts, padding=1, groups=2)
        y.float().sum().backward()
        return [y.dtype] + [a.grad.dtype for a in ts], [y.float().detach().numpy()] + [a.grad.float().numpy() for a in ts]
    (dtypes, ours), (ref_dtypes, ref) = side(rtorch), torch_ref(side)
    assert dtypes == ref_dtypes == [getattr(rtorch, dtype)] * 4
    # Both round the f32 result once; allow a few ulps of the 16-bit type.
    tol = 2e-2 if dtype == "float16" else 1e-1
    np.testing.assert_allclose(ours[0], ref[0], rtol=tol, atol=tol)
    for a, c in zip(ours[1:], ref[1:]):
        np.testing.assert_allclose(a, c, rtol=tol, atol=tol * 4)


@pytest.mark.parametrize("g", GRADCHECK_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_gradcheck_and_gradgradcheck(g, bias):
    rng = np.random.default_rng(5)
    x = rtorch.tensor(rng.standard_normal((g["n"], g["c"]) + g["hw"]), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((g["o"], g["c"] // g["groups"]) + g["k"]), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(g["o"]), requires_grad=True)
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"])
    if bias:
        fn, ins = (lambda x, w, b: F.conv2d(x, w, b, **kw)), (x, w, b)
    else:
        fn, ins = (lambda x, w: F.conv2d(x, w, None, **kw)), (x, w)
    assert gradcheck(fn, ins)
    assert gradgradcheck(fn, ins)


def test_double_backward_matches_torch():
    """create_graph: the gradient is itself differentiable (the composed path), as in PyTorch."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((4, 2, 3, 3))

    def side(lib):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, stride=2, padding=1, groups=2)
        gx, = lib.autograd.grad((y * y).sum(), [xt], create_graph=True)
        assert gx.requires_grad
        (gx * gx).sum().backward()
        return gx.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()
    out = side(rtorch), torch_ref(side)
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-9)


def test_unbatched_and_conv1d_go_through_the_fused_op():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    x1, w1 = rng.standard_normal((2, 3, 9)), rng.standard_normal((4, 3, 2))
    t, t1 = torch_ref(lambda torch: (torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1),
                                     torch.nn.functional.conv1d(torch.tensor(x1), torch.tensor(w1), stride=2)))
    r = F.conv2d(rtorch.tensor(x, requires_grad=True), rtorch.tensor(w), padding=1)
    assert r.grad_fn is not None
    assert_close(r, t, rtol=1e-10, atol=1e-10)
    r1 = F.conv1d(rtorch.tensor(x1, requires_grad=True), rtorch.tensor(w1), stride=2)
    assert_close(r1, t1, rtol=1e-10, atol=1e-10)


def test_no_grad_records_nothing_and_saved_input_modified_raises():
    rng = np.random.default_rng(8)
    x = rtorch.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    with rtorch.no_grad():
        assert F.conv2d(x, w).grad_fn is None
    x2 = rtorch.tensor(rng.standard_normal((1, 2, 4, 4)))
    y = F.conv2d(x2, w)
    x2.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_bad_shapes_raise():
    x = rtorch.zeros((1, 4, 5, 5))
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 3, 3, 3)))  # channel mismatch
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 4, 7, 7)))  # kernel larger than input
    with pytest.raises(RuntimeError):
        F.conv2d(x, rtorch.zeros((2, 4, 3, 3)), rtorch.zeros(3))  # bias size


@pytest.mark.parametrize("stride", [1, 2])
def test_taps_entirely_in_the_padding(stride):
    # Padding wider than the input: some kernel taps see only padding for every output column
    # (their column range is empty and starts left of the row); this used to index out of bounds.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 3, 1)).astype(np.float64)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float64)
    kw = dict(stride=stride, padding=3, dilation=3)

    def side(lib):
        xs, ws = lib.from_numpy(x).requires_grad_(), lib.from_numpy(w).requires_grad_()
        y = lib.nn.functional.conv2d(xs, ws, **kw)
        y.sum().backward()
        return y.detach().numpy(), xs.grad.numpy(), ws.grad.numpy()
    for a, c in zip(side(rtorch), torch_ref(side)):
        assert a.dtype == c.dtype
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)


@needs_conv2d
@needs_max_pool2d
def test_mnist_cnn_trains_a_few_steps():
    rtorch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    x = rtorch.randn(16, 1, 28, 28)
    y = rtorch.randint(0, 10, (16,))
    opt = rtorch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


# ------------------------------------------------------------------ depthwise (one input channel per group)
def _dense_from_depthwise(w, c):
    """The [O, C, kh, kw] dense weight equal to a depthwise one (zero outside each group's channel)."""
    o = w.shape[0]
    dense = np.zeros((o, c) + w.shape[2:], w.dtype)
    for oc in range(o):
        dense[oc, oc // (o // c)] = w[oc, 0]
    return dense


@needs_conv2d
@pytest.mark.parametrize("mult", [1, 2])
@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2, padding=3), dict(stride=(1, 2), padding=(0, 2), dilation=2),
                                dict(padding="same", dilation=(2, 1)), dict()], ids=str)
@pytest.mark.parametrize("kernel", [(3, 3), (7, 7), (1, 2)], ids=str)
def test_depthwise_conv_forward_backward(kw, kernel, mult, num_threads):
    rng = np.random.default_rng(kernel[0] * 10 + mult)
    c = 6
    x = rng.standard_normal((2, c, 15, 17))  # a 7x7 kernel dilated by 2 still fits
    w = rng.standard_normal((c * mult, 1) + kernel)
    b = rng.standard_normal(c * mult)
    ref = np_conv2d(x, w, b, groups=c, **kw)
    rx, rw, rb = (rtorch.tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(rx, rw, rb, groups=c, **kw)
    assert_close(y, ref, rtol=1e-10, atol=1e-10)
    cot = rng.standard_normal(ref.shape)
    y.backward(rtorch.tensor(cot))
    # The same convolution as a dense one (block-diagonal weight) through the im2col/gemm kernels.
    dx, dw_, db = (rtorch.tensor(a, requires_grad=True) for a in (x, _dense_from_depthwise(w, c), b))
    F.conv2d(dx, dw_, db, **kw).backward(rtorch.tensor(cot))
    assert_close(rx.grad, dx.grad.numpy(), rtol=1e-9, atol=1e-9)
    dense_g = dw_.grad.numpy()
    assert_close(rw.grad, np.stack([dense_g[oc, oc // mult] for oc in range(c * mult)])[:, None], rtol=1e-9, atol=1e-9)
    assert_close(rb.grad, db.grad.numpy(), rtol=1e-9, atol=1e-9)
    y32 = F.conv2d(rtorch.tensor(x.astype(np.float32)), rtorch.tensor(w.astype(np.float32)),
                   rtorch.tensor(b.astype(np.float32)), groups=c, **kw)
    assert_close(y32, ref.astype(np.float32), rtol=1e-4, atol=1e-4)


@needs_conv2d
def test_depthwise_conv_gradcheck_and_large_planes(num_threads):
    rng = np.random.default_rng(5)
    x = rtorch.tensor(rng.standard_normal((2, 3, 6, 5)), requires_grad=True)
    w = rtorch.tensor(rng.standard_normal((6, 1, 3, 2)), requires_grad=True)
    b = rtorch.tensor(rng.standard_normal(6), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=3),
                     (x, w, b))
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, None, padding=1, groups=3), (x, w))
    # Enough planes and taps to run across threads (8 x 64 planes of 56 x 56), float32.
    xa = rng.standard_normal((8, 64, 56, 56)).astype(np.float32)
    wa = rng.standard_normal((64, 1, 3, 3)).astype(np.float32)
    got = F.conv2d(rtorch.tensor(xa), rtorch.tensor(wa), None, padding=1, groups=64).numpy()
    ref = np_conv2d(xa[:2].astype(np.float64), wa.astype(np.float64), None, padding=1, groups=64)
    np.testing.assert_allclose(got[:2], ref, rtol=1e-4, atol=1e-4)
    assert np.isfinite(got).all()
