"""nn.functional normalizations: layer_norm, batch_norm, group_norm, rms_norm, normalize; instance_norm (through
batch_norm, as PyTorch) and local_response_norm."""
import functools
import operator

import numpy as np

import rtorch
from rtorch.nn._functional.embedding import _vector_norm


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    r"""Normalize each channel of each sample of (N, C, *) over its spatial elements.

    Args:
        input (Tensor): (N, C, *) with at least one spatial dimension.
        running_mean (Tensor, optional): (C,) running mean, updated when ``use_input_stats``.
        running_var (Tensor, optional): (C,) running (unbiased) variance.
        weight (Tensor, optional): (C,) scale.
        bias (Tensor, optional): (C,) shift.
        use_input_stats (bool): normalize with this input's statistics (else the running ones). Default: ``True``.
        momentum (float): running statistics update factor. Default: 0.1.
        eps (float): added to the variance. Default: 1e-5.

    Example::

        >>> rtorch.nn.functional.instance_norm(rtorch.tensor([[[1.0, 3.0]]]))
        tensor([[[-1.0000,  1.0000]]])
    """
    if use_input_stats:
        spatial = functools.reduce(operator.mul, input.shape[2:], 1)
        if input.dim() < 2 or spatial == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                             f"torch.Size({list(input.shape)})")
    b, c = input.shape[0], input.shape[1]
    x = input.reshape(1, b * c, *input.shape[2:])

    def rep(t):
        return None if t is None else t.repeat(b)

    rm, rv = rep(running_mean), rep(running_var)
    out = batch_norm(x, rm, rv, rep(weight), rep(bias), use_input_stats, momentum, eps)
    if use_input_stats:
        with rtorch.no_grad():
            if running_mean is not None:
                running_mean.copy_(rm.reshape(b, c).mean(0))
            if running_var is not None:
                running_var.copy_(rv.reshape(b, c).mean(0))
    return out.reshape(input.shape)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    r"""Normalize each element by the energy of its neighbourhood of ``size`` channels:
    :math:`x / (k + \frac{\alpha}{n} \sum x^2)^\beta`.

    Args:
        input (Tensor): (N, C, *), at least 3-D.
        size (int): the number of neighbouring channels.
        alpha (float): multiplicative factor. Default: 1e-4.
        beta (float): exponent. Default: 0.75.
        k (float): additive factor. Default: 1.

    Example::

        >>> rtorch.nn.functional.local_response_norm(rtorch.ones(1, 2, 1), 2, alpha=1.0, beta=1.0)
        tensor([[[0.6667],
                 [0.5000]]])
    """
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = input * input
    # The zero-padded channel window average, as PyTorch's avg_pool over the channel axis (count_include_pad).
    # Window offsets beyond +-(c - 1) only ever cover padding zeros, so the padding and the loop are clipped there:
    # the cost is O(min(size, 2c)) whatever `size` is (the divisor stays `size`).
    left, right = min(size // 2, c - 1), min((size - 1) // 2, c - 1)
    padded = rtorch.cat([sq.new_zeros((sq.shape[0], left, *sq.shape[2:])), sq,
                         sq.new_zeros((sq.shape[0], right, *sq.shape[2:]))], 1)
    div = padded.narrow(1, 0, c)
    for i in range(1, left + right + 1):
        div = div + padded.narrow(1, i, c)
    div = (div / size * alpha + k).pow(beta)
    return input / div


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    r"""Normalise over the trailing ``normalized_shape`` dimensions (biased variance)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    n = len(normalized_shape)
    if tuple(input.shape[input.dim() - n:]) != tuple(normalized_shape):
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}"
        )
    return rtorch._rtorch.layer_norm(input, n, weight, bias, eps)  # one fused kernel (and one for backward)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    r"""Batch normalisation of an (N, C, *) input over every dimension but the channel dimension 1.

    While ``training``, normalises with the batch statistics (biased variance) and, when the running
    buffers are given, updates them in place: ``running = (1 - momentum) * running + momentum * batch``,
    using the *unbiased* batch variance for ``running_var`` (as PyTorch does). Otherwise normalises with
    ``running_mean`` / ``running_var``.

    Args:
        input: tensor of shape (N, C) or (N, C, *)
        running_mean, running_var: (C,) buffers, or ``None`` (only allowed while ``training``)
        weight, bias: optional (C,) affine parameters
        training: use batch statistics. Default: ``False``
        momentum: weight of the batch statistics in the running update. Default: 0.1
        eps: added to the variance for numerical stability. Default: 1e-5

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> rm, rv = rtorch.zeros(2), rtorch.ones(2)
        >>> F.batch_norm(x, rm, rv, training=True, eps=0.0).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> rm
        tensor([0.2000, 0.4000])
    """
    if input.dim() < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *) with at least 2 dimensions, "
                         f"got input of size {list(input.shape)}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"batch_norm: {name} should contain {c} elements not {t.numel()} "
                               f"(input of size {list(input.shape)})")
    if training:
        count = input.numel() // c if c else 0
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, "
                             f"got input size {list(input.shape)}")
    elif running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when training=False")
    # one fused kernel (and one for backward); the running buffers are updated in place, without autograd
    return rtorch._rtorch.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    r"""Applies group normalisation to an (N, C, *) input.

    The C channels are split into ``num_groups`` groups and each (sample, group) is normalised over its
    channels and spatial positions (biased variance); then the per-channel affine ``weight`` / ``bias``
    is applied.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.group_norm(rtorch.tensor([[1.0, 3.0, 5.0, 9.0]]), 2, eps=0.0).tolist()
        [[-1.0, 1.0, -1.0, 1.0]]
    """
    if input.dim() < 2:
        raise ValueError(f"group_norm: expected an input of shape (N, C, *) with at least 2 dimensions, "
                         f"got input of size {list(input.shape)}")
    shape = tuple(input.shape)
    n, c = shape[0], shape[1]
    if num_groups <= 0 or c % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"group_norm: expected {name} to have {c} elements, but got {name} of shape "
                               f"{list(t.shape)}")
    return rtorch._rtorch.group_norm(input, num_groups, weight, bias, eps)  # fused kernel and backward


def _finfo_eps(dtype):
    """Machine epsilon of a floating rtorch dtype (what ``torch.finfo(dtype).eps`` gives)."""
    name = str(dtype).rsplit(".", 1)[-1]
    if name == "bfloat16":
        return 2.0 ** -7
    return float(np.finfo(np.dtype(name)).eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    r"""Root-mean-square normalisation over the trailing ``normalized_shape`` dimensions:
    :math:`y = x / \sqrt{\mathrm{mean}(x^2) + \epsilon} * \text{weight}`.

    ``eps=None`` uses the machine epsilon of the input's dtype, as PyTorch does.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.rms_norm(rtorch.tensor([[3.0, 4.0]]), (2,), eps=0.0) * (12.5 ** 0.5)
        tensor([[3., 4.]])
    """
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.dim() - k:]) != normalized_shape or input.dim() < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}"
        )
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(normalized_shape)}")
    if eps is None:  # (a non-float input is refused by the kernel with PyTorch's error)
        eps = _finfo_eps(input.dtype) if input.is_floating_point() else 0.0
    return rtorch._rtorch.rms_norm(input, k, weight, eps)  # fused kernel and backward


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    r"""Divide ``input`` by its ``p``-norm along ``dim`` (clamped below by ``eps``)."""
    return input / _vector_norm(input, p, dim).clamp(min=eps)


__all__ = ["instance_norm", "local_response_norm"]
__all__ += ["layer_norm", "batch_norm", "group_norm", "rms_norm", "normalize"]
