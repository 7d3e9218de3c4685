"""NegativeBinomial: the number of successes before ``total_count`` failures."""
import rtorch

from . import constraints
from ._params import BinaryProbsLogits, count_and_probs_or_logits
from .distribution import Distribution
from .gamma import Gamma
from .utils import lazy_property

__all__ = ["NegativeBinomial"]


class NegativeBinomial(BinaryProbsLogits, Distribution):
    r"""The number of successful Bernoulli(``probs``) trials before ``total_count`` failures.

    Args:
        total_count (float or Tensor): the number of failures (any non-negative real: a gamma-Poisson mixture).
        probs (Tensor): the success probability, in [0, 1).
        logits (Tensor): its log-odds (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> NegativeBinomial(3.0, rtorch.tensor([0.0])).sample()
        tensor([0.])
    """

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        param = count_and_probs_or_logits(self, total_count, probs, logits)
        super().__init__(param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(NegativeBinomial, batch_shape, _instance, ("total_count", "probs", "logits"))
        return new

    @property
    def mean(self):
        return self.total_count * rtorch.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / rtorch.sigmoid(-self.logits)

    @lazy_property
    def _gamma(self):
        # the gamma-Poisson mixture: rate ~ Gamma(total_count, exp(-logits)), X ~ Poisson(rate)
        return Gamma(concentration=self.total_count, rate=rtorch.exp(-self.logits), validate_args=False)

    def sample(self, sample_shape=rtorch.Size()):
        with rtorch.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return rtorch.poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logsigmoid = rtorch.nn.functional.logsigmoid
        log_unnormalized_prob = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(self.logits)
        log_normalization = (-rtorch.lgamma(self.total_count + value) + rtorch.lgamma(1.0 + value)
                             + rtorch.lgamma(self.total_count))
        # total_count = value = 0 is a certain event: its normaliser is 0, not lgamma(0) = inf
        log_normalization = log_normalization.masked_fill(self.total_count + value == 0.0, 0.0)
        return log_unnormalized_prob - log_normalization
