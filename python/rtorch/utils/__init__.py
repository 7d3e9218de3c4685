"""rtorch.utils: data loading (rtorch.utils.data), DLPack exchange (rtorch.utils.dlpack), activation checkpointing."""
from rtorch.utils import data, dlpack, checkpoint

__all__ = ["data", "dlpack", "checkpoint"]
