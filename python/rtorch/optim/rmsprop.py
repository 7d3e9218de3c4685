"""RMSprop optimizer (smoothing constant alpha, momentum, centered variant, weight decay, maximize)."""
import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable, _to_scalar

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    r"""RMSprop, as in ``torch.optim.RMSprop``.

    .. math::
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad
        \tilde v_t = v_t - \bar g_t^2 \text{ if centered},\quad \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t \\
        b_t = \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon),\quad
        \theta_t = \theta_{t-1} - \gamma b_t

    (without momentum, :math:`\theta_t = \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon)`).

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr: learning rate. Default: 1e-2
        alpha: smoothing constant of the squared-gradient average. Default: 0.99
        eps: added to the denominator. Default: 1e-8
        weight_decay: L2 penalty added to the gradient. Default: 0
        momentum: momentum factor. Default: 0
        centered: normalise by an estimate of the gradient's variance. Default: ``False``
        maximize: maximise the objective instead of minimising it. Default: ``False``

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = RMSprop([p], lr=0.1)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> round(p.item(), 4)   # 1 - 0.1 * 2 / sqrt(0.01 * 4)
        0.0
    """

    @_checked("RMSprop",
              "lr:float eps:float weight_decay:float maximize:bool alpha:float momentum:float centered:bool")
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        buffers = ["square_avg"]
        if group["momentum"] > 0:
            buffers.append("momentum_buffer")
        if group["centered"]:
            buffers.append("grad_avg")
        params, grads, square_avgs, grad_avgs, momentum_bufs, steps = [], [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self._init_state(p, buffers)
            params.append(p)
            grads.append(p.grad)
            square_avgs.append(state["square_avg"])
            grad_avgs.append(state.get("grad_avg"))
            momentum_bufs.append(state.get("momentum_buffer"))
            steps.append(state["step"])
        rmsprop(params, grads, square_avgs, grad_avgs, momentum_bufs, steps, maximize=group["maximize"],
                differentiable=group["differentiable"], lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                weight_decay=group["weight_decay"], momentum=group["momentum"], centered=group["centered"])


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None, maximize=False,
            differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps, weight_decay, momentum,
            centered):
    r"""The RMSprop update of :class:`RMSprop` on lists of tensors, in place (the functional API).

    ``grad_avgs`` is used when ``centered``, ``momentum_buffer_list`` when ``momentum > 0``.

    Example:
        >>> p = rtorch.ones(1)
        >>> rmsprop([p], [rtorch.full((1,), 2.0)], [rtorch.zeros(1)], [None], [None], [rtorch.tensor(0.0)],
        ...         lr=0.1, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)
        >>> round(p.item(), 4)   # 1 - 0.1 * 2 / sqrt(0.01 * 4)
        0.0
    """
    lr = _to_scalar(lr)
    for p, g, square_avg, grad_avg, buf, step_t in zip(params, grads, square_avgs, grad_avgs, momentum_buffer_list,
                                                       state_steps):
        step_t.add_(1)
        # One native pass per parameter where the device has a fused kernel for the dtype.
        if _fusable(differentiable, p, g) and _rtorch._rmsprop_step(
                p, g, square_avg, grad_avg if centered else None, buf if momentum > 0 else None, lr, alpha, eps,
                weight_decay, momentum, centered, maximize):
            continue
        grad = -g if maximize else g
        if weight_decay != 0:
            grad = grad + p * weight_decay
        square_avg.mul_(alpha).add_(grad * grad * (1.0 - alpha))
        if centered:
            grad_avg.mul_(alpha).add_(grad * (1.0 - alpha))
            avg = (square_avg - grad_avg * grad_avg).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add(eps) if differentiable else avg.add_(eps)  # sqrt's backward reads its output
        if momentum > 0:
            buf.mul_(momentum).add_(grad / avg)
            p.sub_(buf * lr)
        else:
            p.sub_(grad / avg * lr)
