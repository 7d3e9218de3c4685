"""nn.functional activations: relu/hardtanh/leaky_relu/elu (and in-place forms), relu6, gelu, silu, mish, tanh,
sigmoid, softplus, softsign, softmax/softmin/log_softmax; celu, selu, glu, tanhshrink, prelu, rrelu, threshold
composed from tensor ops; hard/soft-shrink, hardsigmoid, hardswish, logsigmoid on their elementwise kernels (rows of
src/opdefs/unary.rs)."""
import rtorch
from rtorch.nn._functional._util import in_place, require_float, source
from rtorch.nn._functional._util import _softmax_dim, _cast

# SELU's constants (Klambauer et al. 2017), as PyTorch spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def celu(input, alpha=1.0, inplace=False):
    r"""Apply :math:`\max(0,x) + \min(0, \alpha (e^{x/\alpha} - 1))` elementwise.

    Args:
        input (Tensor): any shape, floating point.
        alpha (float): the scale of the negative part (non-zero). Default: 1.0.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.celu(rtorch.tensor([-1.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  2.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    require_float(input, "elu")
    x = source(input, inplace)
    out = x.elu(1.0) if alpha == 1.0 else (x / alpha).elu(1.0) * alpha
    return in_place(input, out) if inplace else out


def celu_(input, alpha=1.0):
    r"""In-place :func:`celu`."""
    return celu(input, alpha, inplace=True)


def selu(input, inplace=False):
    r"""Apply :math:`\text{scale} (\max(0,x) + \min(0, \alpha (e^x - 1)))` with SELU's fixed constants.

    Args:
        input (Tensor): any shape, floating point.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.selu(rtorch.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    require_float(input, "elu")
    out = source(input, inplace).elu(SELU_ALPHA) * SELU_SCALE
    return in_place(input, out) if inplace else out


def selu_(input):
    r"""In-place :func:`selu`."""
    return selu(input, inplace=True)


def glu(input, dim=-1):
    r"""Gated linear unit: split ``input`` in halves :math:`a, b` along ``dim`` and return :math:`a \sigma(b)`.

    Args:
        input (Tensor): the size along ``dim`` must be even.
        dim (int): the dimension to split. Default: -1.

    Example::

        >>> rtorch.nn.functional.glu(rtorch.tensor([1.0, 2.0, 0.0, 0.0]))
        tensor([0.5000, 1.0000])
    """
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim + input.dim() if dim < 0 else dim
    if not 0 <= d < input.dim():
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.dim()}, "
                         f"{input.dim() - 1}], but got {dim})")
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    require_float(input, "glu")
    half = input.shape[d] // 2
    return input.narrow(d, 0, half) * input.narrow(d, half, half).sigmoid()


def hardshrink(input, lambd=0.5):
    r"""Keep :math:`x` where :math:`|x| > \lambda`, zero elsewhere.

    Args:
        input (Tensor): any shape, floating point.
        lambd (float): the threshold. Default: 0.5.

    Example::

        >>> rtorch.nn.functional.hardshrink(rtorch.tensor([-1.0, 0.2, 0.7]))
        tensor([-1.0000,  0.0000,  0.7000])
    """
    require_float(input, "hardshrink")
    return rtorch._rtorch._activation(input, "hardshrink", lambd)


def softshrink(input, lambd=0.5):
    r"""Shrink towards zero by :math:`\lambda`.

    Returns :math:`x - \lambda` above it, :math:`x + \lambda` below :math:`-\lambda`, zero between.

    Args:
        input (Tensor): any shape, floating point.
        lambd (float): the shrinkage, at least 0. Default: 0.5.

    Example::

        >>> rtorch.nn.functional.softshrink(rtorch.tensor([-1.0, 0.2, 0.7]))
        tensor([-0.5000,  0.0000,  0.2000])
    """
    require_float(input, "softshrink")
    if not lambd >= 0:
        raise RuntimeError(f"lambda must be in range [0, 3.40282e+38] for input dtype "
                           f"{'Double' if input.dtype == rtorch.float64 else 'Float'}, but found {lambd:g}")
    return rtorch._rtorch._activation(input, "softshrink", lambd)


