"""nn.functional normalizations composed from tensor ops: instance_norm (through batch_norm, as PyTorch) and
local_response_norm."""
import functools
import operator

import rtorch


def _batch_norm(*args, **kwargs):
    from rtorch.nn.functional import batch_norm  # functional imports this module at its end
    return batch_norm(*args, **kwargs)


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
    out = _batch_norm(x, rm, rv, rep(weight), rep(bias), use_input_stats, momentum, eps)
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


__all__ = ["instance_norm", "local_response_norm"]
