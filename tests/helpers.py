"""Helpers shared by the test files: the strict comparison `assert_close`, tensor/array converters, the NumPy
references used by more than one file, and optional access to PyTorch for the parity tests."""
import importlib.util
import math
import pathlib
import re

import numpy as np
import pytest

import rtorch

# ------------------------------------------------------------------ comparison


def _dtype_name(x):
    """The dtype name ("float32", "int64", ...) of a dtype, a tensor (rtorch or PyTorch) or a NumPy value;
    None for Python numbers and lists."""
    if isinstance(x, str):
        return x
    dt = x if isinstance(x, (rtorch.dtype, np.dtype)) else getattr(x, "dtype", None)
    if dt is None:
        return None
    return dt.name if isinstance(dt, np.dtype) else str(dt).split(".")[-1]


def _python_dtype_name(values):
    """PyTorch's inference for Python values: bool, int64, or the default float dtype."""
    kind = np.asarray(values).dtype.kind
    return {"b": "bool", "i": "int64", "u": "int64"}.get(kind, _dtype_name(rtorch.get_default_dtype()))


def _as_numpy(x):
    if isinstance(x, rtorch.Tensor) or type(x).__module__.startswith("torch"):
        x = x.detach()
        if _dtype_name(x) == "bfloat16":  # NumPy has no bfloat16: compare its (exact) float32 values
            x = x.float()
        return np.asarray(x.cpu() if hasattr(x, "cpu") else x)
    return np.asarray(x)


def assert_close(actual, expected, rtol=1e-5, atol=1e-6, *, dtype=None, equal_nan=True):
    """Assert that the rtorch tensor `actual` has the shape, dtype and values of `expected`.

    The dtype is checked too: it is `expected`'s dtype when `expected` is a tensor (rtorch or PyTorch) or a
    NumPy array / scalar, and the dtype PyTorch infers for a Python number or list (bool, int64, float32).
    When `expected` is a more precise oracle (a float64 NumPy reference for a float32 result), name the
    dtype the result must have with ``dtype=``. Floating values match when |a - e| <= atol + rtol * |e|
    (NaN equals NaN unless equal_nan=False); integer and bool values must be equal.

    Args:
        actual: the rtorch tensor under test.
        expected: the reference values.
        rtol, atol: relative and absolute tolerance for floating dtypes.
        dtype: the dtype `actual` must have (an rtorch dtype or its name), instead of `expected`'s.
        equal_nan: whether NaN in both places counts as equal.

    Example:
        >>> assert_close(rtorch.tensor([1.0, 2.0]) * 2, np.array([2.0, 4.0], np.float32))
        >>> assert_close(rtorch.ones(2).exp(), np.exp(np.ones(2)), dtype=rtorch.float32)
    """
    if not isinstance(actual, rtorch.Tensor):
        raise TypeError(f"assert_close: actual must be an rtorch.Tensor, got {type(actual).__name__}")
    want = _dtype_name(dtype) if dtype is not None else _dtype_name(expected)
    if want is None:
        want = _python_dtype_name(expected)
    got_dtype = _dtype_name(actual)
    assert got_dtype == want, f"dtype {got_dtype} != {want}"
    got, exp = _as_numpy(actual), _as_numpy(expected)
    assert got.shape == exp.shape, f"shape {got.shape} != {exp.shape}"
    if got.dtype.kind in "biu" and exp.dtype.kind in "biu":
        np.testing.assert_array_equal(got, exp)
    else:
        np.testing.assert_allclose(got.astype(np.float64), exp.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=equal_nan)


# ------------------------------------------------------------------ thread grain
def _thread_grain():
    """GRAIN from src/cpu/iter.rs: below this many elements a CPU kernel stays on the calling thread."""
    src = (pathlib.Path(__file__).resolve().parent.parent / "src" / "cpu" / "iter.rs").read_text()
    m = re.search(r"pub const GRAIN: usize = (?:1 << (\d+)|([\d_]+));", src)
    assert m, "GRAIN not found in src/cpu/iter.rs"
    return 1 << int(m.group(1)) if m.group(1) else int(m.group(2).replace("_", ""))


