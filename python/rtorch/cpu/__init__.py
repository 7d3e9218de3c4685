"""``torch.cpu``: the CPU as a device module (what ``rtorch.get_device_module("cpu")`` returns: always available,
one device, synchronous) and ``torch.cpu.amp``."""
from __future__ import annotations

from . import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize", "is_initialized", "amp"]


def is_available():
    """True: the CPU is always available.

    Example::

        >>> rtorch.cpu.is_available()
        True
    """
    return True


def is_initialized():
    """True: the CPU needs no initialization.

    Example::

        >>> rtorch.cpu.is_initialized()
        True
    """
    return True


def device_count():
    """1: all CPU cores form one device.

    Example::

        >>> rtorch.cpu.device_count()
        1
    """
    return 1


def current_device():
    """``"cpu"``.

    Example::

        >>> rtorch.cpu.current_device()
        'cpu'
    """
    return "cpu"


def set_device(device):
    """Accepted for symmetry with ``torch.cuda.set_device``; the CPU is one device.

    Example::

        >>> rtorch.cpu.set_device("cpu")
    """


def synchronize(device=None):
    """Wait for CPU work: CPU ops complete before they return, so there is nothing to wait for.

    Example::

        >>> rtorch.cpu.synchronize()
    """
