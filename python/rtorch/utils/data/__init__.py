"""rtorch.utils.data: datasets (``dataset``), samplers (``sampler``), collation and the
DataLoader (``dataloader``), as in ``torch.utils.data``."""
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
from ._utils import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .distributed import DistributedSampler

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler",
    "default_collate", "default_convert", "DataLoader", "get_worker_info", "DistributedSampler",
]
