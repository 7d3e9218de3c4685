"""Small torch.* / Tensor.* ops composed from existing ones (`@composite`): clamp_min/max functions,
rsub, scalar_tensor, index helpers (tril/triu_indices, unravel_index), integration (trapezoid,
cumulative_trapezoid), renorm, fill, conjugate-transpose views, the predicate functions, and the in-place
forms PyTorch has of existing ops (cumsum_, tril_, addmm_, ...)."""
from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from .shape import _dtype_name

__all__ = ["clamp_min", "clamp_max", "clamp_min_", "clamp_max_", "clamp_", "clip_", "rsub", "scalar_tensor",
           "tril_indices", "triu_indices", "unravel_index", "trapezoid", "trapz", "cumulative_trapezoid",
           "renorm", "fill", "fill_", "adjoint", "is_nonzero", "is_same_size", "is_signed",
           "can_cast", "get_device", "is_inference", "empty_strided", "addmv_"]


def _rt():
    import rtorch
    return rtorch


@composite(method=False)
def clamp_min(input: Tensor, min: Tensor | float) -> Tensor:
    """Elementwise ``max(input, min)``: :meth:`Tensor.clamp` with a lower bound only.

    Args:
        input (Tensor): the input.
        min (Number or Tensor): the lower bound (a tensor broadcasts).

    Example::

        >>> rtorch.clamp_min(rtorch.tensor([1, 5]), 3)
        tensor([3, 5])
    """
    return input.clamp_min(min)


@composite(method=False)
def clamp_max(input: Tensor, max: Tensor | float) -> Tensor:
    """Elementwise ``min(input, max)``: :meth:`Tensor.clamp` with an upper bound only.

    Args:
        input (Tensor): the input.
        max (Number or Tensor): the upper bound (a tensor broadcasts).

    Example::

        >>> rtorch.clamp_max(rtorch.tensor([1, 5]), 3)
        tensor([1, 3])
    """
    return input.clamp_max(max)


@composite()
def clamp_min_(input, min: Tensor | float) -> Tensor:
    """In-place :meth:`clamp_min`.

    Args:
        min (Number or Tensor): the lower bound.

    Example::

        >>> rtorch.tensor([1., 5.]).clamp_min_(3)
        tensor([3., 5.])
    """
    return input.clamp_(min=min)


@composite()
def clamp_max_(input, max: Tensor | float) -> Tensor:
    """In-place :meth:`clamp_max`.

    Args:
        max (Number or Tensor): the upper bound.

    Example::

        >>> rtorch.tensor([1., 5.]).clamp_max_(3)
        tensor([1., 3.])
    """
    return input.clamp_(max=max)


@composite(method=False)
def clamp_(input: Tensor, min: Tensor | float | None = None, max: Tensor | float | None = None) -> Tensor:
    """In-place :func:`clamp` (the function form of :meth:`Tensor.clamp_`).

    Args:
        input (Tensor): the tensor to clamp in place.
        min (Number or Tensor, optional): the lower bound.
        max (Number or Tensor, optional): the upper bound.

    Example::

        >>> rtorch.clamp_(rtorch.tensor([-1., 5.]), 0, 1)
        tensor([0., 1.])
    """
    return input.clamp_(min, max)


@composite()
def clip_(input, min: Tensor | float | None = None, max: Tensor | float | None = None) -> Tensor:
    """Alias of :meth:`clamp_`.

    Args:
        min (Number or Tensor, optional): the lower bound.
        max (Number or Tensor, optional): the upper bound.

    Example::

        >>> rtorch.tensor([-1., 5.]).clip_(0, 1)
        tensor([0., 1.])
    """
    return input.clamp_(min, max)


