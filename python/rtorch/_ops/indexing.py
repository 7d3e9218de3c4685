"""Index ops composed from scatter / index_put (`@composite`): index_reduce(_), put(_) and the
function forms torch.index_put(_)."""
from __future__ import annotations

import operator

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from .shape import _dtype_name

__all__ = ["index_reduce", "put", "index_put", "index_put_"]

_INDEX_REDUCE = ("prod", "mean", "amax", "amin")


def _index_reduce(self, dim, index, source, reduce, include_self):
    import rtorch
    if reduce not in _INDEX_REDUCE:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = _common.wrap_dim(dim, self.dim())
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if index.is_floating_point() or index.dtype not in (rtorch.int64, rtorch.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {_dtype_name(index.dtype)}")
    if source.dtype != self.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_dtype_name(self.dtype)}) and source "
                           f"({_dtype_name(source.dtype)}) must have the same scalar type")
    n_src = source.shape[d] if source.dim() else 1
    if index.numel() != n_src:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({n_src}), for dim: {d}")
    size = self.shape[d] if self.dim() else 1
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= size):
        raise IndexError("index out of range in self")
    # scatter_reduce along `dim` with the index repeated over the other dims of source.
    shape = [1] * max(source.dim(), 1)
    shape[d] = -1
    idx = index.long().reshape(shape).expand(source.shape if source.dim() else (1,))
    src = source if source.dim() else source.reshape(1)
    return self.scatter_reduce(d, idx, src, reduce, include_self=include_self)


@composite()
def index_reduce(input, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """Reduces the slices of ``source`` into ``input`` at the positions ``index`` along ``dim``.

    ``out.select(dim, index[i])`` is reduced (``prod``, ``mean``, ``amax`` or ``amin``) with
    ``source.select(dim, i)``, starting from ``input``'s slice when ``include_self`` (else from the
    reduction of the sources alone); slices no index names keep ``input``'s values.

    Args:
        dim (int): the dim to index.
        index (Tensor): int64 / int32 vector, one entry per slice of ``source`` along ``dim``.
        source (Tensor): the values, ``input``'s dtype.
        reduce (str): ``prod``, ``mean``, ``amax`` or ``amin``.
        include_self (bool): reduce ``input``'s slices too. Default True.

    Example::

        >>> rtorch.ones(3).index_reduce(0, rtorch.tensor([0, 0]), rtorch.tensor([2., 3.]), "prod")
        tensor([6., 1., 1.])
    """
    return _index_reduce(input, dim, index, source, reduce, include_self)


@composite(function=False)
def index_reduce_(self, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                  include_self: bool = True) -> Tensor:
    """In-place :meth:`index_reduce`.

    Args:
        dim (int): the dim to index.
        index (Tensor): int64 / int32 vector.
        source (Tensor): the values.
        reduce (str): ``prod``, ``mean``, ``amax`` or ``amin``.
        include_self (bool): reduce ``self``'s slices too. Default True.

    Example::

        >>> rtorch.ones(3).index_reduce_(0, rtorch.tensor([1]), rtorch.tensor([5.]), "amax")
        tensor([1., 5., 1.])
    """
    return self.copy_(_index_reduce(self, dim, index, source, reduce, include_self))


def _put_args(self, index, source):
    import rtorch
    if index.dtype != rtorch.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_dtype_name(index.dtype)}")
    if source.dtype != self.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_dtype_name(self.dtype)} and source.dtype = {_dtype_name(source.dtype)}")
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = self.numel()
    if index.numel():
        lo, hi = int(index.min()), int(index.max())
        bad = hi if hi >= n else lo if lo < -n else None
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return index.reshape(-1).remainder(max(n, 1)), source.reshape(-1)


@composite()
def put(input, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """Writes ``source`` at flat positions of a copy of ``input``.

    A copy of ``input`` with ``source`` written at the flat (row-major) positions ``index``; negative
    positions count from the end, ``accumulate`` adds instead of overwriting.

    Args:
        index (Tensor): int64 flat positions.
        source (Tensor): one value per index, ``input``'s dtype.
        accumulate (bool): add to the existing values (repeated indices add up). Default False.

    Example::

        >>> rtorch.zeros(2, 2).put(rtorch.tensor([0, -1]), rtorch.tensor([1., 2.]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    idx, src = _put_args(input, index, source)
    flat = input.reshape(-1).clone()
    return flat.index_put((idx,), src, accumulate).reshape(input.shape)


@composite(function=False)
def put_(self, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """In-place :meth:`put`: positions index ``self`` as if it were contiguous (row-major).

    Args:
        index (Tensor): int64 flat positions.
        source (Tensor): one value per index, ``self``'s dtype.
        accumulate (bool): add to the existing values. Default False.

    Example::

        >>> rtorch.zeros(3).put_(rtorch.tensor([1, 1]), rtorch.tensor([1., 2.]), accumulate=True)
        tensor([0., 3., 0.])
    """
    return self.copy_(put(self, index, source, accumulate))


@composite(method=False)
def index_put(input: Tensor, indices: tuple, values: Tensor, accumulate: bool = False) -> Tensor:
    """Writes ``values`` at ``input[indices]`` in a copy of ``input``.

    A copy of ``input`` with ``values`` written at ``input[indices]`` (the function form of
    :meth:`Tensor.index_put`).

    Args:
        input (Tensor): the tensor.
        indices (tuple of Tensor): one index tensor per leading dim (broadcast together).
        values (Tensor): the values (broadcast to the indexed shape).
        accumulate (bool): add instead of overwriting. Default False.

    Example::

        >>> rtorch.index_put(rtorch.zeros(3), (rtorch.tensor([2]),), rtorch.tensor(1.))
        tensor([0., 0., 1.])
    """
    return input.index_put(indices, values, accumulate)


@composite(method=False)
def index_put_(input: Tensor, indices: tuple, values: Tensor, accumulate: bool = False) -> Tensor:
    """Writes ``values`` at ``input[indices]`` in place (the function form of :meth:`Tensor.index_put_`).

    Args:
        input (Tensor): the tensor to write.
        indices (tuple of Tensor): one index tensor per leading dim.
        values (Tensor): the values.
        accumulate (bool): add instead of overwriting. Default False.

    Example::

        >>> rtorch.index_put_(rtorch.zeros(3), (rtorch.tensor([0, 0]),), rtorch.tensor(1.), True)
        tensor([2., 0., 0.])
    """
    return input.index_put_(indices, values, accumulate)
