"""Gamma: the gamma distribution with ``concentration`` (shape) and ``rate``."""
from numbers import Number

import rtorch

from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    r"""The gamma distribution ``p(x) = rate^a x^{a-1} e^{-rate x} / Gamma(a)`` with ``a = concentration``.

    ``rsample`` is reparameterised (implicit gradient of the standard-gamma sampler).

    Args:
        concentration (float or Tensor): the shape ``a``, > 0.
        rate (float or Tensor): the rate (one over the scale), > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(Gamma(rtorch.tensor([1.0]), rtorch.tensor([1.0])).sample() > 0)
        True
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        super().__init__(rtorch.Size() if scalar else self.concentration.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Gamma, batch_shape, _instance, ("concentration", "rate"))

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        value = rtorch._standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # a draw of exactly 0 (underflow) would give log_prob = -inf downstream: keep it positive
        return value.clamp(min=rtorch.finfo(value.dtype).tiny)

    def log_prob(self, value):
        value = rtorch.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (rtorch.xlogy(self.concentration, self.rate) + rtorch.xlogy(self.concentration - 1, value)
                - self.rate * value - rtorch.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - rtorch.log(self.rate) + rtorch.lgamma(self.concentration)
                + (1.0 - self.concentration) * rtorch.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return rtorch.lgamma(x + 1) + (x + 1) * rtorch.log(-y.reciprocal())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return rtorch.special.gammainc(self.concentration, self.rate * value)
