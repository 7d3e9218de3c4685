"""The half (folded at zero) form of a zero-centred symmetric distribution, shared by HalfNormal and HalfCauchy."""
import math

import rtorch

from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AbsTransform


class HalfSymmetric(TransformedDistribution):
    """The distribution of ``|X|`` for ``X ~ base(0, scale)`` with ``base`` symmetric about 0 (a subclass names it
    in ``_base``): density and cdf twice the base's on ``x >= 0``, quantiles from the base's upper half.

    Args:
        scale (float or Tensor): the scale of the full base distribution, > 0.
        validate_args (bool, optional): whether to validate parameters and values.
    """

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _base = None  # the full distribution's class, constructed as _base(0, scale)

    def __init__(self, scale, validate_args=None):
        base_dist = self._base(0, scale, validate_args=False)
        super().__init__(base_dist, AbsTransform(), validate_args=validate_args)

    @property
    def scale(self):
        """The scale of the full base distribution."""
        return self.base_dist.scale

    @property
    def mode(self):
        return rtorch.zeros_like(self.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return rtorch.where(value >= 0, log_prob, rtorch.full_like(log_prob, -math.inf))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)