GRAIN = _thread_grain()
# Sizes around the grain where kernels change strategy: GRAIN - 1 stays on one thread; GRAIN and
# GRAIN + 1 are split into chunks; 2 * GRAIN + 1 (65537, prime) is the first single row that a
# reduction cuts into pieces merged in order; 100_001 and 100_003 (prime) cut unevenly too.
GRAIN_SIZES = [GRAIN - 1, GRAIN, GRAIN + 1, 2 * GRAIN + 1, 100_001, 100_003]


# ------------------------------------------------------------------ tensors and arrays
def t(a, dtype=rtorch.float64, requires_grad=False):
    """An rtorch tensor of `dtype` holding the values of `a` (made through float64)."""
    x = rtorch.tensor(np.asarray(a, dtype=np.float64)).to(dtype)
    return x.requires_grad_(True) if requires_grad else x


def n(x):
    """The NumPy values of a tensor (detached)."""
    return x.detach().numpy()


def leaf(*shape, lo=-2.0, hi=2.0, seed=0):
    """A float64 leaf that requires grad, uniform in [lo, hi); `shape` as sizes or one tuple."""
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    g = np.random.default_rng(seed)
    return rtorch.tensor(g.uniform(lo, hi, size=shape), dtype=rtorch.float64, requires_grad=True)


def randn_leaf(*shape, seed=0):
    """A float64 leaf that requires grad, standard normal."""
    return rtorch.from_numpy(np.random.default_rng(seed).standard_normal(shape)).requires_grad_()


def randn_pair(*shape, dtype=rtorch.float64, seed=0, requires_grad=False):
    """(rtorch tensor of `dtype`, the float64 NumPy array it was made from), standard normal."""
    a = np.random.default_rng(seed).standard_normal(shape)
    x = rtorch.tensor(a).to(dtype)
    if requires_grad:
        x.requires_grad_(True)
    return x, a


def noncontig(x, how="transpose"):
    """A view with the values of `x` that is not contiguous: transposed back from a transposed copy, or
    every other element of a twice-as-long last dim ("step")."""
    if how == "transpose" and x.ndim >= 2:
        return x.transpose(0, 1).contiguous().transpose(0, 1)
    if how == "step":
        big = rtorch.zeros(*x.shape[:-1], 2 * x.shape[-1], dtype=x.dtype)
        big[..., ::2] = x
        return big[..., ::2]
    return x


def random_tensor(dtype, shape, seed=0):
    """A tensor of `dtype` with random bits (floats include NaNs with payloads, infs, -0.0, subnormals)."""
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape))
    if dtype == rtorch.bool:
        return rtorch.from_numpy(rng.integers(0, 2, count).astype(np.bool_).reshape(shape))
    if dtype == rtorch.bfloat16:
        return rtorch.from_numpy(rng.integers(-2**15, 2**15, count).astype(np.int16).reshape(shape)).view(dtype)
    np_dt = np.dtype(dtype.name)
    raw = rng.integers(0, 256, count * np_dt.itemsize).astype(np.uint8)
    return rtorch.from_numpy(raw.view(np_dt).reshape(shape).copy())


# ------------------------------------------------------------------ NumPy references (float64)
def np_softmax(x, axis=-1):
    """Softmax along `axis`; a row that is all -inf gives NaN, as softmax does."""
    with np.errstate(invalid="ignore"):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


