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
