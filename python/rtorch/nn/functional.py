"""nn.functional: stateless layer, activation and loss functions built from differentiable tensor ops."""
import functools
import math
import warnings

import numpy as np

import rtorch
from rtorch import _argcheck

__all__ = [
    "linear", "identity", "relu", "relu_", "hardtanh_", "leaky_relu_", "elu_", "relu6", "gelu", "silu", "mish",
    "tanh", "sigmoid",
    "hardtanh", "leaky_relu", "elu", "softplus", "softsign", "softmax", "softmin", "log_softmax",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "embedding", "layer_norm", "normalize", "one_hot", "cosine_similarity",
    "mse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss",
    "conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "unfold", "fold",
    "bilinear", "batch_norm", "group_norm", "rms_norm", "scaled_dot_product_attention",
    "multi_head_attention_forward", "max_pool1d", "avg_pool1d", "interpolate", "kl_div", "pad",
]


# --------------------------------------------------------------------- helpers
def _get_reduction(size_average=None, reduce=None, reduction="mean"):
    """Map the legacy ``size_average``/``reduce`` flags onto a ``reduction`` string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use reduction instead.")
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _grad_fn_name(name):
    """Decorator: the result's grad_fn gets PyTorch's name for this composite (``MseLossBackward0`` where rtorch's
    last recorded step is a mean), if the call recorded it (a node made earlier is never renamed)."""
    def deco(f):
        @functools.wraps(f)
        def named(*args, **kwargs):
            since = rtorch._rtorch._graph_seq()
            return _named(f(*args, **kwargs), name, since)
        return named
    return deco


def _named(out, name, since):
    """Name ``out.grad_fn`` ``name`` if it was recorded at or after sequence number ``since``; returns ``out``."""
    if isinstance(out, rtorch.Tensor) and out.grad_fn is not None:
        rtorch._rtorch._name_grad_fn(out, name, since)
    return out


def _softmax_dim(ndim):
    warnings.warn(
        "Implicit dimension choice for softmax has been deprecated. "
        "Change the call to include dim=X as an argument."
    )
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else input.to(dtype)


# ---------------------------------------------------------------------- linear
def linear(input, weight, bias=None):
    r"""Apply :math:`y = xA^T + b`."""
    since = rtorch._rtorch._graph_seq()
    out = input.matmul(weight.t())
    out = out if bias is None else out + bias
    if input.dim() == 2:  # PyTorch's addmm / mm nodes
        _named(out, "MmBackward0" if bias is None else "AddmmBackward0", since)
    return out


def bilinear(input1, input2, weight, bias=None):
    r"""Apply the bilinear map :math:`y_k = x_1^T A_k x_2 + b_k`.

    Shapes: input1 (*, in1), input2 (*, in2) with the same leading dims; weight (out, in1, in2);
    bias (out,). Returns (*, out).

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.bilinear(rtorch.tensor([[1.0, 2.0]]), rtorch.tensor([[3.0]]), rtorch.ones(1, 2, 1))
        tensor([[9.]])
    """
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out, in1, in2), got weight of size {list(weight.shape)}")
    if input1.dim() == 0 or input2.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if input1.dim() != input2.dim() or tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    out_f, in1, in2 = tuple(weight.shape)
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {in2}")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_f):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {list(bias.shape)} but "
                           f"expected [{out_f}]")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (M, in1) @ (in1, out * in2) -> (M, out, in2), then contract in2 against x2
    t = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (out_f,))


def identity(input):
    r"""Return ``input`` unchanged."""
    return input


# ----------------------------------------------------------------- activations
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


# ------------------------------------------------------------ dropout, sparse
def _dropout_impl(input, p, training, inplace, feature=False, alpha=False):
    """PyTorch's ``_dropout_impl``: a Bernoulli(1 - p) mask (one per channel for feature dropout), scaled by
    1 / (1 - p), or with alpha dropout the affine map that keeps SELU's mean and variance."""
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        name = ("feature_" if feature else "") + ("alpha_" if alpha else "") + "dropout" + ("_" if inplace else "")
        raise TypeError(f"{name}(): argument 'p' (position 2) must be float, not {type(p).__name__}")
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0.0 or not training or input.numel() == 0:
        return input
    if p == 1.0:
        return input.mul_(0.0) if inplace else input * 0.0
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    else:
        shape = tuple(input.shape)
    keep = (rtorch.rand(shape, dtype=input.dtype, device=input.device) >= p).to(input.dtype)
    if not alpha:
        noise = keep * (1.0 / (1.0 - p))
        return input.mul_(noise) if inplace else input * noise
    selu_alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((selu_alpha * selu_alpha * p + 1) * (1 - p))
    b = (keep - 1.0) * (selu_alpha * a) + selu_alpha * a * p
    noise = keep * a
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def dropout(input, p=0.5, training=True, inplace=False):
    r"""Zero elements with probability ``p`` and scale the rest by :math:`1/(1-p)` while training."""
    return _dropout_impl(input, p, training, inplace)


