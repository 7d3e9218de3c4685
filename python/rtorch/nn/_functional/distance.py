"""nn.functional distances composed from tensor ops: pairwise_distance, cosine_similarity and pdist (with PyTorch's
zero-distance gradients)."""
import math

import numpy as np

import rtorch


def _pnorm(x, p, dim, keepdim=False):
    """The p-norm of ``x`` along ``dim`` with PyTorch's norm-backward conventions: the gradient is 0 where the
    norm is 0 and, for p < 1, at zero entries; for every p >= 0 including inf (p = 0 counts non-zeros and has a
    zero gradient)."""
    if p == 0:
        return (x != 0).sum(dim, keepdim=keepdim).to(x.dtype) + (x * 0).sum(dim, keepdim=keepdim)
    if math.isinf(p):
        a = x.abs()
        return a.amax(dim, keepdim=keepdim) if p > 0 else a.amin(dim, keepdim=keepdim)
    if p == 1:
        return x.abs().sum(dim, keepdim=keepdim)
    if p == 2:
        s = (x * x).sum(dim, keepdim=keepdim)
    else:
        a = x.abs()
        nz = a > 0
        s = rtorch.where(nz, rtorch.where(nz, a, a.new_ones(())).pow(p), a.new_zeros(())).sum(dim, keepdim=keepdim)
    nz = s > 0
    safe = rtorch.where(nz, s, s.new_ones(()))  # keeps d(s^(1/p)) finite where s == 0
    return rtorch.where(nz, safe.pow(1.0 / p), s.new_zeros(()))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    r"""The p-norm distance between ``x1`` and ``x2`` along their last dimension, ``||x1 - x2 + eps||_p``.

    Args:
        x1 (Tensor): (N, D) or (D,).
        x2 (Tensor): broadcastable with ``x1``.
        p (float): the norm degree (non-negative). Default: 2.
        eps (float): added to the difference to avoid a zero norm. Default: 1e-6.
        keepdim (bool): keep the reduced dimension. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.pairwise_distance(rtorch.ones(2, 3), rtorch.zeros(2, 3), eps=0.0)
        tensor([1.7321, 1.7321])
    """
    diff = x1 - x2 + eps
    if diff.dim() == 0:
        return diff.abs() if p != 0 else (diff != 0).to(diff.dtype)
    return _pnorm(diff, p, -1, keepdim)


def pdist(input, p=2.0):
    r"""The p-norm distance between each pair of rows of ``input`` (N, M).

    Returns the N(N-1)/2 upper-triangle entries of the distance matrix, row by row.

    Args:
        input (Tensor): (N, M).
        p (float): the norm degree (non-negative). Default: 2.

    Example::

        >>> rtorch.nn.functional.pdist(rtorch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    dev = input.device
    rows_i = input.index_select(0, rtorch.tensor(i.astype(np.int64), device=dev))
    rows_j = input.index_select(0, rtorch.tensor(j.astype(np.int64), device=dev))
    return _pnorm(rows_i - rows_j, p, 1)


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    r"""Cosine similarity between ``x1`` and ``x2`` along ``dim``."""
    n1 = (x1 * x1).sum(dim).sqrt().clamp(min=eps)
    n2 = (x2 * x2).sum(dim).sqrt().clamp(min=eps)
    return (x1 * x2).sum(dim) / (n1 * n2)


__all__ = ["pairwise_distance", "pdist"]
__all__ += ["cosine_similarity"]
