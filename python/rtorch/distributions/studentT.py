"""StudentT: Student's t-distribution with ``df`` degrees of freedom, ``loc`` and ``scale``."""
import math

import rtorch

from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import _standard_normal, broadcast_all

__all__ = ["StudentT"]


class StudentT(Distribution):
    r"""Student's t-distribution: ``loc + scale * X / sqrt(V / df)`` for ``X ~ N(0, 1)``, ``V ~ Chi2(df)``.

    Args:
        df (float or Tensor): the degrees of freedom, > 0.
        loc (float or Tensor): the location. Default 0.
        scale (float or Tensor): the scale, > 0. Default 1.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> StudentT(rtorch.tensor([2.0])).sample().shape
        rtorch.Size([1])
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return self.loc.masked_fill(self.df <= 1, float("nan"))

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df2 = self.df.clamp(min=2 + 1e-30)  # the finite branch, only kept where df > 2
        finite = self.scale.pow(2) * df2 / (df2 - 2)
        m = rtorch.where(self.df > 2, finite, rtorch.full_like(finite, math.inf))
        return m.masked_fill(self.df <= 1, float("nan"))

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(StudentT, batch_shape, _instance, ("df", "loc", "scale"))
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        X = _standard_normal(shape, dtype=self.df.dtype, device=self.df.device)
        Z = self._chi2.rsample(sample_shape)
        Y = X * rtorch.rsqrt(Z / self.df)
        return self.loc + self.scale * Y

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        Z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + rtorch.lgamma(0.5 * self.df)
             - rtorch.lgamma(0.5 * (self.df + 1.0)))
        return -0.5 * (self.df + 1.0) * rtorch.log1p(y ** 2.0 / self.df) - Z

    def entropy(self):
        lbeta = rtorch.lgamma(0.5 * self.df) + math.lgamma(0.5) - rtorch.lgamma(0.5 * (self.df + 1))
        return (self.scale.log() + 0.5 * (self.df + 1) * (rtorch.digamma(0.5 * (self.df + 1))
                                                          - rtorch.digamma(0.5 * self.df))
                + 0.5 * self.df.log() + lbeta)
