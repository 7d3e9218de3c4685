"""nn.utils: gradient clipping, parameters to and from one vector, variable-length sequences (``rnn``), weight
and spectral normalization, parametrizations and batch-norm fusion."""
from rtorch.nn.utils import rnn
from rtorch.nn.utils.clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, \
    get_total_norm
from rtorch.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from rtorch.nn.utils import parametrize, parametrizations, stateless
from rtorch.nn.utils.fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, \
    fuse_linear_bn_weights
from rtorch.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm
from rtorch.nn.utils.weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "parameters_to_vector",
           "vector_to_parameters", "rnn", "parametrize", "stateless", "parametrizations", "fuse_conv_bn_eval",
           "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "spectral_norm",
           "remove_spectral_norm", "weight_norm", "remove_weight_norm", "clip_grad_norm", "clip_grads_with_norm_",
           "skip_init"]


def skip_init(module_cls, *args, **kwargs):
    r"""Construct ``module_cls(*args, **kwargs)`` whose parameters are to be overwritten by the caller.

    PyTorch builds the module on its meta device and leaves the memory uninitialized; rtorch has no meta device,
    so the parameters hold the default initialization (valid contents for memory the caller overwrites). As in
    PyTorch, ``module_cls`` must accept a ``device`` argument.
    """
    import inspect

    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    return module_cls(*args, **kwargs)
