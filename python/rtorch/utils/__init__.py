"""rtorch.utils: helpers outside the core, currently the data-loading tools in rtorch.utils.data."""
from rtorch.utils import data

__all__ = ["data"]
