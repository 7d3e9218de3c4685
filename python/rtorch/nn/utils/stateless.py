"""``nn.utils.stateless.functional_call``: the deprecated spelling of :func:`rtorch.func.functional_call`."""
from __future__ import annotations

import warnings

__all__ = ["functional_call"]


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """Deprecated alias of :func:`rtorch.func.functional_call` (warns ``FutureWarning`` as PyTorch does).

    Example::

        >>> lin = rtorch.nn.Linear(1, 1)
        >>> rtorch.nn.utils.stateless.functional_call(lin, {"weight": rtorch.ones(1, 1), "bias": rtorch.zeros(1)},
        ...                                           (rtorch.ones(1, 1),))  # doctest: +SKIP
        tensor([[1.]])
    """
    warnings.warn("This API is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. "
                  "Please use torch.func.functional_call instead which is a drop-in replacement.", FutureWarning,
                  stacklevel=2)
    from ...func import functional_call as call

    return call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
