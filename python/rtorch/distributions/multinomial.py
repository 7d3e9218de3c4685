"""Multinomial: category counts of ``total_count`` categorical draws."""
import rtorch

from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    r"""The multinomial distribution: counts per category of ``total_count`` draws from ``probs``.

    ``sample`` needs one ``total_count`` for the whole batch; ``log_prob`` accepts any counts.

    Args:
        total_count (int): the number of trials.
        probs (Tensor): event probabilities ``(*, K)``.
        logits (Tensor): event log-probabilities ``(*, K)`` (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Multinomial(10, rtorch.tensor([0.0, 1.0])).sample()
        tensor([ 0., 10.])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = rtorch.Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = self._binomial.expand(tuple(batch_shape) + tuple(self._event_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        """Count vectors summing to at most ``total_count``."""
        return constraints.multinomial(self.total_count)

    @property
    def logits(self):
        """The normalised log-probabilities of the categories."""
        return self._categorical.logits

    @property
    def probs(self):
        """The normalised probabilities of the categories."""
        return self._categorical.probs

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._categorical.param_shape

    def sample(self, sample_shape=rtorch.Size()):
        sample_shape = rtorch.Size(sample_shape)
        samples = self._categorical.sample(rtorch.Size((self.total_count,) + tuple(sample_shape)))
        # (total_count, *sample, *batch) -> (*sample, *batch, total_count), then count per category
        samples = samples.permute(*range(1, samples.dim()), 0)
        counts = rtorch.zeros(self._extended_shape(sample_shape), dtype=self.probs.dtype, device=self.probs.device)
        counts.scatter_add_(-1, samples, rtorch.ones(samples.shape, dtype=counts.dtype, device=counts.device))
        return counts

    def entropy(self):
        n = rtorch.tensor(self.total_count)
        cat_entropy = self._categorical.entropy()
        term1 = n * cat_entropy - rtorch.lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = rtorch.exp(self._binomial.log_prob(support))
        weights = rtorch.lgamma(support + 1)
        term2 = (binomial_probs * weights).sum([0, -1])
        return term1 + term2

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = rtorch.lgamma(value.sum(-1) + 1)
        log_factorial_xs = rtorch.lgamma(value + 1).sum(-1)
        logits = logits.masked_fill((value == 0) & (logits == -float("inf")), 0)  # 0 * -inf counts as 0
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers
