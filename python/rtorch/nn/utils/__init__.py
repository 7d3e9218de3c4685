"""nn.utils: gradient clipping, parameters to and from one vector, variable-length sequences (``rnn``), weight
and spectral normalization, parametrizations and batch-norm fusion."""
from rtorch.nn.utils import rnn
from rtorch.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_, get_total_norm
from rtorch.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from rtorch.nn.utils import parametrize, parametrizations
from rtorch.nn.utils.fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, \
    fuse_linear_bn_weights
from rtorch.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm
from rtorch.nn.utils.weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "parameters_to_vector",
           "vector_to_parameters", "rnn", "parametrize", "parametrizations", "fuse_conv_bn_eval",
           "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "spectral_norm",
           "remove_spectral_norm", "weight_norm", "remove_weight_norm"]
