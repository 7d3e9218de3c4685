"""Work handles returned by collectives with ``async_op=True``, and the Future behind ``get_future()``."""
import os
import threading
import time

__all__ = ["Work", "Future"]


def _oversubscribed():
    """More ranks on this node than cores (e.g. 3 ranks on 2 cores): spinning would steal the core
    a peer needs to reach the collective."""
    local = os.environ.get("MPI_LOCALNRANKS") or os.environ.get("OMPI_COMM_WORLD_LOCAL_SIZE") or \
        os.environ.get("LOCAL_WORLD_SIZE")
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return local is not None and local.isdigit() and int(local) > cores


_SPIN_S = 0.0 if _oversubscribed() else 2e-3


def _backoff(k, waited):
    """Pause after the k-th fruitless poll, `waited` seconds into the wait: spin for the first 2 ms
    (yielding the core now and then), as MPI's own blocking calls do, since most collectives finish
    within that; on an oversubscribed node yield at every poll instead; after 2 ms poll every
    100 us, which costs nearly no CPU while a peer is still computing. (An escalating sleep would
    let two ranks fall into step with each other's sleeps and add a millisecond to every small
    collective.)"""
    if waited < _SPIN_S:
        if k % 16 == 15:
            os.sched_yield()
        return
    if waited < 2e-3:
        os.sched_yield()
        return
    time.sleep(1e-4)


class Work:
    r"""A collective in flight, returned by the ``async_op=True`` calls.

    ``wait()`` blocks until it has finished and its output tensors hold the result (and raises the
    collective's error, a timeout or a mismatch between ranks).

    Backends subclass it with ``_test()`` (True once the transfer has finished; raises on failure)
    and ``_progress()`` (drive the communication library); ``_finishers`` run once, in the thread
    that completes ``wait()``, to copy staged results back into the caller's tensors.

    Example::

        >>> work = dist.all_reduce(t, async_op=True)
        >>> ...  # overlap other work
        >>> work.wait()
    """

    def __init__(self, name, timeout_s, outputs=()):
        self._name = name
        self._timeout_s = timeout_s
        self._start = time.monotonic()
        self._outputs = list(outputs)
        self._finishers = []
        self._lock = threading.Lock()
        self._finished = False
        self._error = None
        self._source = -1

    # ---- backend hooks ----
    def _test(self):
        return True

    def _progress(self):
        pass

    def _background(self):
        """Keep making progress while nobody waits (async_op=True)."""

    def _deadline_error(self, waited):
        return RuntimeError(f"{self._name} timed out after {waited:.1f} s waiting for its peers")

    # ---- public API ----
    def is_completed(self):
        """True when the transfer has finished (successfully or not); never blocks."""
        if self._finished or self._error is not None:
            return True
        try:
            self._progress()
            return self._test()
        except Exception as e:  # noqa: BLE001 - the error is kept for wait()/exception()
            self._error = e
            return True

    def is_success(self):
        """True when the collective finished without error."""
        return self.is_completed() and self._error is None

    def exception(self):
        """The error the collective failed with, or None."""
        self.is_completed()
        return self._error

    def wait(self, timeout=None):
        r"""Block until the collective has finished and its results are in place.

        Args:
            timeout (timedelta or float, optional): give up after this long (default: the process
                group's timeout, counted from when the collective was issued).

        Returns:
            True. Raises RuntimeError if the collective failed or timed out.
        """
        if self._finished:
            return True
        if timeout is None:
            deadline = self._start + self._timeout_s
        else:
            secs = timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)
            deadline = time.monotonic() + secs
        k, began = 0, time.monotonic()
        while self._error is None:
            self._progress()
            try:
                if self._test():
                    break
            except Exception as e:  # noqa: BLE001 - re-raised below with context kept
                self._error = e
                break
            now = time.monotonic()
            if now >= deadline:
                self._error = self._deadline_error(now - self._start)
                self._on_timeout()
                break
            _backoff(k, now - began)
            k += 1
        if self._error is not None:
            raise self._error
        with self._lock:
            if not self._finished:
                for f in self._finishers:
                    f()
                self._finishers.clear()
                self._finished = True
        return True

    def _on_timeout(self):
        pass

    def synchronize(self):
        """Same as ``wait()`` (CPU tensors have no stream to synchronise)."""
        self.wait()

    def result(self):
        """The output tensors (after ``wait()``)."""
        self.wait()
        return self._outputs

    def source_rank(self):
        """For ``irecv`` without ``src``: the global rank the message came from (after ``wait()``)."""
        self.wait()
        return self._source

    def get_future(self):
        """A :class:`Future` completed with the output tensors when this work finishes."""
        return Future._from_work(self)

    def __repr__(self):
        state = "done" if self._finished else ("failed" if self._error is not None else "pending")
        return f"<rtorch.distributed.Work {self._name} ({state})>"


class Future:
    r"""The result of asynchronous work (``torch.futures.Future``'s everyday surface).

    It has ``wait()``, ``value()``, ``done()``, ``then(fn)`` and ``add_done_callback(fn)``. Callbacks run
    in the thread that completes the future (the one calling ``wait()`` for a collective's future).

    Example::

        >>> fut = dist.all_reduce(t, async_op=True).get_future()
        >>> doubled = fut.then(lambda f: f.value()[0] * 2)
        >>> doubled.wait()
    """

    def __init__(self, _driver=None):
        # _driver: called by wait() to make progress (a Work's wait, or the parent future's).
        self._driver = _driver
        self._value = None
        self._error = None
        self._done = False
        self._callbacks = []
        self._cond = threading.Condition()

    @classmethod
    def _from_work(cls, work):
        fut = cls()

        def drive():
            try:
                work.wait()
                value, error = work._outputs, None
            except Exception as e:  # noqa: BLE001 - delivered through wait()/value()
                value, error = None, e
            with fut._cond:
                if fut._done:
                    return
            if error is None:
                fut.set_result(value)
            else:
                fut.set_exception(error)

        fut._driver = drive
        return fut

    def done(self):
        """True once a value or an error is set."""
        return self._done

    def set_result(self, value):
        """Complete the future with `value` and run its callbacks."""
        self._complete(value, None)

    def set_exception(self, error):
        """Complete the future with an error (raised by ``wait()``/``value()``)."""
        self._complete(None, error)

    def _complete(self, value, error):
        with self._cond:
            if self._done:
                raise RuntimeError("Future can only be marked completed once")
            self._value, self._error, self._done = value, error, True
            callbacks, self._callbacks = self._callbacks, []
            self._cond.notify_all()
        for cb in callbacks:
            cb(self)

    def wait(self):
        """Block until complete; return the value or raise the error."""
        if not self._done and self._driver is not None:
            self._driver()
        with self._cond:
            while not self._done:
                self._cond.wait()
        if self._error is not None:
            raise self._error
        return self._value

    def _wait_quietly(self):
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - the error reaches the chained future through its callback
            pass

    def value(self):
        """The value (raises the error of a failed future)."""
        return self.wait()

    def add_done_callback(self, callback):
        """Run ``callback(self)`` on completion (at once if already complete)."""
        with self._cond:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback):
        """A new Future holding ``callback(self)``'s return value once this one completes."""
        nxt = Future(_driver=self._wait_quietly)

        def run(fut):
            try:
                result = callback(fut)
            except Exception as e:  # noqa: BLE001
                nxt.set_exception(e)
                return
            nxt.set_result(result)

        self.add_done_callback(run)
        return nxt
