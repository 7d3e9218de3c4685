"""assert_close / assert_allclose: pairwise comparison of tensors, arrays, scalars and containers of them,
with PyTorch's default tolerances per dtype and its mismatch messages."""
from __future__ import annotations

import cmath
import collections.abc

import numpy as np

import rtorch

# dtype name -> (rtol, atol); a dtype not listed (integers, bool) compares exactly.
_PRECISIONS = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex32": (1e-3, 1e-5), "complex64": (1.3e-6, 1e-5),
               "complex128": (1e-7, 1e-7)}
# assert_allclose's (older, looser) table.
_ALLCLOSE_PRECISIONS = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8)}


class _Mismatch(Exception):
    """A comparison failure raised deep in a container; `path` collects the keys/indices on the way out."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind, self.text, self.path = kind, text, []


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def _tolerances(*dtypes, table=_PRECISIONS):
    rtols, atols = zip(*[table.get(_dtype_name(d), (0.0, 0.0)) for d in dtypes])
    return max(rtols), max(atols)


def _diff_line(kind, diff, idx, tol, exact):
    line = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
    return line if exact else line + f" (up to {tol} allowed)"


def _mismatch_text(what, rtol, atol, extra, abs_diff, abs_idx, rel_diff, rel_idx):
    exact = rtol == 0 and atol == 0
    parts = [f"{what} are not {'equal' if exact else 'close'}!", ""]
    if extra:
        parts.append(extra)
    parts.append(_diff_line("absolute", abs_diff, abs_idx, atol, exact))
    parts.append(_diff_line("relative", rel_diff, rel_idx, rtol, exact))
    return "\n".join(parts)


def _scalar_text(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_text("Scalars", rtol, atol, f"Expected {expected} but got {actual}.", abs_diff, None,
                          rel_diff, None)


def _unravel(flat, shape):
    idx = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size)
        idx.append(rem)
    return tuple(reversed(idx))


def _tensor_text(actual, expected, matches, rtol, atol):
    n = matches.numel()
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    a, e, ok = actual.flatten(), expected.flatten(), matches.flatten()
    if not a.dtype.is_floating_point:
        # integer differences in int64 so that unsigned and narrow types do not wrap
        a, e = a.to(rtorch.int64), e.to(rtorch.int64)
    abs_diff = (a - e).abs()
    abs_diff = abs_diff.masked_fill(ok, 0)
    rel_diff = (abs_diff / e.abs()).masked_fill(ok, 0)
    amax, aidx = rtorch.max(abs_diff, 0)
    rmax, ridx = rtorch.max(rel_diff, 0)
    return _mismatch_text("Tensor-likes", rtol, atol, extra, amax.item(), _unravel(int(aidx), matches.shape),
                          rmax.item(), _unravel(int(ridx), matches.shape))


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_device, check_dtype, check_layout,
                     check_stride):
    def attr_mismatch(name, a, e):
        raise _Mismatch(AssertionError, f"The values for attribute '{name}' do not match: {a} != {e}.")

    if actual.shape != expected.shape:
        attr_mismatch("shape", actual.shape, expected.shape)
    if actual.layout != expected.layout:
        if check_layout:
            attr_mismatch("layout", actual.layout, expected.layout)
    elif check_stride and actual.stride() != expected.stride():
        attr_mismatch("stride()", actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        attr_mismatch("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        attr_mismatch("dtype", actual.dtype, expected.dtype)
    if rtol is None:
        rtol, atol = _tolerances(actual.dtype, expected.dtype)
    actual, expected = actual.detach(), expected.detach()
    if actual.device != expected.device:
        actual, expected = actual.cpu(), expected.cpu()
    if actual.dtype != expected.dtype:
        common = rtorch.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    if actual.numel() == 0:
        return
    if actual.dtype == rtorch.bool:
        matches = actual == expected
    else:
        matches = rtorch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.dim() == 0:
        text = _scalar_text(actual.item(), expected.item(), rtol, atol)
    else:
        text = _tensor_text(actual, expected, matches, rtol, atol)
    raise _Mismatch(AssertionError, text)


def _number_dtype(x):
    if isinstance(x, bool):
        return rtorch.bool
    if isinstance(x, int):
        return rtorch.int64
    if isinstance(x, complex):
        return "complex128"
    return rtorch.float64


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    if rtol is None:
        rtol, atol = _tolerances(_number_dtype(actual), _number_dtype(expected))
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    diff = abs(actual - expected)
    if cmath.isfinite(diff) and diff <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_text(actual, expected, rtol, atol))


def _is_number(x):
    return isinstance(x, (int, float, complex, np.number)) and not isinstance(x, (bool, np.bool_))


def _unsupported(actual, expected):
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                               f"{type(expected)}.")


def _compare(actual, expected, opts):
    if actual is None or expected is None:
        if not (actual is None and expected is None):
            raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}")
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        return
    if _is_number(actual) and _is_number(expected):
        a = actual.item() if isinstance(actual, np.number) else actual
        e = expected.item() if isinstance(expected, np.number) else expected
        return _compare_numbers(a, e, opts["rtol"], opts["atol"], opts["equal_nan"], opts["check_dtype"])
    tensor_a, tensor_e = isinstance(actual, rtorch.Tensor), isinstance(expected, rtorch.Tensor)
    array_a, array_e = isinstance(actual, np.ndarray), isinstance(expected, np.ndarray)
    if (tensor_a and tensor_e) or (array_a and array_e):
        if array_a:
            actual, expected = rtorch.as_tensor(actual), rtorch.as_tensor(expected)
        elif not opts["allow_subclasses"] and type(actual) is not type(expected):
            _unsupported(actual, expected)
        return _compare_tensors(actual, expected, opts["rtol"], opts["atol"], opts["equal_nan"],
                                opts["check_device"], opts["check_dtype"], opts["check_layout"],
                                opts["check_stride"])
    if isinstance(actual, str) or isinstance(expected, str):
        _unsupported(actual, expected)
    if isinstance(actual, collections.abc.Sequence) and isinstance(expected, collections.abc.Sequence):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare_item(a, e, i, opts)
        return
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            missing, extra = _sorted(ke - ka), _sorted(ka - ke)
            raise _Mismatch(AssertionError, f"The keys of the mappings do not match:\nMissing keys in the actual "
                                            f"mapping: {missing}\nAdditional keys in the actual mapping: {extra}")
        for k in _sorted(ka):
            _compare_item(actual[k], expected[k], k, opts)
        return
    _unsupported(actual, expected)


def _sorted(keys):
    try:
        return sorted(keys)
    except TypeError:  # keys of mixed types: any stable order
        return sorted(keys, key=repr)


def _compare_item(a, e, key, opts):
    try:
        _compare(a, e, opts)
    except _Mismatch as m:
        m.path.insert(0, key)
        raise


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    r"""Asserts that ``actual`` and ``expected`` are close.

    Tensors (and NumPy arrays) must have the same shape, and unless disabled the same device, dtype and
    layout (and the same strides with ``check_stride=True``); their values are close when
    ``|actual - expected| <= atol + rtol * |expected|`` elementwise (NaNs equal only with ``equal_nan``).
    Without ``rtol``/``atol`` the tolerances come from the dtypes: float16 (1e-3, 1e-5), bfloat16
    (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7), other dtypes exact. Python scalars
    compare as numbers, and sequences and mappings element by element (the failure names the item).

    Args:
        actual (Any): the actual input.
        expected (Any): the expected input.
        allow_subclasses (bool): allow inputs of tensor subclasses. Default True.
        rtol (float, optional): relative tolerance; given together with ``atol``.
        atol (float, optional): absolute tolerance; given together with ``rtol``.
        equal_nan (bool): whether two NaNs are equal. Default False.
        check_device (bool): require the same device. Default True.
        check_dtype (bool): require the same dtype (else both are promoted). Default True.
        check_layout (bool): require the same layout. Default True.
        check_stride (bool): require the same strides. Default False.
        msg (str or Callable[[str], str], optional): replaces the generated message (or maps it).

    Raises:
        ValueError: if only one of ``rtol`` and ``atol`` is given.
        TypeError: if the inputs cannot be compared (e.g. a tensor and a number).
        AssertionError: if the inputs are not close.

    Example::

        >>> rtorch.testing.assert_close(rtorch.tensor([1.0, 2.0]), rtorch.tensor([1.0, 2.0 + 1e-7]))
        >>> rtorch.testing.assert_close({"a": [1, 2]}, {"a": [1, 2]})
    """
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, "
                         f"but got no {'rtol' if rtol is None else 'atol'}.")
    opts = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                check_device=check_device, check_dtype=check_dtype, check_layout=check_layout,
                check_stride=check_stride)
    try:
        _compare(actual, expected, opts)
    except _Mismatch as m:
        text = m.text
        if m.kind is AssertionError and msg is not None:
            text = msg(text) if callable(msg) else msg
        elif m.path:
            text += "\n\nThe failure occurred for item " + "".join(f"[{k!r}]" for k in m.path)
        raise m.kind(text) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated: asserts ``actual`` and ``expected`` are close with looser default tolerances.

    Non-tensor inputs become tensors (``expected`` in ``actual``'s dtype); dtypes need not match. Defaults:
    float16 (1e-3, 1e-3), float32 (1e-4, 1e-5), float64 (1e-5, 1e-8). Use :func:`assert_close`.

    Args:
        actual (Any): the actual input.
        expected (Any): the expected input.
        rtol (float, optional): relative tolerance.
        atol (float, optional): absolute tolerance.
        equal_nan (bool): whether two NaNs are equal. Default True.
        msg (str): replaces the generated message when not empty.

    Example::

        >>> rtorch.testing.assert_allclose(rtorch.tensor([1.0, 2.0]), [1.0, 2.00001])
    """
    if not isinstance(actual, rtorch.Tensor):
        actual = rtorch.tensor(actual)
    if not isinstance(expected, rtorch.Tensor):
        expected = rtorch.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances(actual.dtype, expected.dtype, table=_ALLCLOSE_PRECISIONS)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
