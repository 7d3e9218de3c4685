"""complex64 / complex128 through the core: dtype objects, promotion, creation, NumPy / DLPack / safetensors /
save-load round trips, repr, the real/imag/view_as_real/view_as_complex views, conj, complex(), polar(), the
generic kernels (copy, cast, index, cat, flip...) and the errors of ops with no complex kernel.

References: NumPy (complex64/complex128) and PyTorch results recorded in tests/fixtures/torch_ref/test_complex.npz
(`torch_ref`), so the parity cases also run without PyTorch.
"""
import io
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
from torch_ref import torch_ref, catch

C = (rtorch.complex64, rtorch.complex128)
NP = {rtorch.complex64: np.complex64, rtorch.complex128: np.complex128}
ALL_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
             "complex64", "complex128"]


def crand(rng, shape, dt=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)


# ------------------------------------------------------------------------------------------------ dtypes
def test_dtype_objects():
    assert rtorch.cfloat is rtorch.complex64 and rtorch.cdouble is rtorch.complex128
    assert (rtorch.complex64.itemsize, rtorch.complex128.itemsize) == (8, 16)
    for d in C:
        assert d.is_complex and not d.is_floating_point and d.is_signed
    assert not rtorch.float32.is_complex and not rtorch.int64.is_complex
    assert rtorch.complex64.to_real() is rtorch.float32 and rtorch.complex128.to_real() is rtorch.float64
    assert rtorch.float64.to_complex() is rtorch.complex128 and rtorch.float32.to_complex() is rtorch.complex64
    assert rtorch.float32.to_real() is rtorch.float32 and rtorch.complex64.to_complex() is rtorch.complex64
    with pytest.raises(RuntimeError):
        rtorch.int64.to_complex()
    assert repr(rtorch.complex64) == "rtorch.complex64"
    assert rtorch.zeros(2, dtype="complex128").dtype is rtorch.complex128
    assert rtorch.zeros(1, dtype=complex).dtype is rtorch.complex128  # Python's complex, as in PyTorch
    assert not hasattr(rtorch, "complex32")  # no complex32: not half-implemented


def test_is_complex_predicates():
    z = rtorch.tensor([1 + 2j])
    assert z.is_complex() and rtorch.is_complex(z) and not z.is_floating_point()
    assert not rtorch.is_complex(rtorch.ones(2)) and not rtorch.is_floating_point(z)
    assert not z.is_conj() and not rtorch.is_conj(z) and z.resolve_conj() is z


def test_promotion_table_matches_torch():
    pairs = [(a, b) for a in ALL_NAMES for b in ("complex64", "complex128")]
    ref = torch_ref(lambda torch: [torch.promote_types(getattr(torch, a), getattr(torch, b)) for a, b in pairs])
    got = [rtorch.promote_types(getattr(rtorch, a), getattr(rtorch, b)) for a, b in pairs]
    assert got == ref
    got = [rtorch.promote_types(getattr(rtorch, b), getattr(rtorch, a)) for a, b in pairs]
    assert got == ref


def test_result_type_with_zero_dim_and_scalars_matches_torch():
    real = [n for n in ALL_NAMES if n not in ("float16", "bfloat16")]  # PyTorch gives complex32 there; rtorch has none

    def table(lib):
        out = []
        for a in real:
            x = lib.ones(2, dtype=getattr(lib, a))
            out.append(lib.result_type(x, 1j))
            out.append(lib.result_type(x, 2.5))
            for b in ("complex64", "complex128"):
                out.append(lib.result_type(x, lib.tensor(1j, dtype=getattr(lib, b))))  # 0-d complex
                out.append(lib.result_type(lib.ones(2, dtype=getattr(lib, b)), lib.tensor(1, dtype=getattr(lib, a))))
        return out

    assert table(rtorch) == torch_ref(table)


def test_complex_scalar_default_dtype_follows_default_float():
    assert rtorch.result_type(rtorch.ones(2, dtype=rtorch.int32), 1j) is rtorch.complex64
    old = rtorch.get_default_dtype()
    try:
        rtorch.set_default_dtype(rtorch.float64)
        assert rtorch.result_type(rtorch.ones(2, dtype=rtorch.int32), 1j) is rtorch.complex128
        assert rtorch.tensor([1j]).dtype is rtorch.complex128
        assert rtorch.full((1,), 1j).dtype is rtorch.complex128
    finally:
        rtorch.set_default_dtype(old)


