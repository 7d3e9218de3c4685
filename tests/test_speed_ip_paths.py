"""The one-pointer in-place loops and the fused clamp (src/cpu/inplace.rs), stepped copies (src/cpu/transpose.rs
`stepped`) and the float32 max/min row kernel (src/cpu/reduce_ext.rs): lengths around the SIMD width and the
thread grain, transposed / stepped / flipped / 0-sized views, self-aliasing and overlapping views, NaN, signed
zeros and ties, 1 and 2 threads, bit for bit against NumPy or against the generic kernels they replace."""
import numpy as np
import pytest

import rtorch as torch

GRAIN = 1 << 15  # src/cpu/iter.rs
BLOCK = 1024  # src/cpu/reduce.rs / reduce_ext.rs: lanes restart per block

LENGTHS = [0, 1, 7, 8, 9, 31, 33, 255, 257, GRAIN - 1, GRAIN, GRAIN + 1, 100003]
SPECIAL = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, -0.5, 0.25, 1e-40, -1e-40, 3.0, -3.0], np.float32)


def data(n, seed, dtype=np.float32):
    """Normal values with the special ones (NaN, infinities, signed zeros, the clamp bounds) sprinkled in."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(n).astype(dtype)
    k = min(n, 3 * len(SPECIAL))
    if k:
        a[rng.choice(n, k, replace=False)] = np.resize(SPECIAL.astype(dtype), k)
    return a


def same_bits(got, want, msg=""):
    """Equal element for element, NaN where NaN, and the same sign of zero."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, msg
    np.testing.assert_array_equal(got, want, err_msg=msg)
    np.testing.assert_array_equal(np.signbit(got) | np.isnan(got), np.signbit(want) | np.isnan(want), err_msg=msg)


def np_maximum(x, y):
    """The `maximum` row: NaN from either side, a tie gives `y` (so maximum(-0., 0.) is 0.)."""
    return np.where(np.isnan(x) | np.isnan(y), x + y, np.where(x > y, x, y)).astype(x.dtype)


def np_minimum(x, y):
    return np.where(np.isnan(x) | np.isnan(y), x + y, np.where(x < y, x, y)).astype(x.dtype)


