"""The GIL-release survey (issue 15 item 6): every op that can run long lets other Python threads run meanwhile.

A ticker thread spins and records timestamps, which it can only do while it holds the GIL. Each op runs on an input
large enough to take MIN_RUN alone (up to 2**24 elements, 2**26 for plain copies); then it runs again beside the ticker. An op that keeps
the GIL keeps the ticker out of the whole native call, in particular out of the middle half of its duration (the
ticker can only run just before the call starts or once it has returned); one that releases it lets the ticker
tick there. Kernels run on one thread here.
"""
import math
import sys
import threading
import time

import pytest

import rtorch
import rtorch.nn.functional as F

MIN_RUN = 0.016  # s: an op shorter than this alone is grown until it is not (or until 2**24 elements)


class Ticker:
    """A thread that spins, recording a timestamp every 256 turns: it can only turn while it holds the GIL."""

    def __init__(self):
        self.ticks = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        n = 0
        while not self._stop:
            n += 1
            if n & 255 == 0:
                self.ticks.append(time.perf_counter())

    def __enter__(self):
        self._thread.start()
        while not self.ticks:
            time.sleep(0.0005)
        return self

    def __exit__(self, *exc):
        self._stop = True
        self._thread.join()


@pytest.fixture(scope="module", autouse=True)
def _short_switch_interval():
    old, threads = sys.getswitchinterval(), rtorch.get_num_threads()
    sys.setswitchinterval(0.001)
    rtorch.set_num_threads(1)  # one kernel thread: long runs from smaller inputs, and a core left for the ticker
    yield
    sys.setswitchinterval(old)
    rtorch.set_num_threads(threads)


_VECS = {}


def _vec(n):
    """rand(n), shared by the ops that only read it."""
    if n not in _VECS:
        _VECS.clear()
        _VECS[n] = rtorch.rand(n)
    return _VECS[n]


def _square(n):
    """A rand square matrix of about n elements."""
    k = int(n ** 0.5)
    return rtorch.rand(k, k)


# (name, make inputs for size n, the op) for every long op of issue 15 and its neighbours.
SURVEY = [
    ("sort", _vec, lambda x: x.sort()),
    ("argsort", _vec, lambda x: x.argsort()),
    ("unique", lambda n: (rtorch.rand(n) * 1000).floor(), lambda x: x.unique(return_counts=True)),
    ("topk", _vec, lambda x: x.topk(10)),
    ("kthvalue", _vec, lambda x: x.kthvalue(3)),
    ("median", _vec, lambda x: x.median()),
    ("cumsum", _vec, lambda x: x.cumsum(0)),
    ("scatter_add", lambda n: (rtorch.zeros(1000), rtorch.randint(0, 1000, (n,)), rtorch.rand(n)),
     lambda a: a[0].scatter_add(0, a[1], a[2])),
    ("index_add_", lambda n: (rtorch.zeros(1000), rtorch.randint(0, 1000, (n,)), rtorch.rand(n)),
     lambda a: a[0].index_add_(0, a[1], a[2])),
    ("index_copy_", lambda n: (rtorch.zeros(n), rtorch.randperm(n), rtorch.rand(n)),
     lambda a: a[0].index_copy_(0, a[1], a[2])),
    ("index_select", lambda n: (rtorch.rand(n), rtorch.randint(0, n, (n,))), lambda a: a[0].index_select(0, a[1])),
    ("nonzero", lambda n: rtorch.rand(n) > 0.5, lambda x: x.nonzero()),
    ("randn", lambda n: n, lambda n: rtorch.randn(n)),
    ("randint", lambda n: n, lambda n: rtorch.randint(0, 10, (n,))),
    ("randperm", lambda n: n, lambda n: rtorch.randperm(n)),
    ("normal_", rtorch.empty, lambda x: x.normal_()),
    ("bernoulli", lambda n: rtorch.full((n,), 0.5), rtorch.bernoulli),
    ("multinomial", lambda n: rtorch.rand(n // 64), lambda x: rtorch.multinomial(x, 1000, replacement=True)),
    ("var", _vec, lambda x: x.var()),
    ("norm", _vec, lambda x: x.norm()),
    ("pad", _vec, lambda x: F.pad(x, (3, 3), mode="circular")),
    ("conv2d", lambda n: (rtorch.rand(8, 16, max(8, int((n / 128) ** 0.5)), 64), rtorch.rand(16, 16, 3, 3)),
     lambda a: F.conv2d(a[0], a[1])),
    ("layer_norm", lambda n: rtorch.rand(n // 256, 256, dtype=rtorch.float64), lambda x: F.layer_norm(x, (256,))),
    ("cross_entropy", lambda n: (rtorch.rand(n // 100, 100), rtorch.randint(0, 100, (n // 100,))),
     lambda a: F.cross_entropy(a[0], a[1])),
    ("nll_loss", lambda n: (rtorch.rand(n // 100, 100), rtorch.randint(0, 100, (n // 100,))),
     lambda a: F.nll_loss(a[0], a[1])),
    # Copies: memory-bound, so they get larger inputs (BIG) to run long enough to tell.
    ("clone", lambda n: _square(n).t(), lambda x: x.clone()),
    ("contiguous", lambda n: _square(n).t(), lambda x: x.contiguous()),
    ("reshape", lambda n: _square(n).t(), lambda x: x.reshape(-1)),
    ("copy_", lambda n: (rtorch.empty(n), rtorch.rand(n)), lambda a: a[0].copy_(a[1])),
    ("zero_", rtorch.empty, lambda x: x.zero_()),
    ("to_dtype", _vec, lambda x: x.to(rtorch.float16)),
    ("flip", _vec, lambda x: x.flip(0)),
    ("triu", _square, lambda x: x.triu()),
    ("rot90", _square, lambda x: x.rot90()),
]

# Largest input (elements) per op where the default 2**24 may run too briefly to tell.
BIG = {name: 1 << 26 for name in ("clone", "contiguous", "reshape", "copy_", "zero_", "to_dtype", "flip")}


def _timed(op, arg):
    start = time.perf_counter()
    op(arg)
    return start, time.perf_counter()


@pytest.mark.parametrize("name,make,op", SURVEY, ids=[s[0] for s in SURVEY])
def test_long_op_releases_the_gil(name, make, op):
    n, tries, cap = 1 << 20, 0, BIG.get(name, 1 << 24)
    start, end = _timed(op, make(n))
    # One jump to a size that takes MIN_RUN (the op's time grows about linearly with its input).
    n = min(cap, n * 2 ** max(0, math.ceil(math.log2(1.5 * MIN_RUN / max(end - start, 1e-4)))))
    arg = make(n)
    op(arg)  # first touch of fresh memory is slower than the op itself: warm up
    while True:
        run = min(b - a for a, b in (_timed(op, arg), _timed(op, arg)))  # the op alone, nobody asking for the GIL
        if run < MIN_RUN and n < cap:  # still too short to tell: grow the input
            n = min(cap, n * 4)
            arg = make(n)
            op(arg)
            continue
        with Ticker() as ticker:
            start, end = _timed(op, arg)
        # The middle half of the op's own duration: a held GIL keeps the ticker out of all of it (the ticker
        # can only slip in just before the native call starts, or after it returns).
        lo, hi = start + run / 4, start + 3 * run / 4
        if any(lo < t < hi for t in ticker.ticks):
            return
        tries += 1  # retry first: on a busy machine the OS may not have run the ticker then
        if tries == 10:
            pytest.fail(f"{name}: no other thread ran in the middle of a {1000 * run:.0f} ms run (n={n}): "
                        "the GIL was held")
