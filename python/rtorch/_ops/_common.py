"""Argument helpers shared by the composite op families: dim wrapping, sequences of ints, tensor lists."""
from __future__ import annotations

import operator

from .._rtorch import Tensor


def rt():
    """The ``rtorch`` package, imported on use (the op modules load while it is still initialising)."""
    import rtorch
    return rtorch


def wrap_dim(dim, ndim):
    """``dim`` in ``[0, ndim)`` (a 0-d tensor counts as 1-d, as in PyTorch), or PyTorch's IndexError."""
    n = max(ndim, 1)
    dim = operator.index(dim)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def int_list(value, op, arg):
    """``value`` (an int or a sequence of ints) as a list of ints, or a TypeError naming ``op`` and ``arg``."""
    try:
        if isinstance(value, Tensor):
            return [int(v) for v in value.reshape(-1).tolist()]
        if isinstance(value, (list, tuple)) or hasattr(value, "__len__"):
            return [operator.index(v) for v in value]
        return [operator.index(value)]
    except TypeError:
        raise TypeError(f"{op}(): argument '{arg}' must be an int or a sequence of ints, "
                        f"got {type(value).__name__}") from None


def tensor_list(tensors, op):
    """The tensors of a ``*tensors`` argument (also accepting one list or tuple), type-checked."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tuple(tensors)


def same_device_dtype_check(tensors, op):
    """PyTorch's error when tensors sit on different devices."""
    devs = {str(t.device) for t in tensors}
    if len(devs) > 1:
        raise RuntimeError(f"{op}: Expected all tensors to be on the same device, but found at least two devices, "
                           f"{' and '.join(sorted(devs))}!")