# ------------------------------------------------------------------------------------------------ creation
def test_tensor_from_python_complex():
    z = rtorch.tensor([1 + 2j, 3])
    assert z.dtype is rtorch.complex64 and z.shape == (2,)
    assert z.tolist() == [1 + 2j, 3 + 0j]
    assert rtorch.tensor([[1, 2.5], [1j, 0]]).dtype is rtorch.complex64
    assert rtorch.tensor(1.5 - 2j).item() == 1.5 - 2j and isinstance(rtorch.tensor(1j).item(), complex)
    assert rtorch.tensor([1j], dtype=rtorch.complex128).dtype is rtorch.complex128
    assert complex(rtorch.tensor([2 - 1j])) == 2 - 1j
    with pytest.raises(TypeError):
        rtorch.tensor([1 + 2j], dtype=rtorch.float32)


def test_factories_and_fill():
    z = rtorch.full((2, 2), 1 - 1j)
    assert z.dtype is rtorch.complex64 and z.tolist() == [[1 - 1j] * 2] * 2
    assert rtorch.zeros(3, dtype=rtorch.cdouble).tolist() == [0j] * 3
    assert rtorch.ones(2, dtype=rtorch.cfloat).tolist() == [1 + 0j] * 2
    w = rtorch.empty(3, dtype=rtorch.complex128).fill_(2j)
    assert w.tolist() == [2j] * 3
    with pytest.raises(RuntimeError, match="without overflow"):
        rtorch.zeros(2).fill_(1j)
    assert rtorch.zeros(2, dtype=rtorch.int64).fill_(3 + 0j).tolist() == [3, 3]
    with pytest.raises(RuntimeError, match="without overflow"):
        rtorch.zeros(2, dtype=rtorch.complex64).fill_(1e300)


# ------------------------------------------------------------------------------------------------ interop
@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_numpy_zero_copy_both_ways(dt):
    a = crand(np.random.default_rng(0), (3, 4), dt)
    t = rtorch.from_numpy(a)
    assert t.dtype is (rtorch.complex64 if dt == np.complex64 else rtorch.complex128)
    a[1, 2] = 7 - 7j
    assert t[1, 2].item() == 7 - 7j
    b = t.numpy()
    assert b.dtype == dt and np.shares_memory(a, b)
    np.testing.assert_array_equal(np.asarray(t.t()), a.T)
    np.testing.assert_array_equal(rtorch.tensor(a).numpy(), a)
    np.testing.assert_array_equal(rtorch.from_numpy(a[:, ::2]).numpy(), a[:, ::2])


def test_dlpack_both_ways():
    a = crand(np.random.default_rng(1), (2, 3), np.complex64)
    t = rtorch.from_dlpack(a)
    assert t.dtype is rtorch.complex64
    np.testing.assert_array_equal(t.numpy(), a)
    b = np.from_dlpack(rtorch.tensor(a, dtype=rtorch.complex128))
    assert b.dtype == np.complex128
    np.testing.assert_array_equal(b, a.astype(np.complex128))


def test_safetensors_roundtrip(tmp_path):
    x = rtorch.from_numpy(crand(np.random.default_rng(2), (2, 3), np.complex64))
    path = tmp_path / "c.safetensors"
    rtorch.save({"x": x}, str(path))
    y = rtorch.load(str(path))["x"]
    assert y.dtype is rtorch.complex64
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    try:  # the safetensors package reads the same bytes
        from safetensors.numpy import load_file
    except ImportError:
        return
    np.testing.assert_array_equal(load_file(str(path))["x"], x.numpy())


@pytest.mark.parametrize("dt", C)
def test_save_load_roundtrip(dt):
    x = rtorch.from_numpy(crand(np.random.default_rng(3), (3, 2), NP[dt]))
    buf = io.BytesIO()
    rtorch.save({"x": x, "v": x[1:]}, buf)
    buf.seek(0)
    out = rtorch.load(buf)
    assert out["x"].dtype is dt
    np.testing.assert_array_equal(out["x"].numpy(), x.numpy())
    np.testing.assert_array_equal(out["v"].numpy(), x[1:].numpy())


