"""SGD optimizer (momentum, dampening, Nesterov, weight decay, maximize)."""
import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable, _to_scalar

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum, as in ``torch.optim.SGD``.

    .. math::
        g_t = \nabla f(\theta_{t-1}) + \lambda \theta_{t-1},\quad
        b_t = \mu b_{t-1} + (1 - \tau) g_t,\quad
        \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t \text{ if nesterov else } b_t)
    """

    @_checked("SGD",
              "lr:float momentum:float dampening:float weight_decay:float nesterov:bool maximize:bool")
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, bufs = [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            params.append(p)
            grads.append(p.grad)
            bufs.append(self.state[p].get("momentum_buffer") if group["momentum"] != 0 else None)
        _sgd(params, grads, bufs, weight_decay=group["weight_decay"], momentum=group["momentum"], lr=group["lr"],
             dampening=group["dampening"], nesterov=group["nesterov"], maximize=group["maximize"],
             differentiable=group["differentiable"])
        if group["momentum"] != 0:
            for p, buf in zip(params, bufs):
                self.state[p]["momentum_buffer"] = buf


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None, fused=None, grad_scale=None,
        found_inf=None, *, weight_decay, momentum, lr, dampening, nesterov, maximize):
    r"""The SGD update of :class:`SGD` on lists of tensors, in place (the functional API).

    ``momentum_buffer_list`` holds each parameter's momentum buffer or None; a buffer made on the first step
    is stored back into the list, for the caller to keep.

    Example:
        >>> p, bufs = rtorch.ones(2), [None]
        >>> sgd([p], [rtorch.ones(2)], bufs, weight_decay=0, momentum=0.9, lr=0.1, dampening=0, nesterov=False,
        ...     maximize=False)
        >>> p.tolist(), bufs[0].tolist()
        ([0.8999999761581421, 0.8999999761581421], [1.0, 1.0])
    """
    if grad_scale is not None or found_inf is not None:
        raise RuntimeError("grad_scale and found_inf are only supported by the fused SGD kernel on CUDA")
    _sgd(params, d_p_list, momentum_buffer_list, weight_decay=weight_decay, momentum=momentum, lr=lr,
         dampening=dampening, nesterov=nesterov, maximize=maximize, differentiable=False)


def _sgd(params, d_p_list, momentum_buffer_list, *, weight_decay, momentum, lr, dampening, nesterov, maximize,
         differentiable):
    """`sgd`, with the optimizer's ``differentiable`` flag (which keeps the update off the fused kernel)."""
    lr = _to_scalar(lr)
    for i, (p, grad) in enumerate(zip(params, d_p_list)):
        if _fusable(differentiable, p, grad):
            buf = momentum_buffer_list[i] if momentum != 0 else None
            first = momentum != 0 and buf is None
            if first:
                buf = rtorch.empty_like(p)
            if _rtorch._sgd_step(p, grad, buf, lr, weight_decay, momentum, dampening, nesterov, maximize, first):
                if momentum != 0:
                    momentum_buffer_list[i] = buf
                continue
            # no fused kernel for this dtype here: the tensor-op path below makes its own buffer
        grad = -grad if maximize else grad
        if weight_decay != 0:
            grad = grad + p * weight_decay
        if momentum != 0:
            buf = momentum_buffer_list[i]
            if buf is None:
                buf = grad.detach().clone()
                momentum_buffer_list[i] = buf
            else:
                buf.mul_(momentum).add_(grad * (1.0 - dampening))
            grad = grad + buf * momentum if nesterov else buf
        p.sub_(grad * lr)
