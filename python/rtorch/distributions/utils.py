"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, lazy properties, packing
triangular matrices."""
from functools import update_wrapper
from numbers import Number

import rtorch

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant


def broadcast_all(*values):
    r"""Broadcasts tensors and numbers to one shape; numbers become tensors of the first tensor's dtype/device.

    Args:
        values (Tensor or Number): the values to broadcast.

    Raises:
        ValueError: if a value is neither a tensor nor a number.

    Example::

        >>> a, b = broadcast_all(rtorch.zeros(2, 1), 3.0)
        >>> tuple(b.shape), b.dtype
        ((2, 1), rtorch.float32)
    """
    if not all(isinstance(v, (rtorch.Tensor, Number)) or hasattr(v, "__torch_function__") for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    if not all(isinstance(v, rtorch.Tensor) for v in values):
        options = dict(dtype=rtorch.get_default_dtype())
        for v in values:
            if isinstance(v, rtorch.Tensor):
                options = dict(dtype=v.dtype, device=v.device)
                break
        values = [v if isinstance(v, rtorch.Tensor) else rtorch.tensor(v, **options) for v in values]
    return rtorch.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return rtorch.randn(shape, dtype=dtype, device=device)


def _sum_rightmost(value, dim):
    """Sums the rightmost ``dim`` dims of ``value``."""
    if dim == 0:
        return value
    if dim >= value.dim():  # as PyTorch: everything is summed (a lower-dimensional term, e.g. Wishart's df)
        return value.sum()
    return value.sum(tuple(range(-dim, 0)))


def logits_to_probs(logits, is_binary=False):
    r"""Converts logits to probabilities: the sigmoid for binary logits, else a softmax over the last dim.

    Args:
        logits (Tensor): the logits.
        is_binary (bool): whether each entry is the log-odds of one Bernoulli event.

    Example::

        >>> logits_to_probs(rtorch.tensor([0.0]), is_binary=True)
        tensor([0.5000])
    """
    if is_binary:
        return rtorch.sigmoid(logits)
    return rtorch.softmax(logits, dim=-1)


def clamp_probs(probs):
    r"""Clamps probabilities into ``[eps, 1 - eps]`` (``eps`` of their dtype) so their logs stay finite.

    Args:
        probs (Tensor): probabilities.

    Example::

        >>> bool(clamp_probs(rtorch.tensor([0.0])) > 0)
        True
    """
    eps = rtorch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    r"""Converts probabilities to logits: log-odds for binary probabilities, else their logs.

    Args:
        probs (Tensor): probabilities.
        is_binary (bool): whether each entry is the probability of one Bernoulli event.

    Example::

        >>> probs_to_logits(rtorch.tensor([0.5]), is_binary=True)
        tensor([0.])
    """
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return rtorch.log(ps_clamped) - rtorch.log1p(-ps_clamped)
    return rtorch.log(ps_clamped)


class lazy_property:
    r"""A property computed on first access and then stored on the instance (used for ``probs`` / ``logits``).

    Args:
        wrapped (Callable): the function computing the value from the instance.

    Example::

        >>> class A:
        ...     @lazy_property
        ...     def x(self):
        ...         return 3
        >>> A().x
        3
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with rtorch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a lazy_property looks like on the class: also a property, so docs and introspection see one."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    r"""The entries of the lower triangle (up to diagonal offset ``diag``) of the last two dims, row by row.

    Args:
        mat (Tensor): square matrices ``(*, n, n)``.
        diag (int): the diagonal offset (0: with the diagonal, -1: strictly below).

    Example::

        >>> tril_matrix_to_vec(rtorch.tensor([[1., 0.], [2., 3.]]))
        tensor([1., 2., 3.])
    """
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    arange = rtorch.arange(n, device=mat.device)
    tril_mask = arange < arange.view(-1, 1) + (diag + 1)
    return mat[..., tril_mask]


def vec_to_tril_matrix(vec, diag=0):
    r"""The inverse of :func:`tril_matrix_to_vec`: square matrices whose lower triangle holds ``vec``.

    Args:
        vec (Tensor): ``(*, m)`` packed entries; ``m`` must be a triangular number for the offset.
        diag (int): the diagonal offset.

    Example::

        >>> vec_to_tril_matrix(rtorch.tensor([1., 2., 3.]))
        tensor([[1., 0.],
                [2., 3.]])
    """
    # m = n(n+1)/2 + diag*n - ... : solve the quadratic for n
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    eps = rtorch.finfo(vec.dtype).eps
    if round(n) - n > eps:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    arange = rtorch.arange(n, device=vec.device)
    tril_mask = arange < arange.view(-1, 1) + (diag + 1)
    mat[..., tril_mask] = vec
    return mat
