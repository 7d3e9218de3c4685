"""The Array API's elementwise functions, one declaration per name.

Each declaration names its rtorch op and description; operands are promoted by the standard's table (Python
scalars allowed in binary functions, as 2024.12 says).
"""
import rtorch

from . import _dtypes
from ._helpers import binary_operands, check_array

__all__ = []  # filled by the declarations below


def _publish(name, fn, doc, params):
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = doc.format(name=name, params=params)
    globals()[name] = fn
    __all__.append(name)
    return fn


_UNARY_DOC = """{summary}

    The Array API standard's ``{{name}}``{note}.

    Args:
        x (Tensor): the input array.

    Example::

        >>> xp.{{name}}(xp.asarray({example}))
"""

_BINARY_DOC = """{summary}

    The Array API standard's ``{{name}}``: both operands are promoted by the standard's table; one of them
    may be a Python scalar, which takes the array's dtype when its kind fits{note}.

    Args:
        x1 (Tensor or scalar): the first operand.
        x2 (Tensor or scalar): the second operand (broadcast against ``x1``).

    Example::

        >>> xp.{{name}}(xp.asarray({example}), 2)
"""


def unary(name, op, summary, example="[0.5, 1.0]", note=""):
    """Declare the unary function `name`(x, /) computing `op(x)`."""
    def fn(x, /):
        return op(check_array(x, name))
    return _publish(name, fn, _UNARY_DOC.format(summary=summary, example=example, note=note), "x")


def binary(name, op, summary, example="[1.0, 4.0]", note=""):
    """Declare the binary function `name`(x1, x2, /) computing `op(x1, x2)` on promoted operands."""
    def fn(x1, x2, /):
        return op(*binary_operands(name, x1, x2))
    return _publish(name, fn, _BINARY_DOC.format(summary=summary, example=example, note=note), "x1, x2")


# --- helpers for the names whose rtorch op differs from the standard on some dtype ---------------------

def _same_for_integers(op):
    """ceil/floor/trunc: integer and boolean arrays come back unchanged (a copy)."""
    def run(x):
        return x.clone() if not x.dtype.is_floating_point and not x.dtype.is_complex else op(x)
    return run


def _round(x):
    if x.dtype.is_complex:  # the standard rounds both components (half to even)
        return rtorch.complex(rtorch.round(x.real), rtorch.round(x.imag))
    return x.clone() if not x.dtype.is_floating_point else rtorch.round(x)


def _sign(x):
    if x.dtype.is_complex:  # x / |x|, and 0 at 0; scaled by max(|re|, |im|) first so that |x| of a tiny
        # (subnormal) or huge element neither underflows to 0 nor overflows to inf
        scale = rtorch.maximum(rtorch.abs(x.real), rtorch.abs(x.imag))
        zero = scale == 0
        y = x / rtorch.where(zero, rtorch.ones_like(scale), scale)
        return rtorch.where(zero, rtorch.zeros_like(x), y / rtorch.abs(y))
    if x.dtype == rtorch.bool:
        raise TypeError("array_api.sign(): x must have a numeric dtype, got bool")
    return rtorch.sign(x)


def _real(x):
    return rtorch.real(x).clone() if x.dtype.is_complex else x.clone()


def _imag(x):
    return rtorch.imag(x).clone() if x.dtype.is_complex else rtorch.zeros_like(x)


def _conj(x):
    return rtorch.conj_physical(x) if x.dtype.is_complex else x.clone()


def _logical(op):
    return lambda a, b: op(a.to(rtorch.bool), b.to(rtorch.bool))


def _numeric(name, op):
    def run(x):
        if x.dtype == rtorch.bool:
            raise TypeError(f"array_api.{name}(): x must have a numeric dtype, got bool")
        return op(x)
    return run


def _integer_or_bool(name, op):
    def run(*xs):
        if any(x.dtype.is_floating_point or x.dtype.is_complex for x in xs):
            raise TypeError(f"array_api.{name}(): operands must have an integer or boolean dtype, got "
                            + ", ".join(str(x.dtype) for x in xs))
        return op(*xs)
    return run


# --- the declarations ---------------------------------------------------------------------------------

unary("abs", _numeric("abs", rtorch.abs), "Computes the absolute value of each element (the modulus for complex).",
      "[-1.5, 2.0]")
