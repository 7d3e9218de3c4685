"""Adamax optimizer (Adam with the infinity norm), as torch.optim.Adamax."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_betas, _check_capturable, _check_lr, _to_scalar

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    r"""Adamax, the infinity-norm variant of Adam, as in ``torch.optim.Adamax``.

    .. math::
        g_t \leftarrow g_t + \lambda\theta_{t-1}\ (\text{if } \lambda \ne 0),\quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): learning rate :math:`\gamma`. Default: 2e-3
        betas (Tuple[float, float]): decay of the running average :math:`m` and of the infinity norm
            :math:`u`. Default: (0.9, 0.999)
        eps (float): added to :math:`|g_t|` for numerical stability. Default: 1e-8
        weight_decay (float): L2 penalty :math:`\lambda` added to the gradient. Default: 0
        foreach (bool, optional): accepted for PyTorch compatibility (one code path here). Default: None
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``
        differentiable (bool): accepted for PyTorch compatibility. Default: ``False``
        capturable (bool): accepted; requires parameters on an accelerator, as PyTorch. Default: ``False``

    The state per parameter is ``step``, ``exp_avg`` and ``exp_inf``, as in PyTorch, so state dicts load in
    either.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0, -2.0]))
        >>> opt = rtorch.optim.Adamax([p], lr=0.1)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> p.tolist()   # the first step moves every element by lr * sign(grad)
        [0.8999999761581421, -1.899999976158142]
    """

    @_checked("Adamax", "lr:float eps:float weight_decay:float betas:floatpair maximize:bool")
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, steps, exp_avgs, exp_infs = self._gather(group, ("exp_avg", "exp_inf"), dense_op="Adamax")
        beta1, beta2 = group["betas"]
        adamax(params, grads, exp_avgs, exp_infs, steps, maximize=group["maximize"],
               differentiable=group["differentiable"], capturable=group["capturable"], eps=group["eps"],
               beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"])


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False, differentiable=False,
           capturable=False, has_complex=False, *, eps, beta1, beta2, lr, weight_decay):
    r"""The Adamax update of :class:`Adamax` on lists of tensors, in place (the functional API).

    Each ``state_steps`` entry (a float32 scalar tensor) is incremented here.

    Example:
        >>> p, g = rtorch.ones(2), rtorch.tensor([1.0, -1.0])
        >>> adamax([p], [g], [rtorch.zeros(2)], [rtorch.zeros(2)], [rtorch.tensor(0.0)], eps=1e-8, beta1=0.9,
        ...        beta2=0.999, lr=0.1, weight_decay=0)
        >>> [round(v, 6) for v in p.tolist()]
        [0.9, 1.1]
    """
    lr = _to_scalar(lr)
    for param, grad, exp_avg, exp_inf, step_t in zip(params, grads, exp_avgs, exp_infs, state_steps):
        grad = -grad if maximize else grad
        _check_capturable(capturable, param)
        step_t.add_(1)
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        if differentiable:  # out= is not differentiable: the same maximum as an amax over a stack
            norm_buf = rtorch.cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze(0)], 0)
            exp_inf.copy_(rtorch.amax(norm_buf, 0, keepdim=False))
        else:
            rtorch.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps), out=exp_inf)
        clr = lr / (1 - beta1 ** step_t.item())
        param.addcdiv_(exp_avg, exp_inf, value=-clr)
