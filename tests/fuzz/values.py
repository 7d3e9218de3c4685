"""Hypothesis strategies that draw hostile argument values as Python source text (so every call is printable).

A drawn value is an `Arg`: the expression that builds it plus what is known about it (a tensor's shape and dtype),
which later arguments use to pick plausible dims and indices. Hostility is deliberate: sizes such as 2**31,
2**46 and 2**62+1, negative sizes, 0-d and empty tensors, NaN/inf, every dtype, non-contiguous views (transposed,
stepped, reversed, expanded, permuted), wrong Python types and extreme scalars.
"""
import functools
import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")
FLOAT_DTYPES = ("float32", "float64", "float16", "bfloat16")
INT_RANGES = {"int64": (-2**63, 2**63 - 1), "int32": (-2**31, 2**31 - 1), "int16": (-2**15, 2**15 - 1),
              "int8": (-128, 127), "uint8": (0, 255), "bool": (0, 1)}

# Integers that break size and index arithmetic: int32/int64 edges, 2**46 (beyond any RAM), 2**62+1 (overflows
# a byte count), and the everyday small values that must keep working.
HUGE_INTS = (2**31 - 1, 2**31, 2**32, 2**46, 2**62 + 1, 2**63 - 1, 2**63, 2**64, 10**12, 10**30,
             -2**31, -2**63, -2**63 - 1, -2**62 - 1)
EDGE_FLOATS = ("nan", "inf", "-inf", "0.0", "-0.0", "1e308", "-1e308", "5e-324", "1e-45", "65504.0", "65520.0",
               "3.4028234663852886e+38", "0.5", "-1.5", "2.0", "1e-12")
STRINGS = ("''", "'mean'", "'sum'", "'none'", "'prod'", "'amax'", "'amin'", "'add'", "'multiply'", "'cpu'",
           "'cuda'", "'cuda:7'", "'meta'", "'trunc'", "'floor'", "'zeros'", "'reflect'", "'replicate'",
           "'circular'", "'constant'", "'nearest'", "'bilinear'", "'linear'", "'same'", "'valid'", "'tanh'",
           "'relu'", "'gelu'", "'ij'", "'xy'", "'left'", "'right'", "'ii->i'", "'ij,jk->ik'", "'...'",
           "'\\x00'", "'bogus'", "'float32'", "'torch.float32'")


# Non-contiguous forms a tensor argument may take ("none" three times: most arguments stay contiguous).
VIEWS = ("none", "none", "none", "t", "step", "flip", "expand", "permute", "unsqueeze")


@dataclass
class Arg:
    """One argument: `src` is the Python expression; `shape`/`dtype` are set for tensors."""
    src: str
    shape: tuple = None
    dtype: str = None
    extra: dict = field(default_factory=dict)

    @property
    def is_tensor(self):
        return self.shape is not None


def _lit(v):
    """Source text of a scalar literal (nan/inf are names in the call namespace)."""
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return repr(v)


def _nested(values, shape):
    if not shape:
        return _lit(values[0])
    step = len(values) // shape[0] if shape[0] else 0
    return "[" + ", ".join(_nested(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])) + "]"


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@functools.lru_cache(maxsize=None)
def cached(factory, *args, **kwargs):
    """One strategy object per (factory, arguments): hypothesis validates every new strategy it draws from."""
    return factory(*args, **kwargs)


small_ints = st.integers(-3, 6)
sizes = st.one_of(st.integers(0, 5), st.integers(0, 5), st.sampled_from((0, 1, 2, 7, 64)))
hostile_ints = st.one_of(small_ints, st.sampled_from(HUGE_INTS), st.integers(-2**64, 2**64))
hostile_floats = st.one_of(st.sampled_from(EDGE_FLOATS),
                           st.floats(allow_nan=True, allow_infinity=True).map(_lit))


