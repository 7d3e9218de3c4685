"""Kumaraswamy: a beta-like distribution on [0, 1] with a closed-form CDF."""
import rtorch

from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .uniform import Uniform
from .utils import broadcast_all, euler_constant

__all__ = ["Kumaraswamy"]


def _moments(a, b, n):
    """The ``n``-th raw moment ``b B(1 + n / a, b)``."""
    arg1 = 1 + n / a
    log_value = rtorch.lgamma(arg1) + rtorch.lgamma(b) - rtorch.lgamma(arg1 + b)
    return b * rtorch.exp(log_value)


class Kumaraswamy(TransformedDistribution):
    r"""The Kumaraswamy distribution ``p(x) = a b x^(a-1) (1 - x^a)^(b-1)`` on [0, 1].

    Args:
        concentration1 (float or Tensor): ``a``, > 0.
        concentration0 (float or Tensor): ``b``, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = Kumaraswamy(rtorch.tensor([1.0]), rtorch.tensor([1.0])).sample()
        >>> bool((x >= 0) & (x <= 1))
        True
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(rtorch.full_like(self.concentration0, 0), rtorch.full_like(self.concentration0, 1),
                            validate_args=validate_args)
        # X = (1 - U^(1/b))^(1/a)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()), AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(batch_shape)
        new.concentration0 = self.concentration0.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        # ((a - 1) / (a b - 1))^(1 / a), defined for a, b >= 1 (PyTorch 2.15's formula gives NaN everywhere)
        a, b = self.concentration1, self.concentration0
        log_mode = a.reciprocal() * ((a - 1).log() - (a * b - 1).log())
        return log_mode.masked_fill((b < 1) | (a < 1), float("nan")).exp()

    @property
    def variance(self):
        return _moments(self.concentration1, self.concentration0, 2) - rtorch.pow(self.mean, 2)

    def entropy(self):
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        H0 = rtorch.digamma(self.concentration0 + 1) + euler_constant
        return t0 + t1 * H0 - rtorch.log(self.concentration1) - rtorch.log(self.concentration0)
