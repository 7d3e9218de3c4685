"""Distribution: the base class (shapes, argument and sample validation, sampling with sample_shape, repr)."""
import warnings

import rtorch

from . import constraints
from ._docs import inherit_docstrings
from .utils import lazy_property

__all__ = ["Distribution"]


class Distribution:
    r"""The abstract base class of probability distributions.

    A distribution has a ``batch_shape`` (independent, not identically parameterised distributions) and an
    ``event_shape`` (the shape of one draw). ``sample(sample_shape)`` returns
    ``sample_shape + batch_shape + event_shape``; ``log_prob(value)`` returns ``value``'s batch shape.

    Args:
        batch_shape (rtorch.Size): the batch shape.
        event_shape (rtorch.Size): the event shape.
        validate_args (bool, optional): check parameters and ``log_prob`` values against their constraints
            (default: :meth:`set_default_validate_args`, initially ``__debug__``).

    Example::

        >>> d = rtorch.distributions.Normal(rtorch.zeros(3), 1.0)
        >>> d.batch_shape, d.sample((2,)).shape
        (rtorch.Size([3]), rtorch.Size([2, 3]))
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        inherit_docstrings(cls)

    @staticmethod
    def set_default_validate_args(value):
        """Sets whether validation is enabled or disabled by default for new distributions.

        Args:
            value (bool): the new default.

        Example::

            >>> Distribution.set_default_validate_args(True)
        """
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=rtorch.Size(), event_shape=rtorch.Size(), validate_args=None):
        self._batch_shape = rtorch.Size(batch_shape)
        self._event_shape = rtorch.Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set "
                              "`arg_constraints = {}` or initialize the distribution with `validate_args=False` "
                              "to turn off validation.", stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue
                if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                    continue  # a lazily computed parameter is checked through the one it comes from
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(f"Expected parameter {param} ({type(value).__name__} of shape "
                                     f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                     f"{constraint!r}, but found invalid values:\n{value}")
        super().__init__()

    def expand(self, batch_shape, _instance=None):
        """Returns a new distribution (of the same type) with its batch dims expanded to ``batch_shape``.

        No parameter memory is copied: the parameters are expanded views.

        Args:
            batch_shape (rtorch.Size): the desired batch shape.
            _instance: used by subclasses that override ``.expand``.
        """
        raise NotImplementedError

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self):
        """A dict from parameter names to the constraints each parameter must satisfy."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint object for the support of this distribution."""
        raise NotImplementedError

    @property
    def mean(self):
        """The mean of the distribution."""
        raise NotImplementedError

    @property
    def mode(self):
        """The mode of the distribution."""
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        """The variance of the distribution."""
        raise NotImplementedError

    @property
    def stddev(self):
        """The standard deviation of the distribution."""
        return self.variance.sqrt()

    def sample(self, sample_shape=rtorch.Size()):
        """Generates a ``sample_shape`` shaped sample (a batch of them when the distribution is batched).

        Args:
            sample_shape (rtorch.Size): the leading sample dims. Default ``()``.
        """
        with rtorch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=rtorch.Size()):
        """Generates a ``sample_shape`` shaped reparameterized sample (differentiable in the parameters).

        Args:
            sample_shape (rtorch.Size): the leading sample dims. Default ``()``.
        """
        raise NotImplementedError

    def sample_n(self, n):
        """Generates ``n`` samples (deprecated: use ``sample((n,))``).

        Args:
            n (int): the number of samples.
        """
        warnings.warn("sample_n will be deprecated. Use .sample((n,)) instead", UserWarning)
        return self.sample(rtorch.Size((n,)))

    def log_prob(self, value):
        """Returns the log of the probability density/mass function evaluated at ``value``.

        Args:
            value (Tensor): the value(s), broadcastable with ``batch_shape + event_shape``.
        """
        raise NotImplementedError

    def cdf(self, value):
        """Returns the cumulative distribution function evaluated at ``value``.

        Args:
            value (Tensor): the value(s).
        """
        raise NotImplementedError

    def icdf(self, value):
        """Returns the inverse cumulative distribution function evaluated at ``value``.

        Args:
            value (Tensor): probabilities in [0, 1].
        """
        raise NotImplementedError

    def enumerate_support(self, expand=True):
        """Returns a tensor of all values of a discrete distribution's support.

        The result has shape ``(cardinality,) + batch_shape + event_shape`` (``(cardinality,) + (1,) *
        len(batch_shape) + event_shape`` with ``expand=False``); values are enumerated over the first dim.

        Args:
            expand (bool): whether to expand over the batch dims.
        """
        raise NotImplementedError

    def entropy(self):
        """Returns the entropy of the distribution, batched over ``batch_shape``."""
        raise NotImplementedError

    def perplexity(self):
        """Returns the perplexity ``exp(entropy)`` of the distribution, batched over ``batch_shape``."""
        return rtorch.exp(self.entropy())

    def _extended_shape(self, sample_shape=rtorch.Size()):
        """``sample_shape + batch_shape + event_shape``."""
        if not isinstance(sample_shape, rtorch.Size):
            sample_shape = rtorch.Size(sample_shape)
        return rtorch.Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value):
        """Checks that ``value``'s rightmost dims fit the batch and event shapes and that it is in the support."""
        if not isinstance(value, rtorch.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = value.dim() - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {value.size()} vs "
                             f"{self._event_shape}.")
        actual_shape = value.size()
        expected_shape = rtorch.Size(tuple(self._batch_shape) + tuple(self._event_shape))
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {actual_shape} vs "
                                 f"{expected_shape}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample validation. Please "
                          "initialize the distribution with `validate_args=False` to turn off validation.",
                          stacklevel=2)
            return
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({support!r}) of the distribution {self!r}, but found invalid "
                             f"values:\n{value}")

    def _expand_params(self, cls, batch_shape, _instance, names, event_shape=None):
        """The common ``expand``: a new ``cls`` instance whose parameters ``names`` (those present) are views
        expanded to ``batch_shape`` (plus each parameter's own trailing event dims)."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = rtorch.Size(batch_shape)
        for name in names:
            if name in self.__dict__:
                value = self.__dict__[name]
                extra = tuple(value.shape[len(self._batch_shape):]) if isinstance(value, rtorch.Tensor) else ()
                new.__dict__[name] = value.expand(tuple(batch_shape) + extra) if isinstance(value, rtorch.Tensor) \
                    else value
        Distribution.__init__(new, batch_shape, self._event_shape if event_shape is None else event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        if "_param" in self.__dict__:  # the probs-or-logits families (_params.py): whichever of the two is stored
            new._param = new.__dict__.get("probs", new.__dict__.get("logits"))
        return new

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
                         for p in names)
        return f"{type(self).__name__}({args})"
