"""The Array API's creation functions over rtorch's factories.

arange, asarray, empty, eye, from_dlpack, full, linspace, meshgrid, ones, tril/triu, zeros and the *_like forms.
"""
from collections.abc import Sequence

import rtorch

from . import _dtypes
from ._helpers import as_int, check_array, device_arg, dtype_arg, shape_arg

_DEFAULT_COMPLEX = {rtorch.float64: rtorch.complex128}


def _default_dtype_for(value):
    """The dtype a Python scalar or nested sequence gets without `dtype=` (bool, int64, default float/complex)."""
    if isinstance(value, bool):
        return rtorch.bool
    if isinstance(value, int):
        return rtorch.int64
    if isinstance(value, float):
        return rtorch.get_default_dtype()
    if isinstance(value, complex):
        return _DEFAULT_COMPLEX.get(rtorch.get_default_dtype(), rtorch.complex64)
    raise TypeError(f"array_api: expected a Python scalar, got {type(value).__name__}")


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    """Converts ``obj`` (an array, a NumPy array, a DLPack producer, a Python scalar or nested sequence) to an array.

    Args:
        obj: what to convert.
        dtype (rtorch.dtype, optional): the result's dtype (default: inferred: bool, int64, the default float
            dtype, complex64).
        device (optional): the result's device.
        copy (bool, optional): ``True`` always copies, ``False`` never does (ValueError when a copy is needed),
            ``None`` copies only when needed.

    Example::

        >>> xp.asarray([[1, 2], [3, 4]], dtype=xp.float64)
        tensor([[1., 2.],
                [3., 4.]], dtype=torch.float64)
    """
    dtype, device = dtype_arg(dtype), device_arg(device)
    if isinstance(obj, rtorch.Tensor):
        same = (dtype is None or dtype == obj.dtype) and (device is None or device == obj.device)
        if same and not copy:
            return obj
        if copy is False:
            raise ValueError(f"array_api.asarray(): copy=False but converting {obj.dtype} on {obj.device} to "
                             f"{dtype or obj.dtype} on {device or obj.device} needs a copy")
        out = obj.to(device=device or obj.device, dtype=dtype or obj.dtype)
        return out.clone() if out.data_ptr() == obj.data_ptr() else out
    if hasattr(obj, "__array_interface__") or hasattr(obj, "__array__") or hasattr(obj, "__dlpack__"):
        if hasattr(obj, "__dlpack__") and not hasattr(obj, "__array_interface__"):
            base = rtorch.from_dlpack(obj)
        else:
            base = rtorch.as_tensor(obj)  # zero-copy from NumPy (and buffers NumPy understands)
        return asarray(base, dtype=dtype, device=device, copy=True if copy else copy)
    if copy is False:
        raise ValueError(f"array_api.asarray(): copy=False but a {type(obj).__name__} must be copied into an array")
    if isinstance(obj, (bool, int, float, complex)):
        if dtype is None:
            dtype = _default_dtype_for(obj)
        return rtorch.tensor(obj, dtype=dtype, device=device)
    if isinstance(obj, Sequence) and not isinstance(obj, (str, bytes)):
        if any(isinstance(e, rtorch.Tensor) for e in obj):  # a sequence of arrays: stacked, dtypes promoted
            from ._manipulation import stack
            out = stack([asarray(e, device=device) for e in obj])
            return out if dtype is None else out.to(dtype)
        return rtorch.tensor(list(obj), dtype=dtype, device=device)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        import numpy as np
        return asarray(np.asarray(memoryview(obj)), dtype=dtype, device=device, copy=True)
    raise TypeError(f"array_api.asarray(): cannot convert a {type(obj).__name__} to an array")


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    """Returns evenly spaced values in ``[start, stop)`` (``[0, start)`` when ``stop`` is None).

    Args:
        start (int or float): the first value (or the end, when ``stop`` is None).
        stop (int or float, optional): the end (excluded).
        step (int or float): the spacing (not 0).
        dtype (rtorch.dtype, optional): default int64 for integer arguments, else the default float dtype.
        device (optional): the result's device.

    Example::

        >>> xp.arange(1, 7, 2)
        tensor([1, 3, 5])
    """
    if stop is None:
        start, stop = 0, start
    return rtorch.arange(start, stop, step, dtype=dtype_arg(dtype), device=device_arg(device))


def empty(shape, *, dtype=None, device=None):
    """Returns an uninitialised array of ``shape`` (default dtype: the default float dtype).

    Args:
        shape (int or tuple of ints): the result's shape.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.empty((2, 0)).shape
        rtorch.Size([2, 0])
    """
    return rtorch.empty(shape_arg(shape, "empty"), dtype=dtype_arg(dtype), device=device_arg(device))


