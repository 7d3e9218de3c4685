"""Argument handling shared by the Array API functions: array checks, scalar operands, axes and devices."""
import operator

import rtorch

from . import _dtypes


def check_array(x, fn, name="x"):
    """Raise TypeError unless `x` is an rtorch Tensor (an Array API array); return it."""
    if not isinstance(x, rtorch.Tensor):
        raise TypeError(f"array_api.{fn}(): argument '{name}' must be an array (rtorch.Tensor), "
                        f"got {type(x).__name__}")
    return x


def scalar_array(value, dtype, like):
    """A 0-d array of `dtype` holding the Python scalar `value`, on `like`'s device."""
    return rtorch.tensor(value, dtype=dtype, device=like.device)


def binary_operands(fn, x1, x2):
    """Both operands of an elementwise binary function as arrays of one dtype (the standard's promotion; a
    Python scalar takes the array's dtype when its kind fits). At least one operand must be an array."""
    a1, a2 = isinstance(x1, rtorch.Tensor), isinstance(x2, rtorch.Tensor)
    if a1 and a2:
        dt = _dtypes.promote(x1.dtype, x2.dtype)
        return _cast(x1, dt), _cast(x2, dt)
    if a1:
        dt = _dtypes.with_scalar(x1.dtype, x2)
        return _cast(x1, dt), scalar_array(x2, dt, x1)
    if a2:
        dt = _dtypes.with_scalar(x2.dtype, x1)
        return scalar_array(x1, dt, x2), _cast(x2, dt)
    raise TypeError(f"array_api.{fn}(): at least one of x1 and x2 must be an array, got "
                    f"{type(x1).__name__} and {type(x2).__name__}")


def _cast(x, dtype):
    return x if x.dtype == dtype else x.to(dtype)


def as_int(value, fn, name):
    """`value` as a Python int (anything with __index__); TypeError naming the argument otherwise."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"array_api.{fn}(): argument '{name}' must be an int, got {type(value).__name__}") from None
    if not -2**63 <= value < 2**63:  # rtorch's sizes and offsets are int64
        raise ValueError(f"array_api.{fn}(): argument '{name}' = {value} does not fit in int64")
    return value


def normalize_axis(axis, ndim, fn, name="axis"):
    """`axis` in [0, ndim); IndexError (as PyTorch's dim errors) when out of range."""
    axis = as_int(axis, fn, name)
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise IndexError(f"array_api.{fn}(): {name} {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim if ndim else 0


def axes_tuple(axis, ndim, fn):
    """`axis` (None, an int or a tuple of ints) as a sorted tuple of distinct non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        out = tuple(normalize_axis(a, ndim, fn) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError(f"array_api.{fn}(): repeated axis in {tuple(axis)}")
        return tuple(sorted(out))
    return (normalize_axis(axis, ndim, fn),)


def device_arg(device):
    """An rtorch.device from an Array API `device=` argument (None keeps PyTorch's default)."""
    if device is None or isinstance(device, rtorch.device):
        return device
    if isinstance(device, str):
        return rtorch.device(device)
    raise TypeError(f"array_api: device must be an rtorch.device or a device string, got {device!r}")


def dtype_arg(dtype):
    """A checked `dtype=` argument (None allowed)."""
    return None if dtype is None else _dtypes.check_dtype(dtype)


def shape_arg(shape, fn):
    """`shape` (an int or a sequence of ints) as a tuple of non-negative ints."""
    if isinstance(shape, (tuple, list, rtorch.Size)):
        out = tuple(as_int(s, fn, "shape") for s in shape)
    else:
        out = (as_int(shape, fn, "shape"),)
    if any(s < 0 for s in out):
        raise ValueError(f"array_api.{fn}(): negative dimension in shape {out}")
    return out