def tanhshrink(input):
    r"""Apply :math:`x - \tanh(x)` elementwise.

    Example::

        >>> rtorch.nn.functional.tanhshrink(rtorch.tensor([1.0]))
        tensor([0.2384])
    """
    return input - input.tanh()


def hardsigmoid(input, inplace=False):
    r"""Apply the piecewise-linear sigmoid :math:`\mathrm{ReLU6}(x + 3) / 6`.

    Args:
        input (Tensor): any shape, floating point.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.hardsigmoid(rtorch.tensor([-4.0, 0.0, 1.5]))
        tensor([0.0000, 0.5000, 0.7500])
    """
    require_float(input, "hardsigmoid")
    return rtorch._rtorch._activation_(input, "hardsigmoid") if inplace else \
        rtorch._rtorch._activation(input, "hardsigmoid")


def hardswish(input, inplace=False):
    r"""Apply :math:`x \cdot \mathrm{ReLU6}(x + 3) / 6` (MobileNetV3's hard swish).

    Args:
        input (Tensor): any shape, floating point.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.hardswish(rtorch.tensor([-4.0, 1.0, 4.0]))
        tensor([-0.0000,  0.6667,  4.0000])
    """
    require_float(input, "hardswish")
    return rtorch._rtorch._activation_(input, "hardswish") if inplace else \
        rtorch._rtorch._activation(input, "hardswish")


def logsigmoid(input):
    r"""Apply :math:`\log \sigma(x) = -\mathrm{softplus}(-x)`, computed stably for large :math:`|x|`.

    Example::

        >>> rtorch.nn.functional.logsigmoid(rtorch.tensor([0.0, -100.0]))
        tensor([  -0.6931, -100.0000])
    """
    require_float(input, "log_sigmoid")
    return rtorch._rtorch._activation(input, "log_sigmoid")