# ------------------------------------------------------------------------------------------------ repr
REPR_CASES = [
    "torch.tensor([1+2j, 3])",
    "torch.tensor([1+2j, 3], dtype=torch.complex128)",
    "torch.tensor(1.5-2j)",
    "torch.tensor([[1e10+2j, 3], [0.001j, 4]])",
    "torch.tensor([-1-1j, 0.5+0j, -0.0-2.25j])",
    "torch.tensor([], dtype=torch.complex64)",
    "torch.zeros(2, 0, dtype=torch.complex128)",
    "torch.arange(2000, dtype=torch.float32).reshape(2, 1000).to(torch.complex64) * (1+1j)",
    "torch.tensor([float('nan') + 1j, float('inf') - 2j, 3])",
    "torch.tensor([[1.123456+2.5j, 3]], dtype=torch.complex128)",
]


@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr_matches_torch(expr):
    ref = torch_ref(lambda torch: repr(eval(expr, {"torch": torch})))
    if "* (1+1j)" in expr:  # complex multiplication is not part of the milestone: build the same values directly
        base = rtorch.arange(2000, dtype=rtorch.float32).reshape(2, 1000)
        got = repr(rtorch.complex(base, base))
    else:
        got = repr(eval(expr, {"torch": rtorch}))
    assert got == ref


# ------------------------------------------------------------------------------------------------ views
@pytest.mark.parametrize("dt", C)
def test_view_as_real_is_a_view(dt):
    a = crand(np.random.default_rng(4), (3, 4), NP[dt])
    z = rtorch.tensor(a)
    r = rtorch.view_as_real(z)
    assert r.dtype is dt.to_real() and r.shape == (3, 4, 2) and r.stride() == (8, 2, 1)
    np.testing.assert_array_equal(r.numpy(), np.stack([a.real, a.imag], -1))
    r[0, 0, 1] = 9.0
    assert z[0, 0].item().imag == 9.0
    a[0, 0] = a[0, 0].real + 9j
    zt = z.t()  # non-contiguous
    rt = zt.view_as_real()
    assert rt.stride() == (2, 8, 1)
    np.testing.assert_array_equal(rt.numpy(), np.stack([a.T.real, a.T.imag], -1))
    assert rtorch.view_as_real(rtorch.tensor(1 + 2j)).tolist() == [1.0, 2.0]  # 0-d


def test_view_as_complex_is_a_view():
    x = rtorch.arange(12, dtype=rtorch.float64).reshape(3, 2, 2)
    z = rtorch.view_as_complex(x)
    assert z.dtype is rtorch.complex128 and z.shape == (3, 2) and z.stride() == (2, 1)
    assert z[1, 1].item() == 6 + 7j
    z[0, 0] = 5 - 5j
    assert x[0, 0].tolist() == [5.0, -5.0]
    sub = x[1:]  # offset 4 (even)
    assert rtorch.view_as_complex(sub)[0, 0].item() == 4 + 5j
    assert rtorch.view_as_complex(rtorch.tensor([1.0, 2.0])).item() == 1 + 2j  # 1-d -> 0-d


def test_view_as_complex_errors_match_torch():
    cases = {
        "int": lambda L: L.view_as_complex(L.zeros(2, 2, dtype=L.int64)),
        "zero_dim": lambda L: L.view_as_complex(L.tensor(1.0)),
        "last_size": lambda L: L.view_as_complex(L.zeros(2, 3)),
        "last_stride": lambda L: L.view_as_complex(L.zeros(2, 2).t()),
        "odd_stride": lambda L: L.view_as_complex(L.zeros(3, 3)[:, :2]),
        "odd_offset": lambda L: L.view_as_complex(L.zeros(5)[1:].reshape(2, 2)),
        "imag_of_real": lambda L: L.zeros(2).imag,
        "float_of_complex": lambda L: float(L.tensor(1 + 2j)),
    }
    for name, f in cases.items():
        ref = torch_ref(lambda torch, f=f: catch(f, torch))
        with pytest.raises(Exception) as e:
            f(rtorch)
        assert type(e.value).__name__ == ref.type, name
        assert str(e.value) == ref.message, name
    with pytest.raises(TypeError, match="only supported for complex"):  # PyTorch's type and message
        rtorch.view_as_real(rtorch.zeros(2))
    with pytest.raises(NotImplementedError, match="Half"):  # PyTorch gives complex32 here; rtorch has none
        rtorch.view_as_complex(rtorch.zeros(2, 2, dtype=rtorch.float16))


