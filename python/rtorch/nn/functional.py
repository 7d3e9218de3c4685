"""nn.functional: stateless layer, activation and loss functions built from differentiable tensor ops.

The public module: each function lives in rtorch.nn._functional.<family> (activation, attention, conv, dropout,
loss, norm, pooling, sampling, ...); this module re-exports them, checks their argument types in PyTorch's
words (the spec tables below) and names them ``rtorch.nn.functional.<name>``."""
from rtorch import _argcheck
from rtorch.nn._functional import (
    activation as _activation, attention as _attention, conv as _conv, ctc as _ctc, distance as _distance,
    dropout as _dropout, embedding as _embedding, embedding_bag as _embedding_bag, fractional as _fractional,
    linear as _linear, loss as _loss, norm as _norm, padding as _padding, pooling as _pooling, sampling as _sampling,
    shuffle as _shuffle)
# Private helpers that rtorch.nn.modules, rtorch._nn_aliases and rtorch._ops.embedding reach through this module.
from rtorch.nn._functional._util import _get_reduction  # noqa: F401
from rtorch.nn._functional.conv import _ntuple  # noqa: F401
from rtorch.nn._functional.dropout import _dropout_impl  # noqa: F401
from rtorch.nn._functional.embedding import _embedding_renorm_  # noqa: F401

__all__ = []
for _family in (_activation, _attention, _conv, _ctc, _distance, _dropout, _embedding, _embedding_bag,
                _fractional, _linear, _loss, _norm, _padding, _pooling, _sampling, _shuffle):
    for _name in _family.__all__:
        globals()[_name] = getattr(_family, _name)
    __all__ += list(_family.__all__)
del _family, _name


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


# ------------------------------------------- argument checks of the families added in session 3 (nnfunc)
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
_argcheck.check_all(globals(), _FAMILY_SPECS)




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

# The functions keep PyTorch's module name (reprs, pickling by reference, `help`), wherever their family module is.
for _name in __all__:
    if getattr(globals()[_name], "__module__", "").startswith("rtorch.nn._functional"):
        globals()[_name].__module__ = __name__
del _name
