"""Adagrad optimizer (learning-rate decay, weight decay, initial accumulator, maximize)."""
import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable, _to_scalar

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, as in ``torch.optim.Adagrad``.

    .. math::
        \tilde\gamma = \frac{\gamma}{1 + (t-1)\eta},\quad
        s_t = s_{t-1} + g_t^2,\quad
        \theta_t = \theta_{t-1} - \tilde\gamma \frac{g_t}{\sqrt{s_t} + \epsilon}

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr: learning rate. Default: 1e-2
        lr_decay: learning-rate decay :math:`\eta`. Default: 0
        weight_decay: L2 penalty added to the gradient. Default: 0
        initial_accumulator_value: starting value of the sum of squares :math:`s_0`. Default: 0
        eps: added to the denominator. Default: 1e-10
        maximize: maximise the objective instead of minimising it. Default: ``False``

    The state (``step``, ``sum``) is created in the constructor, as in PyTorch.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = Adagrad([p], lr=0.5)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> round(p.item(), 4)   # 1 - 0.5 * 2 / sqrt(4)
        0.5
    """

    @_checked("Adagrad",
              "lr:float eps:float weight_decay:float maximize:bool lr_decay:float initial_accumulator_value:float")
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, ("sum",), group["initial_accumulator_value"])

    def share_memory(self):
        r"""No-op kept for API compatibility (rtorch has no shared-memory tensors)."""

    def step(self, closure=None):
        r"""Perform a single optimisation step."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        # the state is made in __init__, or here for a parameter added later through add_param_group
        params, grads, steps, state_sums = self._gather(group, ("sum",), group["initial_accumulator_value"])
        adagrad(params, grads, state_sums, steps, differentiable=group["differentiable"], lr=group["lr"],
                weight_decay=group["weight_decay"], lr_decay=group["lr_decay"], eps=group["eps"],
                maximize=group["maximize"])


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    r"""The Adagrad update of :class:`Adagrad` on lists of tensors, in place (the functional API).

    Example:
        >>> p = rtorch.ones(1)
        >>> adagrad([p], [rtorch.full((1,), 2.0)], [rtorch.zeros(1)], [rtorch.tensor(0.0)], lr=0.5,
        ...         weight_decay=0, lr_decay=0, eps=1e-10, maximize=False)
        >>> round(p.item(), 4)   # 1 - 0.5 * 2 / sqrt(4)
        0.5
    """
    if grad_scale is not None or found_inf is not None:
        raise RuntimeError("grad_scale and found_inf are only supported by the fused Adagrad kernel")
    lr = _to_scalar(lr)
    for p, g, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        step_t.add_(1)
        step = step_t.item()
        # One native pass per parameter where the device has a fused kernel for the dtype.
        if _fusable(differentiable, p, g) and _rtorch._adagrad_step(p, g, state_sum, lr, lr_decay, step, eps,
                                                                    weight_decay, maximize):
            continue
        grad = -g if maximize else g
        if weight_decay != 0:
            grad = grad + p * weight_decay
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sum.add_(grad * grad)
        std = state_sum.sqrt() + eps if differentiable else state_sum.sqrt().add_(eps)
        p.sub_(grad / std * clr)