@functools.lru_cache(maxsize=None)
def scalar_for(dtype):
    """A Python scalar of the dtype's kind (NaN, inf, -0.0 and extreme values included)."""
    if dtype in FLOAT_DTYPES:
        return st.one_of(st.sampled_from((0.0, 1.0, -1.0, 0.5, -2.5, 3.0, float("nan"), float("inf"),
                                          float("-inf"), -0.0, 1e30, -1e-30, 65504.0)),
                         st.floats(-1e6, 1e6, allow_nan=False))
    if dtype == "bool":
        return st.booleans()
    lo, hi = INT_RANGES[dtype]
    return st.one_of(st.integers(max(lo, -5), min(hi, 9)), st.sampled_from((lo, hi)))


@functools.lru_cache(maxsize=None)
def tensors(dtypes=DTYPES, min_dims=0, max_dims=4, shape=None, grad=True):
    """Cached strategy objects: hypothesis validates each new strategy, which dominated generation time."""
    return _tensors(dtypes, min_dims, max_dims, shape, grad)


@st.composite
def _tensors(draw, dtypes, min_dims, max_dims, shape, grad):
    """A tensor expression: literal data, arange, random or constant fill; then maybe a non-contiguous view."""
    dtype = draw(cached(st.sampled_from, dtypes))
    if shape is None:
        shape = tuple(draw(cached(st.lists, sizes, min_size=min_dims, max_size=max_dims)))
        if _numel(shape) > 4096:  # keep the data small; big work comes from the size arguments
            shape = tuple(min(s, 3) for s in shape)
    dt = f"rtorch.{dtype}"
    # A view needs a base of another shape: pick the view first, then build the base for it.
    view = draw(cached(st.sampled_from, VIEWS))
    base_shape, suffix = shape, ""
    if view == "t" and len(shape) >= 2:
        base_shape = (shape[-1],) + shape[1:-1] + (shape[0],)
        suffix = ".transpose(0, -1)"
    elif view == "step" and len(shape) >= 1:
        base_shape = (2 * shape[0],) + shape[1:]
        suffix = "[::2]"
    elif view == "flip" and len(shape) >= 1:
        suffix = ".flip(0)"
    elif view == "expand" and len(shape) >= 1 and shape[0] > 1:
        base_shape = (1,) + shape[1:]
        suffix = f".expand{tuple(shape)!r}"
    elif view == "permute" and len(shape) >= 3:
        base_shape = (shape[1], shape[2], shape[0]) + shape[3:]
        suffix = ".permute(2, 0, 1" + "".join(f", {i}" for i in range(3, len(shape))) + ")"
    elif view == "unsqueeze" and len(shape) >= 1 and shape[0] == 1:
        base_shape = shape[1:]
        suffix = ".unsqueeze(0)"
    bn = _numel(base_shape)
    how = draw(cached(st.sampled_from, ("literal", "literal", "arange", "random", "full", "zeros")))
    if how == "literal" and 0 < bn <= 24:
        values = draw(cached(st.lists, scalar_for(dtype), min_size=bn, max_size=bn))
        src = f"rtorch.tensor({_nested(values, base_shape)}, dtype={dt})"
    elif how == "arange" and bn > 0:
        src = f"rtorch.arange({bn}).to({dt}).reshape{tuple(base_shape)!r}"
    elif how == "random" and dtype in FLOAT_DTYPES:
        src = f"rtorch.randn({tuple(base_shape)!r}, dtype={dt})"
    elif how == "random" and dtype != "bool":
        lo, hi = INT_RANGES[dtype]
        src = f"rtorch.randint({max(lo, -50)}, {min(hi, 50)}, {tuple(base_shape)!r}, dtype={dt})"
    elif how == "full":
        v = draw(scalar_for(dtype))
        src = f"rtorch.full({tuple(base_shape)!r}, {_lit(v)}, dtype={dt})"
    else:
        src = f"rtorch.zeros({tuple(base_shape)!r}, dtype={dt})"
    src += suffix
    if grad and dtype in ("float32", "float64") and draw(cached(st.integers, 0, 5)) == 0:
        src += ".requires_grad_()"
    return Arg(src, shape, dtype)


