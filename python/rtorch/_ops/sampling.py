"""In-place samplers of PyTorch's distributions, composed from ``uniform_`` / ``normal_`` / ``randint``
(`@composite`): random_, exponential_, geometric_, cauchy_, log_normal_, and the Tensor methods
multinomial / bernoulli (the functions exist). Each takes ``generator=``; the streams are rtorch's."""
from __future__ import annotations

import math

from .._composite import composite
from .._rtorch import Tensor
from .shape import _dtype_name

__all__ = []

# random_() without bounds draws from [0, 2**digits] for floats (the integers the dtype holds exactly)
# and [0, max] for integers, as PyTorch.
_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
_INT_MAX = {"uint8": 255, "int8": 127, "int16": 32767, "int32": 2**31 - 1, "int64": 2**63 - 1, "bool": 1}
_INT_MIN = {"uint8": 0, "int8": -128, "int16": -32768, "int32": -2**31, "int64": -2**63, "bool": 0}
_C_NAMES = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long",
            "bool": "bool"}


def _name(dtype):
    return str(dtype).replace("rtorch.", "")


def _uniform_like(self, generator):
    """Uniform [0, 1) samples shaped like ``self`` in a float dtype (float64 for integer ``self``)."""
    import rtorch
    dt = self.dtype if self.is_floating_point() else rtorch.float64
    return rtorch.empty(self.shape, dtype=dt, device=self.device).uniform_(0.0, 1.0, generator=generator)


def _require_float(self, what):
    if not self.is_floating_point():
        raise RuntimeError(f"{what} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_dtype_name(self.dtype)}")


@composite(function=False)
def random_(self, from_: int = 0, to: int | None = None, *, generator=None) -> Tensor:
    """Fills ``self`` with integers drawn uniformly from ``[from_, to)``.

    ``random_(to)`` draws from ``[0, to)``; without bounds, from ``[0, 2**mantissa_digits]`` for
    float dtypes and ``[0, dtype max]`` for integers.

    Args:
        from_ (int): the lower bound (``to`` alone when it is the only argument). Default 0.
        to (int, optional): one above the upper bound.
        generator (Generator, optional): the random number generator.

    Example::

        >>> bool((rtorch.zeros(100).random_(2, 5) >= 2).all())
        True
    """
    import rtorch
    name = _name(self.dtype)
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        lo, hi = 0, (2 ** _DIGITS[name] + 1 if name in _DIGITS else _INT_MAX[name] + 1)
    else:
        lo, hi = int(from_), int(to)
        if lo >= hi:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
        if name in _INT_MIN and lo < _INT_MIN[name]:
            raise RuntimeError(f"from is out of bounds for {_C_NAMES[name]}")
    # Drawn as int64 (exact for every range up to 2**63), then cast to self's dtype.
    hi = min(hi, 2 ** 63 - 1)
    draw = rtorch.randint(lo, hi, tuple(self.shape), generator=generator, dtype=rtorch.int64, device=self.device)
    return self.copy_(draw)


@composite(function=False)
def exponential_(self, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples of the exponential distribution of rate ``lambd``.

    Args:
        lambd (float): the rate, > 0. Default 1.
        generator (Generator, optional): the random number generator.

    Example::

        >>> bool((rtorch.empty(100).exponential_(2.0) >= 0).all())
        True
    """
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    _require_float(self, "Exponential")
    u = _uniform_like(self, generator)
    return self.copy_((-u).log1p() / -lambd)


@composite(function=False)
def geometric_(self, p: float, *, generator=None) -> Tensor:
    """Fills ``self`` with samples of the geometric distribution.

    Fills ``self`` with samples of the geometric distribution: the number of Bernoulli(``p``) trials up
    to and including the first success (values >= 1).

    Args:
        p (float): the success probability, in (0, 1).
        generator (Generator, optional): the random number generator.

    Example::

        >>> bool((rtorch.empty(100).geometric_(0.3) >= 1).all())
        True
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    u = _uniform_like(self, generator)
    # Inverse CDF; 1 - u is in (0, 1], so log(1 - u) / log(1 - p) >= 0 and the ceiling is >= 1 but for u = 0.
    k = ((-u).log1p() / math.log1p(-p)).ceil().clamp_min(1)
    return self.copy_(k)


@composite(function=False)
def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples of the Cauchy distribution ``median + sigma * tan(pi * (u - 1/2))``.

    Args:
        median (float): the location. Default 0.
        sigma (float): the scale, > 0. Default 1.
        generator (Generator, optional): the random number generator.

    Example::

        >>> rtorch.empty(3).cauchy_().shape
        rtorch.Size([3])
    """
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    _require_float(self, "Cauchy")
    u = _uniform_like(self, generator)
    return self.copy_(((u - 0.5) * math.pi).tan() * sigma + median)


@composite(function=False)
def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples whose logarithm is normal with ``mean`` and ``std``.

    Args:
        mean (float): the mean of the logarithm. Default 1.
        std (float): the standard deviation of the logarithm, > 0. Default 2.
        generator (Generator, optional): the random number generator.

    Example::

        >>> bool((rtorch.empty(100).log_normal_() > 0).all())
        True
    """
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    if not self.is_floating_point():
        raise NotImplementedError(f"\"log_normal_{self.device.type}\" not implemented for '{_dtype_name(self.dtype)}'")
    import rtorch
    z = rtorch.empty(self.shape, dtype=self.dtype, device=self.device).normal_(mean, std, generator=generator)
    return self.copy_(z.exp())


def _fmt(v):
    v = float(v)
    return str(int(v)) if math.isfinite(v) and v == int(v) else str(v)


@composite(function=False)
def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Draws category indices from the weights in each row of ``self``.

    Draws ``num_samples`` category indices from the weights in each row of ``self``
    (:func:`rtorch.multinomial`).

    Args:
        num_samples (int): samples per row.
        replacement (bool): draw with replacement. Default False.
        generator (Generator, optional): the random number generator.

    Example::

        >>> rtorch.tensor([[0., 1.]]).multinomial(1)
        tensor([[1]])
    """
    import rtorch
    return rtorch.multinomial(self, num_samples, replacement, generator=generator)


@composite(function=False)
def bernoulli(self, p: float | None = None, *, generator=None) -> Tensor:
    """Draws 0/1 values with the probabilities in ``self`` (or ``p``).

    Draws 0/1 values, 1 with probability ``self`` element-wise (or ``p`` for every element), in
    ``self``'s dtype (:func:`rtorch.bernoulli`).

    Args:
        p (float, optional): one probability for all elements instead of ``self``'s values.
        generator (Generator, optional): the random number generator.

    Example::

        >>> rtorch.tensor([0., 1.]).bernoulli()
        tensor([0., 1.])
    """
    import rtorch
    if p is None:
        return rtorch.bernoulli(self, generator=generator)
    return rtorch.empty_like(self).bernoulli_(p, generator=generator)
