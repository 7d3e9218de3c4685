"""The Array API's data types, their kinds and the standard's type-promotion table (no value-based casting)."""
import builtins

import rtorch

bool = rtorch.bool  # noqa: A001 - the standard names its boolean dtype `bool`
int8, int16, int32, int64 = rtorch.int8, rtorch.int16, rtorch.int32, rtorch.int64
uint8 = rtorch.uint8
float32, float64 = rtorch.float32, rtorch.float64
complex64, complex128 = rtorch.complex64, rtorch.complex128

# The standard's dtypes rtorch has (it has no uint16/uint32/uint64: see docs/array_api.md).
SIGNED = (int8, int16, int32, int64)
UNSIGNED = (uint8,)
INTEGRAL = SIGNED + UNSIGNED
# float16/bfloat16 are not the standard's but rtorch arrays may hold them: they count as real floating.
REAL_FLOATING = (float32, float64, rtorch.float16, rtorch.bfloat16)
COMPLEX_FLOATING = (complex64, complex128)
NUMERIC = INTEGRAL + REAL_FLOATING + COMPLEX_FLOATING
ALL = (bool,) + NUMERIC
STANDARD = (bool,) + INTEGRAL + (float32, float64) + COMPLEX_FLOATING

KINDS = {
    "bool": (bool,),
    "signed integer": SIGNED,
    "unsigned integer": UNSIGNED,
    "integral": INTEGRAL,
    "real floating": REAL_FLOATING,
    "complex floating": COMPLEX_FLOATING,
    "numeric": NUMERIC,
}

_BITS = {int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8}


def _table():
    """The standard's promotion table as {(dtype, dtype): dtype} (both orders)."""
    t = {}
    def put(a, b, r):
        t[(a, b)] = t[(b, a)] = r
    for group in (SIGNED, UNSIGNED, (float32, float64), COMPLEX_FLOATING):
        for a in group:
            for b in group:
                put(a, b, a if group.index(a) >= group.index(b) else b)
    for s in SIGNED:  # uint8 with a signed integer: the smallest signed type holding both
        put(uint8, s, int16 if _BITS[s] <= 8 else s)
    put(float32, complex64, complex64)
    put(float32, complex128, complex128)
    put(float64, complex64, complex128)
    put(float64, complex128, complex128)
    put(bool, bool, bool)
    return t


PROMOTION_TABLE = _table()


def check_dtype(dtype, what="dtype"):
    """Raise TypeError unless `dtype` is an rtorch dtype; return it."""
    if not isinstance(dtype, rtorch.dtype):
        raise TypeError(f"array_api: {what} must be a dtype such as array_api.float32, got {dtype!r}")
    return dtype


def promote(a, b):
    """The result dtype of two dtypes: the standard's table where it has the pair, else PyTorch's rule
    (mixed kinds such as int64 with float32, which the standard leaves to the library)."""
    r = PROMOTION_TABLE.get((a, b))
    return r if r is not None else rtorch.promote_types(a, b)


def kind_rank(dtype):
    """0 bool, 1 integer, 2 real floating, 3 complex: the order in which Python scalars are absorbed."""
    if dtype == bool:
        return 0
    if dtype in INTEGRAL:
        return 1
    if dtype in COMPLEX_FLOATING:
        return 3
    return 2


def scalar_rank(value):
    """kind_rank of a Python scalar (bool, int, float, complex); TypeError for anything else."""
    if isinstance(value, builtins.bool):
        return 0
    if isinstance(value, int):
        return 1
    if isinstance(value, float):
        return 2
    if isinstance(value, complex):
        return 3
    raise TypeError(f"array_api: expected an array or a Python scalar, got {type(value).__name__}")


def with_scalar(dtype, value):
    """The dtype of `array(dtype) op value` for a Python scalar: the array's dtype when the scalar's kind
    fits in it (the standard's rule), else PyTorch's (e.g. an int array with a float scalar gives the
    default float dtype)."""
    if scalar_rank(value) <= kind_rank(dtype):
        return dtype
    return rtorch.result_type(rtorch.empty(0, dtype=dtype), value)
