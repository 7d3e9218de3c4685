"""The fast paths of issue 20's binary / cast / copy / gather work (src/cpu/iter.rs whole-row bands,
src/cpu/fmod.rs, src/cpu/cast.rs `half_run`, src/cpu/transpose.rs row copies, src/cpu/index.rs gather's
one-element lines, the in-place loops of src/cpu/mod.rs): broadcast rows and columns, lengths around the
SIMD width, the fmod block (64), the cast chunk (256) and the thread grain, special values, transposed /
stepped / expanded / 0-sized views, 1 and 2 threads, checked element for element against NumPy."""
import numpy as np
import pytest

import rtorch as torch

GRAIN = 1 << 15  # src/cpu/iter.rs
LENGTHS = [0, 1, 7, 9, 63, 64, 65, 255, 256, 257, GRAIN - 1, GRAIN, GRAIN + 1, 65537]


def equal_bits(got, want, msg=""):
    """Same values, NaN where NaN, and the same sign on zeros."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, msg
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    bad = np.flatnonzero(~same.ravel() | (np.signbit(got).ravel() != np.signbit(want).ravel()) & (got.ravel() == 0))
    assert bad.size == 0, f"{msg}: {bad.size} differ, first at {bad[0]}: {got.ravel()[bad[0]]!r} vs {want.ravel()[bad[0]]!r}"


def hostile_pairs(n, seed):
    """float32 (x, y) pairs: ordinary values, x near a multiple of y (where fl(x / y) rounds up to the next
    integer), huge and tiny quotients, zeros of both signs, infinities and NaN."""
    r = np.random.default_rng(seed)
    x = (r.standard_normal(n) * 10).astype(np.float32)
    y = (r.standard_normal(n) * 3).astype(np.float32)
    k = r.integers(0, 8, n)
    near = (y * r.integers(1, 5000, n).astype(np.float32)).view(np.int32) + r.integers(-1, 2, n).astype(np.int32)
    x = np.where(k == 1, near.view(np.float32), x)
    x = np.where(k == 2, x * np.float32(1e30), x)  # quotients past the float64 path (libm lanes)
    y = np.where(k == 3, y * np.float32(1e-30), y)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -3.0, 7.0], np.float32)
    x = np.where(k == 4, specials[r.integers(0, 8, n)], x)
    y = np.where(k == 5, specials[r.integers(0, 8, n)], y)
    return x.astype(np.float32), y.astype(np.float32)


def np_floor_divide(x, y):
    """Python's // on float32 as PyTorch computes it (the row kernel's `py_floordiv`)."""
    with np.errstate(all="ignore"):
        m = np.fmod(x, y)
        d = (x - m) / y
        d = np.where((m != 0) & ((y < 0) != (m < 0)), d - np.float32(1), d).astype(np.float32)
        fl = np.floor(d)
        rounded = np.where(d - fl > np.float32(0.5), fl + np.float32(1), fl)
        out = np.where(d == 0, np.copysign(np.float32(0), x / y), rounded)
        return np.where(y == 0, x / y, out).astype(np.float32)


def np_remainder(x, y):
    """Python's % on float32 (sign of the divisor; a zero keeps fmod's sign, as PyTorch's)."""
    with np.errstate(all="ignore"):
        m = np.fmod(x, y)
        return np.where((m != 0) & ((m < 0) != (y < 0)), m + y, m).astype(np.float32)


FMOD_FAMILY = [
    ("fmod", torch.fmod, np.fmod),
    ("remainder", torch.remainder, np_remainder),
    ("floor_divide", torch.floor_divide, np_floor_divide),
]


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("name,op,ref", FMOD_FAMILY, ids=[f[0] for f in FMOD_FAMILY])
def test_fmod_family_contiguous(name, op, ref, n, num_threads):
    x, y = hostile_pairs(n, n + 11)
    with np.errstate(all="ignore"):
        want = ref(x, y)
    equal_bits(op(torch.from_numpy(x), torch.from_numpy(y)).numpy(), want, f"{name} n={n}")


