"""Predicates and queries about tensors, dtypes and objects (`@composite`): is_nonzero, is_same_size,
is_signed, can_cast, get_device, is_inference, typename and Tensor.const_data_ptr."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor
from ._common import rt as _rt

__all__ = ["is_nonzero", "is_same_size", "is_signed", "can_cast", "get_device", "is_inference", "typename"]


@composite(method=False)
def is_nonzero(input: Tensor) -> bool:
    """Whether a one-element tensor's value is non-zero (an error for other sizes).

    Args:
        input (Tensor): a tensor with one element.

    Example::

        >>> rtorch.is_nonzero(rtorch.tensor([1.]))
        True
    """
    return input.is_nonzero()


@composite(method=False)
def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> rtorch.is_same_size(rtorch.zeros(2), rtorch.ones(2))
        True
    """
    return input.is_same_size(other)


@composite(method=False)
def is_signed(input: Tensor) -> bool:
    """Whether ``input``'s dtype is signed (false for ``uint8`` and ``bool``).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> rtorch.is_signed(rtorch.zeros(2, dtype=rtorch.uint8))
        False
    """
    return input.is_signed()


# Which casts `can_cast` allows: PyTorch's kinds ordered bool < integer < floating point; a cast to a lower
# kind is not allowed, any cast within or up a kind is.
def _kind(dtype):
    rt = _rt()
    if dtype == rt.bool:
        return 0
    return 2 if dtype.is_floating_point else 1


@composite(method=False)
def can_cast(from_, to) -> bool:
    """Whether PyTorch's type promotion allows casting ``from_`` to ``to`` (no cast to a lower kind:
    floating point -> integer -> bool).

    Args:
        from_ (dtype): the source dtype.
        to (dtype): the target dtype.

    Example::

        >>> rtorch.can_cast(rtorch.float32, rtorch.int32)
        False
    """
    for name, d in (("from_", from_), ("to", to)):
        if not isinstance(d, _rt().dtype):
            raise TypeError(f"can_cast(): argument '{name}' must be torch.dtype, not {type(d).__name__}")
    return _kind(from_) <= _kind(to)


@composite()
def get_device(input) -> int:
    """The CUDA device index of ``input``, or -1 for a CPU tensor.

    Example::

        >>> rtorch.zeros(2).get_device()
        -1
    """
    dev = input.device
    return -1 if dev.type == "cpu" else (dev.index or 0)


@composite()
def is_inference(input) -> bool:
    """Whether ``input`` was made in inference mode (rtorch has no inference tensors: always False).

    Example::

        >>> rtorch.zeros(2).is_inference()
        False
    """
    return False


@composite(method=False)
def typename(obj) -> str:
    """Returns the type name of ``obj``.

    For a tensor its legacy type name (:meth:`Tensor.type`, ``rtorch.FloatTensor``), else the Python
    type's qualified name.

    Args:
        obj: any object.

    Example::

        >>> rtorch.typename(rtorch.zeros(2))
        'rtorch.FloatTensor'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    t = type(obj)
    return t.__qualname__ if t.__module__ in ("builtins", "__builtin__", None) else f"{t.__module__}.{t.__qualname__}"


@composite(function=False)
def const_data_ptr(self) -> int:
    """The address of the first element, as :meth:`Tensor.data_ptr` (PyTorch's read-only-intent spelling).

    Example::

        >>> x = rtorch.ones(3)
        >>> x.const_data_ptr() == x.data_ptr()
        True
    """
    return self.data_ptr()
