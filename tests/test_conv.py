"""Tests for nn.Conv1d / Conv2d / MaxPool2d / AvgPool2d / AdaptiveAvgPool2d: construction, parameters,
state_dict, repr; and (when the native core has the ops) forward and backward against NumPy references."""
import math

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch.autograd.gradcheck import gradcheck


def has_native(name):
    return hasattr(rtorch._rtorch, name)


needs_conv2d = pytest.mark.skipif(not has_native("conv2d"), reason="rtorch._rtorch has no conv2d yet")
needs_max_pool2d = pytest.mark.skipif(not has_native("max_pool2d"), reason="rtorch._rtorch has no max_pool2d yet")
needs_avg_pool2d = pytest.mark.skipif(not has_native("avg_pool2d"), reason="rtorch._rtorch has no avg_pool2d yet")
needs_adaptive = pytest.mark.skipif(not has_native("adaptive_avg_pool2d"),
                                    reason="rtorch._rtorch has no adaptive_avg_pool2d yet")


def n(x):
    return x.detach().numpy()


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


def test_pool_repr_matches_pytorch():
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool2d((3, 2), stride=(2, 1))) == \
        "MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool2d(3, stride=2, padding=1)) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"
    assert repr(nn.AdaptiveAvgPool2d((5, None))) == "AdaptiveAvgPool2d(output_size=(5, None))"
    assert list(nn.MaxPool2d(2).state_dict()) == [] and list(nn.MaxPool2d(2).parameters()) == []


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


def np_pool2d(x, k, s, p, op, dilation=1, count_include_pad=True):
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (s, s) if isinstance(s, int) else s
    ph, pw = (p, p) if isinstance(p, int) else p
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    H, W = xp.shape[2:]
    OH = (H - dh * (kh - 1) - 1) // sh + 1
    OW = (W - dw * (kw - 1) - 1) // sw + 1
    wins, cnts = [], []
    for i in range(kh):
        for j in range(kw):
            sl = (slice(None), slice(None), slice(i * dh, i * dh + sh * (OH - 1) + 1, sh),
                  slice(j * dw, j * dw + sw * (OW - 1) + 1, sw))
            wins.append(xp[sl])
            cnts.append(ones[sl])
    wins = np.stack(wins)
    if op == "max":
        return wins.max(0)
    return wins.sum(0) / (kh * kw if count_include_pad else np.stack(cnts).sum(0))


def rand(*shape, dtype=rtorch.float64, seed=0, requires_grad=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    t = rtorch.tensor(a).to(dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t, a


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
    x, xa = rand(2, 4, 7, 8, seed=1)
    groups = kw.get("groups", 1)
    w, wa = rand(6 if groups != 4 else 4, 4 // groups, *kernel, seed=2)
    b, ba = rand(w.shape[0], seed=3)
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
    x, xa = rand(2, 3, 6, 6)
    ref = np_conv2d(xa, n(m.weight), n(m.bias), padding=1)
    np.testing.assert_allclose(n(m(x)), ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(n(m(x[0])), ref[0], rtol=1e-10, atol=1e-10)


@needs_conv2d
def test_conv1d_forward_matches_numpy():
    x, xa = rand(2, 4, 11)
    w, wa = rand(6, 2, 3, seed=1)
    b, ba = rand(6, seed=2)
    for kw in [dict(), dict(stride=2, padding=1, groups=2), dict(padding="same", dilation=2)]:
        kw2 = dict(kw)
        kw2.setdefault("groups", 1)
        if kw2["groups"] == 1:
            w_, wa_ = rand(6, 4, 3, seed=1)
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
    x, _ = rand(2, 4, 5, 6, requires_grad=True)
    w, _ = rand(4, 2, 3, 2, seed=1, requires_grad=True)
    b, _ = rand(4, seed=2, requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
                     (x, w, b))
    assert gradcheck(lambda x, w: F.conv2d(x, w, None, padding="same"), (x, rand(3, 4, 2, 2, requires_grad=True)[0]))


@needs_max_pool2d
@pytest.mark.parametrize("args", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0)), (3, 1, 0)], ids=str)
def test_max_pool2d_matches_numpy(args):
    k, s, p = args
    x, xa = rand(2, 3, 7, 8)
    out = F.max_pool2d(x, k, s, p)
    ref = np_pool2d(xa, k, s if s is not None else k, p, "max")
    np.testing.assert_array_equal(n(out), ref)
    np.testing.assert_array_equal(n(nn.MaxPool2d(k, s, p)(x)), ref)
    np.testing.assert_array_equal(n(F.max_pool2d(x[0], k, s, p)), ref[0])


@needs_max_pool2d
def test_max_pool2d_backward_routes_to_argmax():
    x, xa = rand(1, 2, 4, 4, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    g = n(x.grad)
    blocks = xa.reshape(1, 2, 2, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(1, 2, 2, 2, 4)
    expected = np.zeros_like(xa)
    for c in range(2):
        for i in range(2):
            for j in range(2):
                a = blocks[0, c, i, j].argmax()
                expected[0, c, 2 * i + a // 2, 2 * j + a % 2] = 1
    np.testing.assert_array_equal(g, expected)


@needs_max_pool2d
def test_max_pool2d_return_indices():
    x, xa = rand(2, 3, 6, 5)
    v, idx = F.max_pool2d(x, 2, return_indices=True)
    assert idx.dtype == rtorch.int64 and tuple(idx.shape) == tuple(v.shape) == (2, 3, 3, 2)
    np.testing.assert_array_equal(np.take_along_axis(xa.reshape(2, 3, -1), n(idx).reshape(2, 3, -1), 2),
                                  n(v).reshape(2, 3, -1))
    v2, idx2 = nn.MaxPool2d(2, return_indices=True)(x)
    np.testing.assert_array_equal(n(idx2), n(idx))


@needs_avg_pool2d
@pytest.mark.parametrize("args", [(2, None, 0, True), (3, 2, 1, True), (3, 2, 1, False),
                                  ((2, 3), (2, 1), (1, 1), True)], ids=str)
def test_avg_pool2d_matches_numpy(args):
    k, s, p, cip = args
    x, xa = rand(2, 3, 7, 8)
    out = F.avg_pool2d(x, k, s, p, count_include_pad=cip)
    ref = np_pool2d(xa, k, s if s is not None else k, p, "avg", count_include_pad=cip)
    np.testing.assert_allclose(n(out), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(n(nn.AvgPool2d(k, s, p, count_include_pad=cip)(x)), ref, rtol=1e-10, atol=1e-12)
    if cip:
        kk = k if isinstance(k, tuple) else (k, k)
        np.testing.assert_allclose(n(F.avg_pool2d(x, k, s, p, divisor_override=5)), ref * kk[0] * kk[1] / 5,
                                   rtol=1e-10, atol=1e-12)


@needs_adaptive
def test_adaptive_avg_pool2d():
    x, xa = rand(2, 3, 6, 8)
    np.testing.assert_allclose(n(nn.AdaptiveAvgPool2d(1)(x)), xa.mean((2, 3), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(n(nn.AdaptiveAvgPool2d((3, None))(x)),
                               xa.reshape(2, 3, 3, 2, 8).mean(3), rtol=1e-12)


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