@pytest.mark.parametrize("dt", C)
def test_real_imag_views_and_setters(dt):
    a = crand(np.random.default_rng(5), (2, 3), NP[dt])
    z = rtorch.tensor(a)
    np.testing.assert_array_equal(z.real.numpy(), a.real)
    np.testing.assert_array_equal(rtorch.imag(z).numpy(), a.imag)
    assert z.real.dtype is dt.to_real()
    z.imag.mul_(2)
    np.testing.assert_allclose(z.numpy(), a.real + 2j * a.imag)
    z.real = rtorch.zeros(3)  # broadcast
    assert np.all(z.numpy().real == 0)
    z.imag = 1.5
    assert np.all(z.numpy().imag == 1.5)
    x = rtorch.ones(2)
    assert x.real is not None and x.real.tolist() == [1.0, 1.0] and rtorch.real(x).tolist() == [1.0, 1.0]
    zt = rtorch.tensor(a).t()
    np.testing.assert_array_equal(zt.imag.numpy(), a.T.imag)


@pytest.mark.parametrize("dt", C)
def test_conj_complex_polar(dt):
    rng = np.random.default_rng(6)
    a = crand(rng, (4, 3), NP[dt])
    z = rtorch.tensor(a)
    np.testing.assert_array_equal(z.conj().numpy(), np.conj(a))
    np.testing.assert_array_equal(rtorch.conj_physical(z.t()).numpy(), np.conj(a.T))
    np.testing.assert_array_equal(z.numpy(), a)  # the input is untouched
    x = rtorch.ones(2)
    assert x.conj() is not None and x.conj().tolist() == [1.0, 1.0]
    re, im = a.real.copy(), a.imag.copy()
    c = rtorch.complex(rtorch.tensor(re), rtorch.tensor(im))
    assert c.dtype is dt
    np.testing.assert_array_equal(c.numpy(), a)
    c = rtorch.complex(rtorch.tensor(re), rtorch.tensor(im[0]))  # broadcast
    np.testing.assert_array_equal(c.numpy(), re + 1j * im[0])
    mag, ang = np.abs(re), im
    p = rtorch.polar(rtorch.tensor(mag), rtorch.tensor(ang))
    tol = 1e-6 if dt == rtorch.complex64 else 1e-14
    np.testing.assert_allclose(p.numpy(), mag * np.exp(1j * ang), rtol=tol, atol=tol)
    out = rtorch.empty(4, 3, dtype=dt)
    assert rtorch.complex(rtorch.tensor(re), rtorch.tensor(im), out=out) is out
    np.testing.assert_array_equal(out.numpy(), a)


def test_complex_polar_errors_match_torch():
    cases = {
        "mixed": lambda L: L.complex(L.zeros(2), L.zeros(2, dtype=L.float64)),
        "int": lambda L: L.complex(L.zeros(2, dtype=L.int64), L.zeros(2, dtype=L.int64)),
        "polar_mixed": lambda L: L.polar(L.zeros(2), L.zeros(2, dtype=L.float64)),
    }
    for name, f in cases.items():
        ref = torch_ref(lambda torch, f=f: catch(f, torch))
        with pytest.raises(Exception) as e:
            f(rtorch)
        assert type(e.value).__name__ == ref.type, name


# ------------------------------------------------------------------------------------------------ generic kernels
@settings(max_examples=40, deadline=None)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), dt=st.sampled_from(C),
       seed=st.integers(0, 2**16))
