"""RAdam optimizer (rectified Adam, Liu et al. 2019), as torch.optim.RAdam."""
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_betas, _check_capturable, _check_lr, _dense_grad, _to_scalar

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam, as in ``torch.optim.RAdam``: Adam whose adaptive term is switched on once the variance of the
    adaptive learning rate is tractable.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \rho_\infty = \frac{2}{1-\beta_2} - 1,\quad \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},

        \theta_t = \theta_{t-1} - \gamma\frac{m_t}{1-\beta_1^t}\cdot
        \begin{cases} r_t\,\dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon} & \rho_t > 5 \\ 1 & \text{otherwise}
        \end{cases},\quad
        r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}

    With ``weight_decay`` :math:`\lambda`, the gradient gains :math:`\lambda\theta_{t-1}` or, with
    ``decoupled_weight_decay=True``, :math:`\theta` is first scaled by :math:`1-\gamma\lambda`.

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): learning rate :math:`\gamma`. Default: 1e-3
        betas (Tuple[float, float]): decays of the running averages. Default: (0.9, 0.999)
        eps (float): added to the denominator. Default: 1e-8
        weight_decay (float): weight decay :math:`\lambda`. Default: 0
        decoupled_weight_decay (bool): AdamW-style decay instead of an L2 gradient term. Default: ``False``
        foreach, capturable, differentiable: accepted for PyTorch compatibility (one code path here)
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step``, ``exp_avg`` and ``exp_avg_sq``, as in PyTorch.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = rtorch.optim.RAdam([p], lr=0.1)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> round(p.item(), 6)   # rho_1 <= 5: an SGD-with-momentum step, lr * m_1 / (1 - beta1)
        0.8
    """

    @_checked("RAdam", "lr:float eps:float weight_decay:float betas:floatpair decoupled_weight_decay:bool "
                       "maximize:bool")
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        lr, (beta1, beta2), eps, wd = _to_scalar(group["lr"]), group["betas"], group["eps"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = _dense_grad(p, "RAdam")
            grad = -grad if group["maximize"] else grad
            state = self._init_state(p, ("exp_avg", "exp_avg_sq"))
            _check_capturable(group, p)
            state["step"].add_(1)
            step = state["step"].item()
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    p.mul_(1 - lr * wd)
                else:
                    grad = grad.add(p, alpha=wd)
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            bias_corrected_exp_avg = exp_avg / bias_correction1
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
                p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
            else:
                p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
