"""nn.utils.parametrizations: weight_norm and spectral_norm as parametrizations (nn.utils.parametrize)."""
import rtorch
from rtorch.nn.modules.module import Module
from rtorch.nn.utils import parametrize
from rtorch.nn.utils._norms import initial_vectors, norm_except_dim, power_iteration, reshape_to_matrix, \
    weight_norm_compose

__all__ = ["weight_norm", "spectral_norm"]


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        """Returns ``weight_v * weight_g / ||weight_v||``."""
        return weight_norm_compose(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        """Splits ``weight`` into its norm ``g`` and direction ``v``."""
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    r"""Reparametrize ``module.<name>`` as a magnitude times a direction.

    The originals are ``original0`` (g) and ``original1`` (v); the weight is ``g * v / ||v||``.

    Args:
        module (Module): the module.
        name (str): the parameter. Default: ``'weight'``.
        dim (int, optional): the dimension kept by the norm (``None`` for the whole tensor). Default: 0.

    Example::

        >>> m = rtorch.nn.utils.parametrizations.weight_norm(rtorch.nn.Linear(4, 2))
        >>> m.parametrizations.weight.original0.shape
        rtorch.Size([2, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.dim()
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got "
                             f"{dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = reshape_to_matrix(weight.detach(), self.dim)
            u, v = initial_vectors(weight_mat, eps, weight.dtype, weight.device)
            self.register_buffer("_u", u)
            self.register_buffer("_v", v)
            power_iteration(weight_mat, self._u, self._v, 15, eps)

    def forward(self, weight):
        """Returns ``weight / sigma`` with sigma the power-iteration estimate of its largest singular value."""
        if weight.dim() == 1:
            return weight / weight.norm().clamp_min(self.eps)
        weight_mat = reshape_to_matrix(weight, self.dim)
        if self.training:
            power_iteration(weight_mat.detach(), self._u, self._v, self.n_power_iterations, self.eps)
        u, v = self._u.clone(), self._v.clone()
        sigma = (u * weight_mat.mv(v)).sum()
        return weight / sigma

    def right_inverse(self, value):
        """Returns ``value`` (the original is the unnormalized weight)."""
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    r"""Reparametrize ``module.<name>`` as itself divided by its spectral norm (estimated by power iteration).

    Args:
        module (Module): the module.
        name (str): the parameter. Default: ``'weight'``.
        n_power_iterations (int): power iterations per training forward. Default: 1.
        eps (float): the norm floor. Default: 1e-12.
        dim (int, optional): the output dimension (1 for transposed convolutions, else 0).

    Example::

        >>> m = rtorch.nn.utils.parametrizations.spectral_norm(rtorch.nn.Linear(4, 3))
        >>> sorted(m.parametrizations.weight[0]._buffers)
        ['_u', '_v']
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, rtorch.Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from rtorch.nn.modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
