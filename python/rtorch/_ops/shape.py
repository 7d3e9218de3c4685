"""Shape ops composed from views and reductions (declared with `@composite`)."""
from __future__ import annotations

import operator
from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor

__all__ = []


def _size_arg(size, op):
    if len(size) == 1 and not isinstance(size[0], int):
        size = size[0]
    try:
        return tuple(operator.index(s) for s in size)
    except TypeError:
        raise TypeError(f"{op}(): argument 'size' must be a sequence of ints, got {size!r}") from None


@composite(function=False)
def sum_to_size(self, *size: int | Sequence[int]) -> Tensor:
    """Sums this tensor to ``size``, the reverse of :meth:`expand`.

    ``size`` must be broadcastable to this tensor's shape: dims where it is 1, and the leading dims it
    lacks, are summed.

    Args:
        size (int... or torch.Size): the target shape.

    Example::

        >>> rtorch.arange(6.).reshape(2, 3).sum_to_size(1, 3)
        tensor([[3., 5., 7.]])
    """
    size = _size_arg(size, "sum_to_size")
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = list(range(lead)) + [lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1]
    out = self.sum(dims, keepdim=True) if dims else self
    return out.reshape(size) if lead or dims else out


# ---- dims, splits and broadcasting (tensorops) ----

from . import _common  # noqa: E402
from .._size import Size  # noqa: E402

__all__ += ["movedim", "moveaxis", "tensor_split", "hsplit", "vsplit", "dsplit", "split_with_sizes",
            "broadcast_shapes", "broadcast_tensors", "block_diag", "cartesian_prod", "combinations",
            "diag", "diag_embed", "diagflat"]


@composite()
def movedim(input, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Moves dims of ``input`` to new positions (a view).

    Moves the dims of ``input`` at ``source`` to the positions in ``destination``; the other dims keep
    their order. A view.

    Args:
        source (int or tuple of ints): original positions of the dims to move (unique).
        destination (int or tuple of ints): their new positions (unique).

    Example::

        >>> rtorch.zeros(2, 3, 4).movedim(0, -1).shape
        rtorch.Size([3, 4, 2])
    """
    src = _common.int_list(source, "movedim", "source")
    dst = _common.int_list(destination, "movedim", "destination")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
                           f"the same number of dims as destination ({dst} dims)")
    nd = input.dim()
    ws = [_common.wrap_dim(d, nd) for d in src]
    wd = [_common.wrap_dim(d, nd) for d in dst]
    if len(set(ws)) != len(ws):
        raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
    if len(set(wd)) != len(wd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
    if nd == 0:
        return input.view(())
    order = [None] * nd
    for s, d in zip(ws, wd):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in ws)
    return input.permute([o if o is not None else next(rest) for o in order])


@composite()
def moveaxis(input, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Alias of :func:`movedim` (NumPy's name).

    Args:
        source (int or tuple of ints): original positions of the dims to move.
        destination (int or tuple of ints): their new positions.

    Example::

        >>> rtorch.zeros(2, 3).moveaxis(1, 0).shape
        rtorch.Size([3, 2])
    """
    return movedim(input, source, destination)


def _split_points(self, indices_or_sections, dim, op):
    """The (start, length) pieces of tensor_split / h/v/dsplit along ``dim``."""
    size = self.shape[dim]
    if isinstance(indices_or_sections, Tensor):
        t = indices_or_sections
        if t.is_floating_point() or t.dtype != _int64():
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_dtype_name(t.dtype)}")
        if t.dim() > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {t.dim()} dims")
        indices_or_sections = int(t.item()) if t.dim() == 0 else [int(v) for v in t.tolist()]
    if isinstance(indices_or_sections, (list, tuple)):
        bounds = [0]
        for i in indices_or_sections:
            if not _common_is_index(i):
                raise TypeError(f"{op}(): argument 'indices_or_sections' must be int or tuple of ints, but found "
                                f"element of type {type(i).__name__}")
            i = operator.index(i)
            bounds.append(max(0, min(size, i + size if i < 0 else i)))
        bounds.append(size)
        return [(bounds[k], max(0, bounds[k + 1] - bounds[k])) for k in range(len(bounds) - 1)]
    if not _common_is_index(indices_or_sections):
        raise TypeError(f"{op}(): argument 'indices_or_sections' must be int or tuple of ints, not "
                        f"{type(indices_or_sections).__name__}")
    n = operator.index(indices_or_sections)
    if n <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {n}")
    base, extra = divmod(size, n)
    out, start = [], 0
    for k in range(n):
        length = base + (1 if k < extra else 0)
        out.append((start, length))
        start += length
    return out


