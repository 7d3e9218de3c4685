"""Layout queries on strided tensors (`@composite`): `dim_order`, `empty_permuted`, and the sparse-layout
methods, which on a strided tensor answer or raise exactly as PyTorch does (rtorch's tensors are strided;
sparse COO tensors are `rtorch.sparse.SparseTensor` objects with their own methods)."""
from __future__ import annotations

from collections.abc import Sequence

from .._composite import composite
from .._rtorch import Tensor
from ._common import int_list

__all__ = ["empty_permuted", "indices_copy", "values_copy", "resize_as_sparse_", "is_distributed"]


def _not_sparse(op, coordinate=True):
    """PyTorch's error for a sparse-only query on a strided tensor."""
    kind = "sparse coordinate tensor" if coordinate else "sparse tensor"
    return RuntimeError(f"{op} expected {kind} layout but got Strided")


def _no_kernel(op):
    """PyTorch's error for a sparse kernel called with a strided (CPU) tensor: there is no such kernel."""
    return NotImplementedError(
        f"Could not run 'aten::{op}' with arguments from the 'CPU' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using "
        f"custom build). 'aten::{op}' is only available for sparse layouts, and rtorch has no sparse layout of "
        "Tensor.")


@composite(function=False)
def dense_dim(self) -> int:
    """The number of dense dimensions: for a strided tensor every dimension (``self.dim()``).

    Example::

        >>> rtorch.zeros(2, 3).dense_dim()
        2
    """
    return self.dim()


@composite(function=False)
def sparse_dim(self) -> int:
    """The number of sparse dimensions: 0 for a strided tensor.

    Example::

        >>> rtorch.zeros(2, 3).sparse_dim()
        0
    """
    return 0


@composite(function=False)
def coalesce(self) -> Tensor:
    """Coalesces a sparse COO tensor; a strided tensor raises PyTorch's ``RuntimeError``.

    Example::

        >>> rtorch.zeros(2).coalesce()
        Traceback (most recent call last):
        RuntimeError: coalesce expected sparse coordinate tensor layout but got Strided
    """
    raise _not_sparse("coalesce")


@composite(function=False)
def is_coalesced(self) -> bool:
    """Whether a sparse COO tensor is coalesced; a strided tensor raises PyTorch's ``RuntimeError``.

    Example::

        >>> rtorch.zeros(2).is_coalesced()
        Traceback (most recent call last):
        RuntimeError: is_coalesced expected sparse coordinate tensor layout but got Strided
    """
    raise _not_sparse("is_coalesced")


@composite(function=False)
def indices(self) -> Tensor:
    """The indices of a sparse COO tensor; a strided tensor raises PyTorch's ``RuntimeError``.

    Example::

        >>> rtorch.zeros(2).indices()
        Traceback (most recent call last):
        RuntimeError: indices expected sparse coordinate tensor layout but got Strided
    """
    raise _not_sparse("indices")


@composite(function=False)
def values(self) -> Tensor:
    """The values of a sparse tensor; a strided tensor raises PyTorch's ``RuntimeError``.

    Example::

        >>> rtorch.zeros(2).values()
        Traceback (most recent call last):
        RuntimeError: values expected sparse tensor layout but got Strided
    """
    raise _not_sparse("values", coordinate=False)


@composite(method=False)
def indices_copy(input: Tensor) -> Tensor:
    """:meth:`Tensor.indices` as a new tensor; a strided ``input`` raises PyTorch's ``RuntimeError``.

    Args:
        input (Tensor): a sparse COO tensor.

    Example::

        >>> rtorch.indices_copy(rtorch.zeros(2))
        Traceback (most recent call last):
        RuntimeError: indices expected sparse coordinate tensor layout but got Strided
    """
    raise _not_sparse("indices")


@composite(method=False)
def values_copy(input: Tensor) -> Tensor:
    """:meth:`Tensor.values` as a new tensor; a strided ``input`` raises PyTorch's ``RuntimeError``.

    Args:
        input (Tensor): a sparse tensor.

    Example::

        >>> rtorch.values_copy(rtorch.zeros(2))
        Traceback (most recent call last):
        RuntimeError: values expected sparse tensor layout but got Strided
    """
    raise _not_sparse("values", coordinate=False)