def np_relu(x):
    return np.where((x > 0) | np.isnan(x), x, np.zeros_like(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("n", LENGTHS)
def test_inplace_cheap_ops_bit_exact(n, dtype, num_threads):
    a, b = data(n, n, dtype), data(n, n + 7, dtype)
    s = dtype(0.75)
    cases = [
        ("relu_", lambda x, y: x.relu_(), np_relu(a)),
        ("add_ scalar", lambda x, y: x.add_(0.75), a + s),
        ("sub_ scalar", lambda x, y: x.sub_(0.75), a - s),
        ("mul_ scalar", lambda x, y: x.mul_(0.75), a * s),
        ("div_ scalar", lambda x, y: x.div_(0.75), a / s),
        ("add_", lambda x, y: x.add_(y), a + b),
        ("sub_", lambda x, y: x.sub_(y), a - b),
        ("mul_", lambda x, y: x.mul_(y), a * b),
        ("div_", lambda x, y: x.div_(y), a / b),
        ("clamp_min_", lambda x, y: x.clamp_min_(-0.5), np_maximum(a, np.full_like(a, -0.5))),
        ("clamp_max_", lambda x, y: x.clamp_max_(0.5), np_minimum(a, np.full_like(a, 0.5))),
        ("clamp_min_ tensor", lambda x, y: x.clamp_min_(y), np_maximum(a, b)),
        ("clamp_", lambda x, y: x.clamp_(-0.5, 0.5), np_minimum(np_maximum(a, np.full_like(a, -0.5)), np.full_like(a, 0.5))),
        ("clamp_ zeros", lambda x, y: x.clamp_(0.0, 1.0), np_minimum(np_maximum(a, np.full_like(a, 0)), np.full_like(a, 1))),
        ("clamp_ min>max", lambda x, y: x.clamp_(1.0, -1.0), np_minimum(np_maximum(a, np.full_like(a, 1)), np.full_like(a, -1))),
        ("clamp_ nan bound", lambda x, y: x.clamp_(float("nan"), 1.0), np.full_like(a, np.nan)),
        ("mul_ self", lambda x, y: x.mul_(x), a * a),
        ("sub_ self", lambda x, y: x.sub_(x), a - a),
    ]
    with np.errstate(all="ignore"):
        for name, f, want in cases:
            x, y = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
            r = f(x, y)
            assert r is x or r.data_ptr() == x.data_ptr(), name
            same_bits(x.numpy(), want.astype(dtype), f"{name} n={n}")
            same_bits(y.numpy(), b, f"{name} changed its operand")


@pytest.mark.parametrize("shape", [(0, 5), (1, 9), (63, 65), (181, 181), (3, GRAIN + 5), (GRAIN + 3, 2)], ids=str)
def test_inplace_views_and_aliasing(shape, num_threads):
    n = int(np.prod(shape))
    a = data(n, n).reshape(shape)
    b = data(n, n + 1).reshape(shape)
    views = [
        ("transposed", lambda v: torch.from_numpy(v.T.copy()).T),
        ("flipped", lambda v: torch.from_numpy(v[::-1].copy()).flip(0)),
        ("contiguous", lambda v: torch.from_numpy(v.copy())),
    ]
    with np.errstate(all="ignore"):
        for name, make in views:
            x = make(a)
            x.relu_()
            same_bits(x.numpy(), np_relu(a), name)
            x = make(a)
            x.clamp_(-0.5, 0.5)
            same_bits(x.numpy(), np_minimum(np_maximum(a, np.full_like(a, -0.5)), np.full_like(a, 0.5)), name)
            # The other operand in another layout than the output (a transposed operand: generic path).
            x = make(a)
            x.mul_(torch.from_numpy(b.T.copy()).T)
            same_bits(x.numpy(), a * b, name)
            x = make(a)
            x.add_(x)
            same_bits(x.numpy(), a + a, name)
    # Stepped views change only their own elements (strided rows of the one-pointer loop).
    big = np.zeros((shape[0], 3 * shape[1]), np.float32)
    big[:, 1::3] = a
    for op, want_f in [(lambda v: v.relu_(), np_relu), (lambda v: v.mul_(2.0), lambda v: v * np.float32(2)),
                       (lambda v: v.clamp_(-0.25, 0.25), lambda v: np.clip(v, -0.25, 0.25))]:
        tb = torch.from_numpy(big.copy())
        op(tb[:, 1::3])
        want = big.copy()
        with np.errstate(all="ignore"):
            want[:, 1::3] = want_f(a)
        same_bits(tb.numpy(), want)


def test_inplace_overlapping_views():
    # Operands overlapping the output in another layout are read from a copy (the op layer), as if
    # computed out of place.
    a = data(1000, 3)
    x = torch.from_numpy(a.copy())
    x[1:].add_(x[:-1])
    want = a.copy()
    want[1:] = a[1:] + a[:-1]
    same_bits(x.numpy(), want)
    x = torch.from_numpy(a.copy())
    x[:-1].mul_(x[1:])
    want = a.copy()
    want[:-1] = a[:-1] * a[1:]
    same_bits(x.numpy(), want)


def test_inplace_keeps_autograd_and_versions():
    # A leaf needing grad refuses in-place; a non-leaf records through the generic path.
    w = torch.ones(5, requires_grad=True)
    with pytest.raises(RuntimeError):
        w.mul_(2.0)
    y = w * 1.0
    y.clamp_(0.0, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros(5, np.float32))
    x = torch.zeros(4)
    v = x._version
    x.clamp_(-1.0, 1.0)
    assert x._version > v
    x.relu_()
    assert x._version > v + 1
    # Integer and half tensors keep their own kernels.
    i = torch.tensor([-3, 5, 9], dtype=torch.int32)
    i.clamp_(-1, 6)
    assert i.tolist() == [-1, 5, 6]
    h = torch.tensor([-3.0, 0.25, 9.0], dtype=torch.float16)
    h.clamp_(-1, 6).mul_(2.0).relu_()
    assert h.tolist() == [0.0, 0.5, 12.0]


@pytest.mark.parametrize("layout", ["contig", "T", "step", "flip"])
@pytest.mark.parametrize("n", [0, 1, 9, 181, GRAIN + 1])
def test_clamp_fused_out_of_place(n, layout, num_threads):
    rows = 3 if n > 1000 else max(1, min(n, 7))
    a = data(rows * max(n, 1), n + 5).reshape(rows, max(n, 1))[:, :n]
    if layout == "contig":
        x, src = torch.from_numpy(np.ascontiguousarray(a)), a
    elif layout == "T":
        x, src = torch.from_numpy(np.ascontiguousarray(a.T)).T, a
    elif layout == "step":
        big = np.repeat(a, 2, axis=1)
        x, src = torch.from_numpy(big)[:, ::2], big[:, ::2]
    else:
        x, src = torch.from_numpy(np.ascontiguousarray(a[:, ::-1])).flip(1), a
    for lo, hi in [(-0.5, 0.5), (0.0, 0.0), (1.0, -1.0), (-0.0, 0.0)]:
        want = np_minimum(np_maximum(src, np.full_like(src, lo)), np.full_like(src, hi))
        got = torch.clamp(x, lo, hi)
        same_bits(got.numpy(), want, f"{layout} {lo} {hi}")
        # The generic two-op form (tensor bounds) agrees bit for bit.
        two = torch.minimum(torch.maximum(x, torch.tensor(lo)), torch.tensor(hi))
        same_bits(got.numpy(), two.numpy(), f"{layout} {lo} {hi} vs two ops")
    d = torch.from_numpy(np.ascontiguousarray(src).astype(np.float64))
    same_bits(torch.clamp(d, -0.5, 0.5).numpy(), np.clip(np.ascontiguousarray(src).astype(np.float64), -0.5, 0.5))


def test_clamp_fused_keeps_grad_and_dtypes():
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0], requires_grad=True)
    y = torch.clamp(x, -0.5, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 1, 0, 0])
    assert torch.clamp(torch.tensor([1, 5, 9]), 2, 6).tolist() == [2, 5, 6]
    assert torch.clamp(torch.tensor([1, 5, 9]), 2.5, 6).dtype == torch.float32
    assert torch.clamp(torch.tensor([1.0, 5.0], dtype=torch.float16), 2, 3).tolist() == [2.0, 3.0]


