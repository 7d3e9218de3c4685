"""nn.modules: the layer classes, re-exported by rtorch.nn."""
from rtorch.nn.modules.module import Module
from rtorch.nn.modules.linear import Identity, Linear
from rtorch.nn.modules.conv import Conv1d, Conv2d
from rtorch.nn.modules.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from rtorch.nn.modules.flatten import Flatten, Unflatten
from rtorch.nn.modules.container import ModuleDict, ModuleList, Sequential
from rtorch.nn.modules.parameter_containers import ParameterDict, ParameterList
from rtorch.nn.modules.activation import (
    ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, ReLU, ReLU6, SiLU, Sigmoid, Softmax,
    Softmin, Softplus, Softsign, Tanh,
)
from rtorch.nn.modules.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from rtorch.nn.modules.sparse import Embedding
from rtorch.nn.modules.rnn import GRU, GRUCell, LSTM, LSTMCell, RNN, RNNBase, RNNCell, RNNCellBase
from rtorch.nn.modules.normalization import LayerNorm
from rtorch.nn.modules.loss import (
    BCELoss, BCEWithLogitsLoss, KLDivLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss,
    SmoothL1Loss,
)
from rtorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from rtorch.nn.modules.normalization import GroupNorm, RMSNorm
from rtorch.nn.modules.activation import MultiheadAttention
from rtorch.nn.modules.transformer import (
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
)
from rtorch.nn.modules.upsampling import Upsample
from rtorch.nn.modules.linear import Bilinear
from rtorch.nn.modules.conv import ConvTranspose2d
from rtorch.nn.modules.pooling import AvgPool1d, MaxPool1d

__all__ = [
    "Module", "Identity", "Linear", "Flatten", "Unflatten", "Sequential", "ModuleList",
    "ModuleDict", "ReLU", "ReLU6", "Hardtanh", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid",
    "Softmax", "Softmin", "LogSoftmax", "LeakyReLU", "ELU", "Softplus", "Softsign", "Dropout",
    "Embedding", "LayerNorm", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss", "SmoothL1Loss", "HuberLoss", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d",
]
__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
__all__ += ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "RMSNorm", "MultiheadAttention", "TransformerEncoderLayer",
            "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder", "Transformer",
            "Upsample", "Bilinear", "ConvTranspose2d", "MaxPool1d", "AvgPool1d"]
__all__ += ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]
__all__ += ["ParameterList", "ParameterDict"]

# --- nnfunc (session 3): modules of the functional families in rtorch.nn._functional
from rtorch.nn.modules.activation import (  # noqa: E402
    CELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, LogSigmoid, PReLU, RReLU, Softmax2d, Softshrink,
    Tanhshrink, Threshold,
)
from rtorch.nn.modules.loss import (  # noqa: E402
    CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, MarginRankingLoss, MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss,
    TripletMarginWithDistanceLoss, CTCLoss,
)
from rtorch.nn.modules import padding as _padding  # noqa: E402
from rtorch.nn.modules.padding import *  # noqa: E402,F401,F403
from rtorch.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: E402
from rtorch.nn.modules.pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle  # noqa: E402
from rtorch.nn.modules.fold import Fold, Unfold  # noqa: E402
from rtorch.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d  # noqa: E402
from rtorch.nn.modules.normalization import CrossMapLRN2d, LocalResponseNorm  # noqa: E402
from rtorch.nn.modules.batchnorm import BatchNorm3d, SyncBatchNorm  # noqa: E402
from rtorch.nn.modules.upsampling import UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: E402
from rtorch.nn.modules.conv import Conv3d, ConvTranspose1d, ConvTranspose3d  # noqa: E402
from rtorch.nn.modules.sparse import EmbeddingBag  # noqa: E402
from rtorch.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402
from rtorch.nn.modules.container import Container  # noqa: E402
from rtorch.nn.modules.loss import LinearCrossEntropyLoss, NLLLoss2d  # noqa: E402
from rtorch.nn.modules import lazy as _lazy  # noqa: E402
from rtorch.nn.modules.lazy import *  # noqa: E402,F401,F403
from rtorch.nn.modules.pooling import (  # noqa: E402
    AdaptiveAvgPool1d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, AvgPool3d,
    LPPool1d, LPPool2d, LPPool3d, MaxPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, FractionalMaxPool2d,
    FractionalMaxPool3d,
)

