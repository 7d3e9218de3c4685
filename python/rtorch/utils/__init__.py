"""rtorch.utils: data loading (rtorch.utils.data) and DLPack exchange (rtorch.utils.dlpack)."""
from rtorch.utils import data, dlpack

__all__ = ["data", "dlpack"]
