"""The Array API's inspection utilities: ``__array_namespace_info__()`` (capabilities, devices, dtypes)."""
import rtorch

from ._helpers import device_arg

_COMPLEX_OF = {rtorch.float64: rtorch.complex128}
_DTYPE_NAMES = {"bool": rtorch.bool, "int8": rtorch.int8, "int16": rtorch.int16, "int32": rtorch.int32,
                "int64": rtorch.int64, "uint8": rtorch.uint8, "float32": rtorch.float32,
                "float64": rtorch.float64, "complex64": rtorch.complex64, "complex128": rtorch.complex128}


class Info:
    """What the namespace supports: ``capabilities()``, ``default_device()``, ``default_dtypes()``,
    ``dtypes()`` and ``devices()`` (the standard's inspection API)."""

    __module__ = "rtorch.array_api"

    def capabilities(self):
        """Returns the optional capabilities: boolean indexing, data-dependent shapes, max dimensions.

        Example::

            >>> xp.__array_namespace_info__().capabilities()["boolean indexing"]
            True
        """
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self):
        """Returns the device arrays are created on when ``device=`` is not given (PyTorch's default device).

        Example::

            >>> xp.__array_namespace_info__().default_device()
            device(type='cpu')
        """
        return rtorch.get_default_device()

    def default_dtypes(self, *, device=None):
        """Returns the default dtypes: ``'real floating'``, ``'complex floating'``, ``'integral'``, ``'indexing'``.

        Args:
            device (optional): the device asked about (the defaults are the same on every device).

        Example::

            >>> xp.__array_namespace_info__().default_dtypes()["integral"]
            rtorch.int64
        """
        device_arg(device)
        real = rtorch.get_default_dtype()
        return {"real floating": real, "complex floating": _COMPLEX_OF.get(real, rtorch.complex64),
                "integral": rtorch.int64, "indexing": rtorch.int64}

    def dtypes(self, *, device=None, kind=None):
        """Returns the standard's dtypes rtorch supports, as ``{name: dtype}``, optionally of one ``kind``.

        Args:
            device (optional): the device asked about (every dtype exists on every device).
            kind (str, dtype or tuple, optional): filter as :func:`isdtype` does.

        Example::

            >>> sorted(xp.__array_namespace_info__().dtypes(kind="signed integer"))
            ['int16', 'int32', 'int64', 'int8']
        """
        from ._data_type_functions import isdtype
        device_arg(device)
        if kind is None:
            return dict(_DTYPE_NAMES)
        return {n: d for n, d in _DTYPE_NAMES.items() if isdtype(d, kind)}

    def devices(self):
        """Returns the devices arrays can live on: the CPU, and each CUDA device when one is available.

        Example::

            >>> xp.__array_namespace_info__().devices()[0]
            device(type='cpu')
        """
        out = [rtorch.device("cpu")]
        if rtorch.cuda.is_available():
            out += [rtorch.device("cuda", i) for i in range(rtorch.cuda.device_count())]
        return out


def __array_namespace_info__():
    """Returns the namespace's inspection object (:class:`Info`).

    Example::

        >>> info = xp.__array_namespace_info__()
        >>> info.default_dtypes()["real floating"]
        rtorch.float32
    """
    return Info()


