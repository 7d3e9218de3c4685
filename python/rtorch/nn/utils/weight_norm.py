"""nn.utils.weight_norm / remove_weight_norm: the hook-based weight normalization (``<name>_g``, ``<name>_v``)."""
from rtorch.nn.parameter import Parameter
from rtorch.nn.utils._norms import norm_except_dim, weight_norm_compose

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


class WeightNorm:
    """The forward pre-hook that recomputes ``module.<name>`` from ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        """Returns ``v * g / ||v||`` from the module's parameters."""
        return weight_norm_compose(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module, name, dim):
        """Split ``module.<name>`` into ``<name>_g`` and ``<name>_v`` and register the hook."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        """Restore ``module.<name>`` as one parameter."""
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    r"""Apply weight normalization to ``module.<name>``: ``w = g * v / ||v||``.

    The parameters are ``<name>_g`` and ``<name>_v``; the weight is recomputed before every forward.

    Args:
        module (Module): the module.
        name (str): the parameter. Default: ``'weight'``.
        dim (int, optional): the dimension kept by the norm (``None`` for the whole tensor). Default: 0.

    Example::

        >>> m = rtorch.nn.utils.weight_norm(rtorch.nn.Linear(4, 2))
        >>> m.weight_g.shape, m.weight_v.shape
        (rtorch.Size([2, 1]), rtorch.Size([2, 4]))
    """
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    r"""Remove the weight normalization of ``module.<name>`` (keeping its current value)."""
    for k, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
