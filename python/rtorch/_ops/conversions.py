"""Complex conversions (`@composite`): `Tensor.cfloat` / `cdouble`, in-place `conj_physical_`, and the
`view_as_real_copy` / `view_as_complex_copy` copies of the complex views."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["conj_physical_", "view_as_real_copy", "view_as_complex_copy"]


@composite(function=False)
def cfloat(self, memory_format=None) -> Tensor:
    """``self.to(rtorch.complex64)`` (``self`` itself when it already is complex64).

    Args:
        memory_format (rtorch.memory_format, optional): the memory format of the result.

    Example::

        >>> rtorch.tensor([1.0]).cfloat()
        tensor([1.+0.j])
    """
    import rtorch
    return self.to(rtorch.complex64) if memory_format is None else self.to(rtorch.complex64,
                                                                          memory_format=memory_format)


@composite(function=False)
def cdouble(self, memory_format=None) -> Tensor:
    """``self.to(rtorch.complex128)`` (``self`` itself when it already is complex128).

    Args:
        memory_format (rtorch.memory_format, optional): the memory format of the result.

    Example::

        >>> rtorch.tensor([1.0]).cdouble().dtype
        rtorch.complex128
    """
    import rtorch
    return self.to(rtorch.complex128) if memory_format is None else self.to(rtorch.complex128,
                                                                           memory_format=memory_format)


@composite()
def conj_physical_(input) -> Tensor:
    """Conjugates ``input`` in place (a real tensor is left unchanged) and returns it.

    Args:
        input (Tensor): the tensor to conjugate.

    Example::

        >>> x = rtorch.tensor([1 + 2j])
        >>> x.conj_physical_()
        tensor([1.-2.j])
    """
    if input.is_complex():
        input.copy_(input.conj_physical())
    return input


@composite(method=False)
def view_as_real_copy(input: Tensor) -> Tensor:
    """:func:`rtorch.view_as_real` as a new tensor (no shared memory): ``(..., 2)`` real and imaginary parts.

    Args:
        input (Tensor): a complex tensor.

    Example::

        >>> rtorch.view_as_real_copy(rtorch.tensor([1 + 2j]))
        tensor([[1., 2.]])
    """
    import rtorch
    if not input.is_complex():  # PyTorch's type (rtorch.view_as_real itself raises RuntimeError)
        raise TypeError("view_as_real is only supported for complex tensors")
    return rtorch.view_as_real(input).clone()


@composite(method=False)
def view_as_complex_copy(input: Tensor) -> Tensor:
    """:func:`rtorch.view_as_complex` as a new tensor: pairs of the last dim (size 2) as complex numbers.

    Args:
        input (Tensor): a float32 or float64 tensor whose last dim has size 2.

    Example::

        >>> rtorch.view_as_complex_copy(rtorch.tensor([[1.0, 2.0]]))
        tensor([1.+2.j])
    """
    import rtorch
    return rtorch.view_as_complex(input).clone()


class _AliasCtx:
    """The context of the identity node that keeps an ``as_subclass`` result in the autograd graph."""


@composite(function=False)
def as_subclass(self, cls) -> Tensor:
    """Returns an instance of ``cls`` (a subclass of :class:`Tensor`) sharing ``self``'s data.

    Changes through either are seen by both, and the result stays attached to the autograd graph: gradients
    flow back to ``self`` (an ``AliasBackward0`` node), as in PyTorch.

    Args:
        cls (type): a subclass of ``rtorch.Tensor``.

    Example::

        >>> class Tagged(rtorch.Tensor):
        ...     pass
        >>> x = rtorch.ones(2, requires_grad=True)
        >>> y = x.as_subclass(Tagged)
        >>> type(y).__name__, y.grad_fn.name()
        ('Tagged', 'AliasBackward0')
    """
    import rtorch
    from .. import _rtorch as _C
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not possible. "
                        "Make sure your class inherits from Tensor.")
    recorded = self.requires_grad and rtorch.is_grad_enabled()
    # without grad mode PyTorch's alias of a tensor that requires grad is a leaf that requires grad
    out = Tensor._make_subclass(cls, self.detach(), self.requires_grad and not recorded)
    if recorded:
        _C._record_function("AliasBackward0", _AliasCtx(), lambda ctx, grads: (grads[0],), [self], [out])
    return out
