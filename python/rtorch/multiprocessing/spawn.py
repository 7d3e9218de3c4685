"""spawn / start_processes: run ``fn(i, *args)`` in N processes and join them, re-raising the
first failure with the child's traceback, as ``torch.multiprocessing.spawn``."""
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import time
import warnings

__all__ = ["ProcessContext", "ProcessException", "ProcessExitedException", "ProcessRaisedException",
           "spawn", "SpawnContext", "start_processes"]


class ProcessException(Exception):
    """A spawned process failed; ``error_index`` and ``error_pid`` say which."""

    __slots__ = ["error_index", "error_pid"]

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A process failed because its function raised; the message holds the child's traceback."""


class ProcessExitedException(ProcessException):
    """A process died from a signal or exited with a non-zero code."""

    __slots__ = ["exit_code"]

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _wrap(fn, i, args, error_file):
    # Runs in the child: a raised exception is written to error_file for the parent to re-raise.
    parent_pid = os.getppid()
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        if os.getppid() == parent_pid:  # the parent is alive and wants to know
            import traceback

            with open(error_file, "wb") as fh:
                pickle.dump(traceback.format_exc(), fh)
            sys.exit(128 + signal.SIGINT)
    except Exception:
        import traceback

        with open(error_file, "wb") as fh:
            pickle.dump(traceback.format_exc(), fh)
        sys.exit(1)


class ProcessContext:
    """The processes started by :func:`start_processes`; :meth:`join` waits for them."""

    def __init__(self, processes, error_files):
        self.error_files = error_files
        self.processes = processes
        self.sentinels = {process.sentinel: index for index, process in enumerate(processes)}

    def pids(self):
        """The process ids, in process-index order."""
        return [int(process.pid) for process in self.processes]

    def _join_procs_with_timeout(self, timeout):
        end = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0, end - time.monotonic()))

    def join(self, timeout=None, grace_period=None):
        r"""Waits for the processes, raising the cause of the first failure.

        If one exited with a non-zero status, the others are stopped first.

        Args:
            timeout (float): seconds to wait before returning ``False``.
            grace_period (float): after a failure, seconds the others get to exit before
                SIGTERM (and again before SIGKILL).

        Returns:
            ``True`` when every process has been joined, ``False`` while some still run.
        """
        if len(self.sentinels) == 0:
            return True
        ready = multiprocessing.connection.wait(self.sentinels.keys(), timeout=timeout)
        error_index = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            process = self.processes[index]
            process.join()
            if process.exitcode != 0:
                error_index = index
                break
        if error_index is None:
            return len(self.sentinels) == 0
        if grace_period is not None:
            self._join_procs_with_timeout(grace_period)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        self._join_procs_with_timeout(30 if grace_period is None else grace_period)
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join()

        failed = self.processes[error_index]
        if not os.access(self.error_files[error_index], os.R_OK):
            exitcode = failed.exitcode
            if exitcode < 0:
                try:
                    name = signal.Signals(-exitcode).name
                except ValueError:
                    name = f"<Unknown signal {-exitcode}>"
                raise ProcessExitedException(f"process {error_index:d} terminated with signal {name}",
                                             error_index=error_index, error_pid=failed.pid,
                                             exit_code=exitcode, signal_name=name)
            raise ProcessExitedException(f"process {error_index:d} terminated with exit code {exitcode:d}",
                                         error_index=error_index, error_pid=failed.pid, exit_code=exitcode)
        with open(self.error_files[error_index], "rb") as fh:
            original_trace = pickle.load(fh)
        os.unlink(self.error_files[error_index])
        msg = f"\n\n-- Process {error_index:d} terminated with the following error:\n" + original_trace
        raise ProcessRaisedException(msg, error_index, failed.pid)


class SpawnContext(ProcessContext):
    """Old name of :class:`ProcessContext` (deprecated)."""

    def __init__(self, processes, error_files):
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.", stacklevel=2)
        super().__init__(processes, error_files)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    r"""Start ``nprocs`` processes running ``fn(i, *args)`` with the given start method.

    Args:
        fn: a function defined at the top level of a module (it is pickled for ``spawn``).
        args (tuple): arguments after the process index.
        nprocs (int): number of processes.
        join (bool): wait for all of them (raising the first failure) before returning.
        daemon (bool): the processes' daemon flag.
        start_method (str): ``"spawn"``, ``"fork"`` or ``"forkserver"``.

    Returns:
        ``None`` if ``join`` is ``True``, else a :class:`ProcessContext`.

    Example:
        >>> rtorch.multiprocessing.start_processes(train, args=(model,), nprocs=2, start_method="fork")
    """
    mp = multiprocessing.get_context(start_method)
    error_files = []
    processes = []
    for i in range(nprocs):
        # A name the child can create; it only exists if the child fails.
        tf = tempfile.NamedTemporaryFile(prefix="rtorch-errorfile-", suffix=".pickle", delete=False)
        tf.close()
        os.unlink(tf.name)
        process = mp.Process(target=_wrap, args=(fn, i, args, tf.name), daemon=daemon)
        process.start()
        error_files.append(tf.name)
        processes.append(process)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    r"""Spawns ``nprocs`` processes that run ``fn(i, *args)`` and waits for them (``join=True``).

    If one exits with a non-zero status, the others are stopped and an exception with the cause
    is raised (with the child's traceback when it raised). Always uses the ``spawn`` start method (see
    :func:`start_processes` for others).

    Args:
        fn: a function defined at the top level of a module.
        args (tuple): arguments after the process index.
        nprocs (int): number of processes.
        join (bool): perform a blocking join on all processes.
        daemon (bool): the processes' daemon flag.
        start_method (str): deprecated; anything but ``"spawn"`` warns and is ignored.

    Returns:
        ``None`` if ``join`` is ``True``, else a :class:`ProcessContext`.

    Example:
        >>> rtorch.multiprocessing.spawn(train, args=(model,), nprocs=2)
    """
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\n"
                      "To use a different start_method use:\n\t\t"
                      " torch.multiprocessing.start_processes(...)", FutureWarning, stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
