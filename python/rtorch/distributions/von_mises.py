"""VonMises: the circular normal distribution on angles with ``loc`` and ``concentration``."""
import math

import rtorch

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]


def _log_i0(x):
    """``log I0(x)`` from the scaled Bessel function (finite for large ``x``)."""
    return rtorch.special.i0e(x).log() + x.abs()


def _log_i1(x):
    return rtorch.special.i1e(x).log() + x.abs()


def _best_fisher(loc, concentration, proposal_r, shape):
    """Best & Fisher's (1979) rejection sampler, vectorised: each round redraws only the rejected angles."""
    x = rtorch.zeros(shape, dtype=loc.dtype, device=loc.device)
    done = rtorch.zeros(shape, dtype=rtorch.bool, device=loc.device)
    kappa = concentration.expand(shape)
    r = proposal_r.expand(shape)
    while not bool(done.all()):
        u1, u2, u3 = rtorch.rand((3,) + tuple(shape), dtype=loc.dtype, device=loc.device).unbind()
        z = rtorch.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        accept = ~done & (((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0))
        bad = ~done & ~c.isfinite()  # a NaN / infinite concentration (unvalidated) gives NaN, not an endless loop
        x = rtorch.where(accept, (u3 - 0.5).sign() * f.clamp(-1, 1).acos(), x)
        x = rtorch.where(bad, rtorch.full_like(x, float("nan")), x)
        accept = accept | bad
        done = done | accept
    # wrap loc + x into [-pi, pi)
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    r"""The von Mises distribution ``p(x) = exp(k cos(x - loc)) / (2 pi I0(k))`` over angles (radians).

    ``loc`` and values may be any real number; they are read modulo ``2 pi``. ``mean`` and ``variance`` are
    the circular ones.

    Args:
        loc (Tensor): the mean angle.
        concentration (Tensor): the concentration ``k``, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = VonMises(rtorch.tensor([1.0]), rtorch.tensor([1.0])).sample()
        >>> bool((x >= -3.1416) & (x <= 3.1416))
        True
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, rtorch.Size(), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * rtorch.cos(value - self.loc) - math.log(2 * math.pi)
                - _log_i0(self.concentration))

    @lazy_property
    def _loc(self):
        return self.loc.to(rtorch.float64)

    @lazy_property
    def _concentration(self):
        return self.concentration.to(rtorch.float64)

    @lazy_property
    def _proposal_r(self):
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa ** 2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        proposal_r = (1 + rho ** 2) / (2 * rho)
        # the exact form cancels catastrophically for tiny kappa: its Taylor expansion
        return rtorch.where(kappa < 1e-5, 1 / kappa + kappa, proposal_r)

    def sample(self, sample_shape=rtorch.Size()):
        # float64 inside: float32 rejection loops can stall for small concentrations
        shape = self._extended_shape(sample_shape)
        with rtorch.no_grad():
            return _best_fisher(self._loc, self._concentration, self._proposal_r, shape).to(self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        try:
            return super().expand(batch_shape)
        except NotImplementedError:
            validate_args = self.__dict__.get("_validate_args")
            return type(self)(self.loc.expand(batch_shape), self.concentration.expand(batch_shape),
                              validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """The circular variance ``1 - I1(k) / I0(k)``."""
        return 1 - (_log_i1(self.concentration) - _log_i0(self.concentration)).exp()
