"""make_tensor: random test tensors of any dtype with PyTorch's default ranges and layout options."""
from __future__ import annotations

import collections.abc
import math
import warnings

import rtorch

_FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")
_COMPLEX_NAMES = ("complex32", "complex64", "complex128")


def _kind(dtype):
    name = str(dtype).rsplit(".", 1)[-1]
    if name == "bool":
        return "bool"
    if name in _FLOAT_NAMES:
        return "float"
    if name in _COMPLEX_NAMES:
        return "complex"
    if name.startswith(("int", "uint")):
        return "int"
    return None


def _bounds(low, high, dtype, lowest, highest, default_low, default_high, integral):
    """The range ``[low, high)`` after PyTorch's checks: NaN and empty ranges refused, clamped to the dtype."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and not integral:
        warnings.warn("Passing `low==high` to `rtorch.testing.make_tensor` for floating or complex types is "
                      "deprecated; use `rtorch.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), but {dtype} only "
                         f"supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if integral:  # randint's upper bound is exclusive, so both ends round up
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    r"""Creates a tensor of ``shape``, ``dtype`` and ``device`` filled with values drawn uniformly from ``[low, high)``.

    Default ranges: bool ``[0, 2)``, unsigned integers ``[0, 10)``, signed integers ``[-9, 10)``, floating and
    complex types ``[-9, 9)``; given bounds outside the dtype's finite range are clamped to it.

    Args:
        shape (int or Sequence[int]): the sizes, as separate ints or one sequence.
        dtype (rtorch.dtype): the dtype of the result.
        device (str or rtorch.device): the device of the result.
        low (Number, optional): the inclusive lower bound.
        high (Number, optional): the exclusive upper bound.
        requires_grad (bool): whether autograd records operations on the result (floating types only).
        noncontiguous (bool): make the result non-contiguous (ignored below two elements).
        exclude_zero (bool): replace zeros by 1 (integers, bool) or the dtype's smallest normal number.
        memory_format (rtorch.memory_format, optional): the result's memory format; excludes ``noncontiguous``.

    Raises:
        ValueError: ``requires_grad`` for an integral dtype, ``low >= high``, a NaN bound, or both
            ``noncontiguous`` and ``memory_format``.
        TypeError: an unsupported dtype.

    Example::

        >>> t = rtorch.testing.make_tensor(2, 3, dtype=rtorch.float32, device="cpu", low=0, high=1)
        >>> t.shape, bool(((t >= 0) & (t < 1)).all())
        (rtorch.Size([2, 3]), True)
    """
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
                         f"noncontiguous={noncontiguous} and memory_format={memory_format}")
    kind = _kind(dtype)
    if kind is None:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by rtorch.testing.make_tensor().")
    if requires_grad and kind in ("bool", "int"):
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got "
                         f"dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:  # twice the last dim, then every other element from an offset of one
        shape = (*shape[:-1], 2 * shape[-1])
    if kind == "bool":
        lo, hi = _bounds(low, high, dtype, 0, 2, 0, 2, True)
        result = rtorch.randint(lo, hi, shape, device=device, dtype=dtype)
    elif kind == "int":
        info = rtorch.iinfo(dtype)
        top = info.max + (1 if dtype != rtorch.int64 else 0)  # randint cannot reach int64's max
        lo, hi = _bounds(low, high, dtype, info.min, top, -9, 10, True)
        result = rtorch.randint(lo, hi, shape, device=device, dtype=dtype)
    else:
        info = rtorch.finfo(dtype)
        lo, hi = _bounds(low, high, dtype, info.min, info.max, -9, 9, False)
        result = rtorch.empty(shape, device=device, dtype=dtype)
        target = rtorch.view_as_real(result) if kind == "complex" else result
        if hi - lo >= info.max:  # the width overflows the dtype: draw half the range and double it
            target.uniform_(lo / 2, hi / 2).mul_(2)
        else:
            target.uniform_(lo, hi)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        fill = 1 if kind in ("bool", "int") else rtorch.finfo(dtype).tiny
        result.masked_fill_(result == 0, fill)  # in place: keeps the strides chosen above
    if kind in ("float", "complex"):
        result.requires_grad_(requires_grad)
    return result