@composite(function=False)
def sparse_mask(self, mask: Tensor) -> Tensor:
    """Returns the entries of ``self`` at the indices of the sparse ``mask``.

    A strided ``mask`` has no kernel in PyTorch either: ``NotImplementedError``.

    Args:
        mask (Tensor): a sparse tensor.

    Example::

        >>> rtorch.zeros(2).sparse_mask(rtorch.zeros(2))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: Could not run 'aten::sparse_mask' with arguments from the 'CPU' backend...
    """
    raise _no_kernel("sparse_mask")


@composite(function=False)
def sparse_resize_(self, size: Sequence[int], sparse_dim: int, dense_dim: int) -> Tensor:
    """Resizes a sparse tensor in place; a strided tensor raises PyTorch's ``NotImplementedError``.

    Args:
        size (sequence of ints): the new shape.
        sparse_dim (int): the number of sparse dims.
        dense_dim (int): the number of dense dims.

    Example::

        >>> rtorch.zeros(2).sparse_resize_((2,), 1, 0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: Could not run 'aten::sparse_resize_' with arguments from the 'CPU' backend...
    """
    raise _no_kernel("sparse_resize_")


@composite(function=False)
def sparse_resize_and_clear_(self, size: Sequence[int], sparse_dim: int, dense_dim: int) -> Tensor:
    """Resizes a sparse tensor in place and removes its entries.

    A strided tensor raises PyTorch's ``NotImplementedError``.

    Args:
        size (sequence of ints): the new shape.
        sparse_dim (int): the number of sparse dims.
        dense_dim (int): the number of dense dims.

    Example::

        >>> rtorch.zeros(2).sparse_resize_and_clear_((2,), 1, 0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: Could not run 'aten::sparse_resize_and_clear_' with arguments from the 'CPU' backend...
    """
    raise _no_kernel("sparse_resize_and_clear_")


@composite()
def resize_as_sparse_(input, the_template: Tensor) -> Tensor:
    """Resizes a sparse tensor to the size of the sparse ``the_template``.

    Strided tensors raise PyTorch's ``NotImplementedError``.

    Args:
        input (Tensor): a sparse tensor.
        the_template (Tensor): a sparse tensor.

    Example::

        >>> rtorch.zeros(2).resize_as_sparse_(rtorch.zeros(2))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: Could not run 'aten::resize_as_sparse_' with arguments from the 'CPU' backend...
    """
    raise _no_kernel("resize_as_sparse_")


@composite(function=False)
def to_padded_tensor(self, padding: float, output_size: Sequence[int] | None = None) -> Tensor:
    """Converts a nested tensor to a padded strided tensor.

    rtorch has no nested tensors, and on a strided tensor PyTorch has no kernel: ``NotImplementedError``, as in
    PyTorch.

    Args:
        padding (float): the value of the padding.
        output_size (sequence of ints, optional): the padded size.

    Example::

        >>> rtorch.zeros(2).to_padded_tensor(0.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        NotImplementedError: Could not run 'aten::to_padded_tensor' with arguments from the 'CPU' backend...
    """
    raise NotImplementedError(
        "Could not run 'aten::to_padded_tensor' with arguments from the 'CPU' backend. 'aten::to_padded_tensor' "
        "is only available for nested tensors, and rtorch has no nested tensors.")


@composite()
def is_distributed(input) -> bool:
    """Whether ``input`` is a distributed tensor: always ``False`` (as PyTorch's, for every ordinary tensor).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> rtorch.zeros(2).is_distributed()
        False
    """
    return False


def _memory_formats_ok(ambiguity_check):
    from .._memory_format import memory_format
    if isinstance(ambiguity_check, bool):
        return
    if not isinstance(ambiguity_check, list) or not all(isinstance(m, memory_format) for m in ambiguity_check):
        raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")


