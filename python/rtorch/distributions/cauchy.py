"""Cauchy: the Lorentz distribution with ``loc`` (median) and ``scale`` (half width at half maximum)."""
import math
from numbers import Number

import rtorch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Cauchy"]


class Cauchy(Distribution):
    r"""The Cauchy distribution ``p(x) = 1 / (pi scale (1 + ((x - loc) / scale)^2))`` (no mean or variance).

    Args:
        loc (float or Tensor): the median.
        scale (float or Tensor): the half width at half maximum, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Cauchy(rtorch.tensor([0.0]), rtorch.tensor([1.0])).cdf(rtorch.tensor([0.0]))
        tensor([0.5000])
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = rtorch.Size() if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Cauchy, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self):
        return rtorch.full(self._extended_shape(), float("nan"), dtype=self.loc.dtype, device=self.loc.device)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return rtorch.full(self._extended_shape(), float("inf"), dtype=self.loc.dtype, device=self.loc.device)

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        eps = rtorch.empty(shape, dtype=self.loc.dtype, device=self.loc.device).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return rtorch.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        return rtorch.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()