def test_copy_kernels_against_numpy(shape, dt, seed):
    a = crand(np.random.default_rng(seed), shape, NP[dt])
    z = rtorch.tensor(a)
    np.testing.assert_array_equal(z.clone().numpy(), a)
    if len(shape) >= 2:
        np.testing.assert_array_equal(z.transpose(0, 1).contiguous().numpy(), np.ascontiguousarray(a.swapaxes(0, 1)))
    if len(shape) >= 1:
        np.testing.assert_array_equal(z.flip(0).numpy(), a[::-1])
        np.testing.assert_array_equal(rtorch.cat([z, z], 0).numpy(), np.concatenate([a, a], 0))
        np.testing.assert_array_equal(rtorch.stack([z, z], -1).numpy(), np.stack([a, a], -1))
        np.testing.assert_array_equal(z.roll(1, 0).numpy(), np.roll(a, 1, 0))
        np.testing.assert_array_equal(z.repeat(*([2] + [1] * (len(shape) - 1))).numpy(),
                                      np.tile(a, [2] + [1] * (len(shape) - 1)))
    other = rtorch.complex128 if dt == rtorch.complex64 else rtorch.complex64
    np.testing.assert_array_equal(z.to(other).numpy(), a.astype(NP[other]))
    np.testing.assert_array_equal(z.view_as_real().numpy(), np.stack([a.real, a.imag], -1))


@pytest.mark.parametrize("dt", C)
def test_casts_between_complex_and_real(dt):
    a = np.array([1.75 - 2j, -3.5 + 0.5j, 0j, 300.7 + 1j], NP[dt])
    z = rtorch.tensor(a)
    for rd in ("float32", "float64", "float16", "int64", "int32", "uint8", "bool"):
        got = z.to(getattr(rtorch, rd))
        ref = torch_ref(lambda torch, rd=rd: torch.tensor(a).to(getattr(torch, rd)))
        np.testing.assert_array_equal(got.numpy(), ref)
    for rd in ("float32", "float64", "int64", "bool", "float16"):
        x = rtorch.tensor([1.5, -2.0, 0.0]).to(getattr(rtorch, rd))
        np.testing.assert_array_equal(x.to(dt).numpy(), x.numpy().astype(NP[dt]))


@pytest.mark.parametrize("dt", C)
def test_indexing_and_masking(dt):
    rng = np.random.default_rng(7)
    a = crand(rng, (5, 4), NP[dt])
    z = rtorch.tensor(a)
    idx = np.array([4, 0, 2])
    np.testing.assert_array_equal(z[idx].numpy(), a[idx])
    np.testing.assert_array_equal(z[:, 1].numpy(), a[:, 1])
    np.testing.assert_array_equal(z.index_select(1, rtorch.tensor([3, 1])).numpy(), a[:, [3, 1]])
    gi = rng.integers(0, 5, (3, 4))
    np.testing.assert_array_equal(z.gather(0, rtorch.tensor(gi)).numpy(), np.take_along_axis(a, gi, 0))
    mask = rng.random((5, 4)) > 0.5
    np.testing.assert_array_equal(z[rtorch.tensor(mask)].numpy(), a[mask])
    np.testing.assert_array_equal(z.masked_fill(rtorch.tensor(mask), 2j).numpy(), np.where(mask, 2j, a).astype(a.dtype))
    w = rtorch.where(rtorch.tensor(mask), z, rtorch.zeros(5, 4, dtype=dt))
    np.testing.assert_array_equal(w.numpy(), np.where(mask, a, 0))
    y = z.clone()
    y[1] = rtorch.tensor(a[0])
    y[2, 3] = 5 + 6j
    exp = a.copy()
    exp[1], exp[2, 3] = a[0], 5 + 6j
    np.testing.assert_array_equal(y.numpy(), exp)
    s = rtorch.zeros(5, 4, dtype=dt).scatter_(0, rtorch.tensor(gi[:1]), z[:1])
    exp = np.zeros_like(a)
    exp[gi[0], np.arange(4)] = a[0]
    np.testing.assert_array_equal(s.numpy(), exp)
    y = rtorch.zeros(3, dtype=dt)
    y.index_put_((rtorch.tensor([0, 0, 2]),), rtorch.tensor([1j, 2, 3 - 1j], dtype=dt), accumulate=True)
    assert y.tolist() == [2 + 1j, 0j, 3 - 1j]
    assert z.nonzero().shape == (20, 2)
    assert bool(rtorch.tensor([0j, 1j]).any()) and not bool(rtorch.tensor([0j, 1j]).all())


