"""The Array API's set functions (unique_all/counts/inverse/values) and isin.

All from one stable sort of the flattened array, so NaNs are distinct and ``indices`` are first occurrences.
"""
from typing import NamedTuple

import rtorch

from ._helpers import check_array


class UniqueAllResult(NamedTuple):
    """The result of ``unique_all``: ``values``, ``indices``, ``inverse_indices``, ``counts``."""
    values: rtorch.Tensor
    indices: rtorch.Tensor
    inverse_indices: rtorch.Tensor
    counts: rtorch.Tensor


class UniqueCountsResult(NamedTuple):
    """The result of ``unique_counts``: ``values``, ``counts``."""
    values: rtorch.Tensor
    counts: rtorch.Tensor


class UniqueInverseResult(NamedTuple):
    """The result of ``unique_inverse``: ``values``, ``inverse_indices``."""
    values: rtorch.Tensor
    inverse_indices: rtorch.Tensor


def _unique(fn, x):
    """(values, first indices, inverse indices shaped like x, counts) of x's distinct elements, sorted."""
    check_array(x, fn)
    if x.dtype.is_complex:
        raise TypeError(f"array_api.{fn}(): complex arrays are not supported (they have no order)")
    flat = x.reshape(-1)
    n = flat.numel()
    key = flat.to(rtorch.uint8) if flat.dtype == rtorch.bool else flat
    sorted_, perm = rtorch.sort(key, stable=True)
    # a group starts where an element differs from its predecessor (NaN != NaN: every NaN is its own group)
    starts = rtorch.ones(n, dtype=rtorch.bool, device=x.device)
    if n > 1:
        starts[1:] = sorted_[1:] != sorted_[:-1]
    group = rtorch.cumsum(starts.to(rtorch.int64), 0) - 1
    positions = rtorch.nonzero(starts, as_tuple=True)[0]
    ends = rtorch.cat([positions[1:], rtorch.tensor([n], dtype=rtorch.int64, device=x.device)])
    values = flat[perm[positions]]
    inverse = rtorch.empty(n, dtype=rtorch.int64, device=x.device)
    inverse[perm] = group
    return values, perm[positions], inverse.reshape(x.shape), ends - positions


def unique_all(x, /):
    """Returns the unique elements of ``x`` with their first indices, inverse indices and counts.

    ``values`` are sorted; ``indices`` are first occurrences in the flattened ``x``; ``inverse_indices`` has
    ``x``'s shape. NaNs are distinct from each other.

    Args:
        x (Tensor): the array.

    Example::

        >>> xp.unique_all(xp.asarray([2, 1, 2])).counts
        tensor([1, 2])
    """
    return UniqueAllResult(*_unique("unique_all", x))


def unique_counts(x, /):
    """Returns the unique elements of ``x`` (sorted) and how often each occurs.

    Args:
        x (Tensor): the array.

    Example::

        >>> xp.unique_counts(xp.asarray([2, 1, 2]))
        UniqueCountsResult(values=tensor([1, 2]), counts=tensor([1, 2]))
    """
    v, _, _, c = _unique("unique_counts", x)
    return UniqueCountsResult(v, c)


def unique_inverse(x, /):
    """Returns the unique elements of ``x`` (sorted) and, shaped like ``x``, the index of each element in them.

    Args:
        x (Tensor): the array.

    Example::

        >>> xp.unique_inverse(xp.asarray([2, 1, 2])).inverse_indices
        tensor([1, 0, 1])
    """
    v, _, inv, _ = _unique("unique_inverse", x)
    return UniqueInverseResult(v, inv)


def unique_values(x, /):
    """Returns the unique elements of ``x``, sorted (NaNs distinct).

    Args:
        x (Tensor): the array.

    Example::

        >>> xp.unique_values(xp.asarray([2, 1, 2]))
        tensor([1, 2])
    """
    return _unique("unique_values", x)[0]


def isin(x1, x2, /, *, invert=False):
    """Tests each element of ``x1`` for membership in ``x2`` (from the 2025.12 standard; provided ahead).

    Args:
        x1 (Tensor or scalar): the elements to test.
        x2 (Tensor or scalar): the set.
        invert (bool): test for non-membership instead.

    Example::

        >>> xp.isin(xp.asarray([1, 2, 3]), xp.asarray([2]))
        tensor([False,  True, False])
    """
    from ._helpers import binary_operands
    a, b = binary_operands("isin", x1, x2)
    return rtorch.isin(a, b, invert=bool(invert))


