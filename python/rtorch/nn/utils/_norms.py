"""The tensor maths shared by the weight-norm and spectral-norm utilities (old hook-based and parametrization
forms): the norm over all dims but one, and the power iteration estimating the largest singular value."""
import rtorch


def norm_except_dim(v, pow=2, dim=0):
    r"""The ``pow``-norm of ``v`` over every dimension except ``dim`` (kept as size-1 dims).

    ``dim=-1`` (or ``None``) is the norm of the whole tensor.
    """
    if dim is None or dim == -1:
        return v.abs().pow(pow).sum().pow(1.0 / pow)
    dims = [d for d in range(v.dim()) if d != dim]
    return v.abs().pow(pow).sum(dims, keepdim=True).pow(1.0 / pow) if dims else v.abs()


def weight_norm_compose(v, g, dim):
    """``v * (g / ||v||)`` with the norm over every dim but ``dim`` (PyTorch's ``_weight_norm``)."""
    return v * (g / norm_except_dim(v, 2, dim))


def reshape_to_matrix(weight, dim):
    """``weight`` as a 2-D matrix with ``dim`` first (spectral norm's view of a conv kernel)."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.dim()) if d != dim])
    return weight.reshape(weight.shape[0], -1)


def _normalize(x, eps):
    return x / x.norm().clamp_min(eps)


def power_iteration(weight_mat, u, v, n_iterations, eps):
    """Update the singular-vector estimates ``u`` and ``v`` in place by ``n_iterations`` power iterations."""
    with rtorch.no_grad():
        for _ in range(n_iterations):
            v.copy_(_normalize(weight_mat.t().mv(u), eps))
            u.copy_(_normalize(weight_mat.mv(v), eps))


def initial_vectors(weight_mat, eps, dtype, device):
    """Random unit u (rows) and v (columns) for the power iteration."""
    h, w = weight_mat.shape
    u = _normalize(rtorch.randn(h, dtype=dtype, device=device), eps)
    v = _normalize(rtorch.randn(w, dtype=dtype, device=device), eps)
    return u, v