def test_copy_kernels_threaded():
    a = crand(np.random.default_rng(8), (300, 257), np.complex64)  # past the threading grain
    z = rtorch.tensor(a)
    results = [None] * 4

    def work(i):
        results[i] = z.t().contiguous().numpy()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for r in results:
        np.testing.assert_array_equal(r, a.T)


# ------------------------------------------------------------------------------------------------ refusals
REFUSED = {
    "sort": lambda z: z.sort(), "argsort": lambda z: z.argsort(), "max": lambda z: z.max(),
    "min": lambda z: z.min(), "amax": lambda z: z.amax(), "argmax": lambda z: z.argmax(),
    "max_dim": lambda z: z.max(0), "clamp": lambda z: z.clamp(0, 1), "floor": lambda z: z.floor(),
    "ceil": lambda z: z.ceil(), "round": lambda z: z.round(), "trunc": lambda z: z.trunc(),
    "relu": lambda z: z.relu(), "lt": lambda z: z < z, "maximum": lambda z: z.maximum(z),
    "topk": lambda z: z.topk(1), "cummax": lambda z: z.cummax(0), "remainder": lambda z: z % 2,
    "floor_divide": lambda z: z // 2, "sign": lambda z: z.sign(), "median": lambda z: z.median(),
    "erf": lambda z: z.erf(), "atan2": lambda z: z.atan2(z), "bitwise_and": lambda z: z & z,
    "unique": lambda z: z.unique(), "frac": lambda z: z.frac(), "softmax": lambda z: z.softmax(0),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_real_only_ops_refuse_complex(name):
    """Every op without a complex kernel raises (PyTorch's exception type where rtorch matches it: these raise
    NotImplementedError or TypeError in PyTorch) and never returns a wrong result or crashes."""
    f = REFUSED[name]
    ref = torch_ref(lambda torch: catch(f, torch.tensor([1 + 2j, 3 - 1j, 0.5j])))
    with pytest.raises((NotImplementedError, TypeError, RuntimeError)) as e:
        f(rtorch.tensor([1 + 2j, 3 - 1j, 0.5j]))
    assert ref.type in ("NotImplementedError", "TypeError", "RuntimeError")
    assert "omplex" in str(e.value), str(e.value)


@pytest.mark.skipif(not rtorch.cuda.is_available(), reason="no CUDA device")
def test_cuda_complex_moves_and_refuses_ops():
    a = crand(np.random.default_rng(12), (3, 5), np.complex64)
    z = rtorch.tensor(a)
    c = z.cuda()
    assert c.dtype is rtorch.complex64 and c.device.type == "cuda"
    np.testing.assert_array_equal(c.cpu().numpy(), a)
    np.testing.assert_array_equal(c.t().contiguous().cpu().numpy(), a.T)  # strided copy on the device
    np.testing.assert_array_equal(c.to(rtorch.complex128).cpu().numpy(), a.astype(np.complex128))
    np.testing.assert_array_equal(c.real.cpu().numpy(), a.real)
    np.testing.assert_array_equal(rtorch.full((2,), 1 - 2j, device="cuda").cpu().numpy(), [1 - 2j, 1 - 2j])
    with pytest.raises(NotImplementedError, match="complex on CUDA"):
        c * c
    with pytest.raises(NotImplementedError, match="complex on CUDA"):
        c.sum()


@pytest.mark.parametrize("dt", C)
def test_rand_and_randn(dt):
    rtorch.manual_seed(0)
    z = rtorch.randn(20000, dtype=dt)
    assert z.dtype is dt
    a = z.numpy()
    assert abs(a.real.var() - 0.5) < 0.03 and abs(a.imag.var() - 0.5) < 0.03  # E|z|^2 = 1, as PyTorch
    assert abs(np.mean(a.real * a.imag)) < 0.02  # independent parts
    u = rtorch.rand(2000, dtype=dt).numpy()
    assert (u.real >= 0).all() and (u.real < 1).all() and (u.imag >= 0).all() and (u.imag < 1).all()
