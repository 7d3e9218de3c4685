"""``rtorch.accelerator``: device-agnostic access to the accelerator (CUDA in rtorch), as in PyTorch 2.6+.

Code written as ``torch.accelerator.current_accelerator()`` / ``is_available()`` runs unchanged: the
accelerator is CUDA, since every rtorch build can drive NVIDIA GPUs (loaded at run time).
"""
import contextlib

from . import cuda as _cuda
from ._rtorch import device as _device

__all__ = [
    "current_accelerator", "is_available", "device_count", "current_device_index", "set_device_index",
    "current_device_idx", "set_device_idx", "synchronize", "device_index", "empty_cache",
    "memory_allocated", "max_memory_allocated", "reset_peak_memory_stats",
]


def current_accelerator(check_available=False):
    """Returns the accelerator device type as ``device('cuda')`` (no index), or ``None``.

    Args:
        check_available (bool, optional): also check at run time that a GPU is usable, and
            return ``None`` if not. Default: ``False`` (rtorch is always built with CUDA
            support, like a CUDA build of PyTorch).

    Example::

        >>> rtorch.accelerator.current_accelerator()
        device(type='cuda')
    """
    if check_available and not is_available():
        return None
    return _device("cuda")


def is_available():
    """Returns ``True`` when an accelerator (a CUDA GPU with its driver) can be used."""
    return _cuda.is_available()


def device_count():
    """Returns the number of accelerator devices (0 without a usable GPU)."""
    return _cuda.device_count()


def _check():
    if not is_available():
        raise RuntimeError("rtorch.accelerator: no accelerator is available (no CUDA driver or GPU was found)")


def current_device_index():
    """Returns the index of the current accelerator device (set with :func:`set_device_index`).

    Raises:
        RuntimeError: when no accelerator is available.
    """
    _check()
    return _cuda.current_device()


def set_device_index(device):
    """Sets the current accelerator device (what ``"cuda"`` without an index means in this thread).

    Args:
        device (int or str or device): the device, or ``None`` to leave it unchanged.
    """
    if device is None:
        return
    _check()
    _cuda.set_device(device)


def current_device_idx():
    """Alias for :func:`current_device_index` (its deprecated name)."""
    return current_device_index()


def set_device_idx(device):
    """Alias for :func:`set_device_index` (its deprecated name).

    Args:
        device (int or str or device): the device.
    """
    set_device_index(device)


def synchronize(device=None):
    """Waits for all work queued on an accelerator device to finish.

    Args:
        device (int or str or device, optional): the device; the current one by default.
    """
    _check()
    _cuda.synchronize(device)


@contextlib.contextmanager
def device_index(device):
    """A context manager that makes ``device`` the current accelerator device inside its block.

    Args:
        device (int, optional): the device index; ``None`` changes nothing.
    """
    if device is None:
        yield
        return
    prev = current_device_index()
    set_device_index(device)
    try:
        yield
    finally:
        set_device_index(prev)


def empty_cache():
    """Releases the memory the accelerator's caching allocator holds but no tensor uses."""
    if is_available():
        _cuda.empty_cache()


def memory_allocated(device_index=None):
    """Returns the bytes of accelerator memory held by tensors on a device.

    Args:
        device_index (int or str or device, optional): the device; the current one by default.
    """
    _check()
    return _cuda.memory_allocated(device_index)


def max_memory_allocated(device_index=None):
    """Returns the peak of :func:`memory_allocated` since the start or the last reset.

    Args:
        device_index (int or str or device, optional): the device; the current one by default.
    """
    _check()
    return _cuda.max_memory_allocated(device_index)


def reset_peak_memory_stats(device_index=None):
    """Resets the peak that :func:`max_memory_allocated` reports.

    Args:
        device_index (int or str or device, optional): the device; the current one by default.
    """
    _check()
    _cuda.reset_peak_memory_stats(device_index)
