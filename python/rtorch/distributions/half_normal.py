"""HalfNormal: the absolute value of a zero-mean normal variable."""
import math

from ._half import HalfSymmetric
from .normal import Normal

__all__ = ["HalfNormal"]


class HalfNormal(HalfSymmetric):
    r"""The distribution of ``|X|`` for ``X ~ Normal(0, scale)``.

    Args:
        scale (float or Tensor): the scale of the full normal distribution, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(HalfNormal(rtorch.tensor([1.0])).sample() >= 0)
        True
    """

    _base = Normal

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)
