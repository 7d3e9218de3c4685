"""RelaxedBernoulli (and LogitRelaxedBernoulli): the Concrete / Gumbel-sigmoid relaxation of a Bernoulli."""
import rtorch

from . import constraints
from ._params import BinaryProbsLogits, probs_or_logits
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import SigmoidTransform
from .utils import broadcast_all, clamp_probs

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]


class LogitRelaxedBernoulli(BinaryProbsLogits, Distribution):
    r"""The logit of a RelaxedBernoulli variable: ``(logits + log U - log(1 - U)) / temperature``.

    Args:
        temperature (Tensor): the relaxation temperature, > 0.
        probs (Number or Tensor): the probability of sampling 1.
        logits (Number or Tensor): its log-odds (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> LogitRelaxedBernoulli(rtorch.tensor(0.5), rtorch.tensor([0.3])).rsample().shape
        rtorch.Size([1])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        param, is_scalar = probs_or_logits(self, probs, logits, vector=False)
        super().__init__(rtorch.Size() if is_scalar else param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(LogitRelaxedBernoulli, batch_shape, _instance, ("probs", "logits"))
        new.temperature = self.temperature
        return new

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        uniforms = clamp_probs(rtorch.rand(shape, dtype=probs.dtype, device=probs.device))
        return (uniforms.log() - (-uniforms).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value.mul(self.temperature)
        temperature = rtorch.as_tensor(self.temperature, dtype=diff.dtype, device=diff.device)
        return temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(TransformedDistribution):
    r"""The relaxed Bernoulli (binary Concrete) distribution on (0, 1): the sigmoid of a LogitRelaxedBernoulli.

    Args:
        temperature (Tensor): the relaxation temperature, > 0.
        probs (Number or Tensor): the probability of sampling 1.
        logits (Number or Tensor): its log-odds (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> x = RelaxedBernoulli(rtorch.tensor([2.2]), rtorch.tensor([0.1])).sample()
        >>> bool((x > 0) & (x < 1))
        True
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(RelaxedBernoulli, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def temperature(self):
        """The relaxation temperature."""
        return self.base_dist.temperature

    @property
    def logits(self):
        """The log-odds of sampling 1."""
        return self.base_dist.logits

    @property
    def probs(self):
        """The probability of sampling 1."""
        return self.base_dist.probs
