"""Dirichlet: distributions over the probability simplex with ``concentration``."""
import rtorch

from . import constraints
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    r"""The Dirichlet distribution over the simplex of the last dim, ``p(x) ~ prod_i x_i^{c_i - 1}``.

    ``rsample`` is reparameterised (implicit gradients of the gamma draws it normalises).

    Args:
        concentration (Tensor): concentrations ``(*, K)``, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = Dirichlet(rtorch.tensor([0.5, 0.5])).sample()
        >>> bool(abs(x.sum() - 1) < 1e-5)
        True
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if not isinstance(concentration, rtorch.Tensor) or concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Dirichlet, batch_shape, _instance, ("concentration",))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return rtorch._sample_dirichlet(self.concentration.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (rtorch.xlogy(self.concentration - 1.0, value).sum(-1) + rtorch.lgamma(self.concentration.sum(-1))
                - rtorch.lgamma(self.concentration).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        mask = (self.concentration < 1).all(dim=-1)
        # every concentration below 1: the density peaks at the vertices; PyTorch answers the first one
        one_hot = rtorch.nn.functional.one_hot(concentrationm1.argmax(-1), concentrationm1.shape[-1]).to(mode.dtype)
        return rtorch.where(mask.unsqueeze(-1), one_hot, mode)

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        k = self.concentration.size(-1)
        a0 = self.concentration.sum(-1)
        return (rtorch.lgamma(self.concentration).sum(-1) - rtorch.lgamma(a0) - (k - a0) * rtorch.digamma(a0)
                - ((self.concentration - 1.0) * rtorch.digamma(self.concentration)).sum(-1))

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - rtorch.lgamma(x.sum(-1))
