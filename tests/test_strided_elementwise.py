"""The blocked strided elementwise path (src/cpu/mod.rs `staged`, src/cpu/iter.rs `Plan`): unary, binary,
where, casts and copies over transposed, permuted, stepped, flipped, 0-stride expanded and broadcast views
with shapes larger than one staging tile (64 columns) and around the thread grain, at 1 and 2 threads, checked
element for element against NumPy; and the layout of the results (PyTorch's preserve-format rule)."""
import numpy as np
import pytest

import rtorch as torch

GRAIN = 1 << 15  # src/cpu/iter.rs


def views(a):
    """(name, rtorch view, NumPy array with the same values) for non-contiguous views of 2-D `a`'s values."""
    r, c = a.shape
    out = [("transposed", torch.from_numpy(np.ascontiguousarray(a.T)).T, a)]
    big = np.zeros((r, 3 * c), a.dtype)
    big[:, ::3] = a
    out.append(("stepped", torch.from_numpy(big)[:, ::3], a))
    big2 = np.zeros((r + 1, c + 2), a.dtype)
    big2[1:, 2:] = a
    out.append(("offset", torch.from_numpy(big2)[1:, 2:], a))  # a storage offset: element 0 is not the buffer's
    out.append(("flipped", torch.from_numpy(np.ascontiguousarray(a[::-1, ::-1])).flip(0).flip(1), a))
    row = a[:1]
    out.append(("expanded", torch.from_numpy(np.ascontiguousarray(row)).expand(r, c), np.broadcast_to(row, (r, c))))
    col = a[:, :1]
    out.append(("expanded_col", torch.from_numpy(np.ascontiguousarray(col)).expand(r, c), np.broadcast_to(col, (r, c))))
    return out


# Shapes: below one tile, tile edges (64 +- 1), a prime past the grain, a wide-and-short and a tall-and-thin one.
SHAPES = [(5, 7), (63, 65), (64, 64), (129, 257), (181, 181), (3, GRAIN + 5), (GRAIN + 3, 2)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_over_strided_views(shape, num_threads):
    a = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    for name, t, ref in views(a):
        for op, f in [("neg", np.negative), ("exp", np.exp), ("abs", np.abs), ("relu", lambda x: np.maximum(x, 0))]:
            got = getattr(torch, op)(t).numpy()
            np.testing.assert_allclose(got, f(ref), rtol=2e-6, atol=0, err_msg=f"{op} {name}")


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_binary_over_mixed_layouts(shape, num_threads):
    rng = np.random.default_rng(sum(shape) + 1)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(shape).astype(np.float32)
    contiguous_b = torch.from_numpy(b)
    for name, t, ref in views(a):
        np.testing.assert_array_equal((t + contiguous_b).numpy(), ref + b, err_msg=name)
        np.testing.assert_array_equal((contiguous_b * t).numpy(), b * ref, err_msg=name)
        for name2, t2, ref2 in views(b):
            np.testing.assert_array_equal((t - t2).numpy(), ref - ref2, err_msg=f"{name} - {name2}")
    # Broadcast operands: a row and a column against a transposed view.
    t = torch.from_numpy(np.ascontiguousarray(a.T)).T
    row, col = b[:1], b[:, :1]
    np.testing.assert_array_equal((t * torch.from_numpy(np.ascontiguousarray(row))).numpy(), a * row)
    np.testing.assert_array_equal((t * torch.from_numpy(np.ascontiguousarray(col))).numpy(), a * col)
    np.testing.assert_array_equal((t > torch.from_numpy(np.ascontiguousarray(col))).numpy(), a > col)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_where_over_strided_views(shape, num_threads):
    rng = np.random.default_rng(sum(shape) + 2)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(shape).astype(np.float32)
    ta = torch.from_numpy(np.ascontiguousarray(a.T)).T
    cond = ta > 0
    got = torch.where(cond, ta, torch.from_numpy(b)[::-1].flip(0))
    np.testing.assert_array_equal(got.numpy(), np.where(a > 0, a, b))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_casts_and_copies_over_strided_views(shape, num_threads):
    a = (np.random.default_rng(sum(shape) + 3).standard_normal(shape) * 100).astype(np.float32)
    for name, t, ref in views(a):
        np.testing.assert_array_equal(t.contiguous().numpy(), ref, err_msg=name)
        np.testing.assert_array_equal(t.to(torch.float64).numpy(), ref.astype(np.float64), err_msg=name)
        np.testing.assert_array_equal(t.to(torch.float16).numpy(), ref.astype(np.float16), err_msg=name)
        np.testing.assert_array_equal(t.to(torch.int32).numpy(), ref.astype(np.int32), err_msg=name)
        back = t.to(torch.float16).to(torch.float32).numpy()
        np.testing.assert_array_equal(back, ref.astype(np.float16).astype(np.float32), err_msg=name)
        # bfloat16: round to nearest even on the top 16 bits.
        bits = ref.view(np.uint32).astype(np.uint64)
        want = (((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16).astype(np.uint32).view(np.float32)
        np.testing.assert_array_equal(t.to(torch.bfloat16).to(torch.float32).numpy(), want, err_msg=name)
        # Into a strided destination: copy_ into a transposed view, with and without a dtype change.
        for dt, npdt in [(torch.float32, np.float32), (torch.float64, np.float64)]:
            dst = torch.zeros(shape[::-1], dtype=dt).T
            dst.copy_(t)
            np.testing.assert_array_equal(dst.numpy(), ref.astype(npdt), err_msg=f"copy_ {name} {dt}")


def test_permuted_3d_and_8_byte_types(num_threads):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((37, 70, 19))
    t = torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1))).permute(1, 2, 0)
    for dt in (np.float64, np.int64, np.int16, np.uint8):
        x = (a * 50).astype(dt)
        tx = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))).permute(1, 2, 0)
        np.testing.assert_array_equal(tx.contiguous().numpy(), x)
        np.testing.assert_array_equal((tx + tx).numpy(), x + x)
    np.testing.assert_allclose(t.exp().numpy(), np.exp(a), rtol=1e-15)
    np.testing.assert_array_equal(t[:, ::3, 1:].neg().numpy(), -a[:, ::3, 1:])


def test_results_keep_the_input_layout():
    """PyTorch's rule: an elementwise result of a transposed input is transposed too (so the op is one dense pass),
    of a contiguous one contiguous; casts preserve the layout."""
    x = torch.randn(6, 4)
    assert x.t().exp().stride() == (1, 4) and x.t().to(torch.float16).stride() == (1, 4)
    assert (x.t() + x.t()).stride() == (1, 4)
    assert (x.t() + torch.randn(4, 6)).stride() == (1, 4)  # the first operand decides, as in PyTorch
    assert (torch.randn(4, 6) + x.t()).stride() == (6, 1)
    assert x.exp().is_contiguous() and x[:, ::2].exp().is_contiguous()
    p = torch.randn(2, 3, 5).permute(2, 0, 1)
    assert p.sin().stride() == p.stride()
