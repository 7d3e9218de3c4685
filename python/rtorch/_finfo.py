"""`finfo` / `iinfo`: numerical limits of rtorch's float and integer dtypes, with PyTorch's attributes."""
import math

from ._rtorch import dtype as _dtype, get_default_dtype

# IEEE-style binary formats: (bits, significand digits incl. the implicit bit, largest exponent).
# Every limit below follows from these three numbers, so bfloat16 needs no NumPy support.
_FLOAT_FORMATS = {
    "float16": (16, 11, 15),
    "bfloat16": (16, 8, 127),
    "float32": (32, 24, 127),
    "float64": (64, 53, 1023),
}
_INT_FORMATS = {"uint8": (8, False), "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True)}


def _check_dtype(fn, dt):
    if not isinstance(dt, _dtype):
        raise TypeError(f"{fn}(): argument 'type' (position 1) must be torch.dtype, not {type(dt).__name__}")


class finfo:
    r"""Numerical properties of a floating point dtype (``torch.finfo``).

    Args:
        type: a floating point dtype (default: the current default dtype).

    Attributes:
        bits (int): bits the type occupies.
        eps (float): smallest ``x`` with ``1.0 + x != 1.0``.
        max (float): largest finite value.
        min (float): most negative finite value (``-max``).
        tiny (float): smallest positive normal number (same as ``smallest_normal``).
        smallest_normal (float): smallest positive normal number.
        resolution (float): approximate decimal resolution, ``10**-floor(-log10(eps))``.
        dtype (str): the dtype's name, e.g. ``'float32'``.

    Example::

        >>> import rtorch as torch
        >>> torch.finfo(torch.bfloat16).eps
        0.0078125
        >>> torch.finfo(torch.float32).max
        3.4028234663852886e+38
        >>> torch.finfo().dtype
        'float32'
    """

    def __init__(self, type=None):  # noqa: A002 - PyTorch's argument name
        dt = get_default_dtype() if type is None else type
        _check_dtype("finfo", dt)
        if dt.name not in _FLOAT_FORMATS:
            raise TypeError(f"torch.finfo() requires a floating point input type, got {dt}. "
                            "Use torch.iinfo to handle integer types")
        bits, digits, emax = _FLOAT_FORMATS[dt.name]
        self.bits = bits
        self.eps = math.ldexp(1.0, 1 - digits)
        self.max = math.ldexp(2.0 - self.eps, emax)
        self.min = -self.max
        self.smallest_normal = self.tiny = math.ldexp(1.0, 1 - emax)
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))
        self.dtype = dt.name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    r"""Numerical properties of an integer dtype (``torch.iinfo``).

    Args:
        type: an integer dtype (``uint8``, ``int8``, ``int16``, ``int32``, ``int64``).

    Attributes:
        bits (int): bits the type occupies.
        max (int): largest value.
        min (int): smallest value.
        dtype (str): the dtype's name, e.g. ``'int32'``.

    Example::

        >>> import rtorch as torch
        >>> torch.iinfo(torch.int8).min
        -128
        >>> torch.iinfo(torch.uint8).max
        255
    """

    def __init__(self, type):  # noqa: A002 - PyTorch's argument name
        _check_dtype("iinfo", type)
        if type.name == "bool":
            raise TypeError(f"{type} is not supported by torch.iinfo")
        if type.name not in _INT_FORMATS:
            raise TypeError(f"torch.iinfo() requires an integer input type, got {type}. "
                            "Use torch.finfo to handle floating point types")
        bits, signed = _INT_FORMATS[type.name]
        self.bits = bits
        self.min = -(1 << (bits - 1)) if signed else 0
        self.max = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