@pytest.mark.parametrize("name,op,ref", FMOD_FAMILY, ids=[f[0] for f in FMOD_FAMILY])
def test_fmod_family_broadcast_and_strided(name, op, ref, num_threads):
    x, y = hostile_pairs(300 * 257, 5)
    x, y = x.reshape(300, 257), y.reshape(300, 257)
    cases = [
        ("row", torch.from_numpy(x), torch.from_numpy(y[0]), x, y[0]),
        ("column", torch.from_numpy(x), torch.from_numpy(y[:, :1].copy()), x, y[:, :1]),
        ("scalar y", torch.from_numpy(x), torch.tensor(np.float32(-2.5)), x, np.float32(-2.5)),
        ("scalar x", torch.tensor(7.25), torch.from_numpy(y), np.float32(7.25), y),
        ("transposed", torch.from_numpy(np.ascontiguousarray(x.T)).T, torch.from_numpy(y), x, y),
        ("stepped", torch.from_numpy(x)[:, ::2], torch.from_numpy(y)[:, ::2], x[:, ::2], y[:, ::2]),
        ("empty", torch.from_numpy(x[:0]), torch.from_numpy(y[0]), x[:0], y[0]),
    ]
    for lay, tx, ty, nx, ny in cases:
        with np.errstate(all="ignore"):
            want = ref(*np.broadcast_arrays(np.float32(nx), np.float32(ny)))
        equal_bits(op(tx, ty).numpy(), want, f"{name} {lay}")
    # In place, the output aliasing the first input (results computed before any write).
    t = torch.from_numpy(x.copy())
    getattr(t, name + "_")(torch.from_numpy(y))
    with np.errstate(all="ignore"):
        equal_bits(t.numpy(), ref(x, y), f"{name}_ in place")


def test_fmod_family_half_types_and_integers():
    x, y = hostile_pairs(1000, 3)
    for dt in (torch.float16, torch.bfloat16):
        tx, ty = torch.from_numpy(x).to(dt), torch.from_numpy(y).to(dt)
        fx, fy = tx.float().numpy(), ty.float().numpy()
        for name, op, ref in FMOD_FAMILY:
            with np.errstate(all="ignore"):
                want = torch.from_numpy(ref(fx, fy)).to(dt).float().numpy()
            equal_bits(op(tx, ty).float().numpy(), want, f"{name} {dt}")
    # Integer division by zero still raises as PyTorch does.
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.fmod(torch.tensor([3, 4], dtype=torch.int32), torch.tensor([1, 0], dtype=torch.int32))


@pytest.mark.parametrize("shape", [(2048, 64), (3, GRAIN + 7), (GRAIN + 3, 2), (257, 129), (1, 70001), (0, 5)], ids=str)
def test_row_and_column_broadcast_bands(shape, num_threads):
    """Whole-row blocks are cut into bands for the pool: every row computed once, with the right row."""
    r = np.random.default_rng(sum(shape))
    x = r.standard_normal(shape).astype(np.float32)
    row = r.uniform(0.5, 2.0, shape[1]).astype(np.float32)
    col = r.uniform(0.5, 2.0, (shape[0], 1)).astype(np.float32)
    tx = torch.from_numpy(x)
    equal_bits((tx + torch.from_numpy(row)).numpy(), x + row, "x + row")
    equal_bits(torch.atan2(tx, torch.from_numpy(row)).numpy(),
               torch.atan2(tx, torch.from_numpy(np.broadcast_to(row, shape).copy())).numpy(), "atan2 row")
    equal_bits((tx * torch.from_numpy(col)).numpy(), x * col, "x * column")
    xi = r.integers(-1000, 1000, shape).astype(np.int32)
    ri = r.integers(0, 5, shape[1]).astype(np.int32)
    np.testing.assert_array_equal(torch.bitwise_right_shift(torch.from_numpy(xi), torch.from_numpy(ri)).numpy(), xi >> ri)
    # A full (expanded) fill of a broadcast value, and the row written into a transposed output.
    out = torch.empty(shape[::-1]).T
    torch.add(tx, torch.from_numpy(row), out=out)
    equal_bits(out.numpy(), x + row, "out= transposed")


HALF_SOURCES = {
    "special": np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.5, 65504.0, 70000.0, 3e9, -3e9, 1e-8,
                         300.7, -300.7, 127.9, 128.0, -1.0, 2 ** 24 + 3], np.float32),
}


def cast_inputs(n, seed):
    r = np.random.default_rng(seed)
    v = (r.standard_normal(n) * 10 ** r.uniform(-3, 6, n)).astype(np.float32)
    sp = HALF_SOURCES["special"]
    v[: min(n, sp.size)] = sp[: min(n, sp.size)]
    return v