@composite(method=False)
def rsub(input: Tensor, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """``other - alpha * input`` (subtraction with the operands reversed).

    Args:
        input (Tensor): the tensor subtracted.
        other (Tensor or Number): the tensor or number subtracted from.
        alpha (Number): multiplier of ``input``. Default 1.

    Example::

        >>> rtorch.rsub(rtorch.tensor([1., 2.]), 5)
        tensor([4., 3.])
    """
    if isinstance(other, Tensor):
        return other.sub(input, alpha=alpha)
    return (input if alpha == 1 else input * alpha).neg().add(other) if input.dtype != _rt().bool else \
        _rt().sub(other, input, alpha=alpha)


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


def _tril_count(row, col, offset):
    """The number of (i, j) with 0 <= i < row, 0 <= j < col, j <= i + offset (exact for any size)."""
    start = min(row, max(0, -offset))                 # rows before it hold nothing
    full = min(row, max(start, col - offset - 1))     # rows from it on hold all col entries
    # Rows start..full-1 hold i + offset + 1 entries: an arithmetic series.
    partial = (full - start) * (start + full - 1 + 2 * (offset + 1)) // 2
    return partial + (row - full) * col


def _tri_indices(row, col, offset, dtype, device, layout, lower, op):
    import numpy as np
    rt = _rt()
    if layout is not None and not isinstance(layout, rt.layout):
        raise TypeError(f"{op}(): argument 'layout' must be torch.layout, not {type(layout).__module__}."
                        f"{type(layout).__name__}".replace("rtorch.", "torch."))
    row, col, offset = operator.index(row), operator.index(col), operator.index(offset)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = rt.int64 if dtype is None else dtype
    if dtype not in (rt.int64, rt.int32, rt.int16, rt.int8, rt.uint8):
        raise NotImplementedError(f"\"{op}\" not implemented for '{_dtype_name(dtype)}'")
    n = _tril_count(row, col, offset) if lower else row * col - _tril_count(row, col, offset - 1)
    if 2 * n * 8 >= 2 ** 63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes=[2, {n}]")
    rt.empty((2, n), dtype=dtype, device="cpu")  # refused with rtorch's AllocationError before NumPy tries
    # The coordinates are an arithmetic pattern of the two sizes: built on the host (NumPy), then uploaded once.
    r, c = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return rt.tensor(np.stack([r, c]).astype(np.int64).reshape(2, -1), dtype=dtype, device=device)


@composite(method=False)
def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Returns the coordinates of the lower triangle of a matrix.

    The coordinates of the lower triangle (on and below the ``offset``-th diagonal) of a ``row x col``
    matrix: a ``(2, N)`` tensor, row-major order.

    Args:
        row (int): number of rows.
        col (int): number of columns.
        offset (int): diagonal offset (> 0 includes diagonals above the main one). Default 0.
        dtype (dtype, optional): an integer dtype. Default ``int64``.
        device (device, optional): the result's device.
        layout (layout, optional): only ``strided``.

    Example::

        >>> rtorch.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype, device, layout, True, "tril_indices")


@composite(method=False)
def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Returns the coordinates of the upper triangle of a matrix.

    The coordinates of the upper triangle (on and above the ``offset``-th diagonal) of a ``row x col``
    matrix: a ``(2, N)`` tensor, row-major order.

    Args:
        row (int): number of rows.
        col (int): number of columns.
        offset (int): diagonal offset (< 0 includes diagonals below the main one). Default 0.
        dtype (dtype, optional): an integer dtype. Default ``int64``.
        device (device, optional): the result's device.
        layout (layout, optional): only ``strided``.

    Example::

        >>> rtorch.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    return _tri_indices(row, col, offset, dtype, device, layout, False, "triu_indices")