__all__ += ["CELU", "GLU", "SELU", "Hardshrink", "Hardsigmoid", "Hardswish", "LogSigmoid", "PReLU", "RReLU",
            "Softmax2d", "Softshrink", "Tanhshrink", "Threshold",
            "CosineEmbeddingLoss", "GaussianNLLLoss", "HingeEmbeddingLoss", "MarginRankingLoss",
            "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "PoissonNLLLoss", "SoftMarginLoss",
            "TripletMarginLoss", "TripletMarginWithDistanceLoss",
            "CosineSimilarity", "PairwiseDistance", "ChannelShuffle", "PixelShuffle", "PixelUnshuffle", "Fold",
            "Unfold", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm", "BatchNorm3d",
            "SyncBatchNorm", "UpsamplingBilinear2d", "UpsamplingNearest2d",
            "AdaptiveAvgPool1d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
            "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d",
            "MaxUnpool3d", "Conv3d", "ConvTranspose1d", "ConvTranspose3d", "EmbeddingBag", "CTCLoss",
            "AdaptiveLogSoftmaxWithLoss", "FractionalMaxPool2d", "FractionalMaxPool3d", "Container", "NLLLoss2d", "CrossMapLRN2d", "LinearCrossEntropyLoss"] + list(_padding.__all__) + \
    [n for n in _lazy.__all__ if n != "LazyModuleMixin"]
# --- end nnfunc

# Constructor argument checks (PyTorch's wording: "Linear(): argument 'in_features' (position 1) must be int,
# not str"), so a wrong type fails at construction instead of deep inside forward.
_LOSS = "size_average:bool? reduce:bool? reduction:str"
_POOL = "kernel_size:ints stride:ints? padding:ints ceil_mode:bool"
_CONV = "in_channels:int out_channels:int kernel_size:ints stride:ints dilation:ints groups:int bias:bool " \
        "padding_mode:str dtype:dtype?"
_TRANSFORMER_LAYER = "d_model:int nhead:int dim_feedforward:int dropout:float activation:str|callable " \
                     "layer_norm_eps:float batch_first:bool norm_first:bool bias:bool dtype:dtype?"
