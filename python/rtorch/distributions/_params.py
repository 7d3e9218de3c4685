"""The probs-or-logits parameterisation shared by the discrete distributions."""
from numbers import Number

import rtorch

from .utils import broadcast_all


def probs_or_logits(dist, probs, logits, *, vector):
    """Stores exactly one of ``probs`` / ``logits`` on ``dist`` and returns it (as ``dist._param``).

    ``vector`` distributions (categorical family) normalise over the last dim and require it to exist;
    the returned flag says whether the parameter was a Python number.
    """
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, value = ("probs", probs) if probs is not None else ("logits", logits)
    is_scalar = isinstance(value, Number)
    if vector:
        if is_scalar or value.dim() < 1:
            raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
        if name == "probs":
            value = value / value.sum(-1, keepdim=True)
        else:
            value = value - value.logsumexp(dim=-1, keepdim=True)
    else:
        (value,) = broadcast_all(value)
    dist.__dict__[name] = value
    dist._param = value
    return value, is_scalar


def binary_cross_entropy_with_logits(logits, target):
    """Elementwise ``-(target * log sigmoid(logits) + (1 - target) * log sigmoid(-logits))``, stable for any logit."""
    return logits.clamp(min=0) - logits * target + rtorch.log1p(rtorch.exp(-logits.abs()))
