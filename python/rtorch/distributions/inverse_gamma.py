"""InverseGamma: ``1 / X`` for a gamma variable ``X``."""
import rtorch

from . import constraints
from .gamma import Gamma
from .transformed_distribution import TransformedDistribution
from .transforms import PowerTransform

__all__ = ["InverseGamma"]


class InverseGamma(TransformedDistribution):
    r"""The distribution of ``1 / X`` for ``X ~ Gamma(concentration, rate)``; ``rate`` is its scale.

    Args:
        concentration (float or Tensor): the shape, > 0.
        rate (float or Tensor): the scale of the inverse gamma (the rate of ``X``), > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(InverseGamma(rtorch.tensor([2.0]), rtorch.tensor([3.0])).sample() > 0)
        True
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        base_dist = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = -base_dist.rate.new_ones(())
        super().__init__(base_dist, PowerTransform(neg_one), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(InverseGamma, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def concentration(self):
        """The shape parameter."""
        return self.base_dist.concentration

    @property
    def rate(self):
        """The scale parameter (the rate of the underlying gamma)."""
        return self.base_dist.rate

    @property
    def mean(self):
        result = self.rate / (self.concentration - 1)
        return rtorch.where(self.concentration > 1, result, rtorch.full_like(result, float("inf")))

    @property
    def mode(self):
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        result = self.rate.square() / ((self.concentration - 1).square() * (self.concentration - 2))
        return rtorch.where(self.concentration > 2, result, rtorch.full_like(result, float("inf")))

    def entropy(self):
        return (self.concentration + self.rate.log() + self.concentration.lgamma()
                - (1 + self.concentration) * self.concentration.digamma())