def _channel_dropout(input, p, training, inplace, batched_dims):
    """dropout1d/2d/3d: zero whole channels; an unbatched input (one dim fewer) gets a batch dim while it runs."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    batched = input.dim() == batched_dims
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    out = _dropout_impl(input, p, training, inplace, feature=True)
    if not batched:
        out = out.squeeze_(0) if inplace else out.squeeze(0)
    return out


def dropout1d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p`` and scales the rest by :math:`1/(1-p)`.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, H, W)`` input with probability ``p`` and scales the rest by :math:`1/(1-p)`.

    As in PyTorch, a 3-D input is taken as ``(N, C, L)`` (with a warning), and other ranks warn
    that they are deprecated.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.dim() not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout instead. "
            "Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).")
    if input.dim() == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired "
            "- input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a "
            "future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To "
            "maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.")
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    r"""Zeroes whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input with probability ``p`` and scales the rest.

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of a channel being zeroed. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``True``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    if input.dim() not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout instead. "
            "Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 4D or 5D inputs).")
    return _channel_dropout(input, p, training, inplace, 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    r"""Applies alpha dropout, for SELU networks.

    Dropped elements take SELU's negative saturation value, then an affine map keeps the mean and variance
    (Klambauer et al. 2017).

    Args:
        input (Tensor): the input.
        p (float, optional): the probability of an element being dropped. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    r"""Alpha dropout of whole channels (dims from 2 on share a mask), as :func:`alpha_dropout` per channel.

    Args:
        input (Tensor): the input, at least 2-D ``(N, C, ...)``.
        p (float, optional): the probability of a channel being dropped. Default: ``0.5``.
        training (bool, optional): apply dropout (else return ``input``). Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.
    """
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _vector_norm(x, p, dim):
    """The p-norm along `dim` (kept), as torch.linalg.vector_norm defines it for p = 0 and +-inf too."""
    if p == 0:  # the count of non-zero elements
        return (x != 0).sum(dim, keepdim=True).to(x.dtype)
    if math.isinf(p):
        return x.abs().amax(dim, keepdim=True) if p > 0 else x.abs().amin(dim, keepdim=True)
    return x.abs().pow(p).sum(dim, keepdim=True).pow(1.0 / p)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    with rtorch.no_grad():
        rows = sorted(set(int(i) for i in input.flatten().tolist()))
        idx = rtorch.tensor(rows, dtype=rtorch.int64, device=weight.device)
        selected = weight.index_select(0, idx)
        norms = _vector_norm(selected, norm_type, 1)
        scale = rtorch.where(norms > max_norm, max_norm / (norms + 1e-7), rtorch.ones_like(norms))
        weight[idx] = selected * scale


@_grad_fn_name("EmbeddingBackward0")
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    r"""Look up rows of ``weight`` at the integer indices ``input``.

    Rows at ``padding_idx`` receive no gradient.
    """
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        if not 0 <= padding_idx < weight.shape[0]:
            raise ValueError("Padding_idx must be within num_embeddings")
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    flat = input.reshape(-1)
    out = weight.index_select(0, flat)
    if padding_idx is not None:
        keep = (flat != padding_idx).unsqueeze(1)
        out = rtorch.where(keep, out, weight.detach().index_select(0, flat))
    return out.reshape(tuple(input.shape) + (weight.shape[1],))


# --------------------------------------------------------------- normalisation
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    r"""Normalise over the trailing ``normalized_shape`` dimensions (biased variance)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    n = len(normalized_shape)
    if tuple(input.shape[input.dim() - n:]) != tuple(normalized_shape):
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}"
        )
    return rtorch._rtorch.layer_norm(input, n, weight, bias, eps)  # one fused kernel (and one for backward)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    r"""Batch normalisation of an (N, C, *) input over every dimension but the channel dimension 1.

    While ``training``, normalises with the batch statistics (biased variance) and, when the running
    buffers are given, updates them in place: ``running = (1 - momentum) * running + momentum * batch``,
    using the *unbiased* batch variance for ``running_var`` (as PyTorch does). Otherwise normalises with
    ``running_mean`` / ``running_var``.

    Args:
        input: tensor of shape (N, C) or (N, C, *)
        running_mean, running_var: (C,) buffers, or ``None`` (only allowed while ``training``)
        weight, bias: optional (C,) affine parameters
        training: use batch statistics. Default: ``False``
        momentum: weight of the batch statistics in the running update. Default: 0.1
        eps: added to the variance for numerical stability. Default: 1e-5

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> x = rtorch.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> rm, rv = rtorch.zeros(2), rtorch.ones(2)
        >>> F.batch_norm(x, rm, rv, training=True, eps=0.0).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> rm
        tensor([0.2000, 0.4000])
    """
    if input.dim() < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *) with at least 2 dimensions, "
                         f"got input of size {list(input.shape)}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"batch_norm: {name} should contain {c} elements not {t.numel()} "
                               f"(input of size {list(input.shape)})")
    if training:
        count = input.numel() // c if c else 0
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, "
                             f"got input size {list(input.shape)}")
    elif running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when training=False")
    # one fused kernel (and one for backward); the running buffers are updated in place, without autograd
    return rtorch._rtorch.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    r"""Applies group normalisation to an (N, C, *) input.

    The C channels are split into ``num_groups`` groups and each (sample, group) is normalised over its
    channels and spatial positions (biased variance); then the per-channel affine ``weight`` / ``bias``
    is applied.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.group_norm(rtorch.tensor([[1.0, 3.0, 5.0, 9.0]]), 2, eps=0.0).tolist()
        [[-1.0, 1.0, -1.0, 1.0]]
    """
    if input.dim() < 2:
        raise ValueError(f"group_norm: expected an input of shape (N, C, *) with at least 2 dimensions, "
                         f"got input of size {list(input.shape)}")
    shape = tuple(input.shape)
    n, c = shape[0], shape[1]
    if num_groups <= 0 or c % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"group_norm: expected {name} to have {c} elements, but got {name} of shape "
                               f"{list(t.shape)}")
    return rtorch._rtorch.group_norm(input, num_groups, weight, bias, eps)  # fused kernel and backward


def _finfo_eps(dtype):
    """Machine epsilon of a floating rtorch dtype (what ``torch.finfo(dtype).eps`` gives)."""
    name = str(dtype).rsplit(".", 1)[-1]
    if name == "bfloat16":
        return 2.0 ** -7
    return float(np.finfo(np.dtype(name)).eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    r"""Root-mean-square normalisation over the trailing ``normalized_shape`` dimensions:
    :math:`y = x / \sqrt{\mathrm{mean}(x^2) + \epsilon} * \text{weight}`.

    ``eps=None`` uses the machine epsilon of the input's dtype, as PyTorch does.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.rms_norm(rtorch.tensor([[3.0, 4.0]]), (2,), eps=0.0) * (12.5 ** 0.5)
        tensor([[3., 4.]])
    """
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.dim() - k:]) != normalized_shape or input.dim() < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}"
        )
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(normalized_shape)}")
    if eps is None:  # (a non-float input is refused by the kernel with PyTorch's error)
        eps = _finfo_eps(input.dtype) if input.is_floating_point() else 0.0
    return rtorch._rtorch.rms_norm(input, k, weight, eps)  # fused kernel and backward


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    r"""Divide ``input`` by its ``p``-norm along ``dim`` (clamped below by ``eps``)."""
    return input / _vector_norm(input, p, dim).clamp(min=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    r"""Cosine similarity between ``x1`` and ``x2`` along ``dim``."""
    n1 = (x1 * x1).sum(dim).sqrt().clamp(min=eps)
    n2 = (x2 * x2).sum(dim).sqrt().clamp(min=eps)
    return (x1 * x2).sum(dim) / (n1 * n2)


def one_hot(tensor, num_classes=-1):
    r"""Return an int64 tensor with a 1 at each index of ``tensor`` along a new last dimension."""
    if tensor.dtype != rtorch.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor (got {tensor.dtype}).")
    if tensor.numel() > 0:
        if int(tensor.min().item()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes >= 0 and int(tensor.max().item()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = rtorch.arange(num_classes, dtype=rtorch.int64, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


# ------------------------------------------------------------------- attention
def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A boolean mask (True = masked out) as an additive float mask of ``target_type`` (0 / -inf);
    a float mask is returned unchanged."""
    if mask is None:
        return None
    if mask.dtype == rtorch.bool:
        zeros = rtorch.zeros(tuple(mask.shape), dtype=target_type, device=mask.device)
        return zeros.masked_fill(mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise TypeError(f"only bool and floating types of {mask_name} are supported, got {mask.dtype}")
    return mask


def _safe_softmax_rows(scores):
    """Softmax over the last dim whose fully ``-inf`` rows give zeros instead of NaN (and no NaN gradient),
    as PyTorch's math attention kernel does."""
    with rtorch.no_grad():
        dead = (scores == float("-inf")).all(-1, keepdim=True)
    if not bool(dead.any()):
        return scores.softmax(-1)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def _fused_attention_ok(query, key, value, attn_mask):
    """Whether the fused CPU kernel computes exactly what the tensor-op chain below would: CPU tensors of
    one float dtype and a bool mask or a float mask of that dtype that needs no gradient. Anything else
    (CUDA, mixed dtypes, integer masks) keeps the chain with its promotion rules and error messages."""
    dt = query.dtype
    if not query.is_floating_point() or key.dtype != dt or value.dtype != dt:
        return False
    if not (query.is_cpu and key.is_cpu and value.is_cpu):
        return False
    if attn_mask is None:
        return True
    return attn_mask.is_cpu and (attn_mask.dtype == rtorch.bool or (attn_mask.dtype == dt and not attn_mask.requires_grad))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    r"""Attention :math:`\mathrm{softmax}(QK^T \cdot \text{scale} + \text{bias})\,V` over the last two dims.

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev)
        attn_mask: broadcastable to (..., L, S): a bool mask keeps the positions where it is ``True``;
            a float mask is added to the scores
        dropout_p: dropout probability applied to the attention weights (always, as in PyTorch)
        is_causal: apply a top-left-aligned causal mask (cannot be combined with ``attn_mask``)
        scale: defaults to :math:`1/\sqrt{E}`
        enable_gqa: allow key/value with fewer heads (dim -3) than query; they are repeated to match

    Returns:
        tensor of shape (..., L, Ev). Rows whose every position is masked give zeros.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> q = k = rtorch.zeros(1, 2, 4)
        >>> v = rtorch.tensor([[[1.0], [3.0]]])
        >>> F.scaled_dot_product_attention(q, k, v)
        tensor([[[2.],
                 [2.]]])
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
        tensor([[[1.],
                 [2.]]])
    """
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"scaled_dot_product_attention: query, key and value must have at least 2 dims, got "
                           f"query {list(query.shape)}, key {list(key.shape)}, value {list(value.shape)}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and "
                           f"value (..., S, Ev), got query {list(query.shape)}, key {list(key.shape)}, "
                           f"value {list(value.shape)}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    L, S = query.shape[-2], key.shape[-2]
    if scale is None:
        # With an empty head dim every score is 0 whatever the scale (PyTorch then averages the values).
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] > 0 else 1.0
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk != 0 or hq % hv != 0:
            raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa the number of query heads ({hq}) "
                               f"must be a multiple of the key ({hk}) and value ({hv}) heads")
        key = key.repeat_interleave(hq // hk, -3)
        value = value.repeat_interleave(hq // hv, -3)
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True")
    if dropout_p == 0.0 and _fused_attention_ok(query, key, value, attn_mask):
        # One fused CPU kernel that keeps only the row log-sum-exps for its fused backward.
        return rtorch._rtorch.scaled_dot_product_attention(query, key, value, attn_mask, is_causal, scale)
    scores = query.matmul(key.transpose(-2, -1)) * scale
    masked = False
    if is_causal:
        keep = rtorch.ones((L, S), dtype=rtorch.bool, device=query.device).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
        masked = True
    elif attn_mask is not None:
        if attn_mask.dtype == rtorch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
        masked = True
    attn = _safe_softmax_rows(scores) if masked else scores.softmax(-1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, training=True)
    return attn.matmul(value)


def _in_projection_packed(q, k, v, w, b=None):
    """Project q, k, v with the three (E, E) blocks of the packed (3E, E) ``w`` (and (3E,) ``b``)."""
    wq, wk, wv = w.chunk(3)
    bq, bk, bv = (None, None, None) if b is None else b.chunk(3)
    return linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the (already seq-first) inputs are batched; raise on inconsistent ranks."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise RuntimeError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                               f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise RuntimeError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                               f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise RuntimeError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                               f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise RuntimeError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                               f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise RuntimeError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                               f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise RuntimeError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                   f"but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise RuntimeError(f"Expected `attn_mask` shape to be {expected} but got "
                                       f"{tuple(attn_mask.shape)}")
        return False
    raise RuntimeError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                       f"tensor of shape {list(query.shape)}")


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    r"""The computation of :class:`~rtorch.nn.MultiheadAttention` on sequence-first inputs.

    Shapes: query (L, N, E) or (L, E); key (S, N, Ek), value (S, N, Ev) (or unbatched);
    key_padding_mask (N, S) or (S,), ``True``/``-inf`` = ignore that key; attn_mask (L, S) or (N*num_heads, L, S),
    ``True``/``-inf`` = not allowed. Returns ``(output (L, N, E), weights)`` where ``weights`` is
    (N, L, S) averaged over heads, (N, num_heads, L, S) with ``average_attn_weights=False``, or ``None``
    when ``need_weights=False``.
    """
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k / static_v are not supported yet")
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = tuple(query.shape)
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", None, "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the causal hint lets the attention build the mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise RuntimeError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim} "
                           f"(query of shape {list(query.shape)})")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise RuntimeError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise RuntimeError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                               f"{tuple(value.shape[:2])}")
        bq, bk, bv = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = linear(query, q_proj_weight, bq), linear(key, k_proj_weight, bk), linear(value, v_proj_weight, bv)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise RuntimeError(f"key shape {list(key.shape)} does not match value shape {list(value.shape)}")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)

    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    def pad_last(mask):
        zeros = rtorch.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype, device=mask.device)
        return rtorch.cat([mask, zeros], -1)

    if bias_k is not None and bias_v is not None:
        k = rtorch.cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = rtorch.cat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask = None if attn_mask is None else pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise RuntimeError("bias_k and bias_v must both be given or both be None")

    # (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        zero = rtorch.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k = rtorch.cat([k, zero], 1)
        v = rtorch.cat([v, zero], 1)
        attn_mask = None if attn_mask is None else pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise RuntimeError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                               f"{tuple(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)).matmul(k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = scores.softmax(-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        out = weights.matmul(v)  # (N * heads, L, head_dim)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not is_batched:
        out = out.squeeze(1)
    return out, None


