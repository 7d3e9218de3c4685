"""Rprop optimizer (resilient backpropagation, Riedmiller and Braun 1993), as torch.optim.Rprop."""
import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_capturable, _check_lr, _dense_grad, _to_scalar

__all__ = ["Rprop", "rprop"]


class Rprop(Optimizer):
    r"""Rprop (resilient backpropagation), as in ``torch.optim.Rprop``.

    Per-element step sizes grow or shrink by the sign agreement of successive gradients; only the
    gradient's sign moves the parameter.

    .. math::
        \eta_t = \begin{cases} \min(\eta_{t-1}\eta_+, \Gamma_{max}) & g_t g_{t-1} > 0\\
            \max(\eta_{t-1}\eta_-, \Gamma_{min}) & g_t g_{t-1} < 0\ \ (\text{and } g_t \leftarrow 0)\\
            \eta_{t-1} & \text{otherwise}\end{cases},\quad
        \theta_t = \theta_{t-1} - \eta_t\,\mathrm{sign}(g_t)

    Args:
        params: iterable of parameters or dicts defining parameter groups
        lr (float or Tensor): initial step size. Default: 1e-2
        etas (Tuple[float, float]): :math:`(\eta_-, \eta_+)`, the shrink and growth factors,
            with :math:`0 < \eta_- < 1 < \eta_+`. Default: (0.5, 1.2)
        step_sizes (Tuple[float, float]): :math:`(\Gamma_{min}, \Gamma_{max})`. Default: (1e-6, 50)
        capturable, foreach, differentiable: accepted for PyTorch compatibility (one code path here)
        maximize (bool): maximise the objective instead of minimising it. Default: ``False``

    The state per parameter is ``step``, ``prev`` (the last gradient used) and ``step_size``, as in PyTorch.

    Example:
        >>> p = rtorch.nn.Parameter(rtorch.tensor([1.0, -1.0]))
        >>> opt = rtorch.optim.Rprop([p], lr=0.1)
        >>> (p * p).sum().backward(); _ = opt.step()
        >>> [round(v, 6) for v in p.tolist()]
        [0.9, -0.9]
    """

    @_checked("Rprop", "lr:float etas:floatpair step_sizes:floatpair maximize:bool")
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                 foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, prevs, step_sizes, steps = [], [], [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = _dense_grad(p, "Rprop")
            params.append(p)
            grads.append(grad)
            state = self.state[p]
            if not state:
                state["step"] = rtorch.zeros((), dtype=rtorch.float32)
                state["prev"] = rtorch.zeros_like(p)
                state["step_size"] = rtorch.full_like(grad, _to_scalar(group["lr"]))
            prevs.append(state["prev"])
            step_sizes.append(state["step_size"])
            steps.append(state["step"])
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        rprop(params, grads, prevs, step_sizes, steps, capturable=group["capturable"], maximize=group["maximize"],
              differentiable=group["differentiable"], step_size_min=step_size_min, step_size_max=step_size_max,
              etaminus=etaminus, etaplus=etaplus)


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False, maximize=False,
          differentiable=False, has_complex=False, *, step_size_min, step_size_max, etaminus, etaplus):
    r"""The Rprop update of :class:`Rprop` on lists of tensors, in place (the functional API).

    Example:
        >>> p, size = rtorch.ones(2), rtorch.full((2,), 0.1)
        >>> rprop([p], [rtorch.tensor([1.0, -1.0])], [rtorch.zeros(2)], [size], [rtorch.tensor(0.0)],
        ...       step_size_min=1e-6, step_size_max=50, etaminus=0.5, etaplus=1.2)
        >>> [round(v, 6) for v in p.tolist()]
        [0.9, 1.1]
    """
    for param, grad, prev, step_size, step_t in zip(params, grads, prevs, step_sizes, state_steps):
        grad = -grad if maximize else grad
        _check_capturable(capturable, param)
        step_t.add_(1)
        sign = grad.mul(prev.clone() if differentiable else prev).sign()  # prev is overwritten below
        # Masked writes in PyTorch's order (a NaN product stays NaN and poisons the step size, as there).
        sign[sign.gt(0)] = etaplus
        sign[sign.lt(0)] = etaminus
        sign[sign.eq(0)] = 1
        step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        # Where the sign flipped, the step is skipped and the gradient forgotten for the next comparison.
        grad = grad.clone()
        grad[sign.eq(etaminus)] = 0
        param.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
