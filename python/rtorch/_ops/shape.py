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
