"""ContinuousBernoulli: the continuous relaxation of the Bernoulli on [0, 1] (Loaiza-Ganem & Cunningham, 2019)."""
import math
from numbers import Number

import rtorch

from . import constraints
from ._params import binary_cross_entropy_with_logits
from .exp_family import ExponentialFamily
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    r"""The continuous Bernoulli distribution ``p(x) = C(lambda) lambda^x (1 - lambda)^(1 - x)`` on [0, 1].

    Near ``lambda = 1/2`` (inside ``lims``) the normaliser and moments use Taylor expansions, which are
    numerically stable there.

    Args:
        probs (Number or Tensor): ``lambda`` in (0, 1).
        logits (Number or Tensor): its log-odds (give exactly one of ``probs`` and ``logits``).
        lims (tuple of float): the unstable region around 1/2. Default (0.499, 0.501).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = ContinuousBernoulli(rtorch.tensor([0.3])).sample()
        >>> bool((x >= 0) & (x <= 1))
        True
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, Number)
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(rtorch.Size() if is_scalar else self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(ContinuousBernoulli, batch_shape, _instance, ("probs", "logits"))
        new._lims = self._lims
        return new

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        # probs inside the unstable region are replaced by a safe value; the Taylor branch is used there
        return rtorch.where(self._outside_unstable_region(), self.probs, rtorch.full_like(self.probs, self._lims[0]))

    def _cont_bern_log_norm(self):
        """The log normalising constant ``log C(lambda)``."""
        cut = self._cut_probs()
        below = rtorch.where(cut <= 0.5, cut, rtorch.zeros_like(cut))
        above = rtorch.where(cut >= 0.5, cut, rtorch.ones_like(cut))
        log_norm = (rtorch.log(rtorch.abs(rtorch.log1p(-cut) - rtorch.log(cut)))
                    - rtorch.where(cut <= 0.5, rtorch.log1p(-2.0 * below), rtorch.log(2.0 * above - 1.0)))
        x = rtorch.pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return rtorch.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (rtorch.log1p(-cut) - rtorch.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * rtorch.pow(x, 2)) * x
        return rtorch.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return rtorch.sqrt(self.variance)

    @property
    def variance(self):
        cut = self._cut_probs()
        vars_ = cut * (cut - 1.0) / rtorch.pow(1.0 - 2.0 * cut, 2) + 1.0 / rtorch.pow(
            rtorch.log1p(-cut) - rtorch.log(cut), 2)
        x = rtorch.pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return rtorch.where(self._outside_unstable_region(), vars_, taylor)

    @lazy_property
    def logits(self):
        """The log-odds of ``lambda``."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """The shape parameter ``lambda``."""
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._param.size()

    def sample(self, sample_shape=rtorch.Size()):
        with rtorch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        u = rtorch.rand(shape, dtype=self.probs.dtype, device=self.probs.device)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value) + self._cont_bern_log_norm()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (rtorch.pow(cut, value) * rtorch.pow(1.0 - cut, 1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = rtorch.where(self._outside_unstable_region(), cdfs, value)
        return rtorch.where(value <= 0.0, rtorch.zeros_like(value),
                            rtorch.where(value >= 1.0, rtorch.ones_like(value), unbounded))

    def icdf(self, value):
        cut = self._cut_probs()
        inverted = ((rtorch.log1p(-cut + value * (2.0 * cut - 1.0)) - rtorch.log1p(-cut))
                    / (rtorch.log(cut) - rtorch.log1p(-cut)))
        return rtorch.where(self._outside_unstable_region(), inverted, value)

    def entropy(self):
        log_probs0 = rtorch.log1p(-self.probs)
        log_probs1 = rtorch.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        unstable = (x > self._lims[0] - 0.5) & (x <= self._lims[1] - 0.5)
        cut = rtorch.where(~unstable, x, rtorch.full_like(x, self._lims[0] - 0.5))
        log_norm = rtorch.log(rtorch.abs(rtorch.expm1(cut))) - rtorch.log(rtorch.abs(cut))
        taylor = 0.5 * x + rtorch.pow(x, 2) / 24.0 - rtorch.pow(x, 4) / 2880.0
        return rtorch.where(~unstable, log_norm, taylor)
