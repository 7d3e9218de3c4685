"""The Array API standard's array-object methods rtorch.Tensor lacks: ``__array_namespace__``, ``to_device``.

``__imatmul__`` is left out on purpose: PyTorch's Tensor has none, so ``a @= b`` rebinds ``a`` to ``a @ b``
(aliases keep the old values, the shape may change); an in-place version would change PyTorch programs."""
from ._rtorch import Tensor


def __array_namespace__(self, /, *, api_version=None):
    """Returns the Array API namespace for this array: :mod:`rtorch.array_api` (standard 2024.12).

    Args:
        api_version (str, optional): the standard's version the caller wants (``'2021.12'`` to
            ``'2024.12'``); ValueError for any other.

    Example::

        >>> xp = rtorch.ones(2).__array_namespace__()
        >>> xp.__array_api_version__
        '2024.12'
    """
    from . import array_api
    if api_version is not None and api_version not in array_api.SUPPORTED_VERSIONS:
        raise ValueError(f"Tensor.__array_namespace__(): unsupported api_version {api_version!r} "
                         f"(rtorch.array_api supports {', '.join(array_api.SUPPORTED_VERSIONS)})")
    return array_api


def to_device(self, device, /, *, stream=None):
    """Returns this array on ``device`` (itself when it is already there): the Array API's ``to_device``.

    Args:
        device (rtorch.device or str): the target device (TypeError for anything else, a dtype included).
        stream: accepted for the standard's signature; rtorch copies on the device's current stream
            (only ``None`` is allowed).

    Example::

        >>> rtorch.ones(2).to_device("cpu")
        tensor([1., 1.])
    """
    if stream is not None:
        raise ValueError(f"Tensor.to_device(): stream must be None (rtorch copies on the current stream), got {stream!r}")
    from ._rtorch import device as _device
    if not isinstance(device, (_device, str)):
        raise TypeError(f"Tensor.to_device(): device must be an rtorch.device or a device string, got {device!r}")
    return self.to(device=_device(device) if isinstance(device, str) else device)


Tensor.__array_namespace__ = __array_namespace__
Tensor.to_device = to_device

