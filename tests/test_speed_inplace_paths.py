"""The fast paths of in-place elementwise ops, fill_ and float->int casts (src/cpu/mod.rs `loops` in-place
chunks and `fill`, src/cpu/cast.rs `f32_int_run`): lengths around the in-place chunk (256), the SIMD width
and the thread grain, self-aliased operands (`x.add_(x)`), transposed / stepped / flipped / 0-sized views,
1 and 2 threads, checked element for element against NumPy."""
import numpy as np
import pytest

import rtorch as torch

GRAIN = 1 << 15  # src/cpu/iter.rs
ACHUNK = 256  # src/cpu/mod.rs loops::ACHUNK

# Lengths: tails of the SIMD width and of one in-place chunk, the grain +- 1, a prime above 65536.
LENGTHS = [1, 7, 9, ACHUNK - 1, ACHUNK, ACHUNK + 1, 3 * ACHUNK + 5, GRAIN - 1, GRAIN, GRAIN + 1, 65537, 100003]


def data(n, seed, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(n).astype(dtype)


@pytest.mark.parametrize("n", LENGTHS)
def test_inplace_binary_unary_ternary_contiguous(n, num_threads):
    a, b, c = data(n, n), data(n, n + 1), data(n, n + 2)
    cases = [
        ("add_", lambda x, y, z: x.add_(y), a + b),
        ("add_ alpha", lambda x, y, z: x.add_(y, alpha=2.0), a + np.float32(2.0) * b),
        ("mul_ scalar", lambda x, y, z: x.mul_(2.5), a * np.float32(2.5)),
        ("sub_ self", lambda x, y, z: x.sub_(x), a - a),
        ("mul_ self", lambda x, y, z: x.mul_(x), a * a),
        ("relu_", lambda x, y, z: x.relu_(), np.maximum(a, 0)),
        ("neg_", lambda x, y, z: x.neg_(), -a),
        ("clamp_", lambda x, y, z: x.clamp_(-0.5, 0.5), np.clip(a, -0.5, 0.5)),
        ("clamp_ tensors", lambda x, y, z: x.clamp_(y, y + 1), np.minimum(np.maximum(a, b), b + 1)),
        ("addcmul_", lambda x, y, z: x.addcmul_(y, z, value=0.5), a + np.float32(0.5) * b * c),
        ("lerp_", lambda x, y, z: x.lerp_(y, 0.25), None),
    ]
    for name, f, want in cases:
        x, y, z = torch.from_numpy(a.copy()), torch.from_numpy(b), torch.from_numpy(c)
        before_b = b.copy()
        f(x, y, z)
        if want is None:  # lerp: compare with the out-of-place result
            want = torch.lerp(torch.from_numpy(a), y, 0.25).numpy()
        np.testing.assert_allclose(x.numpy(), want, rtol=1e-6, atol=1e-6, err_msg=name)
        np.testing.assert_array_equal(b, before_b, err_msg=f"{name} changed its operand")


@pytest.mark.parametrize("shape", [(63, 65), (129, 257), (181, 181), (3, GRAIN + 5), (GRAIN + 3, 2)], ids=str)
def test_inplace_on_strided_views(shape, num_threads):
    a = data(int(np.prod(shape)), sum(shape)).reshape(shape)
    b = data(int(np.prod(shape)), sum(shape) + 1).reshape(shape)
    for name, make in [
        ("transposed", lambda v: torch.from_numpy(np.ascontiguousarray(v.T)).T),
        ("flipped", lambda v: torch.from_numpy(np.ascontiguousarray(v[::-1])).flip(0)),
    ]:
        x = make(a)
        x.add_(torch.from_numpy(b))
        np.testing.assert_allclose(x.numpy(), a + b, rtol=1e-6, err_msg=name)
        x = make(a)
        x.mul_(3.0).relu_()
        np.testing.assert_allclose(x.numpy(), np.maximum(a * np.float32(3.0), 0), rtol=1e-6, err_msg=name)
        x = make(a)
        x.add_(x)  # the same view on both sides
        np.testing.assert_allclose(x.numpy(), a + a, rtol=1e-6, err_msg=name)
    # A stepped view leaves the skipped elements alone.
    big = np.zeros((shape[0], 3 * shape[1]), np.float32)
    big[:, ::3] = a
    tb = torch.from_numpy(big.copy())
    tb[:, ::3].clamp_(-0.25, 0.25)
    want = big.copy()
    want[:, ::3] = np.clip(a, -0.25, 0.25)
    np.testing.assert_array_equal(tb.numpy(), want)


@pytest.mark.parametrize("shape", [(0, 5), (1, 1), (7, 9), (64, 65), (300, 257), (3, GRAIN + 1), (GRAIN + 1, 3)], ids=str)
def test_fill_every_layout(shape, num_threads):
    for dtype in [torch.float32, torch.float64, torch.int32, torch.int8, torch.bool, torch.float16]:
        base = torch.zeros(shape, dtype=dtype)
        base.T.fill_(1)
        assert bool((base == 1).all()), f"T.fill_ {dtype} {shape}"
        base.fill_(0)
        assert not bool(base.any()), f"fill_ {dtype} {shape}"
    # Only the view's elements change: stepped columns, a transposed slice.
    r, c = shape
    big = torch.zeros(r, 3 * c + 1)
    big[:, 1::3].fill_(2.5)
    want = np.zeros((r, 3 * c + 1), np.float32)
    want[:, 1::3] = 2.5
    np.testing.assert_array_equal(big.numpy(), want)
    t = torch.zeros(c + 2, r)
    t[1:-1].T.fill_(-1.0)
    want = np.zeros((c + 2, r), np.float32)
    want[1:-1] = -1.0
    np.testing.assert_array_equal(t.numpy(), want)
    z = torch.zeros(())
    z.fill_(3.0)
    assert z.item() == 3.0


SPECIAL = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 2147483520.0, -2147483648.0, 300.7, -300.7, -1.5, 1e20, 2.5,
                    127.9, 128.0, 70000.0, -0.0, 0.99, -0.99], np.float32)


