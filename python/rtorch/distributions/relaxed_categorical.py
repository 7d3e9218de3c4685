"""RelaxedOneHotCategorical (and ExpRelaxedCategorical): the Concrete / Gumbel-softmax relaxation of a
one-hot categorical draw."""
import rtorch

from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform
from .utils import clamp_probs

__all__ = ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"]


class ExpRelaxedCategorical(Distribution):
    r"""The log of a RelaxedOneHotCategorical draw: ``log_softmax((logits + Gumbel noise) / temperature)``.

    Args:
        temperature (Tensor): the relaxation temperature, > 0.
        probs (Tensor): event probabilities ``(*, K)``.
        logits (Tensor): event log-probabilities ``(*, K)`` (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> ExpRelaxedCategorical(rtorch.tensor(1.0), rtorch.tensor([0.5, 0.5])).rsample().shape
        rtorch.Size([2])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(ExpRelaxedCategorical, _instance)
        batch_shape = rtorch.Size(batch_shape)
        new.temperature = self.temperature
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._categorical.param_shape

    @property
    def logits(self):
        """The normalised log-probabilities of the categories."""
        return self._categorical.logits

    @property
    def probs(self):
        """The normalised probabilities of the categories."""
        return self._categorical.probs

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        uniforms = clamp_probs(rtorch.rand(shape, dtype=self.logits.dtype, device=self.logits.device))
        gumbels = -((-(uniforms.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value):
        K = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = rtorch.broadcast_tensors(self.logits, value)
        temperature = rtorch.as_tensor(self.temperature, dtype=value.dtype, device=value.device)
        log_scale = rtorch.full_like(temperature, float(K)).lgamma() - temperature.log().mul(-(K - 1))
        score = logits - value.mul(temperature)
        score = (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    r"""The relaxed one-hot categorical (Concrete / Gumbel-softmax) distribution on the simplex.

    Args:
        temperature (Tensor): the relaxation temperature, > 0.
        probs (Tensor): event probabilities ``(*, K)``.
        logits (Tensor): event log-probabilities ``(*, K)`` (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = RelaxedOneHotCategorical(rtorch.tensor([2.2]), rtorch.tensor([0.1, 0.2, 0.7])).sample()
        >>> bool(abs(x.sum() - 1) < 1e-5)
        True
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base_dist, ExpTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(RelaxedOneHotCategorical, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def temperature(self):
        """The relaxation temperature."""
        return self.base_dist.temperature

    @property
    def logits(self):
        """The normalised log-probabilities of the categories."""
        return self.base_dist.logits

    @property
    def probs(self):
        """The normalised probabilities of the categories."""
        return self.base_dist.probs
