"""Products composed from matmul and elementwise ops (`@composite`): addr, addbmm, inner, cross,
chain_matmul, ger, vander, and the in-place forms addr_ / addbmm_."""
from __future__ import annotations

import operator

from .._composite import composite
from .._rtorch import Tensor
from . import _common
from .shape import _dtype_name

__all__ = ["addr", "addbmm", "inner", "cross", "chain_matmul", "ger", "vander"]


def _check_scalars(dtype, beta, alpha):
    """PyTorch's rules for beta / alpha: no floats with integer tensors, only bools with bool tensors."""
    import rtorch
    if dtype == rtorch.bool:
        for name, v in (("beta", beta), ("alpha", alpha)):
            if not isinstance(v, bool) and v not in (0, 1):
                raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
    elif not dtype.is_floating_point:
        for name, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, float):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point "
                                   f"number.")


def _affine(input, product, beta, alpha):
    """``beta * input + alpha * product`` where beta == 0 ignores input (NaN included), as PyTorch does."""
    import rtorch
    if input.dtype == rtorch.bool:
        out = product if alpha else rtorch.zeros_like(product)
        return out if not beta else (out | input.expand(product.shape))
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:
        return scaled + rtorch.zeros_like(scaled)
    return scaled + (input if beta == 1 else input * beta)


def _expand_input(input, shape, op):
    try:
        return input.expand(shape)
    except RuntimeError:
        raise RuntimeError(f"The expanded size of the tensor ({shape[-1] if input.dim() else shape[0]}) must match "
                           f"the existing size ({input.shape[-1] if input.dim() else 1}) at non-singleton "
                           f"dimension {input.dim() - 1 if input.dim() else 0}.  Target sizes: {list(shape)}.  "
                           f"Tensor sizes: {list(input.shape)}") from None


@composite()
def addr(input, vec1: Tensor, vec2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``; ``input`` broadcasts to ``(len(vec1), len(vec2))``.
    With ``beta=0`` the input is ignored (its NaNs too).

    Args:
        vec1 (Tensor): 1-D, the rows.
        vec2 (Tensor): 1-D, the columns.
        beta (Number): multiplier of ``input``. Default 1.
        alpha (Number): multiplier of the outer product. Default 1.

    Example::

        >>> rtorch.zeros(2, 2).addr(rtorch.tensor([1., 2.]), rtorch.tensor([3., 4.]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.dim()}-D")
    _check_scalars(input.dtype, beta, alpha)
    shape = (vec1.shape[0], vec2.shape[0])
    if tuple(input.shape) != shape:
        input = _expand_input(input, shape, "addr")
    return _affine(input, vec1.unsqueeze(1) * vec2.unsqueeze(0), beta, alpha)


@composite(function=False)
def addr_(self, vec1: Tensor, vec2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addr`: ``self`` must already have the shape ``(len(vec1), len(vec2))``.

    Args:
        vec1 (Tensor): 1-D, the rows.
        vec2 (Tensor): 1-D, the columns.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the outer product. Default 1.

    Example::

        >>> rtorch.zeros(2, 2).addr_(rtorch.tensor([1., 2.]), rtorch.tensor([1., 1.]))
        tensor([[1., 1.],
                [2., 2.]])
    """
    return self.copy_(addr(self, vec1, vec2, beta=beta, alpha=alpha))


@composite()
def addbmm(input, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """Adds a batch of matrix products, summed over the batch, to ``input``.

    ``beta * input + alpha * sum_b batch1[b] @ batch2[b]`` (a batch of matrix products reduced over the
    batch); ``input`` broadcasts to ``(n, p)``.

    Args:
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (Number): multiplier of ``input``. Default 1.
        alpha (Number): multiplier of the summed products. Default 1.

    Example::

        >>> rtorch.zeros(1, 1).addbmm(rtorch.ones(3, 1, 2), rtorch.ones(3, 2, 1))
        tensor([[6.]])
    """
    for name, b in (("batch1", batch1), ("batch2", batch2)):
        if b.dim() != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    _check_scalars(input.dtype, beta, alpha)
    b, n, m = batch1.shape
    p = batch2.shape[2]
    shape = (n, p)
    if tuple(input.shape) != shape:
        input = _expand_input(input, shape, "addbmm")
    # One (n, b*m) x (b*m, p) product sums over the batch and the inner dim together.
    prod = batch1.permute(1, 0, 2).reshape(n, b * m).mm(batch2.reshape(b * m, p))
    return _affine(input, prod, beta, alpha)


@composite(function=False)
def addbmm_(self, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In-place :meth:`addbmm`: ``self`` must already have the shape ``(n, p)``.

    Args:
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (Number): multiplier of ``self``. Default 1.
        alpha (Number): multiplier of the summed products. Default 1.

    Example::

        >>> rtorch.zeros(1, 1).addbmm_(rtorch.ones(3, 1, 2), rtorch.ones(3, 2, 1))
        tensor([[6.]])
    """
    return self.copy_(addbmm(self, batch1, batch2, beta=beta, alpha=alpha))


@composite()
def inner(input, other: Tensor) -> Tensor:
    """Computes the inner product of two tensors over their last dims.

    Inner product over the last dims (``input * other`` when either is 0-d): the result has shape
    ``input.shape[:-1] + other.shape[:-1]``.

    Args:
        other (Tensor): the other tensor; its last dim matches ``input``'s.

    Example::

        >>> rtorch.tensor([1., 2.]).inner(rtorch.tensor([3., 4.]))
        tensor(11.)
    """
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    import rtorch
    return rtorch.tensordot(input, other, ([-1], [-1]))


@composite()
def cross(input, other: Tensor, dim: int | None = None) -> Tensor:
    """The 3-D cross product of ``input`` and ``other`` (broadcast) along ``dim``, which must have size 3.
    Without ``dim``, the first dim of size 3 (deprecated in PyTorch; ``linalg.cross`` defaults to -1).

    Args:
        other (Tensor): the other tensor, of ``input``'s dtype.
        dim (int, optional): the dim holding the 3 components.

    Example::

        >>> rtorch.tensor([1., 0., 0.]).cross(rtorch.tensor([0., 1., 0.]))
        tensor([0., 0., 1.])
    """
    if input.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {_dtype_name(input.dtype)} but found {_dtype_name(other.dtype)}")
    from .shape import broadcast_shapes
    shape = list(broadcast_shapes(input.shape, other.shape))
    if dim is None:
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = _common.wrap_dim(dim, len(shape))
    a, b = input.expand(shape), other.expand(shape)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d] if input.dim() > d else 1} "
                           f"and {other.shape[d] if other.dim() > d else 1}")
    # Component i is a[i+1] b[i+2] - a[i+2] b[i+1]: the same with rolled copies, one pass per product.
    return a.roll(-1, d) * b.roll(-2, d) - a.roll(-2, d) * b.roll(-1, d)


@composite(method=False)
def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """The product of a chain of 2-D matrices (deprecated in PyTorch for ``linalg.multi_dot``).

    Args:
        *matrices (Tensor): 2-D tensors with matching inner sizes.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.chain_matmul(rtorch.ones(2, 3), rtorch.ones(3, 1))
        tensor([[3.],
                [3.]])
    """
    mats = _common.tensor_list(matrices, "chain_matmul")
    if not mats:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in mats:
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    res = mats[0].clone() if len(mats) == 1 else mats[0]
    for m in mats[1:]:
        res = res.mm(m)
    if out is not None:
        out.resize_(res.shape).copy_(res)
        return out
    return res


@composite()
def ger(input, vec2: Tensor) -> Tensor:
    """Alias of :func:`rtorch.outer` (deprecated in PyTorch; kept for old programs).

    Example::

        >>> rtorch.ger(rtorch.tensor([1.0, 2.0]), rtorch.tensor([1.0, 0.0, -1.0]))
        tensor([[ 1.,  0., -1.],
                [ 2.,  0., -2.]])
    """
    return input.outer(vec2)


@composite(method=False)
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed with ``increasing``).

    Integer and bool inputs give int64 results, as in PyTorch; floating inputs keep their dtype. The powers are
    running products, so gradients flow to ``x``.

    Args:
        x (Tensor): 1-D input.
        N (int, optional): number of columns; ``len(x)`` by default.
        increasing (bool): powers increase from left to right. Default: ``False``.

    Example::

        >>> rtorch.vander(rtorch.tensor([1, 2, 3]), N=3, increasing=True)
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    import rtorch
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if not x.is_floating_point():
        x = x.to(rtorch.int64)
    ones = rtorch.ones((x.shape[0], min(N, 1)), dtype=x.dtype, device=x.device)
    if N <= 1:
        return ones
    powers = x.unsqueeze(1).expand(x.shape[0], N - 1).cumprod(1)
    out = rtorch.cat([ones, powers], 1)
    return out if increasing else out.flip(1)
