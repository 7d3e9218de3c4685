"""Categorical: one draw of a category index ``0 .. K-1`` with probabilities ``probs`` (or ``logits``)."""
import rtorch

from . import constraints
from ._params import probs_or_logits
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


class Categorical(Distribution):
    r"""The categorical distribution over ``K`` categories (the last dim of ``probs`` / ``logits``).

    ``probs`` need not sum to one (each row is normalised); ``logits`` are unnormalised log-probabilities.

    Args:
        probs (Tensor): event probabilities ``(*, K)``.
        logits (Tensor): event log-probabilities ``(*, K)`` (give exactly one of ``probs`` and ``logits``).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> Categorical(rtorch.tensor([0.0, 0.0, 1.0])).sample()
        tensor(2)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        param, _ = probs_or_logits(self, probs, logits, vector=True)
        self._num_events = param.size()[-1]
        batch_shape = param.size()[:-1] if param.dim() > 1 else rtorch.Size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(Categorical, batch_shape, _instance, ("probs", "logits"))
        new._num_events = self._num_events
        return new

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        """The integers ``0 .. K-1``."""
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self):
        """The normalised log-probabilities of the categories."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        """The normalised probabilities of the categories."""
        return logits_to_probs(self.logits)

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._param.size()

    @property
    def mean(self):
        return rtorch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype, device=self.probs.device)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        return rtorch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype, device=self.probs.device)

    def sample(self, sample_shape=rtorch.Size()):
        sample_shape = rtorch.Size(sample_shape)
        probs_2d = self.probs.reshape(-1, self._num_events)
        n = 1
        for s in sample_shape:
            n *= s
        with rtorch.no_grad():
            if n == 0 or probs_2d.shape[0] == 0:
                return rtorch.zeros(self._extended_shape(sample_shape), dtype=rtorch.int64, device=self.probs.device)
            samples_2d = rtorch.multinomial(probs_2d, n, True).T
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = rtorch.broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        min_real = rtorch.finfo(self.logits.dtype).min
        logits = rtorch.clamp(self.logits, min=min_real)  # -inf logits contribute 0 * min, not nan
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        values = rtorch.arange(self._num_events, dtype=rtorch.int64, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