@functools.lru_cache(maxsize=None)
def index_tensors(n, shape=()):
    """An int64 index tensor whose values are mostly in [-n, n) (and sometimes out of range)."""
    k = _numel(shape)
    vals = st.lists(st.one_of(st.integers(-n, max(n - 1, 0)), st.sampled_from((n, -n - 1, 2**62, -2**63))),
                    min_size=k, max_size=k)
    return vals.map(lambda v: Arg(f"rtorch.tensor({_nested(v, shape) if shape else _lit(v[0])}, dtype=rtorch.int64)",
                                  shape, "int64"))


@functools.lru_cache(maxsize=None)
def dims_for(ndim):
    """A dim: mostly valid for `ndim`, sometimes out of range or huge."""
    lo, hi = -max(ndim, 1), max(ndim - 1, 0)
    return st.one_of(st.integers(lo, hi), st.integers(lo, hi), st.sampled_from((ndim, -ndim - 1, 2**31, -2**63)))


@functools.lru_cache(maxsize=None)
def int_lists(min_size=0, max_size=4, elems=None):
    elems = elems or st.one_of(sizes, st.sampled_from((-1, -2, 2**31, 2**46, 2**62 + 1)))
    return st.lists(elems, min_size=min_size, max_size=max_size)


@functools.lru_cache(maxsize=None)
def shape_args():
    """A size/shape argument as a tuple, a list, or a bare int (the forms PyTorch takes)."""
    return st.one_of(int_lists().map(lambda v: repr(tuple(v))), int_lists().map(repr), sizes.map(repr),
                     st.sampled_from(HUGE_INTS).map(repr), st.sampled_from(("(2**31,)", "(2**46,)", "(2**62+1, 4)",
                                                                            "(-1,)", "(3, -2)", "()", "(0,)")))


@functools.lru_cache(maxsize=None)
def keys(shape):
    """An indexing key for a tensor of `shape`: ints, slices, None, ..., bool masks, index tensors, tuples."""
    ndim = len(shape)
    n0 = shape[0] if shape else 1
    item = st.one_of(
        st.integers(-n0 - 1, n0).map(repr),
        st.sampled_from(("slice(None)", "slice(1, None)", "slice(None, None, -1)", "slice(None, None, 2)",
                         "slice(-2**63, 2**63)", "slice(None, None, 0)", "None", "...", "True", "False",
                         "2**62", "-2**63", "[]", "[0, -1]", "[[0], [1]]", "(0,)", "1.5", "'a'")),
        index_tensors(n0, ()).map(lambda a: a.src),
        st.lists(st.integers(0, 3), min_size=0, max_size=3).flatmap(
            lambda s: index_tensors(n0, tuple(s)).map(lambda a: a.src)),
        st.just(f"rtorch.ones({tuple(shape)!r}, dtype=rtorch.bool)"),
        st.just(f"(rtorch.arange({_numel(shape)}).reshape({tuple(shape)!r}) % 2 == 0)"),
        st.just("rtorch.tensor([], dtype=rtorch.int64)"),
        st.just("rtorch.tensor(True)"),
    )
    return st.one_of(item, st.lists(item, min_size=0, max_size=ndim + 2).map(
        lambda items: "(" + "".join(i + ", " for i in items) + ")"))


@functools.lru_cache(maxsize=None)
def misc():
    """Anything at all: the wrong-type argument."""
    return st.one_of(
        hostile_ints.map(repr), hostile_floats, st.booleans().map(repr), st.just("None"),
        st.sampled_from(STRINGS), st.sampled_from(DTYPES).map(lambda d: f"rtorch.{d}"),
        st.sampled_from(("[]", "()", "{}", "[1, 2]", "(2, 3)", "[[1], [2, 3]]", "[None]", "[1.5]", "(2**63,)",
                         "object()", "lambda *a, **k: None", "1j", "b'\\x00\\x01'", "...", "slice(None)",
                         "np.zeros((2, 3))", "np.float64(nan)", "np.int64(-1)", "np.array(2**62)", "range(3)",
                         "[rtorch.ones(2), 1]", "rtorch.device('cpu')", "rtorch.Generator()", "float",
                         "rtorch.Tensor", "nn.Linear(2, 2)", "'x' * 10000")),
        tensors().map(lambda a: a.src),
    )