@composite(function=False)
def dim_order(self, *, ambiguity_check: bool | list = False) -> tuple[int, ...]:
    """The dims of ``self`` from the outermost to the innermost in memory (its physical layout).

    With ``ambiguity_check=True`` an ambiguous order (a size-1 dim or two equal strides) raises
    ``RuntimeError``; with a list of memory formats, ambiguity is allowed when ``self`` is contiguous in
    exactly one of them.

    Args:
        ambiguity_check (bool or list of memory formats): how to treat an order that is not unique.

    Example::

        >>> rtorch.empty((2, 3, 5, 7)).transpose(1, 2).dim_order()
        (0, 2, 1, 3)
    """
    _memory_formats_ok(ambiguity_check)
    sizes, strides = tuple(self.shape), self.stride()
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    check = ambiguity_check if isinstance(ambiguity_check, bool) else True
    ambiguous = any(a == b for a, b in zip(strides, strides[1:])) or any(s == 1 for s in sizes)
    if check and ambiguous and sum(bool(self.is_contiguous(memory_format=m)) for m in formats) != 1:
        raise RuntimeError(
            "The tensor does not have unique dim order, or cannot map to exact one of the given memory formats.")
    perm, unclear = _logical_to_physical(self, sizes, strides, ambiguity_check)
    if unclear:
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(perm)


def _logical_to_physical(t, sizes, strides, ambiguity_check):
    """PyTorch's elementwise-output permutation (torch._prims_common): contiguous and channels-last tensors
    directly, else a stable insertion sort of the dims by stride from the innermost outwards."""
    from .._memory_format import channels_last, contiguous_format
    ndim = len(sizes)
    if ndim <= 1:
        return list(range(ndim)), False
    contig = bool(t.is_contiguous(memory_format=contiguous_format))
    cl = ndim == 4 and bool(t.is_contiguous(memory_format=channels_last))
    if contig and not cl:
        return list(range(ndim)), False
    if cl and not contig:
        return [0, *range(2, ndim), 1], False

    def ge(a, b):
        return b == 0 or (a != 0 and (a >= b or a % b == 0))

    def should_swap(a, b):
        sa, sb = strides[a], strides[b]
        if sa == 0 or sb == 0:
            return 0
        if sa == sb:
            return 0 if ge(sizes[b], sizes[a]) else 1
        if ge(sb, sa):
            return -1
        return 1 if ge(sa, sb) else 0

    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            c = should_swap(perm[dim0], perm[dim1])
            if c > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif c < 0:
                break
    unclear = bool(ambiguity_check) and any(should_swap(perm[i], perm[i + 1]) != -1 for i in range(ndim - 1))
    return list(reversed(perm)), unclear


@composite(method=False)
def empty_permuted(size: Sequence[int], physical_layout: Sequence[int], *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Returns an uninitialized dense tensor whose dims lie in memory in the order ``physical_layout``.

    The order lists the dims from the outermost to the innermost: ``t.stride(physical_layout[i])`` is the i-th
    contiguous stride.

    Args:
        size (tuple of ints): the shape.
        physical_layout (tuple of ints): the order of the dims in memory, a permutation of ``range(len(size))``.
        dtype, layout, device, requires_grad, pin_memory: as in :func:`rtorch.empty`.

    Example::

        >>> rtorch.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1)).stride()
        (105, 1, 21, 3)
    """
    import rtorch
    size = int_list(size, "empty_permuted", "size")
    order = int_list(physical_layout, "empty_permuted", "physical_layout")
    if len(size) != len(order):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}")
    seen = set()
    for d in order:
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} "
                               f"at index {order.index(d)}).  NB: negative dims not currently supported; file an "
                               "issue if you want it.")
        if d in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(d)
    if layout not in (None, rtorch.strided):
        raise RuntimeError(f"empty_permuted: only the strided layout is supported, got {layout}")
    phys = rtorch.empty([size[d] for d in order], dtype=dtype, device=device, pin_memory=pin_memory)
    inverse = [order.index(i) for i in range(len(order))]
    out = phys.permute(inverse)
    return out.requires_grad_() if requires_grad else out
