"""nn.utils: gradient clipping, parameters to and from one vector, and variable-length sequences (``rnn``)."""
from rtorch.nn.utils import rnn
from rtorch.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_, get_total_norm
from rtorch.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "parameters_to_vector",
           "vector_to_parameters", "rnn"]
