"""RAdam optimizer (rectified Adam, Liu et al. 2019), as torch.optim.RAdam."""
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_betas, _check_capturable, _check_lr, _to_scalar

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    r"""RAdam (rectified Adam), as in ``torch.optim.RAdam``.

    Adam whose adaptive term is switched on once the variance of the adaptive learning rate is tractable.

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
        params, grads, steps, exp_avgs, exp_avg_sqs = self._gather(group, ("exp_avg", "exp_avg_sq"), dense_op="RAdam")
        beta1, beta2 = group["betas"]
        radam(params, grads, exp_avgs, exp_avg_sqs, steps, decoupled_weight_decay=group["decoupled_weight_decay"],
              differentiable=group["differentiable"], capturable=group["capturable"], maximize=group["maximize"],
              beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"])


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False, foreach=None,
          differentiable=False, capturable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, eps):
    r"""The RAdam update of :class:`RAdam` on lists of tensors, in place (the functional API).

    Example:
        >>> p = rtorch.ones(1)
        >>> radam([p], [rtorch.ones(1)], [rtorch.zeros(1)], [rtorch.zeros(1)], [rtorch.tensor(0.0)], beta1=0.9,
        ...       beta2=0.999, lr=0.1, weight_decay=0, eps=1e-8)
        >>> round(p.item(), 6)
        0.9
    """
    lr = _to_scalar(lr)
    for param, grad, exp_avg, exp_avg_sq, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
        grad = -grad if maximize else grad
        _check_capturable(capturable, param)
        step_t.add_(1)
        step = step_t.item()
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            else:
                grad = grad.add(param, alpha=weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # out of place when differentiable: sqrt's backward reads its output
            adaptive_lr = (bias_correction2 ** 0.5) / (exp_avg_sq.sqrt().add(eps) if differentiable
                                                       else exp_avg_sq.sqrt().add_(eps))
            param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
