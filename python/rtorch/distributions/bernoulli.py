"""Bernoulli: a single 0/1 trial with probability ``probs`` (or log-odds ``logits``)."""
import rtorch

from . import constraints
from ._params import BinaryProbsLogits, binary_cross_entropy_with_logits, probs_or_logits
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Bernoulli"]


class Bernoulli(BinaryProbsLogits, ExponentialFamily):
    r"""The Bernoulli distribution: 1 with probability ``probs``, else 0.

    Args:
        probs (Number or Tensor): the probability of sampling 1.
        logits (Number or Tensor): the log-odds of sampling 1 (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Bernoulli(rtorch.tensor([1.0, 0.0])).sample()
        tensor([1., 0.])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args=None):
        param, is_scalar = probs_or_logits(self, probs, logits, vector=False)
        super().__init__(rtorch.Size() if is_scalar else param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(Bernoulli, batch_shape, _instance, ("probs", "logits"))
        return new

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        with rtorch.no_grad():
            return rtorch.bernoulli(self.probs.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value)

    def entropy(self):
        return binary_cross_entropy_with_logits(self.logits, self.probs)

    def enumerate_support(self, expand=True):
        values = rtorch.arange(2, dtype=self._param.dtype, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values

    @property
    def _natural_params(self):
        return (rtorch.logit(self.probs),)

    def _log_normalizer(self, x):
        return rtorch.log1p(rtorch.exp(x))
