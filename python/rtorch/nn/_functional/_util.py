"""Helpers shared by the rtorch.nn._functional families: dtype names and checks in PyTorch's words, loss reductions,
grad_fn naming, softmax's implicit dim."""
import functools
import warnings

import rtorch

# PyTorch's scalar-type names, as its "not implemented for 'Long'" messages write them.
_SCALAR_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
    "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}


def scalar_name(dtype):
    """PyTorch's name for ``dtype`` in kernel messages (``'Long'`` for int64)."""
    return _SCALAR_NAMES.get(str(dtype).replace("rtorch.", ""), str(dtype))


def require_float(input, kernel):
    """Raise PyTorch's NotImplementedError for a kernel that has no integer or bool version."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{scalar_name(input.dtype)}\'')


def source(input, inplace):
    """The tensor an activation composes from: a clone when it will overwrite ``input`` in place and autograd
    records ``input`` (the composed ops' backward reads their own inputs, which the copy would change)."""
    return input.clone() if inplace and input.requires_grad else input


def in_place(input, out):
    """Write ``out`` into ``input`` (autograd records the copy) and return ``input``: the ``inplace=True`` form of
    an activation composed from several ops (compose it from `source(input, True)`)."""
    return input.copy_(out)


def reduce(loss, reduction):
    """Apply a loss ``reduction`` ('none' | 'mean' | 'sum'), PyTorch's ValueError for any other string."""
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _get_reduction(size_average=None, reduce=None, reduction="mean"):
    """Map the legacy ``size_average``/``reduce`` flags onto a ``reduction`` string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use reduction instead.")
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _grad_fn_name(name):
    """Decorator: the result's grad_fn gets PyTorch's name for this composite (``MseLossBackward0`` where rtorch's
    last recorded step is a mean), if the call recorded it (a node made earlier is never renamed)."""
    def deco(f):
        @functools.wraps(f)
        def named(*args, **kwargs):
            since = rtorch._rtorch._graph_seq()
            return _named(f(*args, **kwargs), name, since)
        return named
    return deco


def _named(out, name, since):
    """Name ``out.grad_fn`` ``name`` if it was recorded at or after sequence number ``since``; returns ``out``."""
    if isinstance(out, rtorch.Tensor) and out.grad_fn is not None:
        rtorch._rtorch._name_grad_fn(out, name, since)
    return out


def _softmax_dim(ndim):
    warnings.warn(
        "Implicit dimension choice for softmax has been deprecated. "
        "Change the call to include dim=X as an argument."
    )
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else input.to(dtype)
