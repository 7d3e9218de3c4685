"""rtorch.utils.dlpack: PyTorch's names for DLPack exchange (zero-copy, CPU and CUDA)."""
from rtorch._rtorch import Tensor, from_dlpack

__all__ = ["from_dlpack", "to_dlpack"]


def to_dlpack(tensor: Tensor):
    """A legacy DLPack capsule ("dltensor") sharing `tensor`'s memory; consume it once."""
    return tensor.__dlpack__()
