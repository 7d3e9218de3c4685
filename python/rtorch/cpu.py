"""``rtorch.cpu``: the CPU's device module (what ``rtorch.get_device_module("cpu")`` returns), with the
device-module functions PyTorch's ``torch.cpu`` has for code written against any device module."""

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize"]


def is_available():
    """``True``: the CPU is always available.

    Example::

        >>> rtorch.cpu.is_available()
        True
    """
    return True


def device_count():
    """The number of CPU devices: always 1.

    Example::

        >>> rtorch.cpu.device_count()
        1
    """
    return 1


def current_device():
    """The current CPU device's name: ``"cpu"``.

    Example::

        >>> rtorch.cpu.current_device()
        'cpu'
    """
    return "cpu"


def set_device(device):
    """Selects the CPU device: there is one, so nothing changes (as in PyTorch).

    Args:
        device (rtorch.device, str or int): the device.
    """


def synchronize(device=None):
    """Waits for all work on the CPU: CPU ops complete before they return, so there is nothing to wait for.

    Args:
        device (rtorch.device, str or int, optional): ignored (there is one CPU device).
    """
