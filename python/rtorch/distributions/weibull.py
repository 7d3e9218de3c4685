"""Weibull: the two-parameter Weibull distribution with ``scale`` and ``concentration``."""
import rtorch

from . import constraints
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .utils import broadcast_all, euler_constant

__all__ = ["Weibull"]


class Weibull(TransformedDistribution):
    r"""The Weibull distribution ``p(x) = (k / s) (x / s)^(k-1) exp(-(x / s)^k)`` (``s`` scale, ``k`` concentration).

    Args:
        scale (float or Tensor): the scale ``s``, > 0.
        concentration (float or Tensor): the shape ``k``, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(Weibull(rtorch.tensor([1.0]), rtorch.tensor([1.0])).sample() > 0)
        True
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(rtorch.ones_like(self.scale), validate_args=validate_args)
        # X = scale * E^(1/k) for E ~ Exponential(1)
        transforms = [PowerTransform(exponent=self.concentration_reciprocal), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base_dist = self.base_dist.expand(batch_shape)
        transforms = [PowerTransform(exponent=new.concentration_reciprocal), AffineTransform(loc=0, scale=new.scale)]
        TransformedDistribution.__init__(new, base_dist, transforms, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.scale * rtorch.exp(rtorch.lgamma(1 + self.concentration_reciprocal))

    @property
    def mode(self):
        return self.scale * ((self.concentration - 1) / self.concentration) ** self.concentration.reciprocal()

    @property
    def variance(self):
        return self.scale.pow(2) * (rtorch.exp(rtorch.lgamma(1 + 2 * self.concentration_reciprocal))
                                    - rtorch.exp(2 * rtorch.lgamma(1 + self.concentration_reciprocal)))

    def entropy(self):
        return (euler_constant * (1 - self.concentration_reciprocal)
                + rtorch.log(self.scale * self.concentration_reciprocal) + 1)
