"""SparseAdam optimizer (Adam masked to the entries of sparse gradients), as torch.optim.SparseAdam."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim import _functional
from rtorch.optim.optimizer import Optimizer, _check_betas, _check_lr, _to_scalar

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""SparseAdam, as in ``torch.optim.SparseAdam``.

    Adam that updates the moments and the parameter only where a sparse (COO) gradient has entries (see
    :func:`rtorch.optim._functional.sparse_adam`).

    .. math::
        m_I \leftarrow \beta_1 m_I + (1-\beta_1) g_I,\quad v_I \leftarrow \beta_2 v_I + (1-\beta_2) g_I^2,\quad
        \theta_I \leftarrow \theta_I - \gamma\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\frac{m_I}{\sqrt{v_I}+\epsilon}

    for the index set :math:`I` the gradient holds; other entries are untouched.

    Parameters must be dense and their gradients sparse; a dense gradient raises RuntimeError as in PyTorch.
    rtorch limitation: a dense tensor's ``.grad`` is always dense here (``nn.Embedding(sparse=True)``
    produces a dense gradient), so ``step`` on rtorch's own gradients raises that error; the masked update
    itself is :func:`rtorch.optim._functional.sparse_adam`, which takes ``rtorch.sparse`` COO gradients.

    Args:
        params: iterable of dense parameters or dicts defining parameter groups
        lr (float or Tensor): learning rate :math:`\gamma` (``> 0``). Default: 1e-3
        betas (Tuple[float, float]): decays of the running averages. Default: (0.9, 0.999)
        eps (float): added to the denominator (``> 0``). Default: 1e-8
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step`` (a Python int, as in PyTorch), ``exp_avg`` and ``exp_avg_sq``.

    Example:
        >>> w = rtorch.nn.Parameter(rtorch.zeros(5, 2))
        >>> opt = rtorch.optim.SparseAdam([w], lr=0.1)
        >>> opt.param_groups[0]["betas"]
        (0.9, 0.999)
    """

    @_checked("SparseAdam", "lr:float eps:float betas:floatpair maximize:bool")
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        _check_lr(lr, strict=True)
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        sparse_params = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])
                         if getattr(p, "is_sparse", False)]
        if sparse_params:
            raise ValueError(
                f"Sparse params at indices {sparse_params}: SparseAdam requires dense parameter tensors")
        complex_params = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])
                          if p.dtype.is_complex]
        if complex_params:
            raise ValueError(
                f"Complex params at indices {complex_params}: SparseAdam does not support complex parameters")

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, exp_avgs, exp_avg_sqs, steps = [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            if not getattr(p.grad, "is_sparse", False):
                raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = rtorch.zeros_like(p)
                state["exp_avg_sq"] = rtorch.zeros_like(p)
            state["step"] += 1
            params.append(p)
            grads.append(p.grad)
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            steps.append(state["step"])
        beta1, beta2 = group["betas"]
        _functional.sparse_adam(params, grads, exp_avgs, exp_avg_sqs, steps, eps=group["eps"], beta1=beta1,
                                beta2=beta2, lr=_to_scalar(group["lr"]), maximize=group.get("maximize", False))
