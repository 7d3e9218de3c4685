"""rtorch.multiprocessing: Python's ``multiprocessing`` with rtorch's reductions registered, so
tensors sent to other processes travel through shared memory, as ``torch.multiprocessing``.

Everything in :mod:`multiprocessing` is re-exported (``Process``, ``Queue``, ``Pipe``,
``get_context``, ``set_start_method``...), plus :func:`spawn` / :func:`start_processes` and the
sharing-strategy functions. A CPU tensor put on a ``Queue``, sent through a ``Pipe`` or passed to
a spawned ``Process`` is moved to shared memory in the sender (see
:meth:`rtorch.Tensor.share_memory_`) and the receiver maps the same memory: writes on either
side are seen by both, and nothing is copied byte by byte.

Example::

    >>> import rtorch.multiprocessing as mp
    >>> q = mp.Queue()
    >>> t = rtorch.zeros(3)
    >>> q.put(t)               # t now lives in shared memory
    >>> u = q.get()            # (in another process) the same memory
"""
import multiprocessing
import sys

from .reductions import init_reductions

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"]

from multiprocessing import *  # noqa: E402,F401,F403

__all__ += multiprocessing.__all__

from .spawn import (  # noqa: E402,F401
    ProcessContext,
    ProcessException,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ += ["ProcessContext", "ProcessException", "ProcessExitedException", "ProcessRaisedException",
            "SpawnContext", "spawn", "start_processes", "init_reductions"]

if sys.platform == "darwin" or sys.platform == "win32":
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Set the strategy for sharing CPU tensors.

    rtorch passes every shared storage as a memfd file descriptor (the memory is freed by the
    kernel when the last process lets go of it, so nothing can leak in ``/dev/shm``);
    ``"file_system"`` is accepted so that programs written for PyTorch run, and uses the same
    mechanism.

    Args:
        new_strategy (str): one of :func:`get_all_sharing_strategies`.

    Example:
        >>> rtorch.multiprocessing.set_sharing_strategy("file_descriptor")
    """
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(
            f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}"
        )
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    """Return the current strategy for sharing CPU tensors (``"file_descriptor"`` by default)."""
    return _sharing_strategy


def get_all_sharing_strategies():
    """Return the set of sharing strategies this system accepts."""
    return _all_sharing_strategies


init_reductions()
