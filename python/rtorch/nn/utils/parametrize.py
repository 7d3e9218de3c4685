"""nn.utils.parametrize: tensors of a module computed from original parameters by a chain of modules
(register_parametrization, remove_parametrizations, cached, is_parametrized)."""
import collections
import contextlib

import rtorch
from rtorch.nn.modules.container import ModuleDict, ModuleList
from rtorch.nn.modules.module import Module
from rtorch.nn.parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations"]

_cache_enabled = 0
_cache = {}


@contextlib.contextmanager
def cached():
    r"""Context manager in which each parametrized tensor is computed once and reused.

    Example::

        >>> m = rtorch.nn.Linear(2, 2)
        >>> with rtorch.nn.utils.parametrize.cached():
        ...     pass
    """
    global _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache.clear()


def _register_parameter_or_buffer(module, name, value):
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _set_original(original, value):
    """Write ``value`` into ``original`` in place (its identity stays, so optimizers keep it)."""
    with rtorch.no_grad():
        if tuple(original.shape) == tuple(value.shape) and original.dtype == value.dtype:
            original.copy_(value)
            return original
    raise ValueError(f"parametrization: right_inverse returned a tensor of shape {list(value.shape)} and dtype "
                     f"{value.dtype} for an original of shape {list(original.shape)} and dtype {original.dtype}")


class ParametrizationList(ModuleList):
    r"""The chain of parametrizations of one tensor, holding its original(s).

    The original is ``original``, or ``original0``, ``original1``, ... when the first parametrization's
    ``right_inverse`` returns several tensors.

    Args:
        modules (sequence of Module): the parametrizations, applied in order.
        original (Parameter or Tensor): the tensor being parametrized.
        unsafe (bool): skip the consistency checks. Default: ``False``.
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = tuple(original.shape), original.dtype
        with rtorch.no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        self.is_tensor = isinstance(new, rtorch.Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if tuple(new.shape) == original_shape and new.dtype == original_dtype:
                with rtorch.no_grad():
                    original.copy_(new)
                _register_parameter_or_buffer(self, "original", original)
            else:
                _register_parameter_or_buffer(
                    self, "original",
                    Parameter(new.detach(), original.requires_grad) if isinstance(original, Parameter) else new)
        else:
            for i, t in enumerate(new):
                if not isinstance(t, rtorch.Tensor):
                    raise ValueError(f"'right_inverse' must return a Tensor or a Sequence of tensors (list, "
                                     f"tuple...). Got element {i} of type {type(t).__name__}")
                value = Parameter(t.detach(), original.requires_grad) if isinstance(original, Parameter) else t
                _register_parameter_or_buffer(self, f"original{i}", value)
        if not unsafe:
            z = self()
            if not isinstance(z, rtorch.Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
            if z.dtype != original_dtype:
                raise ValueError(f"Registering a parametrization may not change the dtype of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized dtype: {original_dtype}\n"
                                 f"parametrized dtype: {z.dtype}")
            if tuple(z.shape) != original_shape:
                raise ValueError(f"Registering a parametrization may not change the shape of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized shape: {list(original_shape)}\n"
                                 f"parametrized shape: {list(z.shape)}")

    def right_inverse(self, value):
        r"""Set the original(s) so that the parametrized tensor becomes ``value`` (in reverse order of the chain)."""
        with rtorch.no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
            if self.is_tensor:
                _set_original(self.original, value)
            else:
                for i, t in enumerate(value):
                    _set_original(getattr(self, f"original{i}"), t)

    def forward(self):
        """Returns the parametrized tensor: the chain applied to the original(s)."""
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _inject_new_class(module):
    cls = module.__class__

    def getstate(self):
        raise RuntimeError("Serialization of parametrized modules is only supported through state_dict().")

    param_cls = type(f"Parametrized{cls.__name__}", (cls,), {"__getstate__": getstate})
    module.__class__ = param_cls


def _inject_property(module, tensor_name):
    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            key = (id(self), tensor_name)
            tensor = _cache.get(key)
            if tensor is None:
                tensor = parametrization()
                _cache[key] = tensor
            return tensor
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    r"""Make ``module.<tensor_name>`` the output of ``parametrization`` applied to the original tensor.

    The original moves to ``module.parametrizations[tensor_name].original``; registering again on the same name
    appends to the chain. A parametrization may define ``right_inverse`` (used at registration and when the
    tensor is assigned).

    Args:
        module (Module): the module.
        tensor_name (str): a parameter or buffer of ``module``.
        parametrization (Module): the map.
        unsafe (bool): allow a change of shape or dtype. Default: ``False``.

    Example::

        >>> class Symmetric(rtorch.nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).transpose(-1, -2)
        >>> m = rtorch.nn.Linear(3, 3)
        >>> _ = rtorch.nn.utils.parametrize.register_parametrization(m, "weight", Symmetric())
        >>> bool((m.weight == m.weight.T).all())
        True
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        if not unsafe:
            y = getattr(module, tensor_name)
            x = parametrization(y)
            if not isinstance(x, rtorch.Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(x).__name__}.")
            if x.dtype != y.dtype or tuple(x.shape) != tuple(y.shape):
                raise ValueError("Registering a parametrization may not change the shape or dtype of the tensor, "
                                 "unless the `unsafe` flag is enabled.")
        plist.append(parametrization)
        plist.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    r"""Whether ``module`` has any parametrization (or one on ``tensor_name``)."""
    parametrizations = getattr(module, "parametrizations", None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    r"""Remove the parametrizations of ``module.<tensor_name>``.

    Args:
        module (Module): the module.
        tensor_name (str): the parametrized tensor.
        leave_parametrized (bool): keep the current parametrized value (else the original). Default: ``True``.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with rtorch.no_grad():
                t = getattr(module, tensor_name)
            if tuple(t.shape) == tuple(original.shape) and t.dtype == original.dtype:
                with rtorch.no_grad():
                    original.copy_(t)
            else:
                original = Parameter(t.detach(), original.requires_grad) if isinstance(original, Parameter) \
                    else t.detach()
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                             "parametrized in terms of a sequence of tensors.")
        with rtorch.no_grad():
            t = getattr(module, tensor_name)
        requires_grad = plist.original0.requires_grad
        original = Parameter(t.detach(), requires_grad) if isinstance(plist.original0, Parameter) else t.detach()
    delattr(module.__class__, tensor_name)
    del module.parametrizations._modules[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    r"""The module's class before any parametrization was registered."""
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)
