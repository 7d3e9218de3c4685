"""The aten forms of the embedding ops (`@composite`, functions only): `rtorch.embedding_bag` returning
PyTorch's four tensors (output, offset2bag, bag_size, max_indices) and the in-place `rtorch.embedding_renorm_`.
The reduced output comes from `nn.functional.embedding_bag`; the bookkeeping tensors follow ATen's CPU rules."""
from __future__ import annotations

import numbers

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["embedding_bag", "embedding_renorm_"]

_MODES = {0: "sum", 1: "mean", 2: "max"}


def _int_index(op, name, position, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not {type(t).__name__}")
    import rtorch
    if t.dtype not in (rtorch.int64, rtorch.int32):
        kind = {rtorch.float32: "Float", rtorch.float64: "Double", rtorch.float16: "Half", rtorch.bool: "Bool",
                rtorch.int16: "Short", rtorch.int8: "Char", rtorch.uint8: "Byte"}.get(t.dtype, str(t.dtype))
        raise RuntimeError(f"Expected tensor for argument #{position} '{name}' to have one of the following scalar "
                           f"types: Long, Int; but got torch.{kind}Tensor instead (while checking arguments for "
                           f"{op})")
    return t


@composite(method=False)
def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: bool = False, mode: int = 0,
                  sparse: bool = False, per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Computes sums, means or maxima of bags of embeddings and ATen's bookkeeping tensors.

    This is the aten form behind :func:`rtorch.nn.functional.embedding_bag`: ``indices`` is 1-D and split into
    bags by ``offsets``; ``mode`` is ATen's integer (0 sum, 1 mean, 2 max). It returns
    ``(output, offset2bag, bag_size, max_indices)``: ``offset2bag`` maps each index to its bag (empty on the sum
    fast path: float32/16 weights without ``padding_idx``), ``bag_size`` counts the non-padding indices of each
    bag (zeros in sum mode, one per offset), ``max_indices`` holds the row chosen per bag and feature in max mode
    (a copy of ``bag_size`` in mean mode, zeros in sum mode). In ATen the last bag of these tensors runs to the
    end of ``indices`` even with ``include_last_offset``.

    Args:
        weight (Tensor): ``(num_embeddings, embedding_dim)``.
        indices (Tensor): 1-D int64/int32 indices.
        offsets (Tensor): 1-D start of each bag (plus the end with ``include_last_offset``).
        scale_grad_by_freq (bool): as in :func:`rtorch.nn.functional.embedding_bag`.
        mode (int): 0 sum, 1 mean, 2 max.
        sparse (bool): accepted; rtorch's gradient is dense.
        per_sample_weights (Tensor, optional): one weight per index (sum mode only).
        include_last_offset (bool): ``offsets`` ends with the end of the last bag.
        padding_idx (int, optional): a row left out of every bag.

    Example::

        >>> w = rtorch.arange(12.0).reshape(4, 3)
        >>> out, offset2bag, bag_size, max_indices = rtorch.embedding_bag(
        ...     w, rtorch.tensor([0, 2, 1, 3]), rtorch.tensor([0, 2]), False, 1)
        >>> out
        tensor([[3., 4., 5.],
                [6., 7., 8.]])
        >>> offset2bag, bag_size
        (tensor([0, 0, 1, 1]), tensor([2, 2]))
    """
    import rtorch
    from ..nn import functional as F
    op = "embedding_bag"
    _int_index(op, "indices", 1, indices)
    if not isinstance(offsets, Tensor):
        raise TypeError(f"{op}(): argument 'offsets' (position 3) must be Tensor, not {type(offsets).__name__}")
    if isinstance(mode, bool) or not isinstance(mode, numbers.Integral):
        raise TypeError(f"{op}(): argument 'mode' (position 5) must be int, not {type(mode).__name__}")
    if mode not in _MODES:
        raise RuntimeError("`mode` must be sum, mean, or max.")
    if indices.dim() != 1:
        raise RuntimeError(f"input has to be a 1D or 2D Tensor, but got Tensor of dimension {indices.dim()}"
                           if indices.dim() > 2 else
                           f"embedding_bag: indices has to be a 1D Tensor (offsets give the bags), but got "
                           f"Tensor of dimension {indices.dim()}")
    if offsets.dim() != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension {offsets.dim()}")
    if weight.dim() != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    n, rows = indices.shape[0], weight.shape[0]
    off = [int(v) for v in offsets.tolist()]
    if off and off[0] != 0:  # (ATen's message ends with the printed type of the 0-d offsets[0])
        kind = "Int" if offsets.dtype == rtorch.int32 else "Long"
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {off[0]}\n[ torch.{kind}Tensor{{}} ]")
    if off and off[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of "
                           f"{off[-1]}")
    if per_sample_weights is not None:
        if mode != 0:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
        if per_sample_weights.numel() != n:
            raise RuntimeError("Expected per_sample_weights.value().numel() == indices.numel() to be true, but got "
                               "false.  (Could this error message be improved?  If so, please report an enhancement "
                               "request to PyTorch.)")
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{rows} through {rows - 1}, "
                               f"but got {padding_idx}")
        padding_idx %= rows
    flat = indices.to(rtorch.int64)
    if n:
        lo, hi = int(flat.min()), int(flat.max())
        bad = lo if lo < 0 else (hi if hi >= rows else None)
        if bad is not None:
            at = int((flat == bad).nonzero()[0, 0])
            raise RuntimeError(f"Index {at} of input takes value {bad} which is not in the valid range [0, {rows})")
    output = F.embedding_bag(indices, weight, offsets, scale_grad_by_freq=scale_grad_by_freq, mode=_MODES[mode],
                             sparse=sparse, per_sample_weights=per_sample_weights,
                             include_last_offset=include_last_offset, padding_idx=padding_idx)
    bags = len(off) - (1 if include_last_offset else 0)
    dev = weight.device
    # the bookkeeping tensors take the index dtype both arguments promote to
    idx_dtype = rtorch.int32 if indices.dtype == offsets.dtype == rtorch.int32 else rtorch.int64
    long = dict(dtype=idx_dtype, device=dev)
    # ATen's offset2bag: a 1 at each later bag start, prefix-summed (empty bags share a start).
    starts = rtorch.tensor(off[1:bags], dtype=rtorch.int64, device=dev)
    offset2bag = rtorch.zeros(n + 1, dtype=rtorch.int64, device=dev).index_add_(
        0, starts, rtorch.ones_like(starts)).cumsum(0)[:n]
    fast = (mode == 0 and padding_idx is None and weight.dtype in (rtorch.float32, rtorch.float16, rtorch.bfloat16)
            and weight.stride(1) == 1 and (per_sample_weights is None or per_sample_weights.stride(0) == 1))
    if mode == 0:
        zeros = rtorch.zeros(len(off), **long)
        return output, (rtorch.zeros(0, **long) if fast else offset2bag.to(idx_dtype)), zeros, zeros.clone()
    valid = rtorch.ones(n, dtype=rtorch.bool, device=dev) if padding_idx is None else flat != padding_idx
    bag_size = rtorch.zeros(bags, dtype=rtorch.int64, device=dev).index_add_(0, offset2bag, valid.to(rtorch.int64))
    if mode == 1:
        return output, offset2bag.to(idx_dtype), bag_size.to(idx_dtype), bag_size.to(idx_dtype)
    return output, offset2bag.to(idx_dtype), bag_size.to(idx_dtype), _max_indices(
        weight, flat, offset2bag, valid, bag_size, bags).to(idx_dtype)


def _max_indices(weight, flat, offset2bag, valid, bag_size, bags):
    """The row that gives each bag's maximum, per feature (the first on ties; 0 for an empty bag): a padded
    (bags, longest, dim) block of the bags' rows, non-members at -inf, reduced by argmax."""
    import rtorch
    dim, dev = weight.shape[1], weight.device
    longest = max(int(bag_size.max()) if bags else 0, 1)
    keep = valid.nonzero().reshape(-1)
    members, owner = flat[keep], offset2bag[keep]
    # slot of each member inside its bag: its rank among the bag's members (members come in bag order)
    first = rtorch.zeros(bags + 1, dtype=rtorch.int64, device=dev)
    first[1:] = bag_size.cumsum(0)
    slot = rtorch.arange(members.shape[0], device=dev) - first[owner]
    block = rtorch.full((bags, longest, dim), float("-inf"), dtype=weight.dtype, device=dev)
    which = rtorch.zeros((bags, longest), dtype=rtorch.int64, device=dev)
    with rtorch.no_grad():
        block[owner, slot] = weight.detach().index_select(0, members)
    which[owner, slot] = members
    best = block.argmax(1)  # (bags, dim)
    return rtorch.where(bag_size.reshape(-1, 1) > 0, which.gather(1, best), rtorch.zeros_like(best))


@composite(method=False)
def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> Tensor:
    """Rescales, in place, the rows of ``input`` named by ``indices`` whose ``norm_type``-norm exceeds ``max_norm``.

    Each such row is multiplied by ``max_norm / (norm + 1e-7)``; each row is renormalised once however often it
    is named. This is what :func:`rtorch.nn.functional.embedding` does with ``max_norm``.

    Args:
        input (Tensor): the 2-D embedding matrix, changed in place and returned.
        indices (Tensor): int64/int32 row indices (any shape).
        max_norm (float): the largest norm a row may keep.
        norm_type (float): the ``p`` of the p-norm (``inf`` allowed).

    Example::

        >>> w = rtorch.tensor([[3.0, 4.0], [0.3, 0.4]])
        >>> rtorch.embedding_renorm_(w, rtorch.tensor([0, 1]), 1.0, 2.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    import rtorch
    from ..nn import functional as F
    _int_index("embedding_renorm_", "indices", 2, indices)
    if input.dim() != 2:
        raise RuntimeError(f"embedding_renorm_: weight must be 2-D, got {input.dim()}-D")
    if rtorch.is_grad_enabled() and input.requires_grad and input.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    rows = input.shape[0]
    for i in sorted({int(v) for v in indices.reshape(-1).tolist()}):
        if not 0 <= i < rows:
            raise IndexError(f"select(): index {i} out of range for tensor of size {list(input.shape)} at "
                             "dimension 0")
    if indices.numel():
        F._embedding_renorm_(input, indices, float(max_norm), float(norm_type))
    return input
