"""Autograd front: grad mode switches, autograd.grad, custom Functions and gradient checking."""
import functools

from .. import _rtorch as _C
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from .function import Function, FunctionCtx  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401

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


class _HookHandle:
    """Returned by Tensor.register_hook; `remove()` turns the hook into a no-op."""

    def __init__(self, fn):
        self._fn = fn
        self.removed = False

    def remove(self):
        self.removed = True


__all__ = ["grad", "backward", "Function", "FunctionCtx", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "gradcheck", "gradgradcheck"]
_ = functools
