"""Argument helpers shared by the rtorch.nn._functional families (dtype names and checks in PyTorch's words)."""
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
