"""utils.data: Dataset, TensorDataset, Subset, random_split, samplers, default_collate and DataLoader."""
import bisect
import collections.abc
import itertools
import math
import re
import warnings

import numpy as np

import rtorch

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler",
    "default_collate", "default_convert", "DataLoader", "get_worker_info",
]


# -------------------------------------------------------------------- datasets
class Dataset:
    r"""An abstract map-style dataset: subclasses implement ``__getitem__`` (and usually ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    r"""An abstract iterable-style dataset: subclasses implement ``__iter__``."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")


class TensorDataset(Dataset):
    r"""Dataset wrapping tensors; sample ``i`` is ``tuple(t[i] for t in tensors)``."""

    def __init__(self, *tensors):
        if any(tensors[0].shape[0] != t.shape[0] for t in tensors):
            raise ValueError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    r"""Dataset made by concatenating several map-style datasets."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        d = bisect.bisect_right(self.cumulative_sizes, idx)
        offset = idx if d == 0 else idx - self.cumulative_sizes[d - 1]
        return self.datasets[d][offset]


class Subset(Dataset):
    r"""Subset of a dataset at the given ``indices``."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    r"""Randomly split ``dataset`` into non-overlapping Subsets of the given ``lengths``.

    ``lengths`` may be integers summing to ``len(dataset)`` or fractions summing to 1
    (remainders are handed out round-robin, as PyTorch does).
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _randperm(n, generator).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return out


def _randperm(n, generator):
    if generator is None:
        return rtorch.randperm(n)
    return rtorch.randperm(n, generator=generator)


# -------------------------------------------------------------------- samplers
class Sampler:
    r"""Base class for samplers: iterables over dataset indices."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    r"""Yield ``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    r"""Yield a random permutation of the indices (or ``num_samples`` draws with ``replacement``).

    With ``generator=None`` the global RNG (``rtorch.manual_seed``) drives the order.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        gen = {} if self.generator is None else {"generator": self.generator}
        if self.replacement:
            yield from rtorch.randint(0, n, (self.num_samples,), dtype=rtorch.int64, **gen).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from _randperm(n, self.generator).tolist()
        if self.num_samples % n:
            yield from _randperm(n, self.generator).tolist()[: self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    r"""Yield the given ``indices`` in a random order."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _randperm(len(self.indices), self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler):
    r"""Wrap a sampler to yield lists of ``batch_size`` indices (the last one short unless ``drop_last``)."""

    def __init__(self, sampler, batch_size, drop_last):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


# ------------------------------------------------------------------- collation
_np_str_obj_array_pattern = re.compile(r"[SaUO]")

_COLLATE_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _from_numpy(a):
    # np.ascontiguousarray makes a 0-d array 1-d, so only non-contiguous arrays go through it.
    a = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    return rtorch.from_numpy(a) if hasattr(rtorch, "from_numpy") else rtorch.tensor(a)


def _map_nested(data, leaf):
    """``leaf(data)``, or where that is ``NotImplemented``, the same applied inside mappings,
    namedtuples and sequences, keeping their types (plain tuples become lists, as in PyTorch)."""
    out = leaf(data)
    if out is not NotImplemented:
        return out
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: _map_nested(v, leaf) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(_map_nested(d, leaf) for d in data))
    if isinstance(data, tuple):
        return [_map_nested(d, leaf) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [_map_nested(d, leaf) for d in data])
    return data


def _convert_leaf(data):
    if isinstance(data, rtorch.Tensor):
        return data
    if isinstance(data, np.ndarray) and _np_str_obj_array_pattern.search(data.dtype.str) is None:
        return _from_numpy(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return _from_numpy(np.array(data))
    return NotImplemented


def default_convert(data):
    r"""Convert numpy arrays inside ``data`` to tensors, keeping the structure (used when batching is off)."""
    return _map_nested(data, _convert_leaf)


def _pin_leaf(data):
    if isinstance(data, rtorch.Tensor):
        return data.pin_memory()
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, (collections.abc.Mapping, collections.abc.Sequence)):
        return NotImplemented
    return data.pin_memory() if hasattr(data, "pin_memory") else data


def _pin_memory(data):
    r"""Copy every tensor inside ``data`` (nested mappings, namedtuples, sequences) to pinned host
    memory, keeping the structure; objects with a ``pin_memory()`` method are pinned by it.
    Used by ``DataLoader(pin_memory=True)``; needs CUDA."""
    return _map_nested(data, _pin_leaf)


def _rebuild(original, converted):
    """Return ``converted`` in the container type of ``original`` when that type allows it."""
    if type(original) in (dict, list):
        return converted
    try:
        return type(original)(converted)
    except TypeError:
        return converted


def default_collate(batch):
    r"""Stack a list of samples into a batch, as PyTorch does.

    Tensors and numpy arrays are stacked along a new first dimension; Python floats become a
    float64 tensor and ints an int64 tensor; strings are kept in a list; mappings, namedtuples and
    sequences are collated field by field (tuples come back as lists).
    """
    elem = batch[0]
    if isinstance(elem, rtorch.Tensor):
        return rtorch.stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
            raise TypeError(_COLLATE_ERR.format(elem.dtype))
        return default_collate([_from_numpy(b) for b in batch])
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return _from_numpy(np.array(batch))
    if isinstance(elem, bool):
        return rtorch.tensor(list(batch), dtype=rtorch.bool)
    if isinstance(elem, float):
        return rtorch.tensor(list(batch), dtype=rtorch.float64)
    if isinstance(elem, int):
        return rtorch.tensor(list(batch), dtype=rtorch.int64)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(list(s)) for s in zip(*batch)]
        return transposed if isinstance(elem, tuple) else _rebuild(elem, transposed)
    raise TypeError(_COLLATE_ERR.format(type(elem)))


def get_worker_info():
    r"""Return ``None``: rtorch's DataLoader always loads in the main process."""
    return None


# ------------------------------------------------------------------ DataLoader
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