def x86_int32(v):
    """float32 -> int32 as PyTorch on x86 (cvttps2dq): truncation; NaN and out of range give INT32_MIN."""
    out = np.full(v.shape, np.iinfo(np.int32).min, np.int64)
    ok = np.isfinite(v) & (v >= -2147483648.0) & (v < 2147483648.0)
    out[ok] = np.trunc(v[ok]).astype(np.int64)
    return out.astype(np.int32)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 255, 257, GRAIN + 1, 65537])
def test_float32_to_narrow_ints(n, num_threads):
    v = (data(n, n) * 1000).astype(np.float32)
    v[: min(n, len(SPECIAL))] = SPECIAL[: min(n, len(SPECIAL))]
    v[-min(n, len(SPECIAL)):] = SPECIAL[: min(n, len(SPECIAL))]
    want32 = x86_int32(v)
    x = torch.from_numpy(v)
    np.testing.assert_array_equal(x.to(torch.int32).numpy(), want32)
    # Narrower integers take the low bits of the int32 conversion (as PyTorch's x86 build).
    np.testing.assert_array_equal(x.to(torch.int16).numpy(), want32.astype(np.int16))
    np.testing.assert_array_equal(x.to(torch.int8).numpy(), want32.astype(np.int8))
    np.testing.assert_array_equal(x.to(torch.uint8).numpy(), want32.astype(np.uint8))
    # int64 is not narrowed: it keeps values past int32.
    if n >= 5:
        assert x[:5].to(torch.int64).tolist() == [np.iinfo(np.int64).min] * 3 + [3_000_000_000, -3_000_000_000]
    # Strided sources (staged through tiles) and a 0-stride broadcast source.
    m = v[: (n // 7) * 7].reshape(7, -1) if n >= 7 else v.reshape(1, -1)
    t = torch.from_numpy(np.ascontiguousarray(m.T)).T
    np.testing.assert_array_equal(t.to(torch.int32).numpy(), x86_int32(m))
    e = torch.tensor([2.9e9]).expand(n)
    np.testing.assert_array_equal(e.to(torch.int32).numpy(), np.full(n, np.iinfo(np.int32).min, np.int32))


@pytest.mark.parametrize("n", [1, 9, 255, 257, GRAIN + 1])
def test_half_to_narrow_ints(n, num_threads):
    # Half floats convert through float32 and the same int32 truncation (NaN / inf / out of range: INT32_MIN).
    v = (data(n, n) * 300).astype(np.float32)
    v[: min(n, 6)] = np.array([np.nan, np.inf, -np.inf, 65504.0, -300.7, 2.5], np.float32)[: min(n, 6)]
    for dt in (torch.float16, torch.bfloat16):
        h = torch.from_numpy(v).to(dt)
        f = h.to(torch.float32).numpy()
        want = x86_int32(f)
        np.testing.assert_array_equal(h.to(torch.int32).numpy(), want, err_msg=str(dt))
        np.testing.assert_array_equal(h.to(torch.int16).numpy(), want.astype(np.int16), err_msg=str(dt))
        np.testing.assert_array_equal(h.to(torch.uint8).numpy(), want.astype(np.uint8), err_msg=str(dt))
        ht = h[: (n // 3) * 3].reshape(3, -1).T if n >= 3 else h.reshape(1, -1).T
        np.testing.assert_array_equal(ht.to(torch.int32).numpy(), x86_int32(ht.to(torch.float32).numpy()), err_msg=str(dt))
