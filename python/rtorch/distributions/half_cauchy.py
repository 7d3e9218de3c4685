"""HalfCauchy: the absolute value of a zero-centred Cauchy variable."""
import math

import rtorch

from ._half import HalfSymmetric
from .cauchy import Cauchy

__all__ = ["HalfCauchy"]


class HalfCauchy(HalfSymmetric):
    r"""The distribution of ``|X|`` for ``X ~ Cauchy(0, scale)``.

    Args:
        scale (float or Tensor): the scale of the full Cauchy distribution, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(HalfCauchy(rtorch.tensor([1.0])).sample() >= 0)
        True
    """

    _base = Cauchy

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfCauchy, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return rtorch.full(self._extended_shape(), math.inf, dtype=self.scale.dtype, device=self.scale.device)

    @property
    def variance(self):
        return self.base_dist.variance

    def log_prob(self, value):
        # as PyTorch's HalfCauchy (not its HalfNormal): a Python number is a valid value
        value = rtorch.as_tensor(value, dtype=self.base_dist.scale.dtype, device=self.base_dist.scale.device)
        return super().log_prob(value)
