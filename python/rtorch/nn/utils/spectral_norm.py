"""nn.utils.spectral_norm / remove_spectral_norm: the hook-based spectral normalization (``<name>_orig`` with
the power-iteration vectors ``<name>_u`` and ``<name>_v`` as buffers)."""
from rtorch.nn.parameter import Parameter
from rtorch.nn.utils._norms import initial_vectors, power_iteration, reshape_to_matrix

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook that recomputes ``module.<name>`` as ``<name>_orig / sigma``."""

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name = name
        self.dim = dim
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def compute_weight(self, module, do_power_iteration):
        """Returns ``<name>_orig / sigma`` (one power-iteration step first when ``do_power_iteration``)."""
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = reshape_to_matrix(weight, self.dim)
        if do_power_iteration:
            power_iteration(weight_mat.detach(), u, v, self.n_power_iterations, self.eps)
        sigma = (u.clone() * weight_mat.mv(v.clone())).sum()
        return weight / sigma

    def remove(self, module):
        """Restore ``module.<name>`` as one parameter holding the current normalized weight."""
        weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        del module._parameters[self.name + "_orig"]
        del module._buffers[self.name + "_u"]
        del module._buffers[self.name + "_v"]
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        """Move ``module.<name>`` to ``<name>_orig``, add the u / v buffers and register the hook."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        weight_mat = reshape_to_matrix(weight.detach(), dim)
        u, v = initial_vectors(weight_mat, eps, weight.dtype, weight.device)
        del module._parameters[name]
        module.register_parameter(name + "_orig", weight)
        setattr(module, name, weight.detach() * 1.0)
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    r"""Apply spectral normalization to ``module.<name>``: divide it by its largest singular value.

    The singular value is estimated by power iteration before every training forward.

    Args:
        module (Module): the module.
        name (str): the parameter. Default: ``'weight'``.
        n_power_iterations (int): iterations per forward. Default: 1.
        eps (float): the norm floor. Default: 1e-12.
        dim (int, optional): the output dimension (1 for transposed convolutions, else 0).

    Example::

        >>> m = rtorch.nn.utils.spectral_norm(rtorch.nn.Linear(4, 3))
        >>> m.weight_orig.shape, m.weight_u.shape, m.weight_v.shape
        (rtorch.Size([3, 4]), rtorch.Size([3]), rtorch.Size([4]))
    """
    if dim is None:
        from rtorch.nn.modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    r"""Remove the spectral normalization of ``module.<name>`` (keeping its current normalized value)."""
    for k, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
