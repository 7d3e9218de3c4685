"""DataLoader: mini-batches over a dataset, loaded in the main process or in worker processes
(``num_workers``), and get_worker_info."""
import itertools
import multiprocessing as python_multiprocessing
import os
import queue
import signal
import threading
import time
import warnings
import weakref

import rtorch
import rtorch.multiprocessing

from . import _utils
from ._utils import ExceptionWrapper
from ._utils.collate import _pin_memory, default_collate, default_convert
from ._utils.fetch import _DatasetKind
from ._utils.worker import get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

# How often the main process checks that its workers are alive while it waits for a batch.
_WORKER_CHECK_INTERVAL = 0.5


class _InfiniteConstantSampler(Sampler):
    r"""Yields ``None`` forever: the "indices" of an IterableDataset (its batches are sized by
    a BatchSampler over this)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    r"""Iterates over a dataset in (optionally shuffled) mini-batches.

    Batches are loaded in the main process or in ``num_workers`` worker processes.

    Args:
        dataset: a map-style or iterable-style dataset.
        batch_size: samples per batch; ``None`` turns batching off. Default: 1
        shuffle: reshuffle at every epoch. Default: ``False``
        sampler, batch_sampler: custom index samplers (mutually exclusive with ``shuffle``).
        num_workers: worker processes that load batches; 0 loads in the main process.
            Batches come back in sampler order through shared memory. Default: 0
        collate_fn: merges a list of samples into a batch. Default: :func:`default_collate`
        pin_memory: copy each batch's tensors to pinned (page-locked) host memory, so that
            ``.to("cuda", non_blocking=True)`` is asynchronous. Without CUDA this warns and does
            nothing. Default: ``False``
        drop_last: drop the last incomplete batch. Default: ``False``
        timeout: seconds to wait for a batch from the workers before raising (0: forever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: a start method name (``"fork"``, ``"spawn"``,
            ``"forkserver"``) or a context from ``multiprocessing.get_context``.
        generator: RNG for the default RandomSampler and the workers' base seed.
        prefetch_factor: batches loaded in advance per worker. Default: 2 with workers.
        persistent_workers: keep the workers (and their dataset copies) between epochs.
        in_order: deliver batches in sampler order (``False``: as they are ready).

    Each worker seeds Python's ``random``, rtorch and NumPy's global RNG from a base seed drawn
    from rtorch's RNG (or ``generator``) plus its id; see :func:`get_worker_info`.

    Example:
        >>> ds = rtorch.utils.data.TensorDataset(rtorch.arange(10.0))
        >>> for (x,) in DataLoader(ds, batch_size=4, num_workers=2):
        ...     print(x.shape)
    """

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            else:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        """The multiprocessing context (or start-method name) the worker processes are started with."""
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid_start_methods = rtorch.multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid_start_methods:
                        raise ValueError(
                            "multiprocessing_context option should specify a valid start method in "
                            f"{valid_start_methods!r}, but got multiprocessing_context={multiprocessing_context!r}")
                    multiprocessing_context = rtorch.multiprocessing.get_context(multiprocessing_context)
                if not isinstance(multiprocessing_context, python_multiprocessing.context.BaseContext):
                    raise TypeError("multiprocessing_context option should be a valid context object or a string "
                                    f"specifying the start method, but got multiprocessing_context={multiprocessing_context}")
            else:
                raise ValueError("multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        r"""Warn when ``num_workers`` exceeds the CPUs this process may use."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        max_workers = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        if max_workers is not None and self.num_workers <= max_workers:
            return
        if max_workers is None:
            suggestion = "DataLoader is not able to compute a suggested max number of worker in current system."
        else:
            suggestion = (f"Our suggested max number of worker in current system is {max_workers}"
                          f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, "
                          "which is smaller than what this DataLoader is going to create.")
        warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. {suggestion} "
                      "Please be aware that excessive worker creation might get DataLoader running slow or even freeze, "
                      "lower the worker number to avoid potential slowness/freeze if necessary.", stacklevel=2)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and not rtorch.cuda.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=3)
        self._pin_memory = loader.pin_memory and rtorch.cuda.is_available()
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        gen = {} if loader.generator is None else {"generator": loader.generator}
        self._base_seed = rtorch.randint(0, 2**63 - 1, (), dtype=rtorch.int64, **gen).item()
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {self._IterableDataset_len_called}"
                   f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker.")
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()  # may raise StopIteration
        data = self._dataset_fetcher.fetch(index)  # may raise StopIteration
        return _pin_memory(data) if self._pin_memory else data


