"""The DataLoader's worker processes: the loop each worker runs, its seeding, and
get_worker_info() (the worker's id, count, seed and dataset copy)."""
import os
import pickle
import queue
import random
from multiprocessing.reduction import ForkingPickler
from dataclasses import dataclass

import rtorch
from rtorch._utils import ExceptionWrapper

from . import HAS_NUMPY, MP_STATUS_CHECK_INTERVAL

__all__ = ["WorkerInfo", "get_worker_info"]


class ManagerWatchdog:
    """Tells a worker whether the process that started it is still alive (its parent changes
    when it dies), so that orphaned workers exit instead of waiting forever."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Information about the current DataLoader worker process.

    Attributes:
        id: the worker's id, ``0`` to ``num_workers - 1``.
        num_workers: the total number of workers.
        seed: the random seed set for this worker (base seed + id).
        dataset: this process's copy of the dataset.
        rng: per-thread RNG state (``None`` for process workers).
        worker_method: ``"multiprocessing"``.
    """

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    r"""Returns the :class:`WorkerInfo` of the current DataLoader worker process (``None`` in the main process).

    Use it in ``worker_init_fn`` or in an ``IterableDataset``'s ``__iter__`` to give each worker
    its own shard, or ``seed`` to seed other libraries.

    Example:
        >>> class Shards(rtorch.utils.data.IterableDataset):
        ...     def __iter__(self):
        ...         info = rtorch.utils.data.get_worker_info()
        ...         start = 0 if info is None else info.id
        ...         step = 1 if info is None else info.num_workers
        ...         return iter(range(start, 100, step))
    """
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Sent by a worker whose IterableDataset copy is exhausted."""

    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at the start of a new epoch."""

    seed: object = None


def _generate_state(base_seed, worker_id):
    """NumPy's seed for a worker: the four 32-bit words PyTorch derives from (base seed, worker
    id) with NumPy's SeedSequence hashing, so that workers get uncorrelated streams."""
    INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
    INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
    MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
    XSHIFT = 4 * 8 // 2
    MASK32 = 0xFFFFFFFF

    entropy = [worker_id, base_seed & MASK32, base_seed >> 32, 0]
    pool = [0] * 4
    hash_const_A = INIT_A

    def hash(value):
        nonlocal hash_const_A
        value = (value ^ hash_const_A) & MASK32
        hash_const_A = (hash_const_A * MULT_A) & MASK32
        value = (value * hash_const_A) & MASK32
        return (value ^ (value >> XSHIFT)) & MASK32

    def mix(x, y):
        result = ((MIX_MULT_L * x) & MASK32) - ((MIX_MULT_R * y) & MASK32)
        result &= MASK32
        return (result ^ (result >> XSHIFT)) & MASK32

    for i in range(len(pool)):
        pool[i] = hash(entropy[i])
    for i_src in range(len(pool)):
        for i_dst in range(len(pool)):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash(pool[i_src]))

    hash_const_B = INIT_B
    state = []
    for i_dst in range(4):
        data_val = (pool[i_dst] ^ hash_const_B) & MASK32
        hash_const_B = (hash_const_B * MULT_B) & MASK32
        data_val = (data_val * hash_const_B) & MASK32
        state.append((data_val ^ (data_val >> XSHIFT)) & MASK32)
    return state


def _seed_worker(base_seed, worker_id):
    """Seed Python's, rtorch's and NumPy's global RNGs for a worker, as PyTorch does."""
    seed = base_seed + worker_id
    random.seed(seed)
    # manual_seed takes the seed's 64 bits; past 2**63 they are passed as the signed value.
    rtorch.manual_seed(seed - (1 << 64) if seed >= 1 << 63 else seed)
    if HAS_NUMPY:
        import numpy as np

        np.random.seed(_generate_state(base_seed, worker_id))
    return seed


class _Pickled:
    """A result pickled by the worker itself: an unpicklable batch or exception then reaches
    the main process as an error (the queue's feeder thread would drop it, and the main process
    would wait forever). Unpickling it yields the original object."""

    __slots__ = ("payload",)

    def __init__(self, payload):
        self.payload = payload

    def __reduce__(self):
        return (pickle.loads, (self.payload,))

    @staticmethod
    def of(data, worker_id):
        try:
            return _Pickled(bytes(ForkingPickler.dumps(data)))
        except Exception:
            if isinstance(data, ExceptionWrapper):
                # The exception's class cannot travel (e.g. defined in a function): keep its text.
                data.exc_type = RuntimeError
                data.exc_msg = data.exc_msg.rstrip("\n") + "\n(the exception type could not be pickled)\n"
                return data
            return ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                 persistent_workers):
    # Runs in the worker process: fetch what the main process asks for, in the order asked,
    # and send back (task index, batch) or (task index, ExceptionWrapper).
    from .fetch import _DatasetKind

    def fetcher():
        return _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)

    global _worker_info
    try:
        # One thread per worker: N workers each running a full pool would oversubscribe.
        rtorch.set_num_threads(1)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            dataset_fetcher = fetcher()
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        # iteration_end: an IterableDataset copy ran out; later requests are ignored until the
        # main process resumes (persistent workers) or says stop.
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if done_event.is_set():
                    break  # shut down, and the stop request was lost
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                dataset_fetcher = fetcher()
                continue
            if r is None:
                break  # the main process is shutting this worker down
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = dataset_fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, _Pickled.of(data, worker_id)))
            del data, idx, index, r  # a batch in shared memory is freed once the main process has it
    except KeyboardInterrupt:
        pass  # the main process gets the interrupt too and shuts the workers down
    finally:
        _worker_info = None
    if done_event.is_set():
        # Nobody reads any more: do not block exiting on flushing the queue.
        data_queue.cancel_join_thread()
        data_queue.close()

