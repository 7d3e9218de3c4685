"""nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows. On the CPU sums and means are one
native tap gather (each bag reads its rows once, no per-index embeddings); maxima and other devices compose one
gather of the rows into a padded (bags, longest bag, dim) block."""
import numpy as np

import rtorch
from rtorch.nn._functional.embedding import _embedding_renorm_


def _bags(input, offsets, include_last_offset):
    """(B, L) matrix of positions into the flattened indices, its validity mask, and B, from the offsets."""
    if input.dim() == 2:
        b, length = input.shape
        pos = np.arange(b * length, dtype=np.int64).reshape(b, length)
        return pos, np.ones((b, length), dtype=bool)
    n = input.shape[0]
    # NumPy over the offsets (a Python loop here cost more than the gather itself)
    off = np.asarray(offsets.tolist(), dtype=np.int64).reshape(-1)
    if off.size and off[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(off[0])}")
    if np.any(off[1:] < off[:-1]) or (off.size and off[-1] > n):
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing and at most the number of indices "
                           f"({n}), got {off.tolist()}")
    starts = off[:-1] if include_last_offset else off
    ends = off[1:] if include_last_offset else np.append(off[1:], n)[:off.size]
    sizes = ends - starts
    longest = int(sizes.max()) if len(sizes) else 0
    j = np.arange(max(longest, 1))[None, :]
    pos = starts.reshape(-1, 1) + j
    mask = j < sizes.reshape(-1, 1)
    return np.where(mask, pos, 0), mask


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    r"""Reduce bags of embedding rows (sum, mean or max) without materialising the per-index embeddings.

    Args:
        input (Tensor): int64/int32 indices, (B, N) fixed-size bags or (L,) with ``offsets``.
        weight (Tensor): (num_embeddings, embedding_dim).
        offsets (Tensor, optional): (B,) start of each bag in a 1-D ``input`` (or (B + 1,) with
            ``include_last_offset``).
        max_norm (float, optional): renormalize the looked-up rows in place to at most this norm.
        norm_type (float): the p of ``max_norm``. Default: 2.
        mode (str): ``'sum'``, ``'mean'`` or ``'max'``. Default: ``'mean'``.
        per_sample_weights (Tensor, optional): weights of the indices (``mode='sum'`` only).
        include_last_offset (bool): ``offsets`` has B + 1 entries. Default: ``False``.
        padding_idx (int, optional): indices equal to it are left out (not counted in the mean).

    Example::

        >>> w = rtorch.arange(8.0).reshape(4, 2)
        >>> rtorch.nn.functional.embedding_bag(rtorch.tensor([0, 1, 3]), w, rtorch.tensor([0, 2]), mode="sum")
        tensor([[2., 4.],
                [6., 7.]])
    """
    if input.dim() not in (1, 2):
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if input.dtype not in (rtorch.int64, rtorch.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.dtype} instead (while checking arguments for embedding_bag)")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type <class 'torch.Tensor'>")
    elif offsets is None or offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor" + (" but got None" if offsets is None else ""))
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      f"on GitHub.")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights (torch.Size({list(per_sample_weights.shape)})) "
                             f"is not None, then it must have the same shape as the input "
                             f"(torch.Size({list(input.shape)}))")
    num = weight.shape[0]
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += num
        if not 0 <= padding_idx < num:
            raise ValueError("padding_idx must be within the number of embeddings")
    flat = input.reshape(-1).to(rtorch.int64)
    if flat.numel():
        bad = (flat < 0) | (flat >= num)
        if bool(bad.any()):
            i = int(bad.to(rtorch.int64).argmax())
            raise RuntimeError(f"Index {i} of input takes value {int(flat[i])} which is not in the valid range "
                               f"[0, {num})")
    if max_norm is not None:
        _embedding_renorm_(weight, flat, max_norm, norm_type)
    pos, mask = _bags(input, offsets, include_last_offset)
    dev = weight.device
    pos_t = rtorch.tensor(pos, device=dev)
    idx = flat.index_select(0, pos_t.reshape(-1)).reshape(pos.shape) if flat.numel() else \
        rtorch.zeros(pos.shape, dtype=rtorch.int64, device=dev)
    keep = rtorch.tensor(mask, device=dev)
    if padding_idx is not None:
        keep = keep & (idx != padding_idx)
    native = getattr(rtorch._rtorch, "_gather_taps", None)
    if mode != "max" and native is not None and dev.type == "cpu" and weight.dtype.is_floating_point:
        # One fused gather-reduce: bag b sums w[b, j] * weight[idx[b, j]] (w: kept, times the sample weights).
        w = keep.to(weight.dtype)
        if per_sample_weights is not None:
            w = w * per_sample_weights.reshape(-1).index_select(0, pos_t.reshape(-1)).reshape(pos.shape).to(w.dtype)
        total = native(weight.reshape(1, 1, *weight.shape), idx.unsqueeze(0), w.unsqueeze(0))
        if total is not None:
            total = total.reshape(pos.shape[0], weight.shape[1])
            return total if mode == "sum" else total / keep.sum(1, keepdim=True).to(total.dtype).clamp_min(1)
    rows = weight.index_select(0, idx.reshape(-1)).reshape(*pos.shape, weight.shape[1])   # (B, L, D)
    k = keep.unsqueeze(-1)
    if mode == "max":
        lowest = rtorch.full((), -float("inf"), dtype=rows.dtype, device=dev)
        masked = rtorch.where(k, rows, lowest)
        arg = masked.argmax(1, keepdim=True)
        out = masked.gather(1, arg).squeeze(1)
        return rtorch.where(keep.any(1, keepdim=True), out, out.new_zeros(()))  # an empty bag is zeros
    if per_sample_weights is not None:
        psw = per_sample_weights.reshape(-1).index_select(0, pos_t.reshape(-1)).reshape(pos.shape)
        rows = rows * psw.unsqueeze(-1).to(rows.dtype)
    total = rtorch.where(k, rows, rows.new_zeros(())).sum(1)
    if mode == "sum":
        return total
    count = keep.sum(1, keepdim=True).to(rows.dtype)
    return total / count.clamp_min(1)


__all__ = ["embedding_bag"]