@pytest.mark.parametrize("step", [2, 3, 4, 5])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64, np.complex128], ids=lambda d: np.dtype(d).name)
def test_stepped_copies(step, dtype, num_threads):
    for shape in [(1, 1), (3, 9), (64, 65), (2, GRAIN + 3), (GRAIN + 1, 2)]:
        r, c = shape
        base = (np.arange(r * c * abs(step)) % 251).astype(dtype).reshape(r, c * abs(step))
        if np.dtype(dtype).kind == "c":
            base = base + 1j * base[::-1]
        t = torch.from_numpy(base)
        sl = slice(None, None, step)
        want = np.ascontiguousarray(base[:, sl])
        got = t[:, sl].contiguous()
        assert got.is_contiguous()
        np.testing.assert_array_equal(got.numpy(), want, err_msg=f"{shape} {step}")
        # 1-D: the coalesced single row.
        np.testing.assert_array_equal(t.reshape(-1)[sl].contiguous().numpy(), base.reshape(-1)[sl])
        # A stepped destination.
        dst = torch.zeros(r, c * abs(step), dtype=t.dtype)
        dst[:, sl].copy_(torch.from_numpy(want))
        w2 = np.zeros_like(base)
        w2[:, sl] = want
        np.testing.assert_array_equal(dst.numpy(), w2)
    assert torch.zeros(0, 6)[:, ::2].contiguous().shape == (0, 3)


