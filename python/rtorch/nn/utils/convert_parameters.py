"""nn.utils.convert_parameters: flattening parameters to one vector and copying a vector back into them."""
import rtorch

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    r"""Flatten an iterable of parameters into one 1-D tensor."""
    return rtorch.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    r"""Copy slices of the 1-D tensor ``vec`` into ``parameters`` (in place)."""
    if not isinstance(vec, rtorch.Tensor):
        raise TypeError(f"expected rtorch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    with rtorch.no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[pointer:pointer + n].reshape(tuple(p.shape)))
            pointer += n
