"""nn.functional: stateless layer, activation and loss functions built from differentiable tensor ops."""
import warnings

import rtorch

__all__ = [
    "linear", "identity", "relu", "relu_", "relu6", "gelu", "silu", "mish", "tanh", "sigmoid",
    "hardtanh", "leaky_relu", "elu", "softplus", "softsign", "softmax", "softmin", "log_softmax",
    "dropout", "embedding", "layer_norm", "normalize", "one_hot", "cosine_similarity",
    "mse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss",
    "conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "unfold", "fold",
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


def _inplace(input, result, inplace):
    """Write ``result`` into ``input`` when ``inplace`` (as the ``inplace=True`` layers do)."""
    if not inplace:
        return result
    input.copy_(result)
    return input


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
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


def identity(input):
    r"""Return ``input`` unchanged."""
    return input


# ----------------------------------------------------------------- activations
def relu(input, inplace=False):
    r"""Apply the rectified linear unit :math:`\max(0, x)` elementwise."""
    return _inplace(input, input.relu(), inplace)


def relu_(input):
    r"""In-place :func:`relu`."""
    return relu(input, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    r"""Clamp ``input`` to ``[min_val, max_val]``."""
    return _inplace(input, input.hardtanh(min_val, max_val), inplace)


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
    return _inplace(input, input.silu(), inplace)


def mish(input, inplace=False):
    r"""Apply :math:`x \tanh(\mathrm{softplus}(x))` elementwise."""
    return _inplace(input, input.mish(), inplace)


def tanh(input):
    r"""Apply the hyperbolic tangent elementwise."""
    return input.tanh()


def sigmoid(input):
    r"""Apply the logistic sigmoid elementwise."""
    return input.sigmoid()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    r"""Apply :math:`\max(0,x) + \text{negative\_slope} \min(0,x)` elementwise."""
    return _inplace(input, input.leaky_relu(negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    r"""Apply :math:`x` for :math:`x > 0` and :math:`\alpha(e^x - 1)` otherwise."""
    return _inplace(input, input.elu(alpha), inplace)


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
def dropout(input, p=0.5, training=True, inplace=False):
    r"""Zero elements with probability ``p`` and scale the rest by :math:`1/(1-p)` while training."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _inplace(input, input * 0.0, inplace)
    keep = rtorch.rand(tuple(input.shape), dtype=input.dtype, device=input.device) >= p
    return _inplace(input, input * keep.to(input.dtype) * (1.0 / (1.0 - p)), inplace)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    with rtorch.no_grad():
        rows = sorted(set(int(i) for i in input.flatten().tolist()))
        idx = rtorch.tensor(rows, dtype=rtorch.int64)
        selected = weight.index_select(0, idx)
        norms = selected.abs().pow(norm_type).sum(1, keepdim=True).pow(1.0 / norm_type)
        scale = rtorch.where(norms > max_norm, max_norm / (norms + 1e-7), rtorch.ones_like(norms))
        weight[idx] = selected * scale


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    r"""Look up rows of ``weight`` at the integer indices ``input``.

    Rows at ``padding_idx`` receive no gradient.
    """
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
    dims = tuple(range(input.dim() - n, input.dim()))
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    out = centered / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    r"""Divide ``input`` by its ``p``-norm along ``dim`` (clamped below by ``eps``)."""
    norm = input.abs().pow(p).sum(dim, keepdim=True).pow(1.0 / p)
    return input / norm.clamp(min=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    r"""Cosine similarity between ``x1`` and ``x2`` along ``dim``."""
    n1 = (x1 * x1).sum(dim).sqrt().clamp(min=eps)
    n2 = (x2 * x2).sum(dim).sqrt().clamp(min=eps)
    return (x1 * x2).sum(dim) / (n1 * n2)


def one_hot(tensor, num_classes=-1):
    r"""Return an int64 tensor with a 1 at each index of ``tensor`` along a new last dimension."""
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = rtorch.arange(num_classes, dtype=rtorch.int64, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


# ---------------------------------------------------------------------- losses
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


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    r"""Quadratic below ``beta``, linear above: :math:`0.5 d^2/\beta` or :math:`d - 0.5\beta`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise ValueError("smooth_l1_loss does not support negative values for beta.")
    d = (input - target).abs()
    if beta == 0.0:
        return _reduce(d, reduction)
    loss = rtorch.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    r"""Quadratic below ``delta``, linear above: :math:`0.5 d^2` or :math:`\delta(d - 0.5\delta)`."""
    d = (input - target).abs()
    loss = rtorch.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _class_last(input, target):
    """Flatten ``(N, C, d1, ...)`` / ``(C,)`` input to ``(M, C)`` and target to ``(M,)``."""
    if input.dim() == 1:
        return input.unsqueeze(0), target.reshape(1)
    if input.dim() > 2:
        input = input.movedim(1, -1) if hasattr(input, "movedim") else input.permute(
            0, *range(2, input.dim()), 1)
    return input.reshape(-1, input.shape[-1]), target.reshape(-1)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean"):
    r"""Negative log likelihood loss for log-probabilities ``input`` and class indices ``target``."""
    reduction = _get_reduction(size_average, reduce, reduction)
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
        return loss.reshape(target_shape)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / w.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    r"""Cross entropy between logits ``input`` and class indices or class probabilities ``target``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
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


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    r"""Sigmoid followed by binary cross entropy, computed stably from logits ``input``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({list(target.shape)}) must be the same as input size ({list(input.shape)})"
        )
    # softplus(-x) = log(1 + exp(-x)) = relu(-x) + log1p(exp(-|x|))
    sp_neg = (-input).relu() + (-input.abs()).exp().log1p()
    if pos_weight is not None:
        log_weight = (pos_weight - 1.0) * target + 1.0
        loss = (1.0 - target) * input + log_weight * sp_neg
    else:
        loss = (1.0 - target) * input + sp_neg
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
    if isinstance(x, int) and not isinstance(x, bool):
        return (x,) * n
    try:
        t = tuple(x)
    except TypeError:
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {type(x).__name__}") from None
    if len(t) == 1:
        t = t * n
    if len(t) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in t):
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {x!r}")
    return t


def _pair(x, what):
    return _ntuple(x, 2, what)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2-D cross-correlation of ``input`` (N, C, H, W) or (C, H, W) with ``weight`` (O, C/groups, kH, kW).

    ``padding`` is an int, a pair, ``'valid'`` (no padding) or ``'same'`` (output size = input size;
    stride 1 only; an odd total padding puts the extra row/column at the bottom/right, as in PyTorch).
    """
    stride = _pair(stride, "stride")
    dilation = _pair(dilation, "dilation")
    crop = None
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            kernel = tuple(weight.shape)[-2:]
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            # pad (total+1)//2 on both sides, then drop the one extra leading output row/column where
            # the total is odd (PyTorch pads total//2 before and the remainder after)
            padding = tuple((t + 1) // 2 for t in totals)
            crop = [t % 2 for t in totals]
        else:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
    else:
        padding = _pair(padding, "padding")
    out = _native("conv2d")(input, weight, bias, stride, padding, dilation, groups)
    if crop is not None:
        for dim, c in zip((-2, -1), crop):
            if c:
                out = out.narrow(dim, 1, out.shape[dim] - 1)
    return out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""1-D cross-correlation of ``input`` (N, C, L) or (C, L) with ``weight`` (O, C/groups, K), computed
    as a :func:`conv2d` over a height-1 image."""
    stride, = _ntuple(stride, 1, "stride")
    dilation, = _ntuple(dilation, 1, "dilation")
    if not isinstance(padding, str):
        padding, = _ntuple(padding, 1, "padding")
        padding = (0, padding)
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), padding, (1, dilation), groups)
    return out.squeeze(-2)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""2-D max pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

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


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    r"""2-D average pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to ``kernel_size``.

    ``count_include_pad`` (default True) counts the zero padding in each window's divisor;
    ``divisor_override`` divides every window's sum by that number instead.
    """
    kernel_size = _pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    if divisor_override is not None:  # emulated: window sum / divisor = (sum / (kH * kW)) * (kH * kW / divisor)
        if not isinstance(divisor_override, int) or isinstance(divisor_override, bool) or divisor_override <= 0:
            raise ValueError("divisor must be not zero")
        count_include_pad = True
    out = _native("avg_pool2d")(input, kernel_size, stride, padding, bool(ceil_mode), bool(count_include_pad), None)
    if divisor_override is not None:
        out = out * (kernel_size[0] * kernel_size[1] / divisor_override)
    return out


def adaptive_avg_pool2d(input, output_size):
    r"""Average-pool (N, C, H, W) or (C, H, W) to ``output_size`` (an int, or a pair whose entries may be
    ``None`` to keep the input's size)."""
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}")
    in_hw = tuple(input.shape)[-2:]
    output_size = tuple(in_hw[i] if s is None else s for i, s in enumerate(output_size))
    return _native("adaptive_avg_pool2d")(input, _pair(output_size, "output_size"))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    r"""2-D transposed convolution ("deconvolution"); ``weight`` is (C_in, C_out/groups, kH, kW)."""
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

    ``mode`` is ``'constant'`` (with ``value``; negative padding crops), ``'reflect'``, ``'replicate'``
    or ``'circular'``.
    """
    return rtorch._rtorch.pad(input, list(pad), mode, value)
