"""Poisson: counts of events occurring at ``rate``."""
from numbers import Number

import rtorch

from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    r"""The Poisson distribution: ``P(X = k) = rate^k e^{-rate} / k!``.

    Args:
        rate (Number or Tensor): the rate, >= 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Poisson(rtorch.tensor([0.0])).sample()
        tensor([0.])
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        batch_shape = rtorch.Size() if isinstance(rate, Number) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Poisson, batch_shape, _instance, ("rate",))

    def sample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        with rtorch.no_grad():
            return rtorch.poisson(self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return rtorch.xlogy(value, rate) - rate - rtorch.lgamma(value + 1)

    @property
    def _natural_params(self):
        return (rtorch.log(self.rate),)

    def _log_normalizer(self, x):
        return rtorch.exp(x)
