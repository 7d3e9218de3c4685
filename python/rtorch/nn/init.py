"""nn.init: in-place parameter initialisers (uniform, normal, xavier, kaiming, ...) as in torch.nn.init."""
import math
import warnings

import rtorch

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
    "sparse_", "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform",
    "kaiming_normal", "orthogonal", "sparse",
]


def calculate_gain(nonlinearity, param=None):
    r"""Return the recommended gain value for the given nonlinearity."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.shape[1]
    num_output_fmaps = tensor.shape[0]
    receptive_field_size = 1
    for s in tuple(tensor.shape)[2:]:
        receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _gen_kw(generator):
    return {} if generator is None else {"generator": generator}


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    r"""Fill ``tensor`` with values drawn from :math:`\mathcal{U}(a, b)`."""
    with rtorch.no_grad():
        return tensor.uniform_(a, b, **_gen_kw(generator))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    r"""Fill ``tensor`` with values drawn from :math:`\mathcal{N}(\text{mean}, \text{std}^2)`."""
    with rtorch.no_grad():
        return tensor.normal_(mean, std, **_gen_kw(generator))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    r"""Fill ``tensor`` from a normal distribution truncated to ``[a, b]`` (by resampling)."""
    with rtorch.no_grad():
        tensor.normal_(mean, std, **_gen_kw(generator))
        for _ in range(100):
            bad = (tensor < a) | (tensor > b)
            if not bool(bad.any().item()):
                break
            fresh = rtorch.empty(tuple(tensor.shape), dtype=tensor.dtype, device=tensor.device).normal_(
                mean, std, **_gen_kw(generator))
            tensor.copy_(rtorch.where(bad, fresh, tensor))
        return tensor.clamp_(a, b) if hasattr(tensor, "clamp_") else tensor.copy_(tensor.clamp(a, b))


def constant_(tensor, val):
    r"""Fill ``tensor`` with the value ``val``."""
    with rtorch.no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    r"""Fill ``tensor`` with the scalar value 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor):
    r"""Fill ``tensor`` with the scalar value 0."""
    with rtorch.no_grad():
        return tensor.zero_()


def eye_(tensor):
    r"""Fill the 2-dimensional ``tensor`` with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    with rtorch.no_grad():
        tensor.copy_(rtorch.eye(rows, cols, dtype=tensor.dtype, device=tensor.device))
    return tensor


def xavier_uniform_(tensor, gain=1.0, generator=None):
    r"""Glorot uniform: :math:`\mathcal{U}(-a, a)`, :math:`a = \text{gain}\sqrt{6/(\text{fan\_in}+\text{fan\_out})}`."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    r"""Glorot normal: :math:`\mathcal{N}(0, \text{std}^2)`, :math:`\text{std} = \text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He uniform: :math:`\mathcal{U}(-b, b)`, :math:`b = \text{gain}\sqrt{3/\text{fan\_mode}}`."""
    if 0 in tuple(tensor.shape):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * gain / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He normal: :math:`\mathcal{N}(0, \text{std}^2)`, :math:`\text{std} = \text{gain}/\sqrt{\text{fan\_mode}}`."""
    if 0 in tuple(tensor.shape):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor, gain=1.0, generator=None):
    r"""Fill ``tensor`` (at least 2-D, viewed as rows x prod(rest)) with a (semi-)orthogonal matrix:
    the Q factor of a QR decomposition of a normal random matrix, signs fixed by R's diagonal so the
    result is uniformly distributed (Saxe et al. 2013), times ``gain``."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    import numpy as np

    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rtorch.empty(rows, cols, dtype=rtorch.float64).normal_(0.0, 1.0, **_gen_kw(generator)).numpy()
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with rtorch.no_grad():
        tensor.copy_(rtorch.tensor(np.ascontiguousarray(q).reshape(tuple(tensor.shape)) * gain,
                                   dtype=tensor.dtype, device=tensor.device))
    return tensor


def dirac_(tensor, groups=1):
    r"""Fills a 3-, 4- or 5-D ``tensor`` with the Dirac delta, so a convolution with it passes its inputs through.

    As many input channels as possible are kept unchanged (per group when ``groups > 1``).

    Args:
        tensor (Tensor): a 3-, 4- or 5-dimensional tensor (a convolution weight).
        groups (int, optional): the number of groups of the convolution. Default: ``1``.
    """
    dimensions = tensor.dim()
    if dimensions not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    centre = tuple(s // 2 for s in sizes[2:])
    with rtorch.no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min(out_per_group, sizes[1])):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    r"""Fills the 2-D ``tensor`` as a sparse matrix: normal values (std ``std``), a ``sparsity`` fraction of each column zero.

    As in Martens (2010), "Deep learning via Hessian-free optimization".

    Args:
        tensor (Tensor): a 2-dimensional tensor.
        sparsity (float): the fraction of the elements of each column set to zero.
        std (float, optional): the standard deviation of the non-zero values. Default: ``0.01``.
        generator (Generator, optional): the random number generator to draw from.
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tuple(tensor.shape)
    num_zeros = int(math.ceil(sparsity * rows))
    with rtorch.no_grad():
        tensor.normal_(0.0, std, **_gen_kw(generator))
        for col in range(cols):
            zero_rows = rtorch.randperm(rows, **_gen_kw(generator))[:num_zeros]
            tensor[zero_rows, col] = 0
    return tensor


def _deprecated(new):
    """PyTorch's pre-0.4 names without the trailing underscore: the same function, with its FutureWarning."""
    old = new.__name__[:-1]

    def init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.", FutureWarning,
                      stacklevel=2)
        return new(*args, **kwargs)

    init.__name__ = init.__qualname__ = old
    init.__doc__ = f"Deprecated alias of :func:`{new.__name__}` (warns with a ``FutureWarning``)."
    return init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
