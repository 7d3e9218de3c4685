"""Laplace: the double-exponential distribution with ``loc`` and ``scale``."""
from numbers import Number

import rtorch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Laplace"]


class Laplace(Distribution):
    r"""The Laplace distribution ``p(x) = exp(-|x - loc| / scale) / (2 scale)``.

    Args:
        loc (float or Tensor): the mean.
        scale (float or Tensor): the scale, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Laplace(rtorch.tensor([0.0]), rtorch.tensor([1.0])).log_prob(rtorch.tensor([0.0]))
        tensor([-0.6931])
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        return (2 ** 0.5) * self.scale

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = rtorch.Size() if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Laplace, batch_shape, _instance, ("loc", "scale"))

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        eps = rtorch.finfo(self.loc.dtype).eps
        # u in (-1, 1): excluding -1 keeps log1p(-|u|) finite
        u = rtorch.empty(shape, dtype=self.loc.dtype, device=self.loc.device).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * rtorch.log1p(-u.abs())

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -rtorch.log(2 * self.scale) - rtorch.abs(value - self.loc) / self.scale

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * rtorch.expm1(-(value - self.loc).abs() / self.scale)

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * rtorch.log1p(-2 * term.abs())

    def entropy(self):
        return 1 + rtorch.log(2 * self.scale)