_CTOR_SPECS = {
    "Linear": "in_features:int out_features:int bias:bool dtype:dtype?",
    "Bilinear": "in1_features:int in2_features:int out_features:int bias:bool dtype:dtype?",
    "Conv1d": _CONV + " padding:ints|str", "Conv2d": _CONV + " padding:ints|str",
    "ConvTranspose2d": _CONV + " padding:ints output_padding:ints",
    "MaxPool1d": _POOL + " dilation:ints return_indices:bool", "MaxPool2d": _POOL + " dilation:ints return_indices:bool",
    "AvgPool1d": _POOL + " count_include_pad:bool",
    "AvgPool2d": _POOL + " count_include_pad:bool divisor_override:int?",
    "AdaptiveAvgPool2d": "output_size:optints",
    "Flatten": "start_dim:int end_dim:int",
    "Dropout": "p:float inplace:bool", "Dropout1d": "p:float inplace:bool", "Dropout2d": "p:float inplace:bool",
    "Dropout3d": "p:float inplace:bool", "AlphaDropout": "p:float inplace:bool",
    "FeatureAlphaDropout": "p:float inplace:bool",
    "ReLU": "inplace:bool", "ReLU6": "inplace:bool", "SiLU": "inplace:bool", "Mish": "inplace:bool",
    "ELU": "alpha:float inplace:bool", "GELU": "approximate:str", "LeakyReLU": "negative_slope:float inplace:bool",
    "Hardtanh": "min_val:float max_val:float inplace:bool", "Softplus": "beta:Number threshold:Number",
    "Softmax": "dim:int?", "Softmin": "dim:int?", "LogSoftmax": "dim:int?",
    "Embedding": "num_embeddings:int embedding_dim:int padding_idx:int? max_norm:float? norm_type:float "
                 "scale_grad_by_freq:bool sparse:bool _weight:Tensor? dtype:dtype?",
    "LayerNorm": "normalized_shape:ints eps:float elementwise_affine:bool bias:bool dtype:dtype?",
    "RMSNorm": "normalized_shape:ints eps:float? elementwise_affine:bool dtype:dtype?",
    "GroupNorm": "num_groups:int num_channels:int eps:float affine:bool dtype:dtype?",
    "BatchNorm1d": "num_features:int eps:float momentum:float? affine:bool track_running_stats:bool dtype:dtype?",
    "BatchNorm2d": "num_features:int eps:float momentum:float? affine:bool track_running_stats:bool dtype:dtype?",
    "MSELoss": _LOSS, "L1Loss": _LOSS, "BCELoss": _LOSS + " weight:Tensor?",
    "BCEWithLogitsLoss": _LOSS + " weight:Tensor? pos_weight:Tensor?",
    "CrossEntropyLoss": _LOSS + " weight:Tensor? ignore_index:int label_smoothing:float",
    "NLLLoss": _LOSS + " weight:Tensor? ignore_index:int", "KLDivLoss": _LOSS + " log_target:bool",
    "SmoothL1Loss": _LOSS + " beta:float", "HuberLoss": "reduction:str delta:float",
    "RNNBase": "mode:str input_size:int hidden_size:int num_layers:int bias:bool batch_first:bool dropout:float "
               "bidirectional:bool proj_size:int dtype:dtype?",
    "RNNCell": "input_size:int hidden_size:int bias:bool nonlinearity:str dtype:dtype?",
    "LSTMCell": "input_size:int hidden_size:int bias:bool dtype:dtype?",
    "GRUCell": "input_size:int hidden_size:int bias:bool dtype:dtype?",
    "MultiheadAttention": "embed_dim:int num_heads:int dropout:float bias:bool add_bias_kv:bool add_zero_attn:bool "
                          "kdim:int? vdim:int? batch_first:bool dtype:dtype?",
    "TransformerEncoderLayer": _TRANSFORMER_LAYER, "TransformerDecoderLayer": _TRANSFORMER_LAYER,
    "Transformer": "d_model:int nhead:int num_encoder_layers:int num_decoder_layers:int dim_feedforward:int "
                   "dropout:float activation:str|callable custom_encoder:module? custom_decoder:module? "
                   "layer_norm_eps:float batch_first:bool norm_first:bool bias:bool dtype:dtype?",
    "TransformerEncoder": "encoder_layer:module num_layers:int norm:module? enable_nested_tensor:bool "
                          "mask_check:bool",
    "TransformerDecoder": "decoder_layer:module num_layers:int norm:module?",
    "Upsample": "size:ints? scale_factor:floats? mode:str align_corners:bool? recompute_scale_factor:bool?",
    # --- nnfunc (session 3)
    "CELU": "alpha:float inplace:bool", "SELU": "inplace:bool", "GLU": "dim:int", "Hardshrink": "lambd:float",
    "Softshrink": "lambd:float", "Hardswish": "inplace:bool", "Hardsigmoid": "inplace:bool",
    "Threshold": "threshold:float value:float inplace:bool", "RReLU": "lower:float upper:float inplace:bool",
    "PReLU": "num_parameters:int init:float dtype:dtype?",
    "CosineEmbeddingLoss": "margin:float " + _LOSS, "HingeEmbeddingLoss": "margin:float " + _LOSS,
    "MarginRankingLoss": "margin:float " + _LOSS, "SoftMarginLoss": _LOSS,
    "MultiLabelSoftMarginLoss": "weight:Tensor? " + _LOSS, "MultiLabelMarginLoss": _LOSS,
    "MultiMarginLoss": "p:int margin:float weight:Tensor? " + _LOSS,
    "TripletMarginLoss": "margin:float p:float eps:float swap:bool " + _LOSS,
    "TripletMarginWithDistanceLoss": "distance_function:callable? margin:float swap:bool reduction:str",
    "PoissonNLLLoss": "log_input:bool full:bool eps:float " + _LOSS,
    "GaussianNLLLoss": "full:bool eps:float reduction:str",
    "CTCLoss": "blank:int reduction:str zero_infinity:bool",
    "PairwiseDistance": "p:float eps:float keepdim:bool", "CosineSimilarity": "dim:int eps:float",
    "PixelShuffle": "upscale_factor:int", "PixelUnshuffle": "downscale_factor:int", "ChannelShuffle": "groups:int",
    "Fold": "output_size:ints kernel_size:ints dilation:ints padding:ints stride:ints",
    "Unfold": "kernel_size:ints dilation:ints padding:ints stride:ints",
    **{f"InstanceNorm{d}d": "num_features:int eps:float momentum:float? affine:bool track_running_stats:bool "
                            "dtype:dtype? bias:bool" for d in (1, 2, 3)},
    "LocalResponseNorm": "size:int alpha:float beta:float k:float",
    "CrossMapLRN2d": "size:int alpha:float beta:float k:float",
    "LinearCrossEntropyLoss": "in_features:int num_classes:int bias:bool dtype:dtype? reduction:str weight:Tensor? "
                              "ignore_index:int? label_smoothing:float",
    "BatchNorm3d": "num_features:int eps:float momentum:float? affine:bool track_running_stats:bool dtype:dtype? "
                   "bias:bool",
    "SyncBatchNorm": "num_features:int eps:float momentum:float? affine:bool track_running_stats:bool dtype:dtype? "
                     "bias:bool",
    "UpsamplingNearest2d": "size:ints? scale_factor:floats?",
    "AdaptiveLogSoftmaxWithLoss": "in_features:int n_classes:int cutoffs:intseq div_value:float head_bias:bool "
                                  "dtype:dtype?",
    **{f"{kind}Pad{d}d": "padding:ints" for kind in ("Zero", "Reflection", "Replication", "Circular")
       for d in (1, 2, 3)},
    **{f"ConstantPad{d}d": "padding:ints value:float" for d in (1, 2, 3)},
    "LazyLinear": "out_features:int bias:bool dtype:dtype?",
    **{f"LazyConv{d}d": "out_channels:int kernel_size:ints stride:ints padding:ints|str dilation:ints groups:int "
                        "bias:bool padding_mode:str dtype:dtype?" for d in (1, 2, 3)},
    **{f"LazyConvTranspose{d}d": "out_channels:int kernel_size:ints stride:ints padding:ints output_padding:ints "
                                 "groups:int bias:bool dilation:ints padding_mode:str dtype:dtype?" for d in (1, 2, 3)},
    **{f"Lazy{k}Norm{d}d": "eps:float momentum:float? affine:bool track_running_stats:bool dtype:dtype? bias:bool"
       for k in ("Batch", "Instance") for d in (1, 2, 3)},
    "MaxPool3d": _POOL + " dilation:ints return_indices:bool",
    "Conv3d": _CONV + " padding:ints|str",
    "EmbeddingBag": "num_embeddings:int embedding_dim:int max_norm:float? norm_type:float scale_grad_by_freq:bool "
                    "mode:str sparse:bool _weight:Tensor? include_last_offset:bool padding_idx:int? dtype:dtype?",
    "ConvTranspose1d": _CONV + " padding:ints output_padding:ints",
    "ConvTranspose3d": _CONV + " padding:ints output_padding:ints",
    "AvgPool3d": _POOL + " count_include_pad:bool divisor_override:int?",
    **{f"AdaptiveMaxPool{d}d": "output_size:optints return_indices:bool" for d in (1, 2, 3)},
    "AdaptiveAvgPool1d": "output_size:optints", "AdaptiveAvgPool3d": "output_size:optints",
    **{f"LPPool{d}d": "norm_type:float kernel_size:ints stride:ints? ceil_mode:bool" for d in (1, 2, 3)},
    **{f"MaxUnpool{d}d": "kernel_size:ints stride:ints? padding:ints" for d in (1, 2, 3)}, "UpsamplingBilinear2d": "size:ints? scale_factor:floats?",
}


def _check_constructors():
    from rtorch._argcheck import check_init

    for name, spec in _CTOR_SPECS.items():
        check_init(globals()[name], spec)


_check_constructors()
del _LOSS, _POOL, _CONV, _TRANSFORMER_LAYER
