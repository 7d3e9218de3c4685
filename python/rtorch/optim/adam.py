"""Adam and AdamW optimizers."""
import math

import rtorch
from rtorch import _rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _fusable

__all__ = ["Adam", "AdamW"]


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
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad = group["weight_decay"], group["amsgrad"]
        buffers = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = -p.grad if group["maximize"] else p.grad
            state = self._init_state(p, buffers)
            state["step"].add_(1)
            step = state["step"].item()
            # One native pass per parameter where the device has a fused kernel; same rounding points.
            if _fusable(group, p) and _rtorch._adam_step(
                    p, p.grad, state["exp_avg"], state["exp_avg_sq"], state["max_exp_avg_sq"] if amsgrad else None,
                    lr, beta1, beta2, eps, wd, 1.0 - beta1**step, math.sqrt(1.0 - beta2**step),
                    group["decoupled_weight_decay"], amsgrad, group["maximize"]):
                continue
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    p.mul_(1.0 - lr * wd)
                else:
                    grad = grad + p * wd
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            exp_avg.mul_(beta1).add_(grad * (1.0 - beta1))
            exp_avg_sq.mul_(beta2).add_(grad * grad * (1.0 - beta2))
            bias_correction1 = 1.0 - beta1**step
            bias_correction2_sqrt = math.sqrt(1.0 - beta2**step)
            if amsgrad:
                max_sq = state["max_exp_avg_sq"]
                max_sq.copy_(rtorch.maximum(max_sq, exp_avg_sq))
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
