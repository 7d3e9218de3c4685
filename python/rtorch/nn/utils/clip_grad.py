"""nn.utils.clip_grad: the total gradient norm and clipping gradients by norm or by value."""
import math

import rtorch

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_", "clip_grad_norm"]


def _as_list(parameters):
    if isinstance(parameters, rtorch.Tensor):
        return [parameters]
    return list(parameters)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""Return the ``norm_type``-norm of all ``tensors`` seen as one concatenated vector."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return rtorch.tensor(0.0)
    with rtorch.no_grad():
        # Per-tensor results are gathered on the first tensor's device (tensors may live on several).
        first = tensors[0].device
        if math.isinf(norm_type):
            maxes = [t.detach().abs().max().to(first) for t in tensors]
            total = rtorch.stack(maxes).max() if norm_type > 0 else rtorch.stack(
                [t.detach().abs().min().to(first) for t in tensors]).min()
        else:
            parts = [t.detach().abs().pow(norm_type).sum().to(first) for t in tensors]
            total = rtorch.stack(parts).sum().pow(1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return total


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""Scale the gradients of ``parameters`` in place so that their total norm is at most ``max_norm``.

    Returns the total norm of the gradients (viewed as a single vector) before clipping.
    """
    parameters = _as_list(parameters)  # a generator (model.parameters()) is read once
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite)
    if not grads:
        return total_norm
    clip_grads_with_norm_(parameters, max_norm, total_norm)
    return total_norm


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    r"""Scale the gradients of ``parameters`` in place by ``max_norm / (total_norm + 1e-6)`` when below 1.

    Args:
        parameters (Tensor or iterable of Tensor): the parameters whose ``.grad`` is scaled.
        max_norm (float): the largest allowed total norm.
        total_norm (Tensor or float): the total norm of the gradients (see :func:`get_total_norm`).
        foreach (bool, optional): accepted for PyTorch's signature.
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    total = total_norm.item() if isinstance(total_norm, rtorch.Tensor) else float(total_norm)
    clip_coef = float(max_norm) / (total + 1e-6)
    if grads and not clip_coef >= 1.0:  # also scales by NaN for a non-finite norm, as PyTorch does
        with rtorch.no_grad():
            for g in grads:
                g.mul_(clip_coef)


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""Deprecated alias of :func:`clip_grad_norm_` (warns)."""
    import warnings

    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    r"""Clamp the gradients of ``parameters`` in place to ``[-clip_value, clip_value]``."""
    clip_value = float(clip_value)
    with rtorch.no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.copy_(p.grad.clamp(-clip_value, clip_value))