CAST_PAIRS = [(a, b) for a in ("float16", "bfloat16") for b in
              ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")] + \
             [(a, b) for a in ("float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool")
              for b in ("float16", "bfloat16")]


@pytest.mark.parametrize("n", [0, 1, 9, 255, 256, 257, 1000, GRAIN + 1])
@pytest.mark.parametrize("src,dst", CAST_PAIRS, ids=[f"{a}->{b}" for a, b in CAST_PAIRS])
def test_half_casts_go_through_float32(src, dst, n, num_threads):
    """Every pair with a half-precision side converts as `x.to(float32).to(dst)` (PyTorch's rule: half types
    widen exactly, everything narrows into them through float32), contiguous, transposed and broadcast."""
    v = cast_inputs(n, n)
    if src in ("float32", "float64"):
        x = torch.from_numpy(v.astype(src))
    elif src in ("float16", "bfloat16"):
        x = torch.from_numpy(v).to(getattr(torch, src))
    else:
        x = torch.from_numpy(np.nan_to_num(v, nan=0, posinf=7, neginf=-7)).to(getattr(torch, src))
    d = getattr(torch, dst)

    def check(t, what):
        got, want = t.to(d), t.to(torch.float32).to(d)
        assert got.dtype == d and tuple(got.shape) == tuple(t.shape)
        g, w = got.to(torch.float64).numpy(), want.to(torch.float64).numpy()
        equal_bits(g, w, f"{src}->{dst} {what} n={n}")

    check(x, "contiguous")
    if n >= 4:
        m = n - n % 4
        check(x[:m].reshape(4, m // 4).T, "transposed")
        check(x[:m].reshape(4, m // 4)[:, ::3], "stepped")
    if n >= 1:
        check(x[:1].expand(300), "broadcast")


def test_half_cast_values_against_numpy():
    """The float16 side against NumPy's conversions (no torch needed): float32 -> float16 rounds to nearest
    even, float16 -> int32 truncates, bfloat16 -> int32 equals the float32 value's truncation."""
    v = cast_inputs(5000, 1)
    with np.errstate(all="ignore"):
        h = v.astype(np.float16)
    equal_bits(torch.from_numpy(v).to(torch.float16).numpy(), h, "f32->f16")
    finite = np.isfinite(h)
    got = torch.from_numpy(h).to(torch.int32).numpy()
    want = h.astype(np.float64)
    ok = finite & (np.abs(want) < 2 ** 31)
    np.testing.assert_array_equal(got[ok], np.trunc(want[ok]).astype(np.int32))
    assert (got[~ok] == np.iinfo(np.int32).min).all()
    b = torch.from_numpy(v).to(torch.bfloat16)
    bf = b.float().numpy()
    ok = np.isfinite(bf) & (np.abs(bf) < 2 ** 31)
    np.testing.assert_array_equal(b.to(torch.int32).numpy()[ok], np.trunc(bf[ok]).astype(np.int32))
    i = np.arange(-70000, 70000, 7, dtype=np.int32)
    np.testing.assert_array_equal(torch.from_numpy(i).to(torch.bfloat16).float().numpy(),
                                  torch.from_numpy(i.astype(np.float32)).to(torch.bfloat16).float().numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8, np.complex128], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(2048, 130), (7, GRAIN + 2), (513, 1), (0, 9)], ids=str)
def test_stepped_and_expanded_copies(dtype, shape, num_threads):
    r = np.random.default_rng(3)
    a = (r.standard_normal((shape[0], 2 * shape[1])) * 100).astype(dtype)
    t = torch.from_numpy(a)
    np.testing.assert_array_equal(t[:, ::2].contiguous().numpy(), a[:, ::2])
    np.testing.assert_array_equal(t[::3, 1::2].contiguous().numpy(), a[::3, 1::2])
    np.testing.assert_array_equal(t.flip(1)[:, ::2].contiguous().numpy(), a[:, ::-1][:, ::2])
    col = torch.from_numpy(a[:, :1].copy())
    np.testing.assert_array_equal(col.expand(shape[0], 77).contiguous().numpy(), np.broadcast_to(a[:, :1], (shape[0], 77)))
    if shape[0]:
        row = torch.from_numpy(a[:1].copy())
        np.testing.assert_array_equal(row.expand(5, 2 * shape[1]).contiguous().numpy(), np.broadcast_to(a[:1], (5, 2 * shape[1])))
    # A stepped source copied into a transposed destination (tiles, not rows).
    dst = torch.empty((2 * shape[1] // 2, shape[0]), dtype=t.dtype).T
    dst.copy_(t[:, ::2])
    np.testing.assert_array_equal(dst.numpy(), a[:, ::2])


@pytest.mark.parametrize("shape,k", [((2048, 300), 256), ((5, 7), 3), ((3, GRAIN + 9), 2), ((GRAIN + 1, 3), 5), ((4, 0), 0), ((0, 4), 2)],
                         ids=str)
def test_gather_last_dim(shape, k, num_threads):
    r = np.random.default_rng(k + shape[0])
    a = r.standard_normal(shape).astype(np.float32)
    i = r.integers(0, max(shape[1], 1), (shape[0], k)) if shape[1] else np.zeros((shape[0], k), np.int64)
    x = torch.from_numpy(a)
    np.testing.assert_array_equal(x.gather(-1, torch.from_numpy(i)).numpy(), np.take_along_axis(a, i, -1))
    # Non-contiguous source and a narrower index in the leading dim.
    xt = torch.from_numpy(np.ascontiguousarray(a.T)).T
    np.testing.assert_array_equal(xt.gather(1, torch.from_numpy(i)).numpy(), np.take_along_axis(a, i, 1))
    if shape[0] > 1:
        np.testing.assert_array_equal(x.gather(1, torch.from_numpy(i[:-1])).numpy(), np.take_along_axis(a[:-1], i[:-1], 1))
    if shape[0] and shape[1]:
        with pytest.raises(RuntimeError, match="out of bounds"):
            x.gather(-1, torch.full((shape[0], 1), shape[1], dtype=torch.int64))


@pytest.mark.parametrize("shape", [(8, 64, 56, 56), (2, 3, 1, 1), (3, 5, 7), (0, 3, 4, 4), (2, 1, 65, 3)], ids=str)
def test_global_average_pool_is_the_plane_mean(shape):
    a = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    x = torch.from_numpy(a)
    got = torch.nn.functional.adaptive_avg_pool2d(x, 1)
    assert tuple(got.shape) == shape[:-2] + (1, 1)
    np.testing.assert_allclose(got.numpy(), a.astype(np.float64).mean((-2, -1), keepdims=True), rtol=1e-5, atol=1e-6)
    xg = torch.from_numpy(a).requires_grad_()
    torch.nn.functional.adaptive_avg_pool2d(xg, (1, 1)).sum().backward()
    np.testing.assert_allclose(xg.grad.numpy(), np.full(shape, 1.0 / (shape[-1] * shape[-2]), np.float32), rtol=1e-6)


@pytest.mark.parametrize("n", [1, 63, 64, 257, GRAIN + 1, 65537])
def test_inplace_reads_its_own_output(n, num_threads):
    """In-place ops, self-aliased operands and `out=` an input (src/cpu/mod.rs loops l1/l2, splat chunks)."""
    r = np.random.default_rng(n)
    a, b = r.standard_normal(n).astype(np.float32), r.standard_normal(n).astype(np.float32)
    for name, f, want in [
        ("mul_(2.0)", lambda x, y: x.mul_(2.0), a * np.float32(2)),
        ("add_(y)", lambda x, y: x.add_(y), a + b),
        ("add_(x)", lambda x, y: x.add_(x), a + a),
        ("clamp_", lambda x, y: x.clamp_(-0.5, 0.5), np.clip(a, np.float32(-0.5), np.float32(0.5))),
        ("relu_", lambda x, y: x.relu_(), np.maximum(a, 0)),
        ("sub_ row", lambda x, y: x.view(1, n).sub_(y[:1]), a - b[:1]),
        ("out=y", lambda x, y: torch.sub(x, y, out=y), a - b),
    ]:
        x, y = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
        res = f(x, y)
        equal_bits(res.reshape(-1).numpy(), want, name)
    x = torch.from_numpy(a.astype(np.int32))
    x.mul_(3)
    np.testing.assert_array_equal(x.numpy(), a.astype(np.int32) * 3)