# ---------------------------------------------------------------------- losses
@_grad_fn_name("MseLossBackward0")
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean squared error :math:`(x - y)^2`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    diff = input - target
    loss = diff * diff
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean absolute error :math:`|x - y|`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@_grad_fn_name("SmoothL1LossBackward0")
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    r"""Quadratic below ``beta``, linear above: :math:`0.5 d^2/\beta` or :math:`d - 0.5\beta`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise ValueError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    # One elementwise row (its backward one fused pass) instead of a where over five ops.
    return _reduce(rtorch._rtorch._activation(input - target, "smooth_l1", float(beta)), reduction)


@_grad_fn_name("HuberLossBackward0")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    r"""Quadratic below ``delta``, linear above: :math:`0.5 d^2` or :math:`\delta(d - 0.5\delta)`."""
    d = (input - target).abs()
    loss = rtorch.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_target(input, target):
    """PyTorch's nll_loss shape checks: target is ``(N, d1, ...)`` for input ``(N, C, d1, ...)``."""
    if input.dim() == 1:
        if target.dim() > 1 or (target.dim() == 1 and target.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {tuple(target.shape)}")
        return
    if target.dim() >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]}).")
    expected = [input.shape[0], *input.shape[2:]]
    if list(target.shape) != expected:
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")


def _class_last(input, target):
    """Flatten ``(N, C, d1, ...)`` / ``(C,)`` input to ``(M, C)`` and target to ``(M,)``."""
    _check_class_target(input, target)
    if input.dim() == 1:
        return input.unsqueeze(0), target.reshape(1)
    if input.dim() > 2:
        input = input.movedim(1, -1) if hasattr(input, "movedim") else input.permute(
            0, *range(2, input.dim()), 1)
    return input.reshape(-1, input.shape[-1]), target.reshape(-1)


