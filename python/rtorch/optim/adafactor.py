"""Adafactor optimizer (Shazeer and Stern 2018, factored second moments), as torch.optim.Adafactor."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_lr, _dense_grad, _to_scalar

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor, as in ``torch.optim.Adafactor``: the second moment of a matrix gradient is kept as a row
    factor and a column factor (sublinear memory); a vector keeps its full second moment.

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
        lr, beta2_decay, d, wd = _to_scalar(group["lr"]), group["beta2_decay"], group["d"], group["weight_decay"]
        eps1, eps2 = group["eps"]
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
            grad = -grad if group["maximize"] else grad
            # PyTorch fixes eps1 from the first parameter with a gradient and keeps it for the whole group.
            if eps1 is None:
                eps1 = rtorch.finfo(p.dtype).eps
            state["step"].add_(1)
            step = state["step"].item()
            one_minus_beta2_t = step ** beta2_decay
            rho_t = min(lr, 1 / (step ** 0.5))
            alpha = max(eps2, p.norm(2).item() / (p.numel() ** 0.5)) * rho_t
            if wd != 0:
                p.mul_(1 - lr * wd)
            if grad.dim() > 1:
                row_var, col_var = state["row_var"], state["col_var"]
                row_var.lerp_(grad.norm(2, dim=-1, keepdim=True).square_().div_(grad.size(-1)), one_minus_beta2_t)
                col_var.lerp_(grad.norm(2, dim=-2, keepdim=True).square_().div_(grad.size(-2)), one_minus_beta2_t)
                var_estimate = row_var @ col_var
                var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
            else:
                variance = state["variance"]
                variance.lerp_(grad * grad, one_minus_beta2_t)
                var_estimate = variance.clone()
            update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
            update.mul_(grad)
            denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
            p.add_(update, alpha=-alpha / denom)
