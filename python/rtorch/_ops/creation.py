"""Tensor factories composed from existing ones (`@composite`): scalar_tensor, empty_strided,
Tensor.new_empty_strided, range and frombuffer."""
from __future__ import annotations

from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from ._common import rt as _rt

__all__ = ["scalar_tensor", "empty_strided", "range", "frombuffer"]


@composite(method=False)
def scalar_tensor(s: float, *, dtype=None, layout=None, device=None, pin_memory: bool = False,
                  requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding ``s``, of the default float dtype unless ``dtype`` is given.

    Args:
        s (Number): the value.
        dtype (dtype, optional): the result's dtype. Default: ``get_default_dtype()``.
        layout (layout, optional): only ``strided``.
        device (device, optional): the result's device.
        pin_memory (bool): pinned host memory. Default False.
        requires_grad (bool): record operations on the result. Default False.

    Example::

        >>> rtorch.scalar_tensor(3)
        tensor(3.)
    """
    rt = _rt()
    out = rt.tensor(s, dtype=dtype or rt.get_default_dtype(), device=device)
    return out.requires_grad_() if requires_grad else out


@composite(method=False)
def empty_strided(size: Sequence[int], stride: Sequence[int], *, dtype=None, layout=None, device=None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor with the given shape and strides (zero-filled memory in rtorch).

    Args:
        size (sequence of ints): the shape.
        stride (sequence of ints): the strides (in elements).
        dtype (dtype, optional): the dtype. Default: ``get_default_dtype()``.
        layout (layout, optional): only ``strided``.
        device (device, optional): the device.
        requires_grad (bool): record operations on the result. Default False.
        pin_memory (bool): pinned host memory. Default False.

    Example::

        >>> rtorch.empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    rt = _rt()
    size = _common.int_list(size, "empty_strided", "size")
    stride = _common.int_list(stride, "empty_strided", "stride")
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {size}")
    extent = 1 + sum((n - 1) * st for n, st in zip(size, stride)) if all(size) else 0
    base = rt.empty(extent, dtype=dtype, device=device)
    out = base.as_strided(size, stride)
    return out.requires_grad_() if requires_grad else out


@composite(function=False)
def new_empty_strided(self, size: Sequence[int], stride: Sequence[int], *, dtype=None, layout=None,
                      device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """:func:`empty_strided` with ``self``'s dtype and device unless given.

    Args:
        size (sequence of ints): the shape.
        stride (sequence of ints): the strides (in elements).
        dtype (dtype, optional): the dtype. Default: ``self.dtype``.
        layout (layout, optional): only ``strided``.
        device (device, optional): the device. Default: ``self.device``.
        requires_grad (bool): record operations on the result. Default False.
        pin_memory (bool): pinned host memory. Default False.

    Example::

        >>> rtorch.zeros(1).new_empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


@composite(method=False)
def range(start: float = 0, end: float = None, step: float = 1, *, dtype=None, device=None,
          requires_grad: bool = False) -> Tensor:
    """Returns the values from ``start`` to ``end`` inclusive, ``step`` apart.

    Returns the values from ``start`` to ``end`` inclusive, ``step`` apart (deprecated in PyTorch for
    :func:`arange`, which excludes ``end``).

    Args:
        start (Number): the first value. Default 0.
        end (Number): the last value (included when reached).
        step (Number): the gap between values. Default 1.
        dtype (dtype, optional): the dtype. Default: ``get_default_dtype()``.
        device (device, optional): the device.
        requires_grad (bool): record operations on the result. Default False.

    Example::

        >>> rtorch.range(1, 2, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    import warnings
    rt = _rt()
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int((end - start) // step) + 1 if step else 0
    if step == 0 or n < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    dtype = dtype or rt.get_default_dtype()
    out = (rt.arange(n, dtype=rt.float64, device=device) * step + start).to(dtype)
    return out.requires_grad_() if requires_grad else out


@composite(method=False)
def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False) -> Tensor:
    """Creates a 1-D tensor that shares memory with an object implementing the buffer protocol.

    ``count`` elements of ``dtype`` (all that fit by default) are read starting ``offset`` bytes
    into the buffer; writes to the tensor change the buffer.

    Args:
        buffer (buffer): a bytes-like object (``bytearray``, ``memoryview``, ``array.array``...).
        dtype (dtype): the element type.
        count (int): the number of elements; -1 for all. Default -1.
        offset (int): bytes to skip at the start. Default 0.
        requires_grad (bool): record operations on the result. Default False.

    Example::

        >>> rtorch.frombuffer(bytearray([1, 0, 0, 0, 2, 0, 0, 0]), dtype=rtorch.int32)
        tensor([1, 2], dtype=torch.int32)
    """
    import numpy as np
    import warnings
    rt = _rt()
    view = memoryview(buffer)
    n = view.nbytes
    size = rt.empty(0, dtype=dtype).element_size()
    if n == 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if offset < 0 or offset >= n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({n} bytes) "
                         f"minus 1")
    if count < 0:
        if (n - offset) % size:
            raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) must be a multiple "
                             f"of element size ({size})")
        count = (n - offset) // size
    elif offset + count * size > n:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({n} bytes)")
    # NumPy reads the buffer in place; from_numpy shares that memory (bfloat16 via its int16 bits).
    bf16 = dtype == rt.bfloat16
    np_dtype = np.int16 if bf16 else rt.empty(0, dtype=dtype).numpy().dtype
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a read-only buffer: PyTorch warns the same way once
        arr = np.frombuffer(buffer, dtype=np_dtype, count=count, offset=offset)
        out = rt.from_numpy(arr)
    if bf16:
        out = out.view(rt.bfloat16)
    return out.requires_grad_() if requires_grad else out
