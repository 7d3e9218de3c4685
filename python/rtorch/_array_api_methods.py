"""The Array API standard's array-object methods rtorch.Tensor lacks: ``__array_namespace__``, ``to_device``,
``__imatmul__``."""
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
        device (rtorch.device or str): the target device.
        stream: accepted for the standard's signature; rtorch copies on the device's current stream
            (only ``None`` is allowed).

    Example::

        >>> rtorch.ones(2).to_device("cpu")
        tensor([1., 1.])
    """
    if stream is not None:
        raise ValueError(f"Tensor.to_device(): stream must be None (rtorch copies on the current stream), got {stream!r}")
    return self.to(device)


Tensor.__array_namespace__ = __array_namespace__
Tensor.to_device = to_device


def __imatmul__(self, other, /):
    """Computes ``self @= other`` in place: the Array API's in-place matrix product (the shape must not change).

    Args:
        other (Tensor): the right operand; ``self @ other`` must have ``self``'s shape.

    Example::

        >>> a = rtorch.ones(2, 2)
        >>> a @= rtorch.eye(2)
        >>> a
        tensor([[1., 1.],
                [1., 1.]])
    """
    out = self @ other
    if tuple(out.shape) != tuple(self.shape):
        raise ValueError(f"Tensor.__imatmul__(): the product has shape {tuple(out.shape)}, not the in-place "
                         f"operand's {tuple(self.shape)}")
    return self.copy_(out)


Tensor.__imatmul__ = __imatmul__
