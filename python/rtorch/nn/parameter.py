"""Parameter: a Tensor subclass that Modules register as a learnable weight."""
from rtorch import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    r"""A kind of Tensor that is to be considered a module parameter.

    Assigning a Parameter as a Module attribute adds it to the module's
    :meth:`~rtorch.nn.Module.parameters`.

    Args:
        data (Tensor): parameter tensor; an empty tensor when omitted.
        requires_grad (bool): if the parameter requires gradient. Default: ``True``
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            import rtorch

            data = rtorch.empty(0)
        param = Tensor._make_subclass(cls, data, requires_grad)
        if param.requires_grad != requires_grad:  # older cores dropped the flag in __new__
            param.requires_grad_(requires_grad)
        return param

    def __init__(self, data=None, requires_grad=True):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.detach(), self.requires_grad))

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


# --- nnfunc (session 3): the placeholders of the Lazy* modules
class UninitializedTensorMixin:
    """Shared behaviour of the placeholders a Lazy* module holds until its first forward fixes their shape."""

    def materialize(self, shape, device=None, dtype=None):
        r"""Turn the placeholder, in place, into an ordinary tensor of ``shape`` (uninitialised memory).

        Args:
            shape (tuple): the shape.
            device, dtype (optional): default to the placeholder's own.
        """
        import rtorch

        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = rtorch.empty(tuple(shape), device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        """Raises: an uninitialised placeholder has no shape yet."""
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def detach(self):
        """Returns the placeholder itself.

        A state_dict taken before the first forward holds the placeholders, as in PyTorch.
        """
        return self

    def __repr__(self):
        return f"<{self.__class__.__name__}>"


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    r"""A parameter whose shape is not known yet (a Lazy* module's weight before its first forward).

    Args:
        requires_grad (bool): Default: ``True``.
        device, dtype (optional): those of the tensor it becomes.
    """

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        import rtorch

        return Parameter.__new__(cls, rtorch.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        return type(self)(self.requires_grad, self.device, self.dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    r"""A buffer whose shape is not known yet (a Lazy* batch norm's running statistics before its first forward).

    Args:
        requires_grad (bool): Default: ``False``.
        device, dtype (optional): those of the tensor it becomes.
    """

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        import rtorch

        return Tensor._make_subclass(cls, rtorch.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None):
        """Raises TypeError: a Lazy* module replaces its buffer with a new tensor instead.

        rtorch's Tensor class cannot be assigned to a subclass instance in place, so the module assigns a new
        tensor to the buffer's name (``module.running_mean = ...``).
        """
        raise TypeError("UninitializedBuffer.materialize: rtorch replaces an uninitialized buffer on the module "
                        "(assign a new tensor to the buffer's name) instead of materializing it in place")


def is_lazy(param):
    """Whether ``param`` is a Lazy* module's placeholder not yet materialized."""
    return isinstance(param, UninitializedTensorMixin)


__all__ += ["UninitializedParameter", "UninitializedBuffer"]
