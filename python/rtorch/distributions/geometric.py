"""Geometric: the number of failures before the first success of Bernoulli(``probs``) trials."""
import rtorch

from . import constraints
from ._params import binary_cross_entropy_with_logits, probs_or_logits
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Geometric"]


class Geometric(Distribution):
    r"""The geometric distribution: ``P(X = k) = (1 - p)^k p`` for ``k = 0, 1, ...``.

    Args:
        probs (Number or Tensor): the success probability of each trial, in (0, 1].
        logits (Number or Tensor): its log-odds (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Geometric(rtorch.tensor([1.0])).sample()
        tensor([0.])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        param, is_scalar = probs_or_logits(self, probs, logits, vector=False)
        super().__init__(rtorch.Size() if is_scalar else param.size(), validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            if not bool((value > 0).all()):  # p = 0 never succeeds: the distribution is improper
                raise ValueError(f"Expected parameter probs ({type(value).__name__} of shape {tuple(value.shape)}) "
                                 f"of distribution {self!r} to be positive but found invalid values:\n{value}")

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Geometric, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return rtorch.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    @lazy_property
    def logits(self):
        """The log-odds of success of each trial."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """The success probability of each trial."""
        return logits_to_probs(self.logits, is_binary=True)

    def sample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        tiny = rtorch.finfo(self.probs.dtype).tiny
        with rtorch.no_grad():
            u = rtorch.empty(shape, dtype=self.probs.dtype, device=self.probs.device).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = probs.masked_fill((probs == 1) & (value == 0), 0)  # 0 * log(0) is 0 here
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return binary_cross_entropy_with_logits(self.logits, self.probs) / self.probs
