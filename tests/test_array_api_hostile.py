"""Every rtorch.array_api function called with hostile arguments raises a clean error.

TypeError/ValueError/RuntimeError/IndexError (linalg and fft extensions included): never a crash, a hang or
another exception type.
"""
import inspect
import math

import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.array_api as xp

ALLOWED = (TypeError, ValueError, RuntimeError, IndexError)


def _pool():
    return [None, -1, 0, 3, 10**30, -2.5, math.nan, math.inf, 1j, True, "a", (), (1, -1), [1, 2], object(),
            rtorch.float64, rtorch.device("cpu"), xp.asarray(2.0), xp.asarray([], dtype=xp.float32),
            xp.ones((0, 3)), xp.ones((2, 2), dtype=xp.int8), xp.asarray([True, False]),
            xp.asarray([1 + 1j, 2j]), xp.asarray([[math.nan, 1.0], [2.0, math.inf]]),
            xp.ones((2, 3, 4), dtype=xp.float64), xp.ones(3)[::-1]]


def _functions():
    out = []
    for mod, prefix in ((xp, ""), (xp.linalg, "linalg."), (xp.fft, "fft.")):
        for name in mod.__all__:
            fn = getattr(mod, name)
            if callable(fn) and not inspect.ismodule(fn) and not isinstance(fn, rtorch.dtype):
                out.append((prefix + name, fn))
    return out


def _keywords(fn):
    return [p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY]


@pytest.mark.parametrize("name,fn", _functions(), ids=[n for n, _ in _functions()])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_hostile_arguments(name, fn, data):
    pool = _pool()
    args = data.draw(st.lists(st.sampled_from(pool), max_size=3))
    kws = _keywords(fn)
    kwargs = data.draw(st.dictionaries(st.sampled_from(kws), st.sampled_from(pool), max_size=2)) if kws else {}
    try:
        fn(*args, **kwargs)
    except ALLOWED:
        pass
