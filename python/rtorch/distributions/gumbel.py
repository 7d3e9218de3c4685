"""Gumbel: the type-I extreme value distribution with ``loc`` and ``scale``."""
import math
from numbers import Number

import rtorch

from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .uniform import Uniform
from .utils import broadcast_all, euler_constant

__all__ = ["Gumbel"]


class Gumbel(TransformedDistribution):
    r"""The Gumbel distribution ``p(x) = exp(-(z + exp(-z))) / scale`` with ``z = (x - loc) / scale``.

    Args:
        loc (float or Tensor): the location.
        scale (float or Tensor): the scale, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Gumbel(rtorch.tensor([0.0]), rtorch.tensor([1.0])).log_prob(rtorch.tensor([0.0]))
        tensor([-1.])
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        finfo = rtorch.finfo(self.loc.dtype)
        if isinstance(loc, Number) and isinstance(scale, Number):
            base_dist = Uniform(finfo.tiny, 1 - finfo.eps, validate_args=validate_args)
        else:
            base_dist = Uniform(rtorch.full_like(self.loc, finfo.tiny), rtorch.full_like(self.loc, 1 - finfo.eps),
                                validate_args=validate_args)
        # X = loc - scale * log(-log(U))
        transforms = [ExpTransform().inv, AffineTransform(loc=0, scale=-rtorch.ones_like(self.scale)),
                      ExpTransform().inv, AffineTransform(loc=self.loc, scale=-self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gumbel, _instance)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - y.exp()) - self.scale.log()

    @property
    def mean(self):
        return self.loc + self.scale * euler_constant

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def entropy(self):
        return self.scale.log() + (1 + euler_constant)
