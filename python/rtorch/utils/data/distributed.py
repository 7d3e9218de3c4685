"""DistributedSampler: each rank of a data-parallel job visits its own share of a dataset."""
import math

import rtorch

from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    r"""Restrict data loading to the share of the dataset that belongs to one rank.

    Every rank sees the same (seeded) permutation of the indices and takes every
    ``num_replicas``-th index from its rank on, so the ranks' shares are disjoint and together
    cover the dataset. Without ``drop_last`` the index list is padded by repeating its start until
    it divides evenly (every rank gets ``ceil(len / num_replicas)`` samples, some seen twice);
    with ``drop_last`` the tail is dropped instead.

    Args:
        dataset: a dataset with ``__len__``.
        num_replicas (int, optional): number of ranks (default: ``dist.get_world_size()``).
        rank (int, optional): this rank (default: ``dist.get_rank()``).
        shuffle (bool): shuffle the indices (the same way on every rank). Default True.
        seed (int): seed of the shuffle; must be the same on every rank. Default 0.
        drop_last (bool): drop the tail instead of padding. Default False.

    Call :meth:`set_epoch` at the start of every epoch, before creating the DataLoader iterator:
    otherwise every epoch uses the same order.

    Example::

        >>> sampler = DistributedSampler(dataset, shuffle=True, seed=0)
        >>> loader = DataLoader(dataset, batch_size=64, sampler=sampler)
        >>> for epoch in range(epochs):
        ...     sampler.set_epoch(epoch)
        ...     for x, y in loader:
        ...         train_step(x, y)
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            import rtorch.distributed as dist

            if not dist.is_initialized():
                raise ValueError("Default process group has not been initialized, please make sure to call "
                                 "init_process_group (or pass num_replicas and rank).")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if not isinstance(num_replicas, int) or isinstance(num_replicas, bool) or num_replicas < 1:
            raise ValueError(f"num_replicas should be a positive integer, but got num_replicas={num_replicas}")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if self.drop_last and n % self.num_replicas != 0:
            # Drop the tail so that every rank gets the same number of samples.
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = rtorch.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = rtorch.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        r"""Set the epoch: with ``shuffle=True`` it seeds this epoch's order (``seed + epoch``)."""
        self.epoch = epoch
