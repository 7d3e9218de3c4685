"""Muon optimizer (momentum orthogonalised by Newton-Schulz, for 2-D weights), as torch.optim.Muon."""
import math

import rtorch
from rtorch._argcheck import checked as _checked
from rtorch.optim.optimizer import Optimizer, _check_lr, _dense_grad, _to_scalar

__all__ = ["Muon", "muon"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5
_ADJUST_LR_FNS = ("original", "match_rms_adamw", "spectral_unclamped")


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """``ns_steps`` quintic Newton-Schulz iterations towards the orthogonal factor of ``grad``, in bfloat16
    as PyTorch computes them (a wide matrix is iterated on its transpose)."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if len(grad.shape) != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    ortho = grad.to(dtype=rtorch.bfloat16, copy=True)
    tall = grad.size(0) > grad.size(1)
    if tall:
        ortho = ortho.T
    ortho.div_(ortho.norm().clamp(min=eps))
    for _ in range(ns_steps):
        gram = ortho @ ortho.T
        gram_update = _addmm_rounded_once(gram, gram, gram, beta=b, alpha=c)
        ortho = _addmm_rounded_once(ortho, gram_update, ortho, beta=a)
    return ortho.T if tall else ortho


def _addmm_rounded_once(c, a, b, beta, alpha=1.0):
    """``beta * c + alpha * (a @ b)`` for bfloat16 operands, accumulated in float32 and rounded to bfloat16
    once, as PyTorch's bfloat16 ``addmm`` does (rtorch's bfloat16 ``addmm`` rounds the product first, which
    moves Muon's update by several bfloat16 ulps per step)."""
    return rtorch.addmm(c.float(), a.float(), b.float(), beta=beta, alpha=alpha).to(c.dtype)


def _adjust_lr(lr, adjust_lr_fn, shape):
    """The learning rate scaled for a ``shape[0] x shape[1]`` matrix by the named rule."""
    fan_out, fan_in = shape[:2]
    if fan_out == 0 or fan_in == 0:
        return lr  # an empty matrix has no update to scale (PyTorch divides by zero here)
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, fan_out / fan_in))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(fan_out, fan_in))
    elif adjust_lr_fn == "spectral_unclamped":
        ratio = math.sqrt(fan_out / fan_in)
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    r"""Muon, as in ``torch.optim.Muon``.

    SGD momentum whose update is replaced by (approximately) its orthogonal factor, for the 2-D weights of
    hidden layers (optimise biases and embeddings with AdamW).

    .. math::
        B_t = \mu B_{t-1} + g_t\ \ (\text{as } B \leftarrow \mathrm{lerp}(B, g, 1-\mu)),\quad
        \tilde B_t = \begin{cases} \mathrm{lerp}(g_t, B_t, \mu) & \text{nesterov}\\ B_t\end{cases},

        O_t = \mathrm{NS}^{(a,b,c)}_k(\tilde B_t; \varepsilon),\quad
        \theta_t = (1 - \gamma\lambda)\theta_{t-1} - \mathrm{AdjustLR}(\gamma, \mathrm{shape}(\theta))\,O_t

    ``AdjustLR`` multiplies :math:`\gamma` by :math:`\sqrt{\max(1, A/B)}` ("original", the default),
    :math:`0.2\sqrt{\max(A, B)}` ("match_rms_adamw") or :math:`\sqrt{A/B}` ("spectral_unclamped") for an
    :math:`A\times B` parameter. The Newton-Schulz iterations run in bfloat16, as in PyTorch.

    Args:
        params: iterable of 2-D parameters or dicts defining parameter groups
        lr (float): learning rate :math:`\gamma`. Default: 1e-3
        weight_decay (float): decoupled weight decay :math:`\lambda`. Default: 0.1
        momentum (float): momentum factor :math:`\mu`. Default: 0.95
        nesterov (bool): Nesterov momentum. Default: ``True``
        ns_coefficients (Tuple[float, float, float]): :math:`(a, b, c)` of the quintic iteration.
            Default: (3.4445, -4.775, 2.0315)
        eps (float): floor of the norm the matrix is divided by. Default: 1e-7
        ns_steps (int): number of Newton-Schulz iterations (``< 100``). Default: 5
        adjust_lr_fn (str, optional): ``"original"``, ``"match_rms_adamw"`` or ``"spectral_unclamped"``.
            Default: None (``"original"``)

    The state per parameter is ``momentum_buffer``, as in PyTorch.

    Example:
        >>> w = rtorch.nn.Parameter(rtorch.randn(4, 3))
        >>> opt = rtorch.optim.Muon([w], lr=0.02)
        >>> (w * w).sum().backward(); _ = opt.step()
        >>> list(opt.state[w])
        ['momentum_buffer']
    """

    @_checked("Muon", "lr:float weight_decay:float momentum:float nesterov:bool eps:float ns_steps:int")
    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        _check_lr(lr, "Learning rate should be >= 0 but is: {}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in _ADJUST_LR_FNS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}")

    def step(self, closure=None):
        r"""Perform a single optimisation step; ``closure`` re-evaluates the model and returns the loss."""
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        params, grads, bufs = [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.dtype.is_complex:
                raise RuntimeError("Muon does not support complex parameters")
            grad = _dense_grad(p, "Muon")
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = rtorch.zeros_like(grad)
            params.append(p)
            grads.append(grad)
            bufs.append(state["momentum_buffer"])
        muon(params, grads, bufs, lr=group["lr"], weight_decay=group["weight_decay"], momentum=group["momentum"],
             nesterov=group["nesterov"], ns_coefficients=group["ns_coefficients"], ns_steps=group["ns_steps"],
             eps=group["eps"], adjust_lr_fn=group["adjust_lr_fn"], has_complex=False)


def muon(params, grads, muon_momentum_bufs, *, foreach=None, lr, weight_decay, momentum, nesterov, ns_coefficients,
         ns_steps, eps, adjust_lr_fn, has_complex):
    r"""The Muon update of :class:`Muon` on lists of 2-D tensors, in place (the functional API).

    Example:
        >>> w = rtorch.zeros(3, 2)
        >>> muon([w], [rtorch.ones(3, 2)], [rtorch.zeros(3, 2)], lr=0.1, weight_decay=0.0, momentum=0.95,
        ...      nesterov=True, ns_coefficients=(3.4445, -4.775, 2.0315), ns_steps=5, eps=1e-7,
        ...      adjust_lr_fn=None, has_complex=False)
        >>> bool((w < 0).all())
        True
    """
    if foreach:
        raise RuntimeError("Foreach is not supported for Muon yet")
    if has_complex:
        raise ValueError("Complex parameters are not supported")
    lr = _to_scalar(lr)
    for param, grad, buf in zip(params, grads, muon_momentum_bufs):
        if grad.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        buf.lerp_(grad, 1 - momentum)
        update = grad.lerp(buf, momentum) if nesterov else buf
        update = _zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, eps)
        param.mul_(1 - lr * weight_decay)
        param.add_(update, alpha=-_adjust_lr(lr, adjust_lr_fn, param.shape))
