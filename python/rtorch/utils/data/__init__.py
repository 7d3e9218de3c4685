"""rtorch.utils.data: datasets (``dataset``), samplers (``sampler``), collation and the
DataLoader (``dataloader``), as in ``torch.utils.data``."""
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from ._utils import default_collate, default_convert
from .dataloader import DataLoader, _DatasetKind, get_worker_info  # noqa: F401
from .distributed import DistributedSampler

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset", "Subset",
    "random_split", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
    "default_collate", "default_convert", "DataLoader", "get_worker_info", "DistributedSampler",
]
