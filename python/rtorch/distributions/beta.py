"""Beta: the beta distribution on [0, 1] with ``concentration1`` (alpha) and ``concentration0`` (beta)."""
from numbers import Number, Real

import rtorch

from . import constraints
from .dirichlet import Dirichlet
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Beta"]


class Beta(ExponentialFamily):
    r"""The beta distribution ``p(x) ~ x^{a-1} (1-x)^{b-1}`` with ``a = concentration1``, ``b = concentration0``.

    ``rsample`` is reparameterised (through the Dirichlet sampler).

    Args:
        concentration1 (float or Tensor): the first concentration ``alpha``, > 0.
        concentration0 (float or Tensor): the second concentration ``beta``, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = Beta(rtorch.tensor([0.5]), rtorch.tensor([0.5])).sample()
        >>> bool((x >= 0) & (x <= 1))
        True
    """

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if isinstance(concentration1, Real) and isinstance(concentration0, Real):
            concentration1_concentration0 = rtorch.tensor([float(concentration1), float(concentration0)])
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            concentration1_concentration0 = rtorch.stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(concentration1_concentration0, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = rtorch.Size(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        super(Beta, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        heads_tails = rtorch.stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self):
        return self._dirichlet.entropy()

    @property
    def concentration1(self):
        """The first concentration (alpha)."""
        result = self._dirichlet.concentration[..., 0]
        return rtorch.tensor([result]) if isinstance(result, Number) else result

    @property
    def concentration0(self):
        """The second concentration (beta)."""
        result = self._dirichlet.concentration[..., 1]
        return rtorch.tensor([result]) if isinstance(result, Number) else result

    @property
    def _natural_params(self):
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x, y):
        return rtorch.lgamma(x) + rtorch.lgamma(y) - rtorch.lgamma(x + y)
