"""DataLoader: mini-batches over a dataset, and get_worker_info."""
import itertools
import math
import warnings

import rtorch

from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from ._utils import _pin_memory, default_collate, default_convert

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info():
    r"""Return ``None``: rtorch's DataLoader always loads in the main process."""
    return None


class DataLoader:
    r"""Iterate over a dataset in (optionally shuffled) mini-batches.

    Args:
        dataset: a map-style or iterable-style dataset.
        batch_size: samples per batch; ``None`` turns batching off. Default: 1
        shuffle: reshuffle at every epoch. Default: ``False``
        sampler, batch_sampler: custom index samplers (mutually exclusive with ``shuffle``).
        num_workers: accepted for compatibility; loading always happens in the main process.
        collate_fn: merges a list of samples into a batch. Default: :func:`default_collate`
        pin_memory: copy each batch's tensors to pinned (page-locked) host memory, so that
            ``.to("cuda", non_blocking=True)`` is asynchronous. Without CUDA this warns and does
            nothing. Default: ``False``
        drop_last: drop the last incomplete batch. Default: ``False``
        generator: RNG for the default RandomSampler, making the order reproducible.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)

        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler/batch_sampler option")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __iter__(self):
        if self._iterable:
            batches = self._iter_iterable()
        elif self._auto_collation:
            batches = (self.collate_fn([self.dataset[i] for i in batch]) for batch in self.batch_sampler)
        else:
            batches = (self.collate_fn(self.dataset[i]) for i in self.sampler)
        if self.pin_memory:
            if rtorch.cuda.is_available():
                return (_pin_memory(b) for b in batches)
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.")
        return batches

    def _iter_iterable(self):
        it = iter(self.dataset)
        if self.batch_size is None:
            yield from (self.collate_fn(x) for x in it)
            return
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
            return n
        return len(self.batch_sampler) if self._auto_collation else len(self.sampler)