def _like(fn, x, dtype, device):
    """(x's shape, the factory keywords) for a *_like function; TypeError unless x is an array."""
    check_array(x, fn)
    return tuple(x.shape), dict(dtype=dtype_arg(dtype) or x.dtype, device=device_arg(device) or x.device)


def empty_like(x, /, *, dtype=None, device=None):
    """Returns an uninitialised array with ``x``'s shape (and dtype and device unless given).

    Args:
        x (Tensor): the array whose shape is taken.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.empty_like(xp.ones((2, 3))).shape
        rtorch.Size([2, 3])
    """
    shape, kw = _like("empty_like", x, dtype, device)
    return rtorch.empty(shape, **kw)


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None):
    """Returns an ``n_rows`` x ``n_cols`` array with ones on the ``k``-th diagonal and zeros elsewhere.

    Args:
        n_rows (int): the number of rows.
        n_cols (int, optional): the number of columns (default ``n_rows``).
        k (int): the diagonal (0 the main one, positive above it, negative below).
        dtype (rtorch.dtype, optional): the result's dtype (default: the default float dtype).
        device (optional): the result's device.

    Example::

        >>> xp.eye(2, 3, k=1)
        tensor([[0., 1., 0.],
                [0., 0., 1.]])
    """
    n_rows = as_int(n_rows, "eye", "n_rows")
    n_cols = n_rows if n_cols is None else as_int(n_cols, "eye", "n_cols")
    k = as_int(k, "eye", "k")
    if n_rows < 0 or n_cols < 0:
        raise ValueError(f"array_api.eye(): n_rows and n_cols must be non-negative, got {n_rows}, {n_cols}")
    device = device_arg(device)
    rows = rtorch.arange(n_rows, device=device).unsqueeze(1)
    cols = rtorch.arange(n_cols, device=device).unsqueeze(0)
    return (rows + k == cols).to(dtype_arg(dtype) or rtorch.get_default_dtype())


def from_dlpack(x, /, *, device=None, copy=None):
    """Returns an array sharing memory with the DLPack producer ``x``.

    It is a copy when ``copy=True`` or when ``device`` differs from ``x``'s.

    Args:
        x: an object with ``__dlpack__`` and ``__dlpack_device__`` (a NumPy array, a tensor of another library).
        device (optional): the result's device.
        copy (bool, optional): ``True`` always copies, ``False`` never (ValueError if it must).

    Example::

        >>> import numpy as np
        >>> xp.from_dlpack(np.arange(3))
        tensor([0, 1, 2])
    """
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"array_api.from_dlpack(): {type(x).__name__} does not implement __dlpack__")
    return asarray(rtorch.from_dlpack(x), device=device, copy=copy)


def full(shape, fill_value, *, dtype=None, device=None):
    """Returns an array of ``shape`` filled with ``fill_value`` (dtype inferred from it unless given).

    Args:
        shape (int or tuple of ints): the result's shape.
        fill_value (bool, int, float or complex): the value.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.full((2,), 7)
        tensor([7, 7])
    """
    dtype = dtype_arg(dtype) or _default_dtype_for(fill_value)
    return rtorch.full(shape_arg(shape, "full"), fill_value, dtype=dtype, device=device_arg(device))


def full_like(x, /, fill_value, *, dtype=None, device=None):
    """Returns an array with ``x``'s shape (and dtype and device unless given) filled with ``fill_value``.

    Args:
        x (Tensor): the array whose shape is taken.
        fill_value (bool, int, float or complex): the value.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.full_like(xp.zeros(2, dtype=xp.int32), 3)
        tensor([3, 3], dtype=torch.int32)
    """
    shape, kw = _like("full_like", x, dtype, device)
    _dtypes.scalar_rank(fill_value)
    return rtorch.full(shape, fill_value, **kw)


