"""rtorch.nn.parallel: DistributedDataParallel (data parallelism over rtorch.distributed)."""
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
