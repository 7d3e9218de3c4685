"""Autograd front: grad mode switches, autograd.grad, custom Functions and gradient checking."""
import functools

from .. import _rtorch as _C
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401
from .function import Function, FunctionCtx  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401
from . import functional  # noqa: F401

grad = _C.grad


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of `tensors` into the leaves' `.grad` (torch.autograd.backward)."""
    from .. import Tensor

    if isinstance(tensors, Tensor):
        tensors = [tensors]
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(tensors)
    for t, g in zip(tensors, grad_tensors):
        t.backward(g, retain_graph=True if retain_graph is None else retain_graph, create_graph=create_graph, inputs=inputs)


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from .. import Tensor

        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """The pre-0.4 autograd wrapper, kept as in PyTorch: ``Variable(t)`` is a tensor, and every tensor is a Variable.

    ``Variable(t, requires_grad=True)`` returns a new leaf sharing ``t``'s memory (detached from
    ``t``'s graph) with ``requires_grad`` set. ``volatile`` is ignored with PyTorch's warning (use
    :class:`rtorch.no_grad`).

    Args:
        data (Tensor, optional): the tensor to wrap; an empty tensor by default.
        requires_grad (bool, optional): whether the result requires grad. Default: ``False``.
        volatile (bool, optional): ignored (removed in PyTorch 0.4).

    Example::

        >>> x = rtorch.autograd.Variable(rtorch.ones(2), requires_grad=True)
        >>> x.requires_grad, isinstance(x, rtorch.autograd.Variable)
        (True, True)
    """

    def __new__(cls, data=None, requires_grad=False, volatile=None):
        import warnings

        from .. import Tensor, empty

        if volatile is not None:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


__all__ = ["grad", "backward", "Function", "FunctionCtx", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "gradcheck", "gradgradcheck", "Variable", "functional", "detect_anomaly", "set_detect_anomaly"]
# --- surface (session 5)
from .grad_mode import set_multithreading_enabled  # noqa: E402,F401
__all__ += ["set_multithreading_enabled"]
# --- end surface
_ = functools