def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True):
    """Returns ``num`` evenly spaced values from ``start`` to ``stop`` (included unless ``endpoint=False``).

    Args:
        start (int, float or complex): the first value.
        stop (int, float or complex): the last value (or the end, excluded, with ``endpoint=False``).
        num (int): the number of values.
        dtype (rtorch.dtype, optional): default: the default float (or complex) dtype.
        device (optional): the result's device.
        endpoint (bool): whether ``stop`` is included.

    Example::

        >>> xp.linspace(0, 1, 4, endpoint=False)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    num = as_int(num, "linspace", "num")
    if num < 0:
        raise ValueError(f"array_api.linspace(): num must be non-negative, got {num}")
    if dtype is None:
        dtype = (_default_dtype_for(1j) if isinstance(start, complex) or isinstance(stop, complex)
                 else rtorch.get_default_dtype())
    dtype, device = dtype_arg(dtype), device_arg(device)
    if endpoint:
        return rtorch.linspace(start, stop, num, dtype=dtype, device=device)
    return rtorch.linspace(start, stop, num + 1, dtype=dtype, device=device)[:num]


def meshgrid(*arrays, indexing="xy"):
    """Returns coordinate matrices from 1-D coordinate arrays, as a list (``indexing`` ``'xy'`` or ``'ij'``).

    Args:
        *arrays (Tensor): 1-D arrays of one dtype.
        indexing (str): ``'xy'`` (Cartesian: the first two outputs' axes swapped) or ``'ij'`` (matrix).

    Example::

        >>> X, Y = xp.meshgrid(xp.arange(3), xp.arange(2))
        >>> X.shape
        rtorch.Size([2, 3])
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"array_api.meshgrid(): indexing must be 'xy' or 'ij', got {indexing!r}")
    for i, a in enumerate(arrays):
        check_array(a, "meshgrid", f"arrays[{i}]")
        if a.ndim != 1:
            raise ValueError(f"array_api.meshgrid(): arrays must be 1-D, arrays[{i}] has shape {tuple(a.shape)}")
    if len({a.dtype for a in arrays}) > 1:
        raise ValueError("array_api.meshgrid(): arrays must share one dtype, got "
                         + ", ".join(str(a.dtype) for a in arrays))
    if not arrays:
        return []
    return list(rtorch.meshgrid(*arrays, indexing=indexing))


def ones(shape, *, dtype=None, device=None):
    """Returns an array of ``shape`` filled with ones (default dtype: the default float dtype).

    Args:
        shape (int or tuple of ints): the result's shape.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.ones(2, dtype=xp.int8)
        tensor([1, 1], dtype=torch.int8)
    """
    return rtorch.ones(shape_arg(shape, "ones"), dtype=dtype_arg(dtype), device=device_arg(device))


def ones_like(x, /, *, dtype=None, device=None):
    """Returns ones with ``x``'s shape (and dtype and device unless given).

    Args:
        x (Tensor): the array whose shape is taken.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.ones_like(xp.asarray([True, False]))
        tensor([True, True])
    """
    shape, kw = _like("ones_like", x, dtype, device)
    return rtorch.ones(shape, **kw)


def zeros(shape, *, dtype=None, device=None):
    """Returns an array of ``shape`` filled with zeros (default dtype: the default float dtype).

    Args:
        shape (int or tuple of ints): the result's shape.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.zeros((1, 2))
        tensor([[0., 0.]])
    """
    return rtorch.zeros(shape_arg(shape, "zeros"), dtype=dtype_arg(dtype), device=device_arg(device))


def zeros_like(x, /, *, dtype=None, device=None):
    """Returns zeros with ``x``'s shape (and dtype and device unless given).

    Args:
        x (Tensor): the array whose shape is taken.
        dtype (rtorch.dtype, optional): the result's dtype.
        device (optional): the result's device.

    Example::

        >>> xp.zeros_like(xp.ones(2, dtype=xp.int32))
        tensor([0, 0], dtype=torch.int32)
    """
    shape, kw = _like("zeros_like", x, dtype, device)
    return rtorch.zeros(shape, **kw)


def _triangle(fn, op, x, k):
    check_array(x, fn)
    if x.ndim < 2:
        raise ValueError(f"array_api.{fn}(): x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return op(x, as_int(k, fn, "k"))


def tril(x, /, *, k=0):
    """Returns the lower triangle of each matrix in ``x`` (elements above the ``k``-th diagonal zeroed).

    Args:
        x (Tensor): an array of at least 2 dimensions (a stack of matrices).
        k (int): the diagonal (0 the main one, positive above it).

    Example::

        >>> xp.tril(xp.ones((2, 2)))
        tensor([[1., 0.],
                [1., 1.]])
    """
    return _triangle("tril", rtorch.tril, x, k)


def triu(x, /, *, k=0):
    """Returns the upper triangle of each matrix in ``x`` (elements below the ``k``-th diagonal zeroed).

    Args:
        x (Tensor): an array of at least 2 dimensions (a stack of matrices).
        k (int): the diagonal (0 the main one, positive above it).

    Example::

        >>> xp.triu(xp.ones((2, 2)))
        tensor([[1., 1.],
                [0., 1.]])
    """
    return _triangle("triu", rtorch.triu, x, k)
