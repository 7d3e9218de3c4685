"""The Array API's data-type functions: astype, can_cast, finfo, iinfo, isdtype, result_type."""
import builtins
from typing import NamedTuple

import rtorch

from . import _dtypes
from ._helpers import check_array, device_arg


def astype(x, dtype, /, *, copy=True, device=None):
    """Returns ``x`` cast to ``dtype`` (and moved to ``device``); a copy unless ``copy=False`` and nothing changes.

    Casting a complex array to a real dtype raises TypeError (the standard leaves it undefined; PyTorch
    would drop the imaginary part).

    Args:
        x (Tensor): the array.
        dtype (rtorch.dtype): the target data type.
        copy (bool): ``False`` returns ``x`` itself when neither dtype nor device changes.
        device: the target device (default: ``x``'s).

    Example::

        >>> xp.astype(xp.asarray([1.7, -2.2]), xp.int32)
        tensor([ 1, -2], dtype=torch.int32)
    """
    check_array(x, "astype")
    _dtypes.check_dtype(dtype)
    device = device_arg(device) or x.device
    if x.dtype in _dtypes.COMPLEX_FLOATING and dtype not in _dtypes.COMPLEX_FLOATING:
        raise TypeError(f"array_api.astype(): casting {x.dtype} to the real dtype {dtype} is not allowed "
                        f"(take real() or abs() first)")
    if not copy and x.dtype == dtype and x.device == device:
        return x
    out = x.to(device=device, dtype=dtype)
    return out.clone() if out is x or out.data_ptr() == x.data_ptr() else out


def _dtype_of(v, fn):
    if isinstance(v, rtorch.Tensor):
        return v.dtype
    return _dtypes.check_dtype(v, f"{fn}() argument")


def can_cast(from_, to, /):
    """Returns whether ``from_`` (a dtype or an array) can be cast to ``to`` by the standard's promotion rules.

    True exactly when the standard's promotion table takes ``from_`` and ``to`` to ``to`` (so ``int64`` to
    ``float64`` is False: the standard has no cross-kind promotion).

    Args:
        from_ (rtorch.dtype or Tensor): the source.
        to (rtorch.dtype): the target.

    Example::

        >>> xp.can_cast(xp.int8, xp.int32), xp.can_cast(xp.float64, xp.float32)
        (True, False)
    """
    a = _dtype_of(from_, "can_cast")
    b = _dtypes.check_dtype(to, "can_cast() argument 'to'")
    return _dtypes.PROMOTION_TABLE.get((a, b)) == b


class finfo_object(NamedTuple):
    """Machine limits of a floating-point dtype (``bits eps max min smallest_normal dtype``)."""
    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: rtorch.dtype


class iinfo_object(NamedTuple):
    """Machine limits of an integer dtype (``bits max min dtype``)."""
    bits: int
    max: int
    min: int
    dtype: rtorch.dtype


def finfo(type, /):  # noqa: A002 - the standard's parameter name
    """Returns the machine limits of a floating-point dtype (or of an array's dtype).

    For a complex dtype the limits are those of its real component (``finfo(complex64).dtype`` is float32).

    Args:
        type (rtorch.dtype or Tensor): a real or complex floating-point dtype.

    Example::

        >>> xp.finfo(xp.float32).eps
        1.1920928955078125e-07
    """
    dt = _dtype_of(type, "finfo")
    real = {rtorch.complex64: rtorch.float32, rtorch.complex128: rtorch.float64}.get(dt, dt)
    if real not in _dtypes.REAL_FLOATING:
        raise TypeError(f"array_api.finfo(): {dt} is not a floating-point dtype")
    f = rtorch.finfo(real)
    return finfo_object(f.bits, float(f.eps), float(f.max), float(f.min), float(f.smallest_normal), real)


def iinfo(type, /):  # noqa: A002 - the standard's parameter name
    """Returns the machine limits of an integer dtype (or of an array's dtype).

    Args:
        type (rtorch.dtype or Tensor): an integer dtype.

    Example::

        >>> xp.iinfo(xp.int8).min
        -128
    """
    dt = _dtype_of(type, "iinfo")
    if dt not in _dtypes.INTEGRAL:
        raise TypeError(f"array_api.iinfo(): {dt} is not an integer dtype")
    i = rtorch.iinfo(dt)
    return iinfo_object(i.bits, int(i.max), int(i.min), dt)


def isdtype(dtype, kind):
    """Returns whether ``dtype`` is of ``kind``: a dtype, a kind name or a tuple of them.

    Kind names: ``'bool'``, ``'signed integer'``, ``'unsigned integer'``, ``'integral'``, ``'real floating'``,
    ``'complex floating'``, ``'numeric'``.

    Args:
        dtype (rtorch.dtype): the dtype to test.
        kind (rtorch.dtype, str or tuple): what to test it against.

    Example::

        >>> xp.isdtype(xp.int32, ("integral", xp.float32))
        True
    """
    _dtypes.check_dtype(dtype, "isdtype() argument 'dtype'")
    if isinstance(kind, tuple):
        return builtins.any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, rtorch.dtype):
        return dtype == kind
    if isinstance(kind, str):
        if kind not in _dtypes.KINDS:
            raise ValueError(f"array_api.isdtype(): unknown kind {kind!r} (one of {', '.join(_dtypes.KINDS)})")
        return dtype in _dtypes.KINDS[kind]
    raise TypeError(f"array_api.isdtype(): kind must be a dtype, a kind name or a tuple, got {kind!r}")


def result_type(*arrays_and_dtypes):
    """Returns the dtype the standard's promotion rules give the arguments (arrays, dtypes, Python scalars).

    Arrays and dtypes promote by the standard's table (PyTorch's rule for the mixed-kind pairs it leaves
    open); Python scalars then take part weakly (an ``int`` does not widen ``int8``). At least one array
    or dtype is required.

    Args:
        *arrays_and_dtypes: arrays, dtypes and Python scalars.

    Example::

        >>> xp.result_type(xp.int8, xp.uint8, 3)
        rtorch.int16
    """
    dts = [a.dtype if isinstance(a, rtorch.Tensor) else a for a in arrays_and_dtypes
           if isinstance(a, (rtorch.Tensor, rtorch.dtype))]
    scalars = [a for a in arrays_and_dtypes if not isinstance(a, (rtorch.Tensor, rtorch.dtype))]
    if not dts:
        raise ValueError("array_api.result_type(): at least one array or dtype is required"
                         + (f", got only scalars {scalars!r}" if scalars else ""))
    out = dts[0]
    for d in dts[1:]:
        out = _dtypes.promote(out, d)
    for s in scalars:
        out = _dtypes.with_scalar(out, s)
    return out
