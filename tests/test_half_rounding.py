"""Casts into float16 / bfloat16 round once, to nearest even, on the exact input value.

The reference is a NumPy implementation of round-to-nearest-even on the bit pattern (and NumPy's own
float16 cast, which is correctly rounded); PyTorch is a second oracle for float32 inputs when importable.
"""
import numpy as np
import pytest

import rtorch as torch

RNG = np.random.default_rng(1234)


def _f32_bits(n):
    """Random float32 bit patterns, weighted towards the hard cases: low 16 bits near the bf16
    halfway point (0x7fff..0x8007), low 13 bits near the f16 halfway point, and specials."""
    b = RNG.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    k = n // 4
    b[:k] = (b[:k] & 0xFFFF0000) | (0x7FF8 + RNG.integers(0, 16, k, dtype=np.uint32))
    b[k:2 * k] = (b[k:2 * k] & 0xFFFFE000) | (0x0FF8 + RNG.integers(0, 16, k, dtype=np.uint32))
    special = np.array([0x3F808001, 0x3F808007, 0x3F808000, 0x3F818000, 0x3F807FFF, 0x7F7FFFFF, 0x7F7F8000,
                        0x00000001, 0x80000001, 0x00400000, 0x7F800000, 0xFF800000, 0x00000000, 0x80000000,
                        0x477FE000, 0x477FF000, 0x33000000, 0x33000001, 0x387FC000, 0x387FE001],
                       dtype=np.uint32)
    return np.concatenate([special, b])


def _bf16_rne_bits(bits):
    """float32 bits -> the float32 bits of the bfloat16 nearest (ties to even); NaN stays NaN."""
    b = bits.astype(np.uint64)
    r = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return (r << 16).astype(np.uint32)


def _as_f32_bits(t):
    return t.float().numpy().view(np.uint32)


def test_f32_to_bf16_rounds_to_nearest_even():
    bits = _f32_bits(200_000)
    x = bits.view(np.float32)
    got = _as_f32_bits(torch.from_numpy(x).to(torch.bfloat16))
    nan = np.isnan(x)
    want = _bf16_rne_bits(bits)
    assert np.isnan(got[nan].view(np.float32)).all()
    bad = np.flatnonzero(got[~nan] != want[~nan])
    assert bad.size == 0, [hex(v) for v in bits[~nan][bad[:5]]]
    # The case from the bug report: 1 + 0x8001 ulp(f32) is above the halfway point.
    one = np.array([0x3F808001], dtype=np.uint32).view(np.float32)
    assert torch.from_numpy(one).to(torch.bfloat16).item() == 1.0078125


def test_f32_to_f16_matches_numpy():
    x = _f32_bits(200_000).view(np.float32)
    with np.errstate(over="ignore"):
        want = x.astype(np.float16).astype(np.float32)
    got = torch.from_numpy(x).to(torch.float16).float().numpy()
    nan = np.isnan(want)
    assert np.isnan(got[nan]).all()
    bad = np.flatnonzero(got[~nan].view(np.uint32) != want[~nan].view(np.uint32))
    assert bad.size == 0, [hex(v) for v in x[~nan][bad[:5]].view(np.uint32)]


def test_f64_to_half_types_round_once():
    # float64 values with bits below float32's precision (a second rounding through f32 would lose them).
    with np.errstate(invalid="ignore"):
        base = _f32_bits(50_000).view(np.float32).astype(np.float64)
    base = base[np.isfinite(base) & (np.abs(base) > 1e-30) & (np.abs(base) < 1e30)]
    tiny = RNG.choice([-1.0, 1.0], base.size) * np.ldexp(1.0, -30) * RNG.random(base.size)
    x = base * (1.0 + tiny)
    # float16: NumPy's float64 -> float16 cast rounds once.
    with np.errstate(over="ignore", under="ignore"):
        want16 = x.astype(np.float16).astype(np.float64)
    got16 = torch.from_numpy(x).to(torch.float16).double().numpy()
    assert np.array_equal(got16, want16)
    # bfloat16 (normal range here): round-to-nearest-even on the float64 bits (keep 7 of 52 mantissa bits).
    b = x.view(np.uint64)
    r = ((b + np.uint64((1 << 44) - 1) + ((b >> np.uint64(45)) & np.uint64(1))) >> np.uint64(45)) << np.uint64(45)
    wantbf = r.view(np.float64)
    gotbf = torch.from_numpy(x).to(torch.bfloat16).double().numpy()
    assert np.array_equal(gotbf, wantbf)


def test_half_casts_match_pytorch():
    pt = pytest.importorskip("torch")
    x = _f32_bits(100_000).view(np.float32)
    for ours, theirs in [(torch.bfloat16, pt.bfloat16), (torch.float16, pt.float16)]:
        got = torch.from_numpy(x).to(ours).float().numpy()
        want = pt.from_numpy(x).to(theirs).float().numpy()
        nan = np.isnan(want)
        assert np.isnan(got[nan]).all()
        assert np.array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32)), ours