@composite(method=False)
def unravel_index(indices: Tensor, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Converts flat indices into coordinates of a tensor of ``shape``.

    Converts flat indices into coordinates of a tensor of ``shape`` (row-major): one tensor per dim,
    each shaped like ``indices``. Negative and too-large flat indices wrap as PyTorch does.

    Args:
        indices (Tensor): integer flat indices.
        shape (int or sequence of ints): the shape to index (non-negative sizes).

    Example::

        >>> rtorch.unravel_index(rtorch.tensor([4, 5]), (2, 3))
        (tensor([1, 1]), tensor([1, 2]))
    """
    rt = _rt()
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a Tensor, but got {type(indices).__name__}")
    if indices.is_floating_point() or indices.dtype == rt.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    dims = _common.int_list(shape, "unravel_index", "shape")
    if any(d < 0 for d in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(dims)}")
    idx = indices.long()
    out = []
    for d in reversed(dims):
        out.append(idx.remainder(d) if d else idx * 0)
        idx = idx.div(d, rounding_mode="floor") if d else idx
    return tuple(reversed(out))


def _trapz_spacing(y, x, dx, dim, op):
    """The widths between samples along ``dim``: ``dx`` (a number), or the differences of ``x``."""
    if x is None:
        return dx
    if not isinstance(x, Tensor):
        if isinstance(x, (str, bytes)) or not hasattr(type(x), "__float__"):
            raise TypeError(f"{op}(): argument 'x' must be Tensor or Number, not {type(x).__name__}")
        return float(x)
    if x.dim() == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = -1
        return x.diff().reshape(shape[:dim] + [x.shape[0] - 1] + shape[dim + 1:]) if y.dim() else x.diff()
    return x.diff(dim=dim)


@composite(method=False)
def trapezoid(y: Tensor, x: Tensor | float | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Integrates ``y`` along a dim by the trapezoidal rule.

    Integral of ``y`` along ``dim`` by the trapezoidal rule, with samples at ``x`` (1-D or shaped as
    ``y``) or spaced ``dx`` apart (default 1).

    Args:
        y (Tensor): the sample values.
        x (Tensor or Number, optional): the sample points, or their spacing.
        dx (float, optional): the spacing between samples (keyword only). Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.trapezoid(rtorch.tensor([1., 2., 4.]))
        tensor(4.5000)
    """
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _common.wrap_dim(dim, y.dim())
    if not y.is_floating_point():
        y = y.to(_rt().get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.sum(d)
    mid = (y.narrow(d, 0, n - 1) + y.narrow(d, 1, n - 1)) / 2
    w = _trapz_spacing(y, x, 1.0 if dx is None else dx, d, "trapezoid")
    return (mid * w).sum(d)


@composite(method=False)
def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`.

    Args:
        y (Tensor): the sample values.
        x (Tensor, optional): the sample points.
        dx (float, optional): the spacing between samples. Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.trapz(rtorch.tensor([1., 2., 4.]), dx=2)
        tensor(9.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


@composite(method=False)
def cumulative_trapezoid(y: Tensor, x: Tensor | float | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """Running integral of ``y`` along ``dim`` by the trapezoidal rule (one element fewer than ``y``).

    Args:
        y (Tensor): the sample values.
        x (Tensor or Number, optional): the sample points, or their spacing.
        dx (float, optional): the spacing between samples (keyword only). Default 1.
        dim (int): the dim to integrate. Default -1.

    Example::

        >>> rtorch.cumulative_trapezoid(rtorch.tensor([1., 2., 4.]))
        tensor([1.5000, 4.5000])
    """
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _common.wrap_dim(dim, y.dim())
    if not y.is_floating_point():
        y = y.to(_rt().get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.clone()
    mid = (y.narrow(d, 0, n - 1) + y.narrow(d, 1, n - 1)) / 2
    w = _trapz_spacing(y, x, 1.0 if dx is None else dx, d, "cumulative_trapezoid")
    return (mid * w).cumsum(d)


@composite()
def renorm(input, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescales the slices of ``input`` whose norm exceeds ``maxnorm``.

    Rescales each slice of ``input`` along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to norm
    ``maxnorm`` (a factor ``maxnorm / (norm + 1e-7)``, as PyTorch); other slices are unchanged.

    Args:
        p (float): the norm (> 0).
        dim (int): the dim whose slices are renormalised.
        maxnorm (float): the largest norm kept (>= 0).

    Example::

        >>> rtorch.tensor([[3., 4.], [1., 0.]]).renorm(2, 0, 1)
        tensor([[0.6000, 0.8000],
                [1.0000, 0.0000]])
    """
    rt = _rt()
    if float(p) <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if float(maxnorm) < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    if not input.is_floating_point():
        raise NotImplementedError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                  f"Got {_dtype_name(input.dtype)}")
    d = _common.wrap_dim(dim, input.dim())
    others = [i for i in builtins.range(input.dim()) if i != d]
    norms = input.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p) if p != 2 else \
        input.square().sum(others, keepdim=True).sqrt()
    factor = rt.where(norms > maxnorm, maxnorm / (norms + 1e-7), rt.ones_like(norms))
    return input * factor


@composite(function=False)
def renorm_(self, p: float, dim: int, maxnorm: float) -> Tensor:
    """In-place :meth:`renorm`.

    Args:
        p (float): the norm (> 0).
        dim (int): the dim whose slices are renormalised.
        maxnorm (float): the largest norm kept (>= 0).

    Example::

        >>> rtorch.tensor([[3., 4.]]).renorm_(2, 0, 1)
        tensor([[0.6000, 0.8000]])
    """
    return self.copy_(renorm(self, p, dim, maxnorm))


def _fill_value(value):
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               f"dimensions.")
        return value.item()
    return value


@composite(method=False)
def fill(input: Tensor, value: float | Tensor) -> Tensor:
    """A tensor shaped as ``input`` (same dtype and device) filled with ``value``.

    Args:
        input (Tensor): gives the shape, dtype and device.
        value (Number or 0-d Tensor): the fill value.

    Example::

        >>> rtorch.fill(rtorch.zeros(2), 3)
        tensor([3., 3.])
    """
    return _rt().full_like(input, _fill_value(value))


@composite(method=False)
def fill_(input: Tensor, value: float | Tensor) -> Tensor:
    """Fills ``input`` with ``value`` in place (the function form of :meth:`Tensor.fill_`).

    Args:
        input (Tensor): the tensor to fill.
        value (Number or 0-d Tensor): the fill value.

    Example::

        >>> rtorch.fill_(rtorch.zeros(2), 3)
        tensor([3., 3.])
    """
    return input.fill_(_fill_value(value))


def _matrix_transpose(self, op, conj=False):
    if self.dim() < 2:
        raise RuntimeError(f"tensor.{op} is only supported on matrices or batches of matrices. Got "
                           f"{self.dim()}-D tensor.")
    t = self.transpose(-2, -1)
    # complex: conjugated too (a copy: rtorch has no conjugate bit)
    return t.conj() if conj and t.is_complex() else t


@composite()
def adjoint(input) -> Tensor:
    """The conjugate transpose of the last two dims (a view for real tensors; complex ones are conjugated by copy).

    Example::

        >>> rtorch.zeros(2, 3).adjoint().shape
        rtorch.Size([3, 2])
    """
    return _matrix_transpose(input, "adjoint()", conj=True)


def _H(self):
    """The conjugate transpose of a matrix (2-D; a 0-d tensor is returned as a view)."""
    if self.dim() == 0:
        return self.view(()).conj() if self.is_complex() else self.view(())
    if self.dim() != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor."
                           f"{' For batches of matrices, consider using tensor.mH' if self.dim() > 2 else ''}")
    return self.transpose(0, 1).conj() if self.is_complex() else self.transpose(0, 1)


def _mH(self):
    """The conjugate transpose of the last two dims (real tensors: ``mT``)."""
    return _matrix_transpose(self, "mH", conj=True)


# Properties are not ops, so they are attached directly (with docstrings, like the native mT).
Tensor.H = property(_H, doc=_H.__doc__)
Tensor.mH = property(_mH, doc=_mH.__doc__)


@composite(method=False)
def is_nonzero(input: Tensor) -> bool:
    """Whether a one-element tensor's value is non-zero (an error for other sizes).

    Args:
        input (Tensor): a tensor with one element.

    Example::

        >>> rtorch.is_nonzero(rtorch.tensor([1.]))
        True
    """
    return input.is_nonzero()


@composite(method=False)
def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> rtorch.is_same_size(rtorch.zeros(2), rtorch.ones(2))
        True
    """
    return input.is_same_size(other)


@composite(method=False)
def is_signed(input: Tensor) -> bool:
    """Whether ``input``'s dtype is signed (false for ``uint8`` and ``bool``).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> rtorch.is_signed(rtorch.zeros(2, dtype=rtorch.uint8))
        False
    """
    return input.is_signed()


# Which casts `can_cast` allows: PyTorch's kinds ordered bool < integer < floating point; a cast to a lower
# kind is not allowed, any cast within or up a kind is.
def _kind(dtype):
    rt = _rt()
    if dtype == rt.bool:
        return 0
    return 2 if dtype.is_floating_point else 1


@composite(method=False)
def can_cast(from_, to) -> bool:
    """Whether PyTorch's type promotion allows casting ``from_`` to ``to`` (no cast to a lower kind:
    floating point -> integer -> bool).

    Args:
        from_ (dtype): the source dtype.
        to (dtype): the target dtype.

    Example::

        >>> rtorch.can_cast(rtorch.float32, rtorch.int32)
        False
    """
    for name, d in (("from_", from_), ("to", to)):
        if not isinstance(d, _rt().dtype):
            raise TypeError(f"can_cast(): argument '{name}' must be torch.dtype, not {type(d).__name__}")
    return _kind(from_) <= _kind(to)


@composite()
def get_device(input) -> int:
    """The CUDA device index of ``input``, or -1 for a CPU tensor.

    Example::

        >>> rtorch.zeros(2).get_device()
        -1
    """
    dev = input.device
    return -1 if dev.type == "cpu" else (dev.index or 0)


@composite()
def is_inference(input) -> bool:
    """Whether ``input`` was made in inference mode (rtorch has no inference tensors: always False).

    Example::

        >>> rtorch.zeros(2).is_inference()
        False
    """
    return False


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


@composite(function=False)
def cumsum_(self, dim: int, *, dtype=None) -> Tensor:
    """In-place :meth:`cumsum`.

    Args:
        dim (int): the dim to scan.
        dtype (dtype, optional): must be ``self``'s dtype if given.

    Example::

        >>> rtorch.tensor([1., 2.]).cumsum_(0)
        tensor([1., 3.])
    """
    _same_dtype(self, dtype)
    return self.copy_(self.cumsum(dim))


@composite(function=False)
def cumprod_(self, dim: int, *, dtype=None) -> Tensor:
    """In-place :meth:`cumprod`.

    Args:
        dim (int): the dim to scan.
        dtype (dtype, optional): must be ``self``'s dtype if given.

    Example::

        >>> rtorch.tensor([2., 3.]).cumprod_(0)
        tensor([2., 6.])
    """
    _same_dtype(self, dtype)
    return self.copy_(self.cumprod(dim))


def _same_dtype(self, dtype):
    if dtype is not None and dtype != self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {_long_name(self.dtype)} and output tensor "
                           f"dtype {_long_name(dtype)} should match")


def _long_name(dtype):
    names = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "bool": "bool"}
    return names.get(str(dtype).replace("rtorch.", ""), str(dtype))


@composite(function=False)
def tril_(self, diagonal: int = 0) -> Tensor:
    """In-place :meth:`tril`.

    Args:
        diagonal (int): the diagonal above which elements are zeroed. Default 0.

    Example::

        >>> rtorch.ones(2, 2).tril_()
        tensor([[1., 0.],
                [1., 1.]])
    """
    return self.copy_(self.tril(diagonal))


@composite(function=False)
def triu_(self, diagonal: int = 0) -> Tensor:
    """In-place :meth:`triu`.

    Args:
        diagonal (int): the diagonal below which elements are zeroed. Default 0.

    Example::

        >>> rtorch.ones(2, 2).triu_()
        tensor([[1., 1.],
                [0., 1.]])
    """
    return self.copy_(self.triu(diagonal))


@composite(function=False)
def divide_(self, other: Tensor | float, *, rounding_mode: str | None = None) -> Tensor:
    """Alias of :meth:`div_`.

    Args:
        other (Tensor or Number): the divisor.
        rounding_mode (str, optional): ``None``, ``"trunc"`` or ``"floor"``.

    Example::

        >>> rtorch.tensor([3., 4.]).divide_(2)
        tensor([1.5000, 2.0000])
    """
    return self.div_(other, rounding_mode=rounding_mode)


@composite(function=False)
def subtract_(self, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """Alias of :meth:`sub_`.

    Args:
        other (Tensor or Number): the value subtracted.
        alpha (Number): multiplier of ``other``. Default 1.

    Example::

        >>> rtorch.tensor([3., 4.]).subtract_(1)
        tensor([2., 3.])
    """
    return self.sub_(other, alpha=alpha)


@composite(function=False)
def addmm_(self, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addmm`: ``self = beta * self + alpha * mat1 @ mat2``.

    Args:
        mat1 (Tensor): ``(n, m)``.
        mat2 (Tensor): ``(m, p)``.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the product. Default 1.

    Example::

        >>> rtorch.zeros(1, 1).addmm_(rtorch.ones(1, 2), rtorch.ones(2, 1))
        tensor([[2.]])
    """
    return self.copy_(self.addmm(mat1, mat2, beta=beta, alpha=alpha))


@composite()
def addmv_(input, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addmv`: ``input = beta * input + alpha * mat @ vec``.

    Args:
        mat (Tensor): ``(n, m)``.
        vec (Tensor): ``(m,)``.
        beta (Number): multiplier of ``input``. Default 1.
        alpha (Number): multiplier of the product. Default 1.

    Example::

        >>> rtorch.zeros(1).addmv_(rtorch.ones(1, 2), rtorch.ones(2))
        tensor([2.])
    """
    return input.copy_(input.addmv(mat, vec, beta=beta, alpha=alpha))


@composite(function=False)
def baddbmm_(self, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`baddbmm`: ``self = beta * self + alpha * batch1 @ batch2``.

    Args:
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the products. Default 1.

    Example::

        >>> rtorch.zeros(1, 1, 1).baddbmm_(rtorch.ones(1, 1, 2), rtorch.ones(1, 2, 1))
        tensor([[[2.]]])
    """
    return self.copy_(self.baddbmm(batch1, batch2, beta=beta, alpha=alpha))


@composite(function=False)
def fill_diagonal_(self, fill_value: float, wrap: bool = False) -> Tensor:
    """Fills the main diagonal of ``self`` in place.

    Fills the main diagonal of ``self`` (at least 2-D; all dims equal beyond 2-D) with ``fill_value``;
    with ``wrap`` a tall matrix restarts the diagonal every ``cols + 1`` rows.

    Args:
        fill_value (Number): the value.
        wrap (bool): continue the diagonal below a tall matrix's first square. Default False.

    Example::

        >>> rtorch.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    nd = self.dim()
    if nd < 2:
        raise RuntimeError("dimensions must larger than 1")
    if nd > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(self.shape)
    if nd > 2 or not wrap or self.shape[0] <= self.shape[1] + 1:
        step = sum(self.stride())
        # The diagonal is a strided view: one element every sum(strides).
        self.as_strided((n,), (step,), self.storage_offset()).fill_(fill_value) if n else None
        return self
    rows, cols = self.shape
    r = 0
    while r < rows:
        block = self.narrow(0, r, min(cols, rows - r))
        block.diagonal().fill_(fill_value)
        r += cols + 1
    return self


# ---- argwhere, gradient, range, unsafe splits, in-place forms ----

__all__ += ["argwhere", "gradient", "range", "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes",
            "typename", "nan_to_num_", "round_"]


@composite()
def argwhere(input) -> Tensor:
    """Returns the coordinates of the non-zero elements of ``input``, one row per element.

    An ``(N, input.dim())`` int64 tensor in row-major order (as :func:`nonzero`).

    Example::

        >>> rtorch.tensor([[0, 1], [2, 0]]).argwhere()
        tensor([[0, 1],
                [1, 0]])
    """
    if input.dim() == 0:
        return _rt().zeros(1 if bool(input != 0) else 0, 0, dtype=_rt().int64, device=input.device)
    return input.nonzero()


def _gradient_axis(f, d, h, edge_order):
    """Second-order accurate central differences of ``f`` along dim ``d`` with spacing ``h`` (a number
    or a 1-D tensor of coordinates), and first- or second-order one-sided differences at the edges."""
    rt = _rt()
    n = f.shape[d]
    sl = lambda a, b: f.narrow(d, a, b - a)  # noqa: E731
    if isinstance(h, Tensor):
        dx = h.diff().to(f.dtype)
        shape = [1] * f.dim()
        shape[d] = -1
        h1 = dx[:-1].reshape(shape)
        h2 = dx[1:].reshape(shape)
        a = -h2 / (h1 * (h1 + h2))
        b = (h2 - h1) / (h1 * h2)
        c = h1 / (h2 * (h1 + h2))
        mid = a * sl(0, n - 2) + b * sl(1, n - 1) + c * sl(2, n)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / dx[0]
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / dx[-1]
        else:
            h1, h2 = dx[0], dx[1]
            first = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * sl(0, 1) + (h1 + h2) / (h1 * h2) * sl(1, 2)
                     - h1 / (h2 * (h1 + h2)) * sl(2, 3))
            h1, h2 = dx[-2], dx[-1]
            last = (h2 / (h1 * (h1 + h2)) * sl(n - 3, n - 2) - (h1 + h2) / (h1 * h2) * sl(n - 2, n - 1)
                    + (2 * h2 + h1) / (h2 * (h1 + h2)) * sl(n - 1, n))
    else:
        mid = (sl(2, n) - sl(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / h
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / h
        else:
            first = (-1.5 * sl(0, 1) + 2 * sl(1, 2) - 0.5 * sl(2, 3)) / h
            last = (0.5 * sl(n - 3, n - 2) - 2 * sl(n - 2, n - 1) + 1.5 * sl(n - 1, n)) / h
    return rt.cat([first, mid, last], d)


@composite(method=False)
def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple[Tensor, ...]:
    """Estimates the gradient of a function sampled in ``input`` along each of ``dim`` (all dims by default).

    Central differences in the interior and one-sided differences of order ``edge_order`` at the
    boundaries, as NumPy's ``gradient``; one tensor per dim.

    Args:
        input (Tensor): the sampled values.
        spacing (Number, list of Numbers or list of 1-D Tensors): the sample spacing (one for all
            dims, one per dim) or the sample coordinates along each dim. Default 1.
        dim (int or list of ints, optional): the dims to differentiate. Default: all.
        edge_order (int): 1 or 2. Default 1.

    Example::

        >>> rtorch.gradient(rtorch.tensor([1., 2., 4., 8.]))
        (tensor([1.0000, 1.5000, 3.0000, 4.0000]),)
    """
    rt = _rt()
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(builtins.range(input.dim())) if dim is None else _common.int_list(dim, "gradient", "dim")
    dims = [_common.wrap_dim(d, input.dim()) for d in dims]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            what = ("since dim argument was not given" if dim is None else "since dim argument was given")
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {input.dim()}', {what}, but got a list of length "
                               f"{len(spacing)}")
        hs = list(spacing)
    else:
        hs = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    f = input if input.is_floating_point() else input.to(rt.get_default_dtype())
    return tuple(_gradient_axis(f, d, (h if isinstance(h, Tensor) and h.dim() else float(h)), edge_order)
                 for d, h in zip(dims, hs))


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


@composite()
def unsafe_split(input, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :meth:`split` (PyTorch's version skips the view checks of in-place ops on the pieces).

    Args:
        split_size (int): the size of each piece (the last may be smaller).
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(5).unsafe_split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return input.split(split_size, dim)


@composite()
def unsafe_chunk(input, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :meth:`chunk` (PyTorch's version skips the view checks of in-place ops on the pieces).

    Args:
        chunks (int): the number of pieces.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(5).unsafe_chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    return input.chunk(chunks, dim)


@composite()
def unsafe_split_with_sizes(input, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Same as :func:`split_with_sizes`.

    Args:
        split_sizes (sequence of ints): the size of each piece.
        dim (int): the dim to split. Default 0.

    Example::

        >>> rtorch.arange(3).unsafe_split_with_sizes([1, 2])
        (tensor([0]), tensor([1, 2]))
    """
    from .shape import split_with_sizes
    return split_with_sizes(input, split_sizes, dim)


@composite(method=False)
def typename(obj) -> str:
    """Returns the type name of ``obj``.

    For a tensor its legacy type name (:meth:`Tensor.type`, ``rtorch.FloatTensor``), else the Python
    type's qualified name.

    Args:
        obj: any object.

    Example::

        >>> rtorch.typename(rtorch.zeros(2))
        'rtorch.FloatTensor'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    t = type(obj)
    return t.__qualname__ if t.__module__ in ("builtins", "__builtin__", None) else f"{t.__module__}.{t.__qualname__}"


@composite(function=False)
def scatter_reduce_(self, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True) -> Tensor:
    """In-place :meth:`scatter_reduce`.

    Args:
        dim (int): the dim to scatter along.
        index (Tensor): int64 positions, shaped like ``src`` (or smaller).
        src (Tensor): the values.
        reduce (str): ``sum``, ``prod``, ``mean``, ``amax`` or ``amin``.
        include_self (bool): reduce ``self``'s values too. Default True.

    Example::

        >>> rtorch.zeros(2).scatter_reduce_(0, rtorch.tensor([1, 1]), rtorch.tensor([2., 3.]), "sum")
        tensor([0., 5.])
    """
    return self.copy_(self.scatter_reduce(dim, index, src, reduce, include_self=include_self))


@composite(function=False)
def masked_scatter_(self, mask: Tensor, source: Tensor) -> Tensor:
    """In-place :meth:`masked_scatter`.

    Args:
        mask (Tensor): bool, broadcastable to ``self``.
        source (Tensor): the values, read in row-major order.

    Example::

        >>> rtorch.zeros(3).masked_scatter_(rtorch.tensor([True, False, True]), rtorch.tensor([1., 2.]))
        tensor([1., 0., 2.])
    """
    return self.copy_(self.masked_scatter(mask, source))


@composite()
def nan_to_num_(input, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """In-place :meth:`nan_to_num`.

    Args:
        nan (float): the value for NaNs. Default 0.
        posinf (float, optional): the value for +inf. Default: the dtype's largest value.
        neginf (float, optional): the value for -inf. Default: the dtype's lowest value.

    Example::

        >>> rtorch.tensor([float("nan"), 1.]).nan_to_num_()
        tensor([0., 1.])
    """
    return input.copy_(input.nan_to_num(nan, posinf, neginf))


@composite()
def round_(input, *, decimals: int = 0) -> Tensor:
    """In-place :meth:`round`.

    Args:
        decimals (int): the number of decimals to round to. Default 0.

    Example::

        >>> rtorch.tensor([0.5, 1.26]).round_(decimals=1)
        tensor([0.5000, 1.3000])
    """
    return input.copy_(input.round(decimals=decimals))


__all__ += ["frombuffer"]


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


# PyTorch's torch.<op>_ functions (exactly its list: it exports no torch.mul_ or torch.lgamma_): the in-place
# Tensor methods called as functions.
_INPLACE_FUNCTIONS = ("abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ "
                      "ceil_ cos_ cosh_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fix_ floor_ frac_ log10_ log1p_ log2_ "
                      "log_ neg_ negative_ reciprocal_ relu_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ "
                      "tanh_ trunc_ zero_ deg2rad_ rad2deg_ i0_ gcd_ lcm_ ldexp_ xlogy_").split()


def _inplace_function(name):
    def fn(input: Tensor, *args, **kwargs) -> Tensor:
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Applies :meth:`Tensor.{name}` to ``input`` in place and returns it.\n\n"
                  f"    Args:\n        input (Tensor): the tensor to modify.\n\n"
                  f"    Example::\n\n        >>> x = rtorch.tensor([0.5, 2.0])\n"
                  f"        >>> rtorch.{name}(x) is x\n        True\n    ")
    return composite(method=False)(fn)


for _name in _INPLACE_FUNCTIONS:
    globals()[_name] = _inplace_function(_name)
__all__ += _INPLACE_FUNCTIONS


@composite(method=False)
def resize_as_(input: Tensor, the_template: Tensor) -> Tensor:
    """Resizes ``input`` in place to the shape of ``the_template``.

    Resizes ``input`` in place to the shape of ``the_template`` (the function form of
    :meth:`Tensor.resize_as_`).

    Args:
        input (Tensor): the tensor to resize.
        the_template (Tensor): the tensor whose shape to take.

    Example::

        >>> rtorch.resize_as_(rtorch.zeros(4), rtorch.zeros(2, 2)).shape
        rtorch.Size([2, 2])
    """
    return input.resize_as_(the_template)


@composite(method=False)
def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """Restrides ``input`` in place (the function form of :meth:`Tensor.as_strided_`).

    Args:
        input (Tensor): the tensor to restride.
        size (sequence of ints): the new shape.
        stride (sequence of ints): the new strides.
        storage_offset (int, optional): the new offset of the first element.

    Example::

        >>> rtorch.as_strided_(rtorch.arange(4.), (2,), (2,))
        tensor([0., 2.])
    """
    if storage_offset is None:
        return input.as_strided_(size, stride)
    return input.as_strided_(size, stride, storage_offset)


__all__ += ["resize_as_", "as_strided_"]


@composite(function=False)
def const_data_ptr(self) -> int:
    """The address of the first element, as :meth:`Tensor.data_ptr` (PyTorch's read-only-intent spelling).

    Example::

        >>> x = rtorch.ones(3)
        >>> x.const_data_ptr() == x.data_ptr()
        True
    """
    return self.data_ptr()


@composite(function=False)
def hardshrink(self, lambd: float = 0.5) -> Tensor:
    """The method form of :func:`rtorch.nn.functional.hardshrink`: ``x`` where ``|x| > lambd``, else 0.

    Example::

        >>> rtorch.tensor([0.3, -1.0]).hardshrink()
        tensor([ 0., -1.])
    """
    from ..nn import functional as F
    return F.hardshrink(self, lambd)


@composite(function=False)
def prelu(self, weight: Tensor) -> Tensor:
    """The method form of :func:`rtorch.nn.functional.prelu`: ``max(0, x) + weight * min(0, x)`` per channel.

    Example::

        >>> rtorch.tensor([-1.0, 2.0]).prelu(rtorch.tensor([0.25]))
        tensor([-0.2500,  2.0000])
    """
    from ..nn import functional as F
    return F.prelu(self, weight)
