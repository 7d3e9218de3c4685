"""FisherSnedecor: the F-distribution with ``df1`` and ``df2`` degrees of freedom."""
from numbers import Number

import rtorch

from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    r"""The F-distribution: ``(X1 / df1) / (X2 / df2)`` for independent ``Xi ~ Chi2(dfi)``.

    Args:
        df1 (float or Tensor): the first degrees of freedom, > 0.
        df2 (float or Tensor): the second degrees of freedom, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(FisherSnedecor(rtorch.tensor([1.0]), rtorch.tensor([2.0])).sample() > 0)
        True
    """

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        batch_shape = rtorch.Size() if isinstance(df1, Number) and isinstance(df2, Number) else self.df1.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(FisherSnedecor, batch_shape, _instance, ("df1", "df2"))
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self):
        df2 = self.df2.masked_fill(self.df2 <= 2, float("nan"))
        return df2 / (df2 - 2)

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return mode.masked_fill(self.df1 <= 2, float("nan"))

    @property
    def variance(self):
        df2 = self.df2.masked_fill(self.df2 <= 4, float("nan"))
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape=rtorch.Size(())):
        shape = self._extended_shape(sample_shape)
        # Gamma(df/2, rate=df) is Chi2(df) / (2 df): the ratio of the two is the F variate
        X1 = self._gamma1.rsample(sample_shape).reshape(shape)
        X2 = self._gamma2.rsample(sample_shape).reshape(shape)
        X2 = X2.clamp(min=rtorch.finfo(X2.dtype).tiny)
        Y = X1 / X2
        return Y.clamp(min=rtorch.finfo(X2.dtype).tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        ct1 = self.df1 * 0.5
        ct2 = self.df2 * 0.5
        ct3 = self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * rtorch.log(value)
        t3 = (ct1 + ct2) * rtorch.log1p(ct3 * value)
        return t1 + t2 - t3