def _fused_class_loss(input, target, weight):
    """Whether the native kernels (``_rtorch.cross_entropy_loss`` / ``nll_loss``) may take this loss:
    float input, integer class indices on the input's device, and a class weight that needs no
    gradient (the kernel gives it none). They return None where the device has no fused kernel,
    and the tensor-op path below runs instead."""
    return (input.dtype.is_floating_point and not target.dtype.is_floating_point and target.dtype != rtorch.bool
            and target.device == input.device
            and (weight is None or (weight.device == input.device and not weight.requires_grad)))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean"):
    r"""Negative log likelihood loss for log-probabilities ``input`` and class indices ``target``.

    The loss of row :math:`n` is :math:`-w_{y_n} x_{n, y_n}` (0 where :math:`y_n` is ``ignore_index``);
    ``mean`` divides the sum by :math:`\sum_n w_{y_n}` over the rows not ignored.

    Shape:
        - input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ...)`
        - target: :math:`()`, :math:`(N)` or :math:`(N, d_1, ...)`, integers in :math:`[0, C)`
        - output: a scalar, or the target's shape for ``reduction="none"``

    Example:
        >>> logp = rtorch.tensor([[-0.5, -1.0], [-2.0, -0.1]])
        >>> round(F.nll_loss(logp, rtorch.tensor([0, 1])).item(), 4)
        0.3
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if _fused_class_loss(input, target, weight):
        _check_class_target(input, target)
        fused = rtorch._rtorch.nll_loss(input, target, weight, ignore_index, reduction)
        if fused is not None:
            return fused
    else:
        _check_class_target(input, target)
    since = rtorch._rtorch._graph_seq()
    name = "NllLoss2DBackward0" if input.dim() > 2 else "NllLossBackward0"
    target_shape = tuple(target.shape)
    logp, tgt = _class_last(input, target)
    valid = tgt != ignore_index
    safe = tgt.masked_fill(~valid, 0)
    picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    w = valid.to(logp.dtype)
    if weight is not None:
        w = w * weight.index_select(0, safe)
    loss = -picked * w
    if reduction == "none":
        return _named(loss.reshape(target_shape), name, since)
    if reduction == "sum":
        return _named(loss.sum(), name, since)
    if reduction == "mean":
        return _named(loss.sum() / w.sum(), name, since)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    r"""Cross entropy between logits ``input`` and class indices or class probabilities ``target``.

    With class indices, row :math:`n` contributes
    :math:`(1-\epsilon) w_{y_n} (\mathrm{lse}_n - x_{n,y_n}) + \frac{\epsilon}{C} \sum_c w_c (\mathrm{lse}_n - x_{n,c})`
    (:math:`\epsilon` = ``label_smoothing``, :math:`\mathrm{lse}_n = \log \sum_c e^{x_{n,c}}`), 0 where
    :math:`y_n` is ``ignore_index``; ``mean`` divides the sum by :math:`\sum_n w_{y_n}` over the rows
    not ignored, as PyTorch does. On the CPU this is one fused kernel (and one for the backward).

    Shape:
        - input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ...)`
        - target: class indices of shape :math:`()`, :math:`(N)` or :math:`(N, d_1, ...)`, or
          class probabilities of the input's shape
        - output: a scalar, or the target's shape (without C) for ``reduction="none"``

    Example:
        >>> x = rtorch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        >>> round(F.cross_entropy(x, rtorch.tensor([0, 2])).item(), 4)
        0.6691
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if _fused_class_loss(input, target, weight):
        _check_class_target(input, target)
        fused = rtorch._rtorch.cross_entropy_loss(input, target, weight, ignore_index, label_smoothing, reduction)
        if fused is not None:
            return fused
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.shape[class_dim]
    logp = input.log_softmax(class_dim)
    w_shape = [1] * input.dim()
    w_shape[class_dim] = n_classes
    w_b = None if weight is None else weight.reshape(w_shape)

    if target.dtype.is_floating_point:  # class probabilities
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
        prod = logp * target if w_b is None else logp * target * w_b
        if reduction == "none":
            return -prod.sum(class_dim)
        if reduction == "sum":
            return -prod.sum()
        if reduction == "mean":
            return -prod.sum() / (input.numel() / n_classes)
        raise ValueError(f"{reduction} is not a valid value for reduction")

    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0.0:
        return nll
    smooth = -(logp if w_b is None else logp * w_b).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        valid = (~ignored).reshape(-1)
        if weight is None:
            denom = valid.to(smooth.dtype).sum()
        else:
            safe = target.reshape(-1).masked_fill(~valid, 0)
            denom = (weight.index_select(0, safe) * valid.to(weight.dtype)).sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


@_grad_fn_name("BinaryCrossEntropyBackward0")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    r"""Binary cross entropy between probabilities ``input`` and ``target`` (logs clamped at -100)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({list(target.shape)}) that is different to the input size "
            f"({list(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    log_p = input.log().clamp(min=-100.0)
    log_q = (1.0 - input).log().clamp(min=-100.0)
    loss = -(target * log_p + (1.0 - target) * log_q)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    r"""Returns the Kullback-Leibler divergence ``target * (log(target) - input)`` for log-probabilities ``input``.

    With ``log_target=True``, ``target`` holds log-probabilities too. ``reduction='batchmean'`` divides
    the sum by the batch size (the mathematically correct KL); ``'mean'`` averages over elements.
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # xlogy: 0 * log(0) counts as 0.
        safe = rtorch.where(target > 0, target, rtorch.ones_like(target))
        loss = target * safe.log() - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() > 0 else 1)
    if reduction in ("mean", "sum", "none"):
        return _reduce(loss, reduction)
    raise ValueError(f"{reduction} is not a valid value for reduction")


@_grad_fn_name("BinaryCrossEntropyWithLogitsBackward0")
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    r"""Sigmoid followed by binary cross entropy, computed stably from logits ``input``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({list(target.shape)}) must be the same as input size ({list(input.shape)})"
        )
    # softplus(-x) = log(1 + exp(-x)) = -log_sigmoid(x): one stable row, its backward one fused pass
    log_sig = rtorch._rtorch._activation(input, "log_sigmoid")
    if pos_weight is not None:
        log_weight = (pos_weight - 1.0) * target + 1.0
        loss = (1.0 - target) * input - log_weight * log_sig
    else:
        loss = (1.0 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# -------------------------------------------------------------- convolution and pooling
def _native(name):
    """The native op ``rtorch._rtorch.<name>``, or NotImplementedError if this build lacks it."""
    fn = getattr(rtorch._rtorch, name, None)
    if fn is None:
        raise NotImplementedError(
            f"rtorch.nn.functional.{name}: the native core of this rtorch build has no '{name}' op "
            f"(rtorch._rtorch.{name} is missing); rebuild the extension from a source tree that provides it"
        )
    return fn


def _ntuple(x, n, what):
    """``x`` (an int or a sequence of ``n`` ints, or of one int) as a tuple of ``n`` Python ints."""
    import numbers

    def is_int(v):  # Python and NumPy integers, not bools
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(x):
        return (int(x),) * n
    try:
        t = tuple(x)
    except TypeError:
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {type(x).__name__}") from None
    if len(t) == 1:
        t = t * n
    if len(t) != n or not all(is_int(v) for v in t):
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {x!r}")
    return tuple(int(v) for v in t)


def _pair(x, what):
    return _ntuple(x, 2, what)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 2-D convolution (cross-correlation) of ``input`` (N, C, H, W) or (C, H, W) with ``weight``.

    ``weight`` has shape (O, C/groups, kH, kW).

    ``padding`` is an int, a pair, ``'valid'`` (no padding) or ``'same'`` (output size = input size;
    stride 1 only; an odd total padding puts the extra row/column at the bottom/right, as in PyTorch).
    """
    stride = _pair(stride, "stride")
    dilation = _pair(dilation, "dilation")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
    else:
        padding = _pair(padding, "padding")
    return _native("conv2d")(input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""Applies a 1-D convolution (cross-correlation) of ``input`` (N, C, L) or (C, L) with ``weight``.

    ``weight`` has shape (O, C/groups, K); computed as a :func:`conv2d` over a height-1 image.
    """
    stride, = _ntuple(stride, 1, "stride")
    dilation, = _ntuple(dilation, 1, "dilation")
    if not isinstance(padding, str):
        padding, = _ntuple(padding, 1, "padding")
        padding = (0, padding)
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), padding, (1, dilation), groups)
    return out.squeeze(-2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Applies 2-D max pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

    With ``return_indices=True`` also returns the flat index of each maximum within its H*W plane.
    """
    kernel_size = _pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    dilation = _pair(dilation, "dilation")
    out = _native("max_pool2d")(input, kernel_size, stride, padding, dilation, bool(ceil_mode), bool(return_indices))
    if return_indices and not isinstance(out, (tuple, list)):
        raise NotImplementedError("max_pool2d: this rtorch build's native op does not return indices")
    return tuple(out) if return_indices else out


@_grad_fn_name("AvgPool2DBackward0")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    r"""Applies 2-D average pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

    ``count_include_pad`` (default True) counts the zero padding in each window's divisor;
    ``divisor_override`` divides every window's sum by that number instead.
    """
    kernel_size = _pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    if divisor_override is not None and (not isinstance(divisor_override, int) or isinstance(divisor_override, bool)
                                         or divisor_override <= 0):
        raise ValueError(f"divisor must be not zero (a positive int), got divisor_override={divisor_override!r}")
    return _native("avg_pool2d")(input, kernel_size, stride, padding, bool(ceil_mode), bool(count_include_pad),
                                 divisor_override)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Applies 1-D max pooling over (N, C, L) or (C, L) ``input``.

    Computed as :func:`max_pool2d` over a height-1 image; ``stride`` defaults to ``kernel_size``. With
    ``return_indices=True`` also returns the index of each maximum along L.
    """
    kernel_size, = _ntuple(kernel_size, 1, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, 1, "stride")[0]
    padding, = _ntuple(padding, 1, "padding")
    dilation, = _ntuple(dilation, 1, "dilation")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"max_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got input of size "
                           f"{list(input.shape)}")
    out = max_pool2d(input.unsqueeze(-2), (1, kernel_size), (1, stride), (0, padding), (1, dilation),
                     ceil_mode=ceil_mode, return_indices=return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    r"""Applies 1-D average pooling over (N, C, L) or (C, L) ``input``.

    Computed as :func:`avg_pool2d` over a height-1 image; ``stride`` defaults to ``kernel_size``.
    """
    kernel_size, = _ntuple(kernel_size, 1, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, 1, "stride")[0]
    padding, = _ntuple(padding, 1, "padding")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"avg_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got input of size "
                           f"{list(input.shape)}")
    out = avg_pool2d(input.unsqueeze(-2), (1, kernel_size), (1, stride), (0, padding), ceil_mode,
                     count_include_pad)
    return out.squeeze(-2)


# ----------------------------------------------------------------- resampling
_INTERP_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area")


def _interp_np_dtype(dtype):
    # PyTorch computes source indices in float for float32/half inputs and in double for float64
    return np.float64 if dtype == rtorch.float64 else np.float32


def _interp_scale(in_size, out_size, scale, align_corners, ftype):
    """The source/destination scale of one dimension, as ATen's ``area_pixel_compute_scale``."""
    if align_corners:
        return ftype((in_size - 1) / (out_size - 1)) if out_size > 1 else ftype(0.0)
    if scale is not None and scale > 0:
        return ftype(1.0 / float(scale))
    return ftype(ftype(in_size) / ftype(out_size))


def _nearest_index(in_size, out_size, scale, exact, ftype):
    """Source index of each output position, as ATen's ``nearest_idx`` / ``nearest_exact_idx`` (the legacy
    rule special-cases an exact doubling)."""
    if not exact and out_size == 2 * in_size:
        return np.arange(out_size, dtype=np.int64) >> 1
    s = _interp_scale(in_size, out_size, scale, False, ftype)
    dst = np.arange(out_size, dtype=ftype)
    src = np.floor((dst + ftype(0.5)) * s) if exact else np.floor(dst * s)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _linear_weights(in_size, out_size, scale, align_corners, ftype):
    """Indices (i0, i1) and weights (w0, w1) of the two source samples of each output position."""
    s = _interp_scale(in_size, out_size, scale, align_corners, ftype)
    dst = np.arange(out_size, dtype=ftype)
    if align_corners:
        src = s * dst
    else:
        src = np.maximum(s * (dst + ftype(0.5)) - ftype(0.5), ftype(0.0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = i0 + (i0 < in_size - 1)
    w1 = np.clip(src - i0.astype(ftype), 0, 1).astype(ftype)
    w0 = (ftype(1.0) - w1).astype(ftype)
    return i0, i1, w0, w1


def _cubic_taps(in_size, out_size, scale, align_corners, ftype):
    """The four (index, weight) taps of each output position for bicubic resampling, as ATen's
    ``upsample_bicubic2d`` (cubic convolution with A = -0.75, source index not clamped, taps clamped)."""
    s = _interp_scale(in_size, out_size, scale, align_corners, ftype)
    dst = np.arange(out_size, dtype=ftype)
    src = (s * dst) if align_corners else (s * (dst + ftype(0.5)) - ftype(0.5))
    x0 = np.floor(src)
    t = (src - x0).astype(ftype)
    a = ftype(-0.75)

    def near(v):  # |v| <= 1
        return ((a + 2) * v - (a + 3)) * v * v + 1

    def far(v):  # 1 < |v| < 2
        return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a

    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    base = x0.astype(np.int64)
    return [(np.clip(base + k - 1, 0, in_size - 1), w.astype(ftype)) for k, w in enumerate(weights)]


def _native_resample(x, dim, n_in, idx, w):
    """The native resampling pass (``rtorch._rtorch._resample``: one kernel and its adjoint as backward) of dim
    ``dim`` through the per-output taps ``idx`` / ``w`` (numpy (n_out, taps)), or None where it does not apply
    (off the CPU, a non-float dtype, a build without it)."""
    fn = getattr(rtorch._rtorch, "_resample", None)
    if fn is None or x.device.type != "cpu" or not x.dtype.is_floating_point:
        return None
    return fn(x, dim, n_in, np.asarray(idx, dtype=np.int64).ravel().tolist(),
              np.asarray(w, dtype=np.float64).ravel().tolist(), idx.shape[1])


def _resample_taps(x, dim, taps):
    """Sum of gathers along ``dim`` weighted per output position: ``taps`` is [(indices, weights), ...]."""
    idx, w = np.stack([i for i, _ in taps], 1), np.stack([w for _, w in taps], 1)
    native = _native_resample(x, dim, x.shape[dim], idx, w)
    if native is not None:
        return native
    shape = [1] * x.dim()
    shape[dim] = len(taps[0][0])
    out = None
    for idx, w in taps:
        term = x.index_select(dim, rtorch.tensor(idx, dtype=rtorch.int64, device=x.device)) * \
            rtorch.tensor(w, dtype=x.dtype, device=x.device).reshape(shape)
        out = term if out is None else out + term
    return out


def _resample_dim(x, dim, idx0, idx1=None, w0=None, w1=None):
    """Gather along ``dim`` (nearest), or blend two gathers with per-position weights (linear)."""
    if idx1 is None:
        native = _native_resample(x, dim, x.shape[dim], idx0[:, None], np.ones((len(idx0), 1)))
    else:
        native = _native_resample(x, dim, x.shape[dim], np.stack([idx0, idx1], 1), np.stack([w0, w1], 1))
    if native is not None:
        return native
    i0 = rtorch.tensor(idx0, dtype=rtorch.int64, device=x.device)
    if idx1 is None:
        return x.index_select(dim, i0)
    i1 = rtorch.tensor(idx1, dtype=rtorch.int64, device=x.device)
    shape = [1] * x.dim()
    shape[dim] = len(idx0)
    a = rtorch.tensor(w0, dtype=x.dtype, device=x.device).reshape(shape)
    b = rtorch.tensor(w1, dtype=x.dtype, device=x.device).reshape(shape)
    return x.index_select(dim, i0) * a + x.index_select(dim, i1) * b


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    r"""Resize the spatial dims of an (N, C, L), (N, C, H, W) or (N, C, D, H, W) input.

    Modes: ``'nearest'`` (PyTorch's legacy rule, source index :math:`\lfloor i \cdot s \rfloor`) and
    ``'nearest-exact'`` for any of them, ``'linear'`` (3-D), ``'bilinear'`` and ``'bicubic'`` (4-D) and
    ``'trilinear'`` (5-D) with ``align_corners`` True or False (default False), and ``'area'`` (adaptive average
    pooling). Exactly one of ``size`` and ``scale_factor`` must be given; with ``scale_factor`` the output size is
    :math:`\lfloor \text{in} \cdot \text{scale} \rfloor` and the source index uses ``1 / scale_factor`` unless
    ``recompute_scale_factor=True``.

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.interpolate(rtorch.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(rtorch.tensor([[[1.0, 2.0]]]), size=3, mode="linear", align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    if mode not in _INTERP_MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported yet (supported: "
                                  f"{', '.join(_INTERP_MODES)})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported yet")
    if mode.startswith("nearest") or mode == "area":
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if dim not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
                                  f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    for m, want in (("linear", 1), ("bilinear", 2), ("bicubic", 2), ("trilinear", 3)):
        if mode == m and dim != want:
            raise NotImplementedError(f"Got {input.dim()}D input, but {m} mode needs {want + 2}D input")
    in_sizes = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dim
        if len(sizes) != dim:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(in_sizes)} and output size of {list(sizes)}. "
                             f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        scales = (None,) * dim
    elif scale_factor is not None:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * dim
        if len(scales) != dim:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                             f"input with spatial dimensions of {list(in_sizes)} and scale_factor of shape "
                             f"{list(scales)}.")
        sizes = tuple(int(math.floor(float(i) * float(s))) for i, s in zip(in_sizes, scales))
        if recompute_scale_factor:
            scales = (None,) * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(s <= 0 for s in sizes):
        raise RuntimeError(f"interpolate: output size {list(sizes)} must be greater than 0 (input of size "
                           f"{list(input.shape)})")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](input, sizes)
    ftype = _interp_np_dtype(input.dtype)
    out = input
    # The last dim first, as PyTorch nests its sums (W inside H inside D: the same rounding); the
    # last-dim pass (a gather per output) also runs on the smallest tensor when upsampling.
    for k in reversed(range(dim)):
        d = 2 + k
        i, o, s = in_sizes[k], sizes[k], scales[k]
        if mode.startswith("nearest"):
            if o != i or mode == "nearest-exact":
                out = _resample_dim(out, d, _nearest_index(i, o, s, mode == "nearest-exact", ftype))
        elif mode == "bicubic":
            out = _resample_taps(out, d, _cubic_taps(i, o, s, align_corners, ftype))
        else:
            out = _resample_dim(out, d, *_linear_weights(i, o, s, align_corners, ftype))
    return out


def adaptive_avg_pool2d(input, output_size):
    r"""Applies 2-D adaptive average pooling to (N, C, H, W) or (C, H, W) ``input``, giving ``output_size``.

    ``output_size`` is an int, or a pair whose entries may be ``None`` to keep the input's size.
    """
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}")
    in_hw = tuple(input.shape)[-2:]
    output_size = tuple(in_hw[i] if s is None else s for i, s in enumerate(output_size))
    since = rtorch._rtorch._graph_seq()
    out = _native("adaptive_avg_pool2d")(input, _pair(output_size, "output_size"))
    # PyTorch computes a (1, 1) output as a mean over the last two dims.
    return _named(out, "MeanBackward1" if output_size == (1, 1) else "AdaptiveAvgPool2DBackward0", since)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""Applies a 2-D transposed convolution ("deconvolution"); ``weight`` is (C_in, C_out/groups, kH, kW)."""
    return _native("conv_transpose2d")(input, weight, bias, _pair(stride, "stride"), _pair(padding, "padding"),
                                       _pair(output_padding, "output_padding"), groups, _pair(dilation, "dilation"))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    r"""Extract sliding local blocks of (N, C, H, W) as (N, C*kH*kW, L) (im2col)."""
    return _native("unfold")(input, _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                             _pair(padding, "padding"), _pair(stride, "stride"))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    r"""Sum sliding local blocks (N, C*kH*kW, L) back into (N, C, H, W) (col2im, the adjoint of unfold)."""
    return _native("fold")(input, _pair(output_size, "output_size"), _pair(kernel_size, "kernel_size"),
                           _pair(dilation, "dilation"), _pair(padding, "padding"), _pair(stride, "stride"))


def pad(input, pad, mode="constant", value=None):
    r"""Pad the last ``len(pad) // 2`` dims: ``pad`` = (left, right, top, bottom, ...) from the last dim.

    ``mode`` is ``'constant'`` (with ``value``), ``'reflect'``, ``'replicate'`` or ``'circular'``; a negative
    entry crops that side, in every mode.
    """
    since = rtorch._rtorch._graph_seq()
    pad = list(pad)
    if mode != "constant" and any(int(p) < 0 for p in pad) and len(pad) % 2 == 0 and len(pad) // 2 <= input.dim():
        # PyTorch crops the negative sides first, then pads the rest (checked against it for every mode).
        for i, p in enumerate(pad):
            if int(p) < 0:
                dim, size = input.dim() - 1 - i // 2, input.shape[input.dim() - 1 - i // 2]
                if -int(p) > size:
                    raise RuntimeError(f"pad: negative padding {p} exceeds the size {size} of dimension {dim}")
                input = input.narrow(dim, -int(p) if i % 2 == 0 else 0, size + int(p))
        pad = [max(int(p), 0) for p in pad]
        if not any(pad):
            return input.clone()
    out = rtorch._rtorch.pad(input, pad, mode, value)
    return _named(out, "ConstantPadNdBackward0", since) if mode == "constant" else out


# ------------------------------------------------------------- argument checks
# Every public function checks its arguments' types first (PyTorch's "argument 'x' (position n) must be T, not U"),
# so a wrong type never reaches the code above as "'int' object has no attribute 'shape'".
_T, _OT = "Tensor", "Tensor?"
_LOSS = "input:Tensor target:Tensor size_average:bool? reduce:bool? reduction:str"
_POOL = "input:Tensor kernel_size:ints stride:ints? padding:ints ceil_mode:bool"
_ACT = "input:Tensor inplace:bool"
_SPECS = {
    "linear": "input:Tensor weight:Tensor bias:Tensor?",
    "bilinear": "input1:Tensor input2:Tensor weight:Tensor bias:Tensor?",
    "relu": _ACT, "relu6": _ACT, "silu": _ACT, "mish": _ACT, "relu_": "input:Tensor",
    "hardtanh_": "input:Tensor min_val:float max_val:float", "leaky_relu_": "input:Tensor negative_slope:float",
    "elu_": "input:Tensor alpha:float",
    "hardtanh": _ACT + " min_val:float max_val:float",
    "gelu": "input:Tensor approximate:str",
    "tanh": "input:Tensor", "sigmoid": "input:Tensor", "softsign": "input:Tensor",
    "leaky_relu": _ACT + " negative_slope:float",
    "elu": _ACT + " alpha:float",
    "softplus": "input:Tensor beta:Number threshold:Number",
    "softmax": "input:Tensor dim:int? dtype:dtype?",
    "softmin": "input:Tensor dim:int? dtype:dtype?",
    "log_softmax": "input:Tensor dim:int? dtype:dtype?",
    "dropout": _ACT + " p:float training:bool",
    "dropout1d": _ACT + " p:float training:bool", "dropout2d": _ACT + " p:float training:bool",
    "dropout3d": _ACT + " p:float training:bool", "alpha_dropout": _ACT + " p:float training:bool",
    "feature_alpha_dropout": _ACT + " p:float training:bool",
    "embedding": "input:Tensor weight:Tensor padding_idx:int? max_norm:float? norm_type:float "
                 "scale_grad_by_freq:bool sparse:bool",
    "layer_norm": "input:Tensor normalized_shape:ints weight:Tensor? bias:Tensor? eps:float",
    "batch_norm": "input:Tensor running_mean:Tensor? running_var:Tensor? weight:Tensor? bias:Tensor? training:bool "
                  "momentum:float? eps:float",
    "group_norm": "input:Tensor num_groups:int weight:Tensor? bias:Tensor? eps:float",
    "rms_norm": "input:Tensor normalized_shape:ints weight:Tensor? eps:float?",
    "normalize": "input:Tensor p:float dim:ints eps:float out:Tensor?",
    "cosine_similarity": "x1:Tensor x2:Tensor dim:int eps:float",
    "one_hot": "tensor:Tensor num_classes:int",
    "scaled_dot_product_attention": "query:Tensor key:Tensor value:Tensor attn_mask:Tensor? dropout_p:float "
                                    "is_causal:bool scale:float? enable_gqa:bool",
    "multi_head_attention_forward": "query:Tensor key:Tensor value:Tensor embed_dim_to_check:int num_heads:int "
                                    "in_proj_weight:Tensor? in_proj_bias:Tensor? bias_k:Tensor? bias_v:Tensor? "
                                    "add_zero_attn:bool dropout_p:float out_proj_weight:Tensor "
                                    "out_proj_bias:Tensor? training:bool key_padding_mask:Tensor? "
                                    "need_weights:bool attn_mask:Tensor? use_separate_proj_weight:bool "
                                    "q_proj_weight:Tensor? k_proj_weight:Tensor? v_proj_weight:Tensor? "
                                    "static_k:Tensor? static_v:Tensor? average_attn_weights:bool is_causal:bool",
    "mse_loss": _LOSS + " weight:Tensor?",
    "l1_loss": _LOSS + " weight:Tensor?",
    "smooth_l1_loss": _LOSS + " beta:float",
    "huber_loss": "input:Tensor target:Tensor reduction:str delta:float weight:Tensor?",
    "nll_loss": _LOSS + " weight:Tensor? ignore_index:int",
    "cross_entropy": _LOSS + " weight:Tensor? ignore_index:int label_smoothing:float",
    "binary_cross_entropy": _LOSS + " weight:Tensor?",
    "binary_cross_entropy_with_logits": _LOSS + " weight:Tensor? pos_weight:Tensor?",
    "kl_div": _LOSS + " log_target:bool",
    "conv1d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints|str dilation:ints groups:int",
    "conv2d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints|str dilation:ints groups:int",
    "conv_transpose2d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints output_padding:ints "
                        "groups:int dilation:ints",
    "max_pool1d": _POOL + " dilation:ints return_indices:bool",
    "max_pool2d": _POOL + " dilation:ints return_indices:bool",
    "avg_pool1d": _POOL + " count_include_pad:bool",
    "avg_pool2d": _POOL + " count_include_pad:bool divisor_override:int?",
    "interpolate": "input:Tensor size:ints? scale_factor:floats? mode:str align_corners:bool? "
                   "recompute_scale_factor:bool? antialias:bool",
    "adaptive_avg_pool2d": "input:Tensor output_size:optints",
    "unfold": "input:Tensor kernel_size:ints dilation:ints padding:ints stride:ints",
    "fold": "input:Tensor output_size:ints kernel_size:ints dilation:ints padding:ints stride:ints",
    "pad": "input:Tensor pad:intseq mode:str value:float?",
}
_argcheck.check_all(globals(), _SPECS)
_ACT_SPEC, _LOSS_SPEC, _POOL_SPEC = _ACT, _LOSS, _POOL  # for the families appended below
del _T, _OT, _LOSS, _POOL, _ACT


# ------------------------------------------- families in rtorch.nn._functional (nnfunc, session 3)
from rtorch.nn._functional import activation as _activation  # noqa: E402
from rtorch.nn._functional import conv as _conv  # noqa: E402
from rtorch.nn._functional import ctc as _ctc  # noqa: E402
from rtorch.nn._functional import distance as _distance  # noqa: E402
from rtorch.nn._functional import embedding_bag as _embedding_bag  # noqa: E402
from rtorch.nn._functional import fractional as _fractional  # noqa: E402
from rtorch.nn._functional import loss as _loss  # noqa: E402
from rtorch.nn._functional import norm as _norm  # noqa: E402
from rtorch.nn._functional import pooling as _pooling  # noqa: E402
from rtorch.nn._functional import sampling as _sampling  # noqa: E402
from rtorch.nn._functional import shuffle as _shuffle  # noqa: E402

_FAMILY_SPECS = {
    "celu": _ACT_SPEC + " alpha:float", "celu_": "input:Tensor alpha:float",
    "selu": _ACT_SPEC, "selu_": "input:Tensor", "glu": "input:Tensor dim:int",
    "hardshrink": "input:Tensor lambd:float", "softshrink": "input:Tensor lambd:float",
    "tanhshrink": "input:Tensor", "hardsigmoid": _ACT_SPEC, "hardswish": _ACT_SPEC, "logsigmoid": "input:Tensor",
    "prelu": "input:Tensor weight:Tensor",
    "rrelu": _ACT_SPEC + " lower:float upper:float training:bool",
    "rrelu_": "input:Tensor lower:float upper:float training:bool",
    "threshold": _ACT_SPEC + " threshold:float value:float", "threshold_": "input:Tensor threshold:float value:float",
    "pairwise_distance": "x1:Tensor x2:Tensor p:float eps:float keepdim:bool", "pdist": "input:Tensor p:float",
    "cosine_embedding_loss": "input1:Tensor input2:Tensor target:Tensor margin:float size_average:bool? "
                             "reduce:bool? reduction:str",
    "hinge_embedding_loss": _LOSS_SPEC + " margin:float",
    "margin_ranking_loss": "input1:Tensor input2:Tensor target:Tensor margin:float size_average:bool? "
                           "reduce:bool? reduction:str",
    "soft_margin_loss": _LOSS_SPEC, "multilabel_soft_margin_loss": _LOSS_SPEC + " weight:Tensor?",
    "multi_margin_loss": _LOSS_SPEC + " p:int margin:float weight:Tensor?", "multilabel_margin_loss": _LOSS_SPEC,
    "triplet_margin_loss": "anchor:Tensor positive:Tensor negative:Tensor margin:float p:float eps:float swap:bool "
                           "size_average:bool? reduce:bool? reduction:str",
    "triplet_margin_with_distance_loss": "anchor:Tensor positive:Tensor negative:Tensor margin:float swap:bool "
                                         "reduction:str",
    "poisson_nll_loss": _LOSS_SPEC + " log_input:bool full:bool eps:float",
    "gaussian_nll_loss": "input:Tensor target:Tensor full:bool eps:float reduction:str",
    "instance_norm": "input:Tensor running_mean:Tensor? running_var:Tensor? weight:Tensor? bias:Tensor? "
                     "use_input_stats:bool momentum:float eps:float",
    "local_response_norm": "input:Tensor size:int alpha:float beta:float k:float",
    "pixel_shuffle": "input:Tensor upscale_factor:int", "pixel_unshuffle": "input:Tensor downscale_factor:int",
    "channel_shuffle": "input:Tensor groups:int", "native_channel_shuffle": "input:Tensor groups:int",
    "conv_tbc": "input:Tensor weight:Tensor bias:Tensor pad:int",
    **{f"fractional_max_pool{d}d{w}": "input:Tensor kernel_size:ints output_size:ints? output_ratio:floats? "
                                      "return_indices:bool _random_samples:Tensor?"
       for d in (2, 3) for w in ("", "_with_indices")},
    **{f"adaptive_max_pool{d}d_with_indices": "input:Tensor output_size:optints return_indices:bool"
       for d in (1, 2, 3)},
    "ctc_loss": "log_probs:Tensor targets:Tensor blank:int reduction:str zero_infinity:bool",
    "embedding_bag": "input:Tensor weight:Tensor offsets:Tensor? max_norm:float? norm_type:float "
                     "scale_grad_by_freq:bool mode:str sparse:bool per_sample_weights:Tensor? "
                     "include_last_offset:bool padding_idx:int?",
    "affine_grid": "theta:Tensor size:ints align_corners:bool?",
    "grid_sample": "input:Tensor grid:Tensor mode:str padding_mode:str align_corners:bool?",
    "gumbel_softmax": "logits:Tensor tau:float hard:bool eps:float dim:int",
    "upsample": "input:Tensor size:ints? scale_factor:floats? mode:str align_corners:bool?",
    "upsample_nearest": "input:Tensor size:ints? scale_factor:floats?",
    "upsample_bilinear": "input:Tensor size:ints? scale_factor:floats?",
    "conv3d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints|str dilation:ints groups:int",
    "conv_transpose1d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints output_padding:ints "
                        "groups:int dilation:ints",
    "conv_transpose3d": "input:Tensor weight:Tensor bias:Tensor? stride:ints padding:ints output_padding:ints "
                        "groups:int dilation:ints",
    "max_pool3d": _POOL_SPEC + " dilation:ints return_indices:bool",
    "max_pool3d_with_indices": _POOL_SPEC + " dilation:ints return_indices:bool",
    "avg_pool3d": _POOL_SPEC + " count_include_pad:bool divisor_override:int?",
    "adaptive_max_pool1d": "input:Tensor output_size:optints return_indices:bool",
    "adaptive_max_pool2d": "input:Tensor output_size:optints return_indices:bool",
    "adaptive_max_pool3d": "input:Tensor output_size:optints return_indices:bool",
    "adaptive_avg_pool1d": "input:Tensor output_size:optints",
    "adaptive_avg_pool3d": "input:Tensor output_size:optints",
    "lp_pool1d": "input:Tensor norm_type:float kernel_size:ints stride:ints? ceil_mode:bool",
    "lp_pool2d": "input:Tensor norm_type:float kernel_size:ints stride:ints? ceil_mode:bool",
    "lp_pool3d": "input:Tensor norm_type:float kernel_size:ints stride:ints? ceil_mode:bool",
    "max_unpool1d": "input:Tensor indices:Tensor kernel_size:ints stride:ints? padding:ints output_size:ints?",
    "max_unpool2d": "input:Tensor indices:Tensor kernel_size:ints stride:ints? padding:ints output_size:ints?",
    "max_unpool3d": "input:Tensor indices:Tensor kernel_size:ints stride:ints? padding:ints output_size:ints?",
}
for _family in (_activation, _conv, _ctc, _distance, _embedding_bag, _fractional, _loss, _norm, _pooling, _sampling, _shuffle):
    for _name in _family.__all__:
        globals()[_name] = getattr(_family, _name)
    __all__ += list(_family.__all__)
_argcheck.check_all(globals(), _FAMILY_SPECS)
del _family, _name


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    r"""Applies 1-D max pooling returning ``(values, indices)`` (:func:`max_pool1d` with ``return_indices=True``)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    r"""Applies 2-D max pooling returning ``(values, indices)`` (:func:`max_pool2d` with ``return_indices=True``)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    r"""Cross entropy of the logits ``linear(input, linear_weight, linear_bias)`` against ``target``.

    ``linear_weight`` is (C, \*out_features, in_features); the logits are reshaped to
    (\*input.shape[:-1], C, \*out_features) before :func:`cross_entropy`. ``ignore_index=None`` ignores no
    class. ``options`` selects PyTorch's chunked kernels; rtorch always computes the reference form (the same
    values up to rounding).

    Example::

        >>> x, w = rtorch.zeros(2, 3), rtorch.zeros(4, 3)
        >>> rtorch.nn.functional.linear_cross_entropy(x, w, rtorch.tensor([0, 3]))
        tensor(1.3863)
    """
    if linear_weight.dim() < 2:
        raise RuntimeError(f"linear_cross_entropy: linear_weight must have at least 2 dimensions (C, in_features), "
                           f"got {list(linear_weight.shape)}")
    c, *out_features, in_features = linear_weight.shape
    logits = linear(input, linear_weight.reshape(-1, in_features),
                    None if linear_bias is None else linear_bias.reshape(-1))
    logits = logits.reshape(*input.shape[:-1], c, *out_features)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


def assert_int_or_pair(arg, arg_name, message):
    r"""Raise AssertionError(``message.format(arg_name)``) unless ``arg`` is an int or a pair."""
    if not (isinstance(arg, int) or (hasattr(arg, "__len__") and len(arg) == 2)):
        raise AssertionError(message.format(arg_name))


linear_cross_entropy = _argcheck.checked(
    "linear_cross_entropy", "input:Tensor linear_weight:Tensor target:Tensor linear_bias:Tensor? weight:Tensor? "
                            "reduction:str ignore_index:int? label_smoothing:float")(linear_cross_entropy)
__all__ += ["max_pool1d_with_indices", "max_pool2d_with_indices", "assert_int_or_pair", "linear_cross_entropy"]
del _ACT_SPEC, _LOSS_SPEC, _POOL_SPEC
