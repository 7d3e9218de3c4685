"""Adadelta optimizer (Zeiler 2012), as torch.optim.Adadelta: running averages of squared gradients and updates."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _to_scalar

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta, as in ``torch.optim.Adadelta``.

    .. math::
        v_t = \rho v_{t-1} + (1 - \rho) g_t^2,\quad
        \Delta x_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t,\quad
        u_t = \rho u_{t-1} + (1 - \rho) \Delta x_t^2,\quad
        \theta_t = \theta_{t-1} - \gamma \Delta x_t

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr: the scale :math:`\gamma` of each update. Default: 1.0
        rho: the decay of the running averages. Default: 0.9
        eps: added inside the square roots. Default: 1e-6
        weight_decay: L2 penalty added to the gradient. Default: 0
        maximize: maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step``, ``square_avg`` (:math:`v`) and ``acc_delta`` (:math:`u`), named
    as in PyTorch, so state dicts load in either.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = Adadelta([p])
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> round(p.item(), 6)   # 1 - sqrt(1e-6) / sqrt(0.1 * 4 + 1e-6) * 2
        0.996838
    """

    @_checked("Adadelta", "lr:float rho:float eps:float weight_decay:float maximize:bool")
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, steps, square_avgs, acc_deltas = self._gather(group, ("square_avg", "acc_delta"))
        adadelta(params, grads, square_avgs, acc_deltas, steps, differentiable=group["differentiable"],
                 lr=group["lr"], rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"],
                 maximize=group["maximize"])


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    r"""The Adadelta update of :class:`Adadelta` on lists of tensors, in place (the functional API).

    Example:
        >>> p = rtorch.ones(1)
        >>> adadelta([p], [rtorch.full((1,), 2.0)], [rtorch.zeros(1)], [rtorch.zeros(1)], [rtorch.tensor(0.0)],
        ...          lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False)
        >>> round(p.item(), 6)
        0.996838
    """
    lr = _to_scalar(lr)
    for p, g, square_avg, acc_delta, step_t in zip(params, grads, square_avgs, acc_deltas, state_steps):
        grad = -g if maximize else g
        step_t.add_(1)
        if weight_decay != 0:
            grad = grad.add(p, alpha=weight_decay)
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_()
        if differentiable:
            delta = delta.clone()
        delta.div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-lr)