def np_layer_norm(x, k, w=None, b=None, eps=1e-5):
    """layer_norm over the last `k` dims, then `* w + b` where given."""
    axes = tuple(range(x.ndim - k, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


def np_mha(q, k, v, p, H, attn_mask=None, kpm=None, sep=False):
    """Reference multi-head attention on (L, N, E) inputs with the parameters ``p`` (NumPy state_dict):
    (output, attention weights per head)."""
    E = q.shape[-1]
    d = E // H
    if sep:
        wq, wk, wv = p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]
    else:
        wq, wk, wv = np.split(p["in_proj_weight"], 3)
    bq, bk, bv = np.split(p["in_proj_bias"], 3) if "in_proj_bias" in p else (0, 0, 0)
    Q, K, V = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv
    L, N = q.shape[0], q.shape[1]
    Q, K, V = (a.reshape(a.shape[0], N, H, d).transpose(1, 2, 0, 3) for a in (Q, K, V))  # (N, H, len, d)
    s = Q @ K.swapaxes(-1, -2) / math.sqrt(d)
    if attn_mask is not None:
        s = np.where(attn_mask, -np.inf, s) if attn_mask.dtype == bool else s + attn_mask
    if kpm is not None:
        s = np.where(kpm[:, None, None, :], -np.inf, s)
    w = np_softmax(s)
    o = (w @ V).transpose(2, 0, 1, 3).reshape(L, N, E)
    return o @ p["out_proj.weight"].T + p.get("out_proj.bias", 0), w


# ------------------------------------------------------------------ modules
def np_state(m):
    """A module's state_dict as NumPy arrays."""
    return {k: n(v) for k, v in m.state_dict().items()}


def randomize(m, rng, scale=0.5):
    """Overwrite every parameter of `m` with scaled standard-normal values (so biases and norms matter)."""
    with rtorch.no_grad():
        for p in m.parameters():
            p.copy_(t(rng.standard_normal(tuple(p.shape)) * scale).to(p.dtype))
    return m


def rnn_module(mode, input_size, hidden, **kw):
    """An nn.LSTM / nn.GRU, or an nn.RNN for mode "RNN_TANH" / "RNN_RELU"."""
    if mode.startswith("RNN"):
        return rtorch.nn.RNN(input_size, hidden, nonlinearity="relu" if mode == "RNN_RELU" else "tanh", **kw)
    return getattr(rtorch.nn, mode)(input_size, hidden, **kw)


# ------------------------------------------------------------------ PyTorch (optional)
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")


def optional_torch():
    """PyTorch when it is installed, else None (parity tests then skip or compare with rtorch alone)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def to_torch(torch, x, requires_grad=False):
    """A PyTorch tensor with the values of the NumPy array `x`."""
    y = torch.tensor(np.asarray(x))
    return y.requires_grad_(True) if requires_grad else y


def copy_weights(torch_module, rt_module):
    """Load the PyTorch module's state_dict into the rtorch module (the key sets must be equal)."""
    sd = {k: rtorch.tensor(v.detach().cpu().numpy()) for k, v in torch_module.state_dict().items()}
    assert list(sd) == list(rt_module.state_dict())
    rt_module.load_state_dict(sd)


def assert_grads_match(torch_module, rt_module, atol=1e-5):
    """Every parameter gradient of the rtorch module equals the PyTorch module's (absent ones: zero)."""
    tp = dict(torch_module.named_parameters())
    for name, p in rt_module.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None or np.allclose(n(p.grad), 0), name
            continue
        np.testing.assert_allclose(n(p.grad), tp[name].grad.numpy(), rtol=1e-4, atol=atol, err_msg=name)


# ------------------------------------------------------------------ native ops that may be missing
def has_native(name):
    """Whether the native module provides `name` (tests of a missing op skip instead of failing)."""
    return hasattr(rtorch._rtorch, name)


needs_conv2d = pytest.mark.skipif(not has_native("conv2d"), reason="rtorch._rtorch has no conv2d yet")
needs_max_pool2d = pytest.mark.skipif(not has_native("max_pool2d"), reason="rtorch._rtorch has no max_pool2d yet")
needs_avg_pool2d = pytest.mark.skipif(not has_native("avg_pool2d"), reason="rtorch._rtorch has no avg_pool2d yet")
needs_adaptive = pytest.mark.skipif(not has_native("adaptive_avg_pool2d"),
                                    reason="rtorch._rtorch has no adaptive_avg_pool2d yet")
