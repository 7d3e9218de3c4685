"""Adam and AdamW optimizers."""
import math

import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable, _to_scalar

__all__ = ["Adam", "AdamW", "adam", "adamw"]


class Adam(Optimizer):
    r"""Adam, as in ``torch.optim.Adam`` (``amsgrad``, ``maximize``, coupled or decoupled weight decay).

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t} \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}
    """

    @_checked("Adam",
              "lr:float eps:float weight_decay:float maximize:bool betas:floatpair amsgrad:bool")
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        amsgrad = group["amsgrad"]
        buffers = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
        params, grads, steps, exp_avgs, exp_avg_sqs, *max_exp_avg_sqs = self._gather(group, buffers)
        max_exp_avg_sqs = max_exp_avg_sqs[0] if amsgrad else []
        beta1, beta2 = group["betas"]
        adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, differentiable=group["differentiable"],
             decoupled_weight_decay=group["decoupled_weight_decay"], amsgrad=amsgrad, beta1=beta1, beta2=beta2,
             lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"])


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False,
         decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize):
    r"""The Adam update of :class:`Adam` on lists of tensors, in place (the functional API); one native pass
    per parameter where its device has a fused kernel for the dtype.

    ``max_exp_avg_sqs`` is used with ``amsgrad`` only; each ``state_steps`` entry is incremented here.

    Example:
        >>> p = rtorch.ones(2)
        >>> adam([p], [rtorch.tensor([1.0, -1.0])], [rtorch.zeros(2)], [rtorch.zeros(2)], [], [rtorch.tensor(0.0)],
        ...      amsgrad=False, beta1=0.9, beta2=0.999, lr=0.1, weight_decay=0, eps=1e-8, maximize=False)
        >>> [round(v, 5) for v in p.tolist()]
        [0.9, 1.1]
    """
    if grad_scale is not None or found_inf is not None:
        raise RuntimeError("grad_scale and found_inf are only supported by the fused Adam kernel on CUDA")
    lr, beta1, beta2 = _to_scalar(lr), _to_scalar(beta1), _to_scalar(beta2)
    for i, (p, g, exp_avg, exp_avg_sq, step_t) in enumerate(zip(params, grads, exp_avgs, exp_avg_sqs,
                                                                  state_steps)):
        max_sq = max_exp_avg_sqs[i] if amsgrad else None
        step_t.add_(1)
        step = step_t.item()
        # One native pass per parameter where the device has a fused kernel; same rounding points.
        if _fusable(differentiable, p, g) and _rtorch._adam_step(
                p, g, exp_avg, exp_avg_sq, max_sq, lr, beta1, beta2, eps, weight_decay, 1.0 - beta1**step,
                math.sqrt(1.0 - beta2**step), decoupled_weight_decay, amsgrad, maximize):
            continue
        grad = -g if maximize else g
        if weight_decay != 0:
            if decoupled_weight_decay:
                p.mul_(1.0 - lr * weight_decay)
            else:
                grad = grad + p * weight_decay
        exp_avg.mul_(beta1).add_(grad * (1.0 - beta1))
        exp_avg_sq.mul_(beta2).add_(grad * grad * (1.0 - beta2))
        bias_correction1 = 1.0 - beta1**step
        bias_correction2_sqrt = math.sqrt(1.0 - beta2**step)
        if amsgrad:
            # a clone when differentiable: maximum's backward reads the running maximum copy_ overwrites
            max_sq.copy_(rtorch.maximum(max_sq.clone() if differentiable else max_sq, exp_avg_sq))
            second = max_sq
        else:
            second = exp_avg_sq
        denom = second.sqrt() / bias_correction2_sqrt + eps
        p.sub_(exp_avg / denom * (lr / bias_correction1))


class AdamW(Adam):
    r"""Adam with decoupled weight decay (``theta *= 1 - lr * weight_decay`` before the Adam step)."""

    @_checked("AdamW",
              "lr:float eps:float weight_decay:float maximize:bool betas:floatpair amsgrad:bool")
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


def adamw(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
          differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False, *, amsgrad, beta1,
          beta2, lr, weight_decay, eps, maximize):
    r"""The AdamW update of :class:`AdamW` (Adam with decoupled weight decay) on lists of tensors, in place.

    Example:
        >>> p = rtorch.ones(1)
        >>> adamw([p], [rtorch.zeros(1)], [rtorch.zeros(1)], [rtorch.zeros(1)], [], [rtorch.tensor(0.0)],
        ...       amsgrad=False, beta1=0.9, beta2=0.999, lr=0.1, weight_decay=0.5, eps=1e-8, maximize=False)
        >>> round(p.item(), 6)   # only the decay: 1 - 0.1 * 0.5
        0.95
    """
    adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach, capturable, differentiable,
         fused, grad_scale, found_inf, has_complex, True, amsgrad=amsgrad, beta1=beta1, beta2=beta2, lr=lr,
         weight_decay=weight_decay, eps=eps, maximize=maximize)