unary("acos", rtorch.acos, "Computes the principal inverse cosine of each element.")
unary("acosh", rtorch.acosh, "Computes the inverse hyperbolic cosine of each element.", "[1.0, 2.0]")
unary("asin", rtorch.asin, "Computes the principal inverse sine of each element.")
unary("asinh", rtorch.asinh, "Computes the inverse hyperbolic sine of each element.")
unary("atan", rtorch.atan, "Computes the principal inverse tangent of each element.")
unary("atanh", rtorch.atanh, "Computes the inverse hyperbolic tangent of each element.")
unary("bitwise_invert", _integer_or_bool("bitwise_invert", rtorch.bitwise_not),
      "Inverts the bits of each element (logical not for booleans).", "[0, 5]")
unary("ceil", _same_for_integers(rtorch.ceil), "Rounds each element up to the nearest integer value.",
      "[-1.5, 1.2]", note="; integer arrays are returned unchanged")
unary("conj", _conj, "Computes the complex conjugate of each element.", "[1 + 2j]",
      note="; a real array is returned unchanged")
unary("cos", rtorch.cos, "Computes the cosine of each element (radians).")
unary("cosh", rtorch.cosh, "Computes the hyperbolic cosine of each element.")
unary("exp", rtorch.exp, "Computes e raised to each element.")
unary("expm1", rtorch.expm1, "Computes ``exp(x) - 1`` for each element, accurately near 0.")
unary("floor", _same_for_integers(rtorch.floor), "Rounds each element down to the nearest integer value.",
      "[-1.5, 1.2]", note="; integer arrays are returned unchanged")
unary("imag", _imag, "Returns the imaginary component of each element.", "[1 + 2j]",
      note="; a real array gives zeros")
unary("isfinite", rtorch.isfinite, "Tests each element for being finite (not infinite and not NaN).",
      "[1.0, float('inf')]")
unary("isinf", rtorch.isinf, "Tests each element for being positive or negative infinity.", "[1.0, float('inf')]")
unary("isnan", rtorch.isnan, "Tests each element for being NaN.", "[1.0, float('nan')]")
unary("log", rtorch.log, "Computes the natural logarithm of each element.")
unary("log1p", rtorch.log1p, "Computes ``log(1 + x)`` for each element, accurately near 0.")
unary("log2", rtorch.log2, "Computes the base-2 logarithm of each element.")
unary("log10", rtorch.log10, "Computes the base-10 logarithm of each element.")
unary("logical_not", lambda x: rtorch.logical_not(x.to(rtorch.bool)), "Computes the logical NOT of each element.",
      "[True, False]")
unary("negative", _numeric("negative", rtorch.neg), "Negates each element.", "[1, -2]")
unary("positive", _numeric("positive", lambda x: x.clone()), "Returns each element unchanged (unary plus), "
      "as a new array.", "[1, -2]")
unary("real", _real, "Returns the real component of each element.", "[1 + 2j]",
      note="; a real array is returned unchanged")
unary("reciprocal", rtorch.reciprocal, "Computes ``1 / x`` for each element.", "[2.0, 4.0]")
unary("round", _round, "Rounds each element to the nearest integer value, halves to even.", "[0.5, 1.5]",
      note="; complex elements have both components rounded")
unary("sign", _sign, "Returns the sign of each element (-1, 0 or 1; ``x / |x|`` for complex).", "[-2.0, 0.0]")
unary("signbit", rtorch.signbit, "Tests each element for having its sign bit set (``-0.0`` included).",
      "[-0.0, 1.0]")
unary("sin", rtorch.sin, "Computes the sine of each element (radians).")
unary("sinh", rtorch.sinh, "Computes the hyperbolic sine of each element.")
unary("square", _numeric("square", lambda x: x * x), "Computes the square of each element.", "[3, -2]")
unary("sqrt", rtorch.sqrt, "Computes the principal square root of each element.", "[4.0, 2.0]")
unary("tan", rtorch.tan, "Computes the tangent of each element (radians).")
unary("tanh", rtorch.tanh, "Computes the hyperbolic tangent of each element.")
unary("trunc", _same_for_integers(rtorch.trunc), "Rounds each element toward zero.", "[-1.5, 1.5]",
      note="; integer arrays are returned unchanged")

binary("add", rtorch.add, "Adds the elements of ``x1`` and ``x2``.")
binary("atan2", rtorch.atan2, "Computes the inverse tangent of ``x1 / x2`` with the quadrant of ``(x2, x1)``.")
binary("bitwise_and", _integer_or_bool("bitwise_and", rtorch.bitwise_and), "Computes the bitwise AND.", "[6, 3]")
binary("bitwise_left_shift", _integer_or_bool("bitwise_left_shift", rtorch.bitwise_left_shift),
       "Shifts the bits of ``x1`` left by ``x2``.", "[1, 3]")
