"""NAdam optimizer (Adam with Nesterov momentum, Dozat 2016), as torch.optim.NAdam."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_betas, _check_capturable, _check_lr, _dense_grad, _to_scalar

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    r"""NAdam, as in ``torch.optim.NAdam`` (momentum decay schedule, coupled or decoupled weight decay).

    .. math::
        \mu_t = \beta_1\big(1 - \tfrac12 0.96^{t\psi}\big),\quad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,

        \theta_t = \theta_{t-1} - \gamma\Big(\frac{(1-\mu_t) g_t}{1-\prod_{i\le t}\mu_i}
            + \frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i}\Big)\Big/\Big(\sqrt{v_t/(1-\beta_2^t)}+\epsilon\Big)

    With ``weight_decay`` :math:`\lambda`, the gradient gains :math:`\lambda\theta_{t-1}` or, with
    ``decoupled_weight_decay=True`` (NAdamW), :math:`\theta` is first scaled by :math:`1-\gamma\lambda`.

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): learning rate :math:`\gamma`. Default: 2e-3
        betas (Tuple[float, float]): decays of the running averages of the gradient and its square.
            Default: (0.9, 0.999)
        eps (float): added to the denominator. Default: 1e-8
        weight_decay (float): weight decay :math:`\lambda`. Default: 0
        momentum_decay (float): :math:`\psi` of the momentum schedule. Default: 4e-3
        decoupled_weight_decay (bool): AdamW-style decay instead of an L2 gradient term. Default: ``False``
        foreach, capturable, differentiable: accepted for PyTorch compatibility (one code path here)
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step``, ``mu_product`` (both float32 scalars), ``exp_avg`` and
    ``exp_avg_sq``, as in PyTorch, so state dicts load in either.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0]))
        >>> opt = rtorch.optim.NAdam([p], lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> sorted(opt.state[p])
        ['exp_avg', 'exp_avg_sq', 'mu_product', 'step']
    """

    @_checked("NAdam", "lr:float eps:float weight_decay:float momentum_decay:float betas:floatpair "
                       "decoupled_weight_decay:bool maximize:bool")
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, exp_avgs, exp_avg_sqs, mu_products, steps = [], [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            params.append(p)
            grads.append(_dense_grad(p, "NAdam"))
            state = self.state[p]
            if not state:
                state["step"] = rtorch.tensor(0.0, dtype=rtorch.float32)
                state["mu_product"] = rtorch.tensor(1.0, dtype=rtorch.float32)
                state["exp_avg"] = rtorch.zeros_like(p)
                state["exp_avg_sq"] = rtorch.zeros_like(p)
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            mu_products.append(state["mu_product"])
            steps.append(state["step"])
        beta1, beta2 = group["betas"]
        nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps,
              decoupled_weight_decay=group["decoupled_weight_decay"], capturable=group["capturable"],
              differentiable=group["differentiable"], maximize=group["maximize"], beta1=beta1, beta2=beta2,
              lr=group["lr"], weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
              eps=group["eps"])


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, decoupled_weight_decay=False, foreach=None,
          capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, momentum_decay, eps):
    r"""The NAdam update of :class:`NAdam` on lists of tensors, in place (the functional API).

    ``state_steps`` and ``mu_products`` (scalar tensors) are updated here.

    Example:
        >>> p = rtorch.ones(1)
        >>> nadam([p], [rtorch.ones(1)], [rtorch.zeros(1)], [rtorch.zeros(1)], [rtorch.tensor(1.0)],
        ...       [rtorch.tensor(0.0)], beta1=0.9, beta2=0.999, lr=0.1, weight_decay=0, momentum_decay=4e-3,
        ...       eps=1e-8)
        >>> p.item() < 1.0
        True
    """
    lr = _to_scalar(lr)
    for param, grad, exp_avg, exp_avg_sq, mu_product, step_t in zip(params, grads, exp_avgs, exp_avg_sqs,
                                                                     mu_products, state_steps):
        grad = -grad if maximize else grad
        _check_capturable(capturable, param, "params, mu_products and state_steps")
        step_t.add_(1)
        step = step_t.item()
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            else:
                grad = grad.add(param, alpha=weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        # The product lives in a scalar tensor (float32 unless loaded for a float64 parameter), as in PyTorch:
        # its rounding is part of the rule.
        mu_product.mul_(mu)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt()
        if differentiable:
            # PyTorch's differentiable form: scalings as tensors (through the mu_product scalar), out of place
            denom = denom.add(eps)
            mu_product_next = mu_product * mu_next
            param.addcdiv_(grad * (-lr * (1.0 - mu) / (1.0 - mu_product)), denom)
            param.addcdiv_(exp_avg * (-lr * mu_next / (1.0 - mu_product_next)), denom)
            continue
        denom.add_(eps)
        mu_product_value = mu_product.item()
        param.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product_value))
        param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_value * mu_next))
