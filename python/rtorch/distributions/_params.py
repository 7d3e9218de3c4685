"""The probs-or-logits parameterisation shared by the discrete distributions."""
from numbers import Number

import rtorch

from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits


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


def count_and_probs_or_logits(dist, total_count, probs, logits):
    """Stores ``total_count`` and exactly one of ``probs`` / ``logits`` on ``dist``, broadcast together (the count
    in the parameter's dtype), and returns the parameter (as ``dist._param``): Binomial, NegativeBinomial."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, value = ("probs", probs) if probs is not None else ("logits", logits)
    count, value = broadcast_all(total_count, value)
    dist.total_count = count.type_as(value)
    setattr(dist, name, value)
    dist._param = value
    return value


class BinaryProbsLogits:
    """Mixin of the distributions of one binary event given by ``probs`` or ``logits`` (Bernoulli, Binomial,
    NegativeBinomial, LogitRelaxedBernoulli): the form not given is computed on first use."""

    @lazy_property
    def logits(self):
        """The log-odds of the event, ``log(probs / (1 - probs))``."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """The probability of the event, ``sigmoid(logits)``."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._param.size()


def binary_cross_entropy_with_logits(logits, target):
    """Elementwise ``-(target * log sigmoid(logits) + (1 - target) * log sigmoid(-logits))``, stable for any logit."""
    return logits.clamp(min=0) - logits * target + rtorch.log1p(rtorch.exp(-logits.abs()))
