"""The torch.* forms of functional ops (torch.conv2d, torch.selu, torch.batch_norm, torch.kl_div, ...): the
nn.functional objects themselves where PyTorch's signatures agree, thin adapters where torch.* takes another
argument order, a ``train`` flag, or an integer ``reduction``."""
from rtorch.nn import functional as F
from rtorch import _argcheck
from rtorch.nn._functional import sampling as _sampling

# torch.* takes the reduction as ATen's enum: 0 none, 1 mean, 2 sum.
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(reduction):
    if isinstance(reduction, str):
        return reduction
    try:
        return _REDUCTIONS[int(reduction)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


# Same signature (or one PyTorch's torch.* form is a prefix of): the nn.functional object itself.
_SAME = ["conv_tbc", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
         "max_pool1d", "max_pool2d", "max_pool3d", "adaptive_avg_pool1d", "bilinear",
         "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "prelu", "rrelu", "rrelu_",
         "selu", "selu_", "celu", "celu_", "threshold", "threshold_", "hardshrink", "pdist", "pairwise_distance",
         "cosine_similarity", "rms_norm"]
for _name in _SAME:
    globals()[_name] = getattr(F, _name)


grid_sampler = _argcheck.checked("grid_sampler", "input:Tensor grid:Tensor interpolation_mode:int padding_mode:int "
                                                 "align_corners:bool")(_sampling.grid_sampler)


def adaptive_max_pool1d(input, output_size):
    r"""Adaptive 1-D max pooling returning ``(values, indices)`` (``torch.adaptive_max_pool1d``)."""
    return F.adaptive_max_pool1d(input, output_size, True)


def dropout(input, p, train):
    r"""``torch.dropout``: :func:`rtorch.nn.functional.dropout` with a required ``train`` flag.

    Example::

        >>> rtorch.dropout(rtorch.ones(3), 0.5, False)
        tensor([1., 1., 1.])
    """
    return F.dropout(input, p, train)


def dropout_(input, p, train):
    r"""In-place ``torch.dropout``."""
    return F.dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    r"""``torch.feature_dropout``: zero whole channels (dim 1) of (N, C, *) with probability ``p`` in training."""
    return F._dropout_impl(input, p, train, False, feature=True)


def feature_dropout_(input, p, train):
    r"""In-place ``torch.feature_dropout``."""
    return F._dropout_impl(input, p, train, True, feature=True)


def alpha_dropout(input, p, train):
    r"""``torch.alpha_dropout``: :func:`rtorch.nn.functional.alpha_dropout` with a required ``train`` flag."""
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    r"""In-place ``torch.alpha_dropout``."""
    return F.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input, p, train):
    r"""Channel-wise alpha dropout with a required ``train`` flag (``torch.feature_alpha_dropout``)."""
    return F.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    r"""In-place ``torch.feature_alpha_dropout``."""
    return F.feature_alpha_dropout(input, p, train, inplace=True)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    r"""Batch normalization in ATen's argument order (``torch.batch_norm``).

    As :func:`rtorch.nn.functional.batch_norm` with weight and bias before the running statistics;
    ``cudnn_enabled`` is accepted and ignored.
    """
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    r"""Instance normalization in ATen's argument order (``torch.instance_norm``).

    As :func:`rtorch.nn.functional.instance_norm` with weight and bias before the running statistics;
    ``cudnn_enabled`` is accepted and ignored.
    """
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    r"""``torch.layer_norm``: :func:`rtorch.nn.functional.layer_norm` (``cudnn_enable`` is ignored)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    r"""``torch.group_norm``: :func:`rtorch.nn.functional.group_norm` (``cudnn_enabled`` is ignored)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    r"""Rows of ``weight`` at ``indices`` (``torch.embedding``: weight first, ``padding_idx=-1`` for none)."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def kl_div(input, target, reduction=1, *, log_target=False):
    r"""KL divergence with an integer ``reduction`` (``torch.kl_div``: 0 none, 1 mean, 2 sum)."""
    return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    r"""``torch.binary_cross_entropy_with_logits`` with an integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return F.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight,
                                              reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    r"""``torch.margin_ranking_loss`` with an integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    r"""``torch.hinge_embedding_loss`` with an integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=1):
    r"""``torch.triplet_margin_loss`` with an integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    r"""``torch.cosine_embedding_loss`` with an integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    r"""CTC loss with an integer ``reduction`` (``torch.ctc_loss``: 0 none, 1 mean, 2 sum)."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction), zero_infinity)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    r"""``torch.poisson_nll_loss`` (every argument required, an integer ``reduction``: 0 none, 1 mean, 2 sum)."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    r"""``torch.max_pool1d_with_indices``: 1-D max pooling returning ``(values, indices)``.

    Example::

        >>> rtorch.max_pool1d_with_indices(rtorch.arange(6.0).view(1, 1, 6), 2)
        (tensor([[[1., 3., 5.]]]), tensor([[[1, 3, 5]]]))
    """
    return F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


_CONV = {1: (F.conv1d, F.conv_transpose1d), 2: (F.conv2d, F.conv_transpose2d), 3: (F.conv3d, F.conv_transpose3d)}


@_argcheck.checked("convolution", "input:Tensor weight:Tensor bias:Tensor? transposed:bool groups:int")
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    r"""The 1-, 2- or 3-D convolution, or transposed convolution, that ``weight``'s rank asks for.

    ``torch.convolution``: every argument is given (no defaults).

    Example::

        >>> x, w = rtorch.ones(1, 1, 3, 3), rtorch.ones(1, 1, 2, 2)
        >>> rtorch.convolution(x, w, None, [1, 1], [0, 0], [1, 1], True, [0, 0], 1).shape
        rtorch.Size([1, 1, 4, 4])
    """
    dims = weight.dim() - 2
    if dims not in _CONV or input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"convolution: expected a 3-D, 4-D or 5-D weight and an input of matching rank, got "
                           f"input of shape {list(input.shape)} and weight of shape {list(weight.shape)}")
    conv, conv_transpose = _CONV[dims]
    if transposed:
        return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return conv(input, weight, bias, stride, padding, dilation, groups)


__all__ = _SAME + ["max_pool1d_with_indices", "convolution", "grid_sampler", "adaptive_max_pool1d", "dropout", "dropout_", "feature_dropout", "feature_dropout_", "alpha_dropout", "alpha_dropout_",
                   "feature_alpha_dropout", "feature_alpha_dropout_", "batch_norm", "instance_norm", "layer_norm",
                   "group_norm", "embedding", "kl_div", "binary_cross_entropy_with_logits", "margin_ranking_loss",
                   "hinge_embedding_loss", "triplet_margin_loss", "cosine_embedding_loss", "poisson_nll_loss", "ctc_loss"]
del _name
