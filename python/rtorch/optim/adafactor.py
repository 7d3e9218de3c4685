"""Adafactor optimizer (Shazeer and Stern 2018, factored second moments), as torch.optim.Adafactor."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_lr, _dense_grad, _to_scalar

__all__ = ["Adafactor", "adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor, as in ``torch.optim.Adafactor``.

    The second moment of a matrix gradient is kept as a row factor and a column factor (sublinear memory);
    a vector keeps its full second moment.

    .. math::
        \hat\beta_{2,t} = 1 - t^{\tau},\quad \rho_t = \min(\gamma, 1/\sqrt t),\quad
        \alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\rho_t,\quad
        \theta_t \leftarrow \theta_{t-1}(1 - \gamma\lambda),

        R_t = \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t})\,\mathrm{mean}_{-1}(G_t^2),\quad
        C_t = \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t})\,\mathrm{mean}_{-2}(G_t^2),\quad
        \hat V_t = \frac{R_t C_t}{\max(\mathrm{mean}_{-2}(R_t), \epsilon_1)},

        U_t = \frac{G_t}{\max(\sqrt{\hat V_t}, \epsilon_1)},\quad
        \theta_t \leftarrow \theta_t - \frac{\alpha_t U_t}{\max(1, \mathrm{RMS}(U_t)/d)}

    (for a vector, :math:`\hat V_t = \hat\beta_{2,t}\hat V_{t-1} + (1-\hat\beta_{2,t})G_t^2`).

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): the cap :math:`\gamma` of the relative step size and the weight-decay scale.
            Default: 1e-2
        beta2_decay (float): :math:`\tau` (``<= 0``). Default: -0.8
        eps (Tuple[float or None, float]): :math:`(\epsilon_1, \epsilon_2)`; ``None`` for :math:`\epsilon_1`
            means the machine epsilon of the (first) parameter's dtype. Default: (None, 1e-3)
        d (float): the update clipping threshold (``>= 1``). Default: 1.0
        weight_decay (float): decoupled weight decay :math:`\lambda`. Default: 0.0
        foreach (bool, optional): accepted for PyTorch compatibility. Default: None
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step`` and either ``row_var`` and ``col_var`` (gradients with two or more
    dims, shaped like the gradient with the last / second-last dim 1) or ``variance``, as in PyTorch.

    Example:
        >>> w = rtorch.nn.Parameter(rtorch.ones(4, 3))
        >>> opt = rtorch.optim.Adafactor([w])
        >>> (w * w).sum().backward(); _ = opt.step()
        >>> [tuple(opt.state[w][k].shape) for k in ("row_var", "col_var")]
        [(4, 1), (1, 3)]
    """

    @_checked("Adafactor", "lr:float beta2_decay:float d:float weight_decay:float maximize:bool")
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        _check_lr(lr, "Learning rate should be >= 0 but is: {}")
        if not (isinstance(eps, (tuple, list)) and len(eps) == 2):
            raise TypeError(f"Adafactor(): argument 'eps' must be a pair (epsilon1 or None, epsilon2), "
                            f"not {type(eps).__name__}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, row_vars, col_vars, variances, steps = [], [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.dtype.is_complex:
                raise RuntimeError("Adafactor does not support complex parameters")
            grad = _dense_grad(p, "Adafactor")
            state = self.state[p]
            if not state:
                state["step"] = rtorch.tensor(0.0, dtype=rtorch.float32)
                if grad.dim() > 1:
                    state["row_var"] = grad.new_zeros(list(grad.shape[:-1]) + [1])
                    state["col_var"] = grad.new_zeros(list(grad.shape[:-2]) + [1, grad.shape[-1]])
                else:
                    state["variance"] = rtorch.zeros_like(grad)
            params.append(p)
            grads.append(grad)
            row_vars.append(state.get("row_var"))
            col_vars.append(state.get("col_var"))
            variances.append(state.get("variance"))
            steps.append(state["step"])
        eps1, eps2 = group["eps"]
        adafactor(params, grads, row_vars, col_vars, variances, steps, d=group["d"], lr=group["lr"],
                  beta2_decay=group["beta2_decay"], weight_decay=group["weight_decay"], eps1=eps1, eps2=eps2,
                  maximize=group["maximize"])


def adafactor(params, grads, row_vars, col_vars, variances, state_steps, foreach=None, grad_scale=None,
              found_inf=None, has_complex=False, *, d, lr, beta2_decay, weight_decay, eps1, eps2, maximize):
    r"""The Adafactor update of :class:`Adafactor` on lists of tensors, in place (the functional API).

    ``row_vars`` / ``col_vars`` hold the factors of parameters with two or more dims (None for vectors),
    ``variances`` the second moments of vectors (None otherwise). ``eps1=None`` takes the machine epsilon of
    the first parameter's dtype for all of them, as PyTorch does.

    Example:
        >>> p = rtorch.ones(3)
        >>> adafactor([p], [rtorch.ones(3)], [None], [None], [rtorch.zeros(3)], [rtorch.tensor(0.0)], d=1.0,
        ...           lr=0.01, beta2_decay=-0.8, weight_decay=0.0, eps1=None, eps2=1e-3, maximize=False)
        >>> [round(v, 6) for v in p.tolist()]
        [0.99, 0.99, 0.99]
    """
    if grad_scale is not None or found_inf is not None:
        raise AssertionError("Grad scaling should occur outside of optimizer.step()")
    lr = _to_scalar(lr)
    for param, grad, row_var, col_var, variance, step_t in zip(params, grads, row_vars, col_vars, variances,
                                                                state_steps):
        grad = -grad if maximize else grad
        if eps1 is None:
            eps1 = rtorch.finfo(param.dtype).eps
        step_t.add_(1)
        step = step_t.item()
        one_minus_beta2_t = step ** beta2_decay
        rho_t = min(lr, 1 / (step ** 0.5))
        if param.numel() == 0:  # PyTorch divides by zero here too (the RMS of no elements)
            raise ZeroDivisionError("Adafactor: a parameter with no elements has no RMS (float division by zero)")
        alpha = max(eps2, param.norm(2).item() / (param.numel() ** 0.5)) * rho_t
        if weight_decay != 0:
            param.mul_(1 - lr * weight_decay)
        if grad.dim() > 1:
            if row_var is None or col_var is None:
                raise AssertionError("row_var and col_var should be defined when grad is multidimensional")
            row_var.lerp_(grad.norm(2, dim=-1, keepdim=True).square_().div_(grad.size(-1)), one_minus_beta2_t)
            col_var.lerp_(grad.norm(2, dim=-2, keepdim=True).square_().div_(grad.size(-2)), one_minus_beta2_t)
            var_estimate = row_var @ col_var
            var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
        else:
            if variance is None:
                raise AssertionError("variance should be defined when grad is a vector")
            variance.lerp_(grad * grad, one_minus_beta2_t)
            var_estimate = variance.clone()
        update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
        update.mul_(grad)
        denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
        param.add_(update, alpha=-alpha / denom)