def _signal_name(exitcode):
    try:
        return signal.strsignal(-exitcode) or signal.Signals(-exitcode).name
    except ValueError:
        return f"signal {-exitcode}"


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    r"""Loads batches in ``num_workers`` processes.

    Task ``i`` (one batch of indices) goes to worker ``i % num_workers`` through that worker's
    index queue; at most ``prefetch_factor * num_workers`` tasks are outstanding. Results come
    back on one queue (batch tensors are stacked into shared memory in the worker, so only file
    descriptors cross), possibly out of order; early ones wait in ``_task_info`` so that batches
    are yielded in task order. A worker's exception comes back wrapped and is re-raised here.
    While waiting, the iterator checks every ``_WORKER_CHECK_INTERVAL`` seconds that its workers
    are alive. Workers are told to stop (and joined, or terminated) when the iterator ends, is
    deleted, or the program exits.
    """

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        context = loader.multiprocessing_context or rtorch.multiprocessing
        self._worker_init_fn = loader.worker_init_fn
        self._worker_result_queue = context.Queue()
        self._shutdown = False
        self._owner_pid = os.getpid()
        self._workers_done_event = context.Event()
        self._index_queues = []
        self._workers = []
        for i in range(self._num_workers):
            index_queue = context.Queue()
            # A worker that is gone never reads its queue: do not wait to flush it at exit.
            index_queue.cancel_join_thread()
            w = context.Process(
                target=_utils.worker._worker_loop,
                args=(self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                      self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                      self._base_seed, self._worker_init_fn, i, self._num_workers, self._persistent_workers))
            w.daemon = True
            try:
                w.start()
            except BaseException:
                self._index_queues.append(index_queue)
                self._data_queue = self._worker_result_queue
                self._workers_status = [True] * len(self._workers)
                self._shutdown_workers()
                raise
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._data_queue = self._worker_result_queue
        _keep_until_shutdown[id(self)] = (self._workers, self._index_queues, self._worker_result_queue,
                                          self._workers_done_event)
        if self._persistent_workers:
            _register_persistent_workers_atexit(self)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # index of the next task to send
        self._rcvd_idx = 0  # index of the next task to return
        # task index -> (worker id,) while outstanding, (worker id, data) when it came early
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: start a new epoch, skipping what the last one left unread.
            for q in self._index_queues:
                q.put(_utils.worker._ResumeIteration())
            resume_count = self._num_workers
            while resume_count > 0:
                return_idx, _ = self._get_data()
                if isinstance(return_idx, _utils.worker._ResumeIteration):
                    resume_count -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _failed_workers(self):
        failed = []
        for worker_id, w in enumerate(self._workers):
            if self._workers_status[worker_id] and not w.is_alive():
                failed.append(w)
                self._mark_worker_as_unavailable(worker_id)
        return failed

    def _try_get_data(self, timeout):
        # Wait up to `timeout` seconds (None: forever) for one result, checking the workers.
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = _WORKER_CHECK_INTERVAL if deadline is None else min(_WORKER_CHECK_INTERVAL, max(0.0, deadline - time.monotonic()))
            try:
                return True, self._data_queue.get(timeout=wait)
            except queue.Empty:
                pass
            failed = self._failed_workers()
            if failed:
                pids = ", ".join(str(w.pid) for w in failed)
                causes = [f"DataLoader worker (pid {w.pid}) is killed by signal: {_signal_name(w.exitcode)}. "
                          if w.exitcode is not None and w.exitcode < 0 else
                          f"DataLoader worker (pid {w.pid}) exited unexpectedly with exit code {w.exitcode}. "
                          "Details are lost due to multiprocessing. Rerunning with num_workers=0 may give better error trace."
                          for w in failed]
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from RuntimeError("".join(causes))
            if deadline is not None and time.monotonic() >= deadline:
                return False, None

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if success:
                return data
            raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
        return self._try_get_data(None)[1]

    def _next_data(self):
        while True:
            # Skip tasks whose worker stopped (its IterableDataset ran out) without a result.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx, None)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(data, _utils.worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)  # early: keep it until its turn
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker, if any
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                if self._in_order:
                    break
                if self._workers_num_tasks[worker_queue_idx] < max_tasks // sum(self._workers_status):
                    break
        else:
            return
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._workers_num_tasks[worker_queue_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_idx):
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return _pin_memory(data) if self._pin_memory else data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # Tell the worker to stop; it exits after the request it is working on.
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        # At interpreter exit multiprocessing terminates daemonic workers itself.
        if _utils is None or _utils.python_exit_status is True or _utils.python_exit_status is None:
            return
        # A forked child holds a copy of this iterator: only its creator may stop the workers.
        if self._shutdown or os.getpid() != self._owner_pid:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                if self._persistent_workers or self._workers_status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            for w in self._workers:
                w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
            self._worker_result_queue.cancel_join_thread()
            self._worker_result_queue.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            _persistent_workers_atexit.discard(self)
            _keep_until_shutdown.pop(id(self), None)

    def __del__(self):
        # A partly built iterator (a worker failed to start) has nothing to shut down.
        if hasattr(self, "_workers"):
            self._shutdown_workers()


# id(iterator) -> its processes, queues and event, until its workers are shut down. An iterator
# collected as cyclic garbage (e.g. held by an exception's traceback) would otherwise have its
# queues' and processes' finalizers run before its __del__: the stop requests would never be
# sent and the process sentinels would be closed before the joins.
_keep_until_shutdown = {}

_persistent_workers_atexit = weakref.WeakSet()
_persistent_workers_atexit_lock = threading.Lock()
_persistent_workers_atexit_registered = False


def _clean_up_persistent_workers_atexit():
    with _persistent_workers_atexit_lock:
        iterators = tuple(_persistent_workers_atexit)
    for iterator in iterators:
        iterator._shutdown_workers()


def _register_persistent_workers_atexit(iterator):
    # A DataLoader kept alive to the end (module global) keeps persistent workers alive too:
    # stop them before multiprocessing's own exit handler joins them.
    import atexit

    global _persistent_workers_atexit_registered
    with _persistent_workers_atexit_lock:
        _persistent_workers_atexit.add(iterator)
        if not _persistent_workers_atexit_registered:
            atexit.register(_clean_up_persistent_workers_atexit)
            _persistent_workers_atexit_registered = True