@pytest.mark.parametrize("r", [1, 8, 31, 32, 33, 255, 256, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 40, 3 * GRAIN + 7])
def test_amax_amin_rows_match_generic(r, num_threads):
    m = 5 if r < GRAIN else 2
    rng = np.random.default_rng(r)
    a = rng.integers(-3, 4, (m, r)).astype(np.float32)  # many ties, incl. +-0
    a[rng.random((m, r)) < 0.3] = -0.0
    a[0, :] = -np.inf
    if r > 2:
        a[1, r // 2] = np.nan  # a NaN mid-row
        a[2 % m, r - 1] = np.nan  # in the tail
    t = torch.from_numpy(a)
    # float64 runs the generic fold with the same lanes: same element, same sign of zero.
    d = t.double()
    for f in ("amax", "amin"):
        got = getattr(t, f)(1)
        same_bits(got.numpy(), getattr(d, f)(1).float().numpy(), f"{f} r={r}")
        np.testing.assert_array_equal(got.numpy(), (a.max(1) if f == "amax" else a.min(1)), f"{f} r={r} numpy")
        same_bits(getattr(t, f)().numpy(), getattr(d, f)().float().numpy(), f"{f} all r={r}")
        # Reduced over the contiguous dim of a transposed view (rows of memory).
        same_bits(getattr(torch.from_numpy(np.ascontiguousarray(a)).T, f)(0).numpy(), getattr(d, f)(1).float().numpy())
    # max(dim) values and the NaN-free row.
    v, i = t[3 % m:].max(1)
    np.testing.assert_array_equal(v.numpy(), a[3 % m:].max(1))
    clean = np.abs(rng.standard_normal((m, r)).astype(np.float32))
    same_bits(torch.from_numpy(clean).amax(1).numpy(), clean.max(1))
    same_bits(torch.from_numpy(-clean).amin(1).numpy(), (-clean).min(1))


@pytest.mark.parametrize("r", [1, 31, 32, 33, 256, BLOCK - 1, BLOCK + 1, 2 * BLOCK + 40, 3 * GRAIN + 7])
def test_prod_rows_match_generic(r, num_threads):
    m = 6 if r < GRAIN else 2
    rng = np.random.default_rng(r)
    a = rng.uniform(0.9, 1.1, (m, r)).astype(np.float32)
    a[1 % m, r // 2] = np.nan
    a[2 % m, 0] = np.inf
    a[3 % m, r - 1] = 0.0
    a[4 % m, :] = -1.0
    t = torch.from_numpy(a)
    # float64 runs the generic fold on the same values in the same order: equal after one rounding.
    same_bits(t.prod(1).numpy(), t.double().prod(1).float().numpy(), f"r={r}")
    same_bits(t.prod().numpy(), t.double().prod().float().numpy(), f"all r={r}")
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(t.prod(1).numpy(), a.astype(np.float64).prod(1).astype(np.float32), rtol=1e-6, atol=1e-37)
        # Columns (four rows per pass over the lanes, then the rest): rows 1..9 and more.
        for n in [1, 3, 4, 5, 8, 9, 17]:
            c = rng.uniform(0.5, 1.5, (n, r)).astype(np.float32)
            np.testing.assert_allclose(torch.from_numpy(c).prod(0).numpy(), c.astype(np.float64).prod(0), rtol=1e-6)
            np.testing.assert_allclose(torch.from_numpy(c).sum(0).numpy(), c.astype(np.float64).sum(0), rtol=1e-6)
            np.testing.assert_array_equal(torch.from_numpy(c).amax(0).numpy(), c.max(0))
            c3 = c.reshape(1, n, r)
            np.testing.assert_allclose(torch.from_numpy(c3).prod(1).numpy(), c3.astype(np.float64).prod(1), rtol=1e-6)


def test_gather_index_checks(num_threads):
    x = torch.arange(12.0).reshape(3, 4)
    i = torch.tensor([[0, 3], [1, 1], [2, 0]])
    assert x.gather(1, i).tolist() == [[0.0, 3.0], [5.0, 5.0], [10.0, 8.0]]
    big = torch.zeros(4, GRAIN + 9, dtype=torch.int64)
    for bad, pos in [(4, (3, GRAIN + 8)), (-1, (0, 0)), (10**12, (2, GRAIN // 2))]:
        j = big.clone()
        j[pos] = bad
        with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds"):
            torch.zeros(4, 4).gather(1, j[:, :4] if pos[1] < 4 else j)
    assert torch.zeros(2, 3).gather(1, torch.zeros(2, 0, dtype=torch.int64)).shape == (2, 0)


@pytest.mark.parametrize("n", [1, 7, 9, GRAIN - 1, GRAIN + 1, 3 * GRAIN + 5])
def test_boolean_mask_select(n, num_threads):
    rng = np.random.default_rng(n)
    for dtype in [np.float32, np.float64, np.int64, np.int8, np.bool_, np.complex64]:
        a = (rng.standard_normal(n) * 10).astype(dtype)
        for p in [0.0, 0.5, 1.0, 0.01]:
            m = rng.random(n) < p
            got = torch.from_numpy(a)[torch.from_numpy(m)]
            assert got.shape == (int(m.sum()),)
            np.testing.assert_array_equal(got.numpy(), a[m], err_msg=f"{dtype} {p}")
    # 2-D, transposed data and mask, the mask's last element selected (the chunk ends' writes).
    r = max(1, n // 7)
    a = rng.standard_normal((r, 7)).astype(np.float32)
    m = rng.random((r, 7)) < 0.5
    m[-1, -1] = True
    np.testing.assert_array_equal(torch.from_numpy(a)[torch.from_numpy(m)].numpy(), a[m])
    at = torch.from_numpy(np.ascontiguousarray(a.T)).T
    mt = torch.from_numpy(np.ascontiguousarray(m.T)).T
    np.testing.assert_array_equal(at[mt].numpy(), a[m])
    np.testing.assert_array_equal(at.masked_select(mt[:1]).numpy(), a[np.broadcast_to(m[:1], a.shape)])


def test_boolean_mask_select_grad_and_edges():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    m = torch.tensor([[True, False, True], [False, False, True]])
    y = x[m]
    assert y.tolist() == [1.0, 3.0, 6.0]
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]
    assert torch.zeros(0, 3)[torch.zeros(0, 3, dtype=torch.bool)].shape == (0,)
    assert torch.tensor(5.0)[torch.tensor(True)].tolist() == [5.0]
    with pytest.raises(IndexError):
        torch.zeros(2, 3)[torch.zeros(3, 2, dtype=torch.bool)]


@pytest.mark.parametrize("layout", ["contig", "row", "T"])
def test_fmod_family_float32_exact(layout, num_threads):
    # The float32 lanes with an FMA correction (src/cpu/fmod.rs `fmod_fast32`): quotients just
    # below and above integers, huge and tiny ratios, zeros and specials, against C's fmodf.
    rng = np.random.default_rng(7)
    n = GRAIN + 77
    y = rng.uniform(-3, 3, n).astype(np.float32)
    k = rng.integers(-5000, 5000, n).astype(np.float32)
    x = (k * y).astype(np.float32)
    x = np.nextafter(x, rng.choice([-np.inf, np.inf], n).astype(np.float32)).astype(np.float32)
    x[::5] = rng.standard_normal(len(x[::5])).astype(np.float32) * 1e9
    x[1::7] = np.resize(np.array([0.0, -0.0, np.inf, np.nan, 1e-45, -2.5, 4194303.0, 8388609.0], np.float32), len(x[1::7]))
    y[2::11] = np.resize(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 1e-30], np.float32), len(y[2::11]))
    x[3::13] = np.resize(np.array([-0.0, np.inf, np.nan, 3e38, -1e-38], np.float32), len(x[3::13]))
    if layout == "row":
        y = np.resize(y[:257], (n // 257, 257))
        x = x[: y.size].reshape(y.shape)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y[0])
        y = np.broadcast_to(y[0], x.shape)
    elif layout == "T":
        x, y = x[: 181 * 181].reshape(181, 181), y[: 181 * 181].reshape(181, 181)
        xt, yt = torch.from_numpy(np.ascontiguousarray(x.T)).T, torch.from_numpy(y)
    else:
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    with np.errstate(all="ignore"):
        same_bits(torch.fmod(xt, yt).numpy(), np.fmod(x, y))
        # Python's remainder from the exact fmod (sign of the divisor).
        m = np.fmod(x, y)
        rem = np.where((m != 0) & ((m < 0) != (y < 0)), m + y, m).astype(np.float32)
        same_bits(torch.remainder(xt, yt).numpy(), rem)
        fd = torch.floor_divide(xt, yt).numpy()
        ok = np.isfinite(x) & np.isfinite(y) & (y != 0) & (np.abs(x / np.where(y == 0, 1, y)) < 2 ** 20)
        np.testing.assert_array_equal(fd[ok], np.floor_divide(x, y)[ok])
