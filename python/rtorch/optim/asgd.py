"""ASGD optimizer (averaged stochastic gradient descent, Polyak and Juditsky 1992), as torch.optim.ASGD."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_capturable, _check_lr, _dense_grad, _to_scalar

__all__ = ["ASGD", "asgd"]


class ASGD(Optimizer):
    r"""Averaged SGD, as in ``torch.optim.ASGD``.

    .. math::
        \theta_t = (1 - \lambda\eta_{t-1})\theta_{t-1} - \eta_{t-1} g_t,\quad
        \bar\theta_t = \begin{cases}\theta_t & \mu_{t-1} = 1\\
            \bar\theta_{t-1} + \mu_{t-1}(\theta_t - \bar\theta_{t-1}) & \text{otherwise}\end{cases},

        \eta_t = \frac{\gamma}{(1 + \lambda\gamma t)^\alpha},\quad \mu_t = \frac{1}{\max(1, t - t_0)}

    The average :math:`\bar\theta` is kept in the state as ``ax``; the parameters themselves follow the
    SGD iterate.

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): learning rate :math:`\gamma`. Default: 1e-2
        lambd (float): decay term :math:`\lambda`. Default: 1e-4
        alpha (float): power :math:`\alpha` of the eta update. Default: 0.75
        t0 (float): step :math:`t_0` at which averaging starts. Default: 1e6
        weight_decay (float): L2 penalty added to the gradient. Default: 0
        foreach (bool, optional): accepted for PyTorch compatibility. Default: None
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``
        differentiable, capturable: accepted for PyTorch compatibility. Default: ``False``

    The state per parameter is ``step``, ``eta``, ``mu`` (float32 scalars) and ``ax``, as in PyTorch.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = rtorch.optim.ASGD([p], lr=0.1, t0=0)
        >>> for _ in range(3):
        ...     opt.zero_grad(); (p * p).sum().backward(); _ = opt.step()
        >>> opt.state[p]["ax"].item() != p.item()   # averaging started at t0 = 0
        True
    """

    @_checked("ASGD", "lr:float lambd:float alpha:float t0:float weight_decay:float maximize:bool")
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= lambd:
            raise ValueError(f"Invalid lambd value: {lambd}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, mus, axs, etas, steps = [], [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            params.append(p)
            grads.append(_dense_grad(p, "ASGD"))
            state = self.state[p]
            if not state:
                state["step"] = rtorch.zeros((), dtype=rtorch.float32, device=p.device)
                state["eta"] = rtorch.tensor(_to_scalar(group["lr"]), dtype=rtorch.float32, device=p.device)
                state["mu"] = rtorch.ones((), dtype=rtorch.float32, device=p.device)
                state["ax"] = rtorch.zeros_like(p)
            mus.append(state["mu"])
            axs.append(state["ax"])
            etas.append(state["eta"])
            steps.append(state["step"])
        asgd(params, grads, axs, mus, etas, steps, maximize=group["maximize"], differentiable=group["differentiable"],
             capturable=group["capturable"], lambd=group["lambd"], lr=group["lr"], t0=group["t0"],
             alpha=group["alpha"], weight_decay=group["weight_decay"])


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False, differentiable=False,
         capturable=False, has_complex=False, *, lambd, lr, t0, alpha, weight_decay):
    r"""The ASGD update of :class:`ASGD` on lists of tensors, in place (the functional API).

    Example:
        >>> p, ax = rtorch.ones(1), rtorch.zeros(1)
        >>> asgd([p], [rtorch.ones(1)], [ax], [rtorch.tensor(1.0)], [rtorch.tensor(0.1)], [rtorch.tensor(0.0)],
        ...      lambd=0.0, lr=0.1, t0=1e6, alpha=0.75, weight_decay=0)
        >>> round(p.item(), 6), round(ax.item(), 6)
        (0.9, 0.9)
    """
    lr = _to_scalar(lr)
    for param, grad, ax, mu, eta, step_t in zip(params, grads, axs, mus, etas, state_steps):
        grad = -grad if maximize else grad
        _check_capturable(capturable, param, "params, mus, etas, and state_steps")
        step_t.add_(1)
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        eta_value = eta.item()
        param.mul_(1 - lambd * eta_value)
        param.add_(grad, alpha=-eta_value)
        if mu.item() != 1:
            ax.add_(param.sub(ax).mul_(mu))
        else:
            ax.copy_(param)
        step = step_t.item()
        # New values pass through a float32 scalar (PyTorch's torch.as_tensor) even when a loaded state holds
        # eta and mu in the parameter's dtype: the rounding is part of the rule.
        eta.copy_(rtorch.tensor(lr / ((1 + lambd * lr * step) ** alpha), dtype=rtorch.float32))
        mu.copy_(rtorch.tensor(1 / max(1, step - t0), dtype=rtorch.float32))
