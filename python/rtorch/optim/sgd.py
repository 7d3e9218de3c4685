"""SGD optimizer (momentum, dampening, Nesterov, weight decay, maximize)."""
import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable

__all__ = ["SGD"]


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
        lr, momentum = group["lr"], group["momentum"]
        dampening, wd = group["dampening"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            if _fusable(group, p):
                buf, first = None, False
                if momentum != 0:
                    buf = self.state[p].get("momentum_buffer")
                    first = buf is None
                    if first:
                        buf = self.state[p]["momentum_buffer"] = rtorch.empty_like(p)
                if _rtorch._sgd_step(p, p.grad, buf, lr, wd, momentum, dampening, group["nesterov"],
                                     group["maximize"], first):
                    continue
                if first:  # no fused kernel for this dtype here: the tensor-op path makes its own buffer
                    del self.state[p]["momentum_buffer"]
            grad = -p.grad if group["maximize"] else p.grad
            if wd != 0:
                grad = grad + p * wd
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = grad.detach().clone()
                    state["momentum_buffer"] = buf
                else:
                    buf.mul_(momentum).add_(grad * (1.0 - dampening))
                grad = grad + buf * momentum if group["nesterov"] else buf
            p.sub_(grad * lr)