binary("bitwise_or", _integer_or_bool("bitwise_or", rtorch.bitwise_or), "Computes the bitwise OR.", "[6, 3]")
binary("bitwise_right_shift", _integer_or_bool("bitwise_right_shift", rtorch.bitwise_right_shift),
       "Shifts the bits of ``x1`` right by ``x2`` (arithmetic shift for signed integers).", "[8, 3]")
binary("bitwise_xor", _integer_or_bool("bitwise_xor", rtorch.bitwise_xor), "Computes the bitwise XOR.", "[6, 3]")
binary("copysign", rtorch.copysign, "Returns the magnitude of ``x1`` with the sign of ``x2``.")
binary("divide", rtorch.divide, "Divides ``x1`` by ``x2`` (true division).",
       note="; integer operands give the default float dtype")
binary("equal", rtorch.eq, "Tests ``x1 == x2`` elementwise.")
binary("floor_divide", rtorch.floor_divide, "Divides ``x1`` by ``x2`` and rounds down (Python's ``//``).")
binary("greater", rtorch.gt, "Tests ``x1 > x2`` elementwise.")
binary("greater_equal", rtorch.ge, "Tests ``x1 >= x2`` elementwise.")
binary("hypot", rtorch.hypot, "Computes ``sqrt(x1**2 + x2**2)`` without undue overflow.")
binary("less", rtorch.lt, "Tests ``x1 < x2`` elementwise.")
binary("less_equal", rtorch.le, "Tests ``x1 <= x2`` elementwise.")
binary("logaddexp", rtorch.logaddexp, "Computes ``log(exp(x1) + exp(x2))`` without undue overflow.")
binary("logical_and", _logical(rtorch.logical_and), "Computes the logical AND.", "[True, False]")
binary("logical_or", _logical(rtorch.logical_or), "Computes the logical OR.", "[True, False]")
binary("logical_xor", _logical(rtorch.logical_xor), "Computes the logical XOR.", "[True, False]")
binary("maximum", rtorch.maximum, "Returns the larger of ``x1`` and ``x2`` (NaN if either is NaN).")
binary("minimum", rtorch.minimum, "Returns the smaller of ``x1`` and ``x2`` (NaN if either is NaN).")
binary("multiply", rtorch.mul, "Multiplies the elements of ``x1`` and ``x2``.")
binary("nextafter", rtorch.nextafter, "Returns the next representable value after ``x1`` toward ``x2``.")
binary("not_equal", rtorch.ne, "Tests ``x1 != x2`` elementwise.")
binary("pow", rtorch.pow, "Raises ``x1`` to the power ``x2``.")
binary("remainder", rtorch.remainder, "Returns the remainder of ``x1 / x2`` with the sign of ``x2`` (Python's ``%``).")
binary("subtract", rtorch.sub, "Subtracts ``x2`` from ``x1``.")


def clip(x, /, min=None, max=None):  # noqa: A002 - the standard's parameter names
    """Clamps each element of ``x`` to ``[min, max]``; the result keeps ``x``'s dtype and shape.

    Args:
        x (Tensor): the input array.
        min (Tensor or scalar, optional): the lower bound (broadcast to ``x``).
        max (Tensor or scalar, optional): the upper bound (broadcast to ``x``).

    Example::

        >>> xp.clip(xp.asarray([-2, 0, 5]), 0, 3)
        tensor([0, 0, 3])
    """
    check_array(x, "clip")
    if x.dtype == rtorch.bool or x.dtype.is_complex:
        raise TypeError(f"array_api.clip(): x must have a real numeric dtype, got {x.dtype}")
    bounds = []
    for name, b in (("min", min), ("max", max)):
        if b is None:
            bounds.append(None)
        elif isinstance(b, rtorch.Tensor):
            bounds.append(b)
        else:
            _dtypes.scalar_rank(b)
            bounds.append(rtorch.tensor(b, dtype=_dtypes.with_scalar(x.dtype, b), device=x.device))
    lo, hi = bounds
    out = x.clone()
    # maximum/minimum propagate a NaN bound, and min > max gives max, as NumPy's clip
    if lo is not None:
        out = rtorch.maximum(out, lo.to(x.dtype))
    if hi is not None:
        out = rtorch.minimum(out, hi.to(x.dtype))
    if tuple(out.shape) != tuple(x.shape):
        raise ValueError(f"array_api.clip(): the bounds broadcast x of shape {tuple(x.shape)} to "
                         f"{tuple(out.shape)}; they must broadcast to x's shape")
    return out


__all__.append("clip")
