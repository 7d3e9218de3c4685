"""nn.functional dropout: dropout, dropout1d/2d/3d (channel-wise), alpha_dropout, feature_alpha_dropout."""
import math
import warnings

import rtorch


def _dropout_impl(input, p, training, inplace, feature=False, alpha=False):
    """PyTorch's ``_dropout_impl``: a Bernoulli(1 - p) mask (one per channel for feature dropout), scaled by
    1 / (1 - p), or with alpha dropout the affine map that keeps SELU's mean and variance."""
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        name = ("feature_" if feature else "") + ("alpha_" if alpha else "") + "dropout" + ("_" if inplace else "")
        raise TypeError(f"{name}(): argument 'p' (position 2) must be float, not {type(p).__name__}")
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0.0 or not training or input.numel() == 0:
        return input
    if p == 1.0:
        return input.mul_(0.0) if inplace else input * 0.0
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    else:
        shape = tuple(input.shape)
    keep = (rtorch.rand(shape, dtype=input.dtype, device=input.device) >= p).to(input.dtype)
    if not alpha:
        noise = keep * (1.0 / (1.0 - p))
        return input.mul_(noise) if inplace else input * noise
    selu_alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((selu_alpha * selu_alpha * p + 1) * (1 - p))
    b = (keep - 1.0) * (selu_alpha * a) + selu_alpha * a * p
    noise = keep * a
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def dropout(input, p=0.5, training=True, inplace=False):
    r"""Zero elements with probability ``p`` and scale the rest by :math:`1/(1-p)` while training."""
    return _dropout_impl(input, p, training, inplace)


def _channel_dropout(input, p, training, inplace, batched_dims):
    """dropout1d/2d/3d: zero whole channels; an unbatched input (one dim fewer) gets a batch dim while it runs."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    batched = input.dim() == batched_dims
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    out = _dropout_impl(input, p, training, inplace, feature=True)
    if not batched:
        out = out.squeeze_(0) if inplace else out.squeeze(0)
    return out


def dropout1d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p`` and scales the rest by :math:`1/(1-p)`.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, H, W)`` input with probability ``p`` and scales the rest by :math:`1/(1-p)`.

    As in PyTorch, a 3-D input is taken as ``(N, C, L)`` (with a warning), and other ranks warn
    that they are deprecated.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.dim() not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout instead. "
            "Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).")
    if input.dim() == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired "
            "- input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a "
            "future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To "
            "maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.")
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input with probability ``p`` and scales the rest.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if input.dim() not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout instead. "
            "Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 4D or 5D inputs).")
    return _channel_dropout(input, p, training, inplace, 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    r"""Applies alpha dropout, for SELU networks.

    Dropped elements take SELU's negative saturation value, then an affine map keeps the mean and variance
    (Klambauer et al. 2017).

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of an element being dropped. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    r"""Alpha dropout of whole channels (dims from 2 on share a mask), as :func:`alpha_dropout` per channel.

    Args:
        input (Tensor): the input, at least 2-D ``(N, C, ...)``.
        p (float, optional): the probability of a channel being dropped. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