def prelu(input, weight):
    r"""Apply :math:`\max(0,x) + w \min(0,x)` with a learned slope per channel (dim 1) or one shared slope.

    Args:
        input (Tensor): (N, C, *), (C,) or 0-d.
        weight (Tensor): one element, or C elements (0-d or 1-D).

    Example::

        >>> rtorch.nn.functional.prelu(rtorch.tensor([[-2.0, 3.0]]), rtorch.tensor([0.25]))
        tensor([[-0.5000,  3.0000]])
    """
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.dim() >= 2 else 1
        if input.dim() == 0 or n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
        w = weight.reshape([channels] + [1] * (input.dim() - 2))
    else:
        w = weight.reshape(())
    return rtorch.where(input > 0, input, w * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    r"""Randomized leaky ReLU.

    Negative inputs are scaled by a slope drawn from ``U(lower, upper)`` per element in training, by
    ``(lower + upper) / 2`` in evaluation.

    Args:
        input (Tensor): any shape, floating point.
        lower (float): the lower bound of the slope. Default: 1/8.
        upper (float): the upper bound of the slope. Default: 1/3.
        training (bool): draw random slopes. Default: ``False``.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.rrelu(rtorch.tensor([-2.0, 1.0]))
        tensor([-0.4583,  1.0000])
    """
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    require_float(input, "rrelu_with_noise")
    x = source(input, inplace)
    if training:
        with rtorch.no_grad():
            slope = rtorch.empty(input.shape, dtype=input.dtype, device=input.device).uniform_(lower, upper)
        out = rtorch.where(x >= 0, x, x * slope)
    else:
        out = x.leaky_relu((lower + upper) / 2)
    return in_place(input, out) if inplace else out


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    r"""In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True)


def threshold(input, threshold, value, inplace=False):
    r"""Keep :math:`x` where :math:`x >` ``threshold``, replace it by ``value`` elsewhere.

    Args:
        input (Tensor): any shape and dtype.
        threshold (float): the threshold.
        value (float): the replacement.
        inplace (bool): overwrite ``input``. Default: ``False``.

    Example::

        >>> rtorch.nn.functional.threshold(rtorch.tensor([1.0, 2.0, 3.0]), 2.0, -1.0)
        tensor([-1., -1.,  3.])
    """
    fill = rtorch.full((), value, dtype=input.dtype, device=input.device)
    x = source(input, inplace)
    out = rtorch.where(x > threshold, x, fill)
    return in_place(input, out) if inplace else out


def threshold_(input, threshold, value):
    r"""In-place :func:`threshold`."""
    return globals()["threshold"](input, threshold, value, inplace=True)


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
def relu(input, inplace=False):
    r"""Apply the rectified linear unit :math:`\max(0, x)` elementwise."""
    # In place, the backward uses the result (PyTorch's ReluBackward0), so the input may be part of the graph.
    return input.relu_() if inplace else input.relu()


def relu_(input):
    r"""In-place :func:`relu`."""
    return relu(input, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    r"""In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    r"""In-place :func:`leaky_relu` (its backward needs ``negative_slope >= 0``, as in PyTorch)."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu_(input, alpha=1.0):
    r"""In-place :func:`elu` (its backward needs ``alpha >= 0``, as in PyTorch)."""
    return elu(input, alpha, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    r"""Clamp ``input`` to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return rtorch._rtorch._activation_(input, "hardtanh", min_val, max_val)
    return input.hardtanh(min_val, max_val)


def relu6(input, inplace=False):
    r"""Apply :math:`\min(\max(0, x), 6)` elementwise."""
    return hardtanh(input, 0.0, 6.0, inplace)


def gelu(input, approximate="none"):
    r"""Apply the Gaussian Error Linear Unit :math:`x \Phi(x)`; ``approximate='tanh'`` uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return input.gelu(approximate=approximate)


def silu(input, inplace=False):
    r"""Apply :math:`x \sigma(x)` elementwise."""
    return input.silu_() if inplace else input.silu()


def mish(input, inplace=False):
    r"""Apply :math:`x \tanh(\mathrm{softplus}(x))` elementwise."""
    return input.mish_() if inplace else input.mish()


def tanh(input):
    r"""Apply the hyperbolic tangent elementwise."""
    return input.tanh()


def sigmoid(input):
    r"""Apply the logistic sigmoid elementwise."""
    return input.sigmoid()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    r"""Apply :math:`\max(0,x) + \text{negative\_slope} \min(0,x)` elementwise."""
    if inplace:  # backward from the result (needs negative_slope >= 0, as in PyTorch)
        return rtorch._rtorch._activation_(input, "leaky_relu", negative_slope)
    return input.leaky_relu(negative_slope)


def elu(input, alpha=1.0, inplace=False):
    r"""Apply :math:`x` for :math:`x > 0` and :math:`\alpha(e^x - 1)` otherwise."""
    if inplace:  # backward from the result (needs alpha >= 0, as in PyTorch)
        return rtorch._rtorch._activation_(input, "elu", alpha)
    return input.elu(alpha)


def softplus(input, beta=1.0, threshold=20.0):
    r"""Apply :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, linear where :math:`\beta x >` ``threshold``."""
    return input.softplus(beta, threshold)


def softsign(input):
    r"""Apply :math:`x / (1 + |x|)` elementwise."""
    return input / (1.0 + input.abs())


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    r"""Apply softmax along ``dim``."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    return _cast(input, dtype).softmax(dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    r"""Apply softmax to ``-input`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    return (-_cast(input, dtype)).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    r"""Apply :math:`\log(\mathrm{softmax}(x))` along ``dim`` (computed stably)."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    return _cast(input, dtype).log_softmax(dim)


__all__ = ["celu", "celu_", "selu", "selu_", "glu", "hardshrink", "softshrink", "tanhshrink", "hardsigmoid",
           "hardswish", "logsigmoid", "prelu", "rrelu", "rrelu_", "threshold", "threshold_"]
__all__ += ["relu", "relu_", "hardtanh_", "leaky_relu_", "elu_", "hardtanh", "relu6", "gelu", "silu", "mish",
            "tanh", "sigmoid", "leaky_relu", "elu", "softplus", "softsign", "softmax", "softmin", "log_softmax"]
