"""ExponentialFamily: distributions whose entropy follows from the log-normaliser by Bregman divergence."""
import rtorch

from .distribution import Distribution
from .utils import _sum_rightmost

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    r"""Base class of exponential-family distributions ``p(x; t) = exp(<t(x), theta> - F(theta) + k(x))``.

    Subclasses give ``_natural_params``, ``_log_normalizer`` and ``_mean_carrier_measure``; the entropy (and
    the KL divergence between two members of one family) then follow with autograd.

    Example::

        >>> isinstance(rtorch.distributions.Normal(0.0, 1.0), ExponentialFamily)
        True
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """Returns the entropy from the Bregman divergence of the log-normaliser."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = rtorch.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for np_, g in zip(nparams, gradients):
            result = result - _sum_rightmost(np_ * g, np_.dim() - len(self._batch_shape))
        return result