def _common_is_index(v):
    return hasattr(type(v), "__index__") and not isinstance(v, bool)


def _int64():
    from .. import int64
    return int64


def _dtype_name(dtype):
    # PyTorch's scalar-type names in messages ("Float", "Long", ...).
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
             "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
    return names.get(str(dtype).replace("rtorch.", ""), str(dtype))


@composite()
def tensor_split(input, indices_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    """Splits ``input`` into views along a dim by count or at indices.

    Splits ``input`` into views along ``dim``: into ``n`` nearly equal parts (the first ``size % n`` one
    element longer) for an int ``n``, or at the given indices for a sequence (or 1-D long tensor).

    Args:
        indices_or_sections (int, sequence of ints or Tensor): number of parts, or split indices.
        dim (int): the dim to split. Default 0.

    Example::

        >>> [p.tolist() for p in rtorch.arange(5).tensor_split(2)]
        [[0, 1, 2], [3, 4]]
    """
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    dim = _common.wrap_dim(dim, input.dim())
    return tuple(input.narrow(dim, s, n) for s, n in _split_points(input, indices_or_sections, dim, "tensor_split"))


def _directional_split(self, indices_or_sections, dim, min_dims, op):
    nd = self.dim()
    if nd < min_dims:
        plural = "dimension" if min_dims == 1 else "dimension"
        raise RuntimeError(f"torch.{op} requires a tensor with at least {min_dims} {plural}, but got a tensor "
                           f"with {nd} dimensions!")
    if not isinstance(indices_or_sections, (list, tuple, Tensor)):
        try:
            n = operator.index(indices_or_sections)
        except TypeError:
            raise TypeError(f"{op}(): argument 'indices_or_sections' must be int or tuple of ints, not "
                            f"{type(indices_or_sections).__name__}") from None
        if n == 0 or self.shape[dim] % n != 0:
            raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {self.shape[dim]} is not divisible by the split_size {n}!")
    return tensor_split(self, indices_or_sections, dim)


@composite()
def hsplit(input, indices_or_sections) -> tuple[Tensor, ...]:
    """Splits ``input`` horizontally into views.

    Splits ``input`` horizontally: along dim 1 (dim 0 for a 1-D tensor), as :func:`tensor_split`, except
    that an int number of sections must divide the dim exactly.

    Args:
        indices_or_sections (int or sequence of ints): number of equal parts, or split indices.

    Example::

        >>> [p.shape for p in rtorch.zeros(2, 4).hsplit(2)]
        [rtorch.Size([2, 2]), rtorch.Size([2, 2])]
    """
    return _directional_split(input, indices_or_sections, 1 if input.dim() > 1 else 0, 1, "hsplit")


@composite()
def vsplit(input, indices_or_sections) -> tuple[Tensor, ...]:
    """Splits ``input`` (at least 2-D) vertically, along dim 0; an int must divide the dim exactly.

    Args:
        indices_or_sections (int or sequence of ints): number of equal parts, or split indices.

    Example::

        >>> [p.shape for p in rtorch.zeros(4, 2).vsplit([1])]
        [rtorch.Size([1, 2]), rtorch.Size([3, 2])]
    """
    return _directional_split(input, indices_or_sections, 0, 2, "vsplit")


@composite()
def dsplit(input, indices_or_sections) -> tuple[Tensor, ...]:
    """Splits ``input`` (at least 3-D) depthwise, along dim 2; an int must divide the dim exactly.

    Args:
        indices_or_sections (int or sequence of ints): number of equal parts, or split indices.

    Example::

        >>> [p.shape for p in rtorch.zeros(1, 1, 4).dsplit(2)]
        [rtorch.Size([1, 1, 2]), rtorch.Size([1, 1, 2])]
    """
    return _directional_split(input, indices_or_sections, 2, 3, "dsplit")


@composite()
def split_with_sizes(input, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Splits ``input`` into views along ``dim`` with the given sizes, which must sum to the dim's size.

    Args:
        split_sizes (sequence of ints): the size of each piece (non-negative).
        dim (int): the dim to split. Default 0.

    Example::

        >>> [p.tolist() for p in rtorch.arange(5).split_with_sizes([2, 3])]
        [[0, 1], [2, 3, 4]]
    """
    sizes = _common.int_list(split_sizes, "split_with_sizes", "split_sizes")
    dim = _common.wrap_dim(dim, input.dim())
    if input.dim() == 0:
        raise RuntimeError("split_with_sizes expects a tensor with at least 1 dimension")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    n = input.shape[dim]
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {dim}), but got split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(input.narrow(dim, start, s))
        start += s
    return tuple(out)


@composite(method=False)
def broadcast_shapes(*shapes) -> Size:
    """The shape that tensors of the given shapes broadcast to, without making any tensor.

    Args:
        *shapes (int or sequence of ints): the shapes (an int is a 1-D shape).

    Example::

        >>> rtorch.broadcast_shapes((2, 1), (3,))
        rtorch.Size([2, 3])
    """
    out = []
    for k, shape in enumerate(shapes):
        try:
            dims = [operator.index(shape)] if not isinstance(shape, (list, tuple, Size)) else \
                [operator.index(d) for d in shape]
        except TypeError:
            raise TypeError(f"broadcast_shapes(): argument 'shapes' (position {k + 1}) must be int or tuple of "
                            f"ints, not {type(shape).__name__}") from None
        if any(d < 0 for d in dims):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
        if len(dims) > len(out):
            out = [1] * (len(dims) - len(out)) + out
        for i in range(1, len(dims) + 1):
            d, o = dims[-i], out[-i]
            if d == o or d == 1:
                continue
            if o == 1:
                out[-i] = d
            else:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {d} at {-i}! Mismatching "
                                   f"argument at index {k} had {tuple(dims)}; but expected shape should be "
                                   f"broadcastable to {out}")
    return Size(out)


def broadcast_pair(a, b):
    """The broadcast of shapes ``a`` and ``b`` as a list, or PyTorch's error naming the mismatching sizes."""
    out = [1] * (max(len(a), len(b)) - len(a)) + list(a)
    for i in range(1, len(b) + 1):
        d, o = b[-i], out[-i]
        if d != o and d != 1:
            if o != 1:
                raise RuntimeError(f"The size of tensor a ({o}) must match the size of tensor b ({d}) at "
                                   f"non-singleton dimension {len(out) - i}")
            out[-i] = d
    return out


@composite(method=False)
def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Expands the tensors to their common broadcast shape (views, no copy).

    Args:
        *tensors (Tensor): tensors of broadcastable shapes.

    Example::

        >>> [t.shape for t in rtorch.broadcast_tensors(rtorch.zeros(2, 1), rtorch.zeros(3))]
        [rtorch.Size([2, 3]), rtorch.Size([2, 3])]
    """
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"broadcast_tensors(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    out = []
    for t in tensors:
        out = broadcast_pair(out, t.shape)
    return tuple(t.expand(out) for t in tensors)


@composite(method=False)
def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix of the given tensors (0-d is 1x1, 1-D is a row), in the promoted dtype.

    Args:
        *tensors (Tensor): tensors with at most 2 dims.

    Example::

        >>> rtorch.block_diag(rtorch.tensor([[1, 2]]), rtorch.tensor(3))
        tensor([[1, 2, 0],
                [0, 0, 3]])
    """
    from .. import result_type, zeros, cat
    mats = []
    for i, t in enumerate(_common.tensor_list(tensors, "block_diag")):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
        mats.append(t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t)
    if not mats:
        return zeros(1, 0)
    _common.same_device_dtype_check(mats, "torch.block_diag")
    dtype = mats[0].dtype
    for m in mats[1:]:
        dtype = _promote(dtype, m.dtype)
    width = sum(m.shape[1] for m in mats)
    rows, col = [], 0
    for m in mats:
        h, w = m.shape
        left = zeros(h, col, dtype=dtype, device=m.device)
        right = zeros(h, width - col - w, dtype=dtype, device=m.device)
        rows.append(cat([left, m.to(dtype), right], 1))
        col += w
    return cat(rows, 0)


def _promote(a, b):
    from .. import promote_types
    return promote_types(a, b)


@composite(method=False)
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Computes the Cartesian product of 1-D tensors.

    The Cartesian product of 1-D tensors of one dtype: an ``(N, k)`` tensor of every combination (the
    single input itself for one tensor), like ``itertools.product``.

    Args:
        *tensors (Tensor): 1-D tensors.

    Example::

        >>> rtorch.cartesian_prod(rtorch.tensor([1, 2]), rtorch.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    from .. import meshgrid, stack
    tensors = _common.tensor_list(tensors, "cartesian_prod")
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


@composite(method=False)
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Computes the length-``r`` combinations of the elements of a 1-D tensor.

    The length-``r`` combinations of the elements of a 1-D tensor, as ``itertools.combinations`` (or
    ``combinations_with_replacement``): an ``(N, r)`` tensor.

    Args:
        input (Tensor): a 1-D tensor.
        r (int): number of elements per combination. Default 2.
        with_replacement (bool): allow an element to repeat within a combination. Default False.

    Example::

        >>> rtorch.combinations(rtorch.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
    import itertools
    from .. import tensor as _tensor
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    r = operator.index(r)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    # The index table is small next to the data it gathers: built on the host, gathered on the device.
    idx = list(gen(range(input.shape[0]), r))
    if not idx:
        return input.new_empty(0, r)
    index = _tensor(idx, dtype=_int64(), device=input.device)
    return input[index.reshape(-1)].reshape(len(idx), r)


@composite()
def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Builds tensors whose diagonals hold the last dim of ``input``.

    A tensor whose diagonals (at ``offset``, in the planes of ``dim1`` and ``dim2`` of the output) hold the
    last dim of ``input``; zero elsewhere. The output has one dim more than ``input``.

    Args:
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below. Default 0.
        dim1 (int): first dim of the output's diagonal planes. Default -2.
        dim2 (int): second dim of the output's diagonal planes. Default -1.

    Example::

        >>> rtorch.tensor([1, 2]).diag_embed()
        tensor([[1, 0],
                [0, 2]])
    """
    from .. import zeros
    nd = input.dim() + 1
    d1, d2 = _common.wrap_dim(dim1, nd), _common.wrap_dim(dim2, nd)
    if input.dim() == 0:
        # PyTorch wraps dim1 against the output's rank, then fails on the input's last dim.
        _common.wrap_dim(-2, 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = operator.index(offset)
    n = input.shape[-1] + abs(offset)
    lead = list(input.shape[:-1])
    shape = []
    it = iter(lead)
    for i in range(nd):
        shape.append(n if i in (d1, d2) else next(it))
    out = zeros(shape, dtype=input.dtype, device=input.device)
    # The diagonal view's dims are the remaining dims followed by the diagonal: the input's layout.
    out.diagonal(offset, d1, d2).copy_(input)
    return out


@composite()
def diag(input, diagonal: int = 0) -> Tensor:
    """Builds a diagonal matrix from a vector, or extracts a diagonal of a matrix.

    For a 1-D ``input``, a square matrix with ``input`` on its ``diagonal``-th diagonal; for a 2-D ``input``,
    a copy of its ``diagonal``-th diagonal as a 1-D tensor.

    Args:
        diagonal (int): which diagonal: 0 the main one, > 0 above it, < 0 below. Default 0.

    Example::

        >>> rtorch.tensor([1, 2]).diag()
        tensor([[1, 0],
                [0, 2]])
    """
    if input.dim() == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.dim() == 2:
        return input.diagonal(operator.index(diagonal)).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")


@composite()
def diagflat(input, offset: int = 0) -> Tensor:
    """A square matrix with the flattened ``input`` on its ``offset``-th diagonal.

    Args:
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below. Default 0.

    Example::

        >>> rtorch.tensor([[1, 2]]).diagflat()
        tensor([[1, 0],
                [0, 2]])
    """
    return diag_embed(input.reshape(-1), offset, 0, 1)
