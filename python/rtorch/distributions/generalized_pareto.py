"""GeneralizedPareto: the peaks-over-threshold distribution with ``loc``, ``scale`` and ``concentration``."""
import math
from numbers import Number

import rtorch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    r"""The generalised Pareto distribution with ``loc``, ``scale`` and ``concentration`` ``xi``.

    ``P(X > x) = (1 + xi z)^(-1/xi)`` with ``z = (x - loc) / scale`` (``exp(-z)`` for ``xi = 0``), on
    ``[loc, loc - scale / xi]`` when ``xi < 0`` else ``[loc, inf)``.

    Args:
        loc (float or Tensor): the location.
        scale (float or Tensor): the scale, > 0.
        concentration (float or Tensor): the shape ``xi``.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(GeneralizedPareto(0.0, 1.0, 0.1).sample() >= 0)
        True
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, Number) for v in (loc, scale, concentration))
        super().__init__(rtorch.Size() if scalar else self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration"))

    def _safe_concentration(self):
        """(whether xi is 0, xi with 0 replaced by 1): the xi = 0 limit is taken by a separate branch."""
        eq_zero = rtorch.isclose(self.concentration, rtorch.zeros_like(self.concentration))
        return eq_zero, rtorch.where(eq_zero, rtorch.ones_like(self.concentration), self.concentration)

    def _z(self, x):
        return (x - self.loc) / self.scale

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        u = rtorch.rand(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        y = 1 / safe + rtorch.ones_like(z)
        nonzero = rtorch.where(y == 0, y, y * rtorch.log1p(safe * z))
        return -self.scale.log() - rtorch.where(eq_zero, z, nonzero)

    def log_survival_function(self, value):
        """Returns ``log P(X > value)``.

        Args:
            value (Tensor): the value(s).
        """
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        return rtorch.where(eq_zero, -z, -rtorch.log1p(safe * z) / safe)

    def log_cdf(self, value):
        """Returns ``log P(X <= value)``.

        Args:
            value (Tensor): the value(s).
        """
        return rtorch.log1p(-rtorch.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return rtorch.exp(self.log_cdf(value))

    def icdf(self, value):
        eq_zero, safe = self._safe_concentration()
        logu = rtorch.log1p(-value)
        nonzero = self.loc + self.scale / safe * rtorch.expm1(-safe * logu)
        return rtorch.where(eq_zero, self.loc - self.scale * logu, nonzero)

    @property
    def mean(self):
        valid = self.concentration < 1
        safe = rtorch.where(valid, self.concentration, rtorch.full_like(self.concentration, 0.5))
        result = self.loc + self.scale / (1 - safe)
        return rtorch.where(valid, result, rtorch.full_like(result, math.nan))

    @property
    def variance(self):
        valid = self.concentration < 0.5
        safe = rtorch.where(valid, self.concentration, rtorch.full_like(self.concentration, 0.25))
        result = self.scale ** 2 / ((1 - safe) ** 2 * (1 - 2 * safe))
        return rtorch.where(valid, result, rtorch.full_like(result, math.nan))

    def entropy(self):
        return (rtorch.log(self.scale) + self.concentration + 1).expand(self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """``[loc, loc - scale / concentration]`` for negative concentration, else ``[loc, inf)``."""
        lower = self.loc
        upper = rtorch.where(self.concentration < 0, lower - self.scale / self.concentration,
                             rtorch.full_like(lower, math.inf))
        return constraints.interval(lower, upper)
