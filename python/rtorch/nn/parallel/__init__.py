"""rtorch.nn.parallel: DistributedDataParallel (data parallelism over rtorch.distributed) and DataParallel."""
from .distributed import DistributedDataParallel
from .data_parallel import DataParallel, data_parallel

__all__ = ["DistributedDataParallel", "DataParallel", "data_parallel"]
