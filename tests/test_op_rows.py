"""Every declared elementwise op against its test row (tests/op_rows.py).

For each row of the declaration tables: values against the NumPy reference for every dtype the row
takes (floats, half types, integers, bool), on random shapes with 0- and 1-sized dims, 0-d, and
strided views; sizes around the threading grain and a prime above 65536 with 1 and 2 threads; the
`out=` and in-place forms; gradients in float64 by finite differences (first and second order)
for differentiable rows and exact zeros for piecewise-constant ones; and on a GPU, CUDA against
the CPU for every dtype of the row's group.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
from rtorch import _rtorch
from rtorch.autograd import gradcheck, gradgradcheck
from op_rows import call_of, ref_of

DECLS = _rtorch._declarations()
GRAIN = 1 << 15  # src/cpu/iter.rs: elementwise work splits over threads above this many elements

FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]
ALL = FLOATS + INTS + ["bool"]
# Relative tolerance per result dtype: float32 kernels use polynomial exp/log/tanh/erf (a few ulp).
RTOL = {"float32": 1e-5, "float64": 1e-12, "float16": 2e-3, "bfloat16": 1.6e-2}


def _id(d):
    return f"{d['family']}.{d['id']}"


def _is_float(dt):
    return dt in FLOATS


def expected_dtype(d, dt):
    """The result dtype of row `d` for inputs of dtype `dt`, by the row's kind (PyTorch's rules)."""
    kind = d["kind"]
    if kind in ("pred", "cmp"):
        return "bool"
    if kind == "float":
        return dt if _is_float(dt) else "float32"
    if d["id"] == "square" and dt == "bool":
        return "int64"
    if d["id"] == "pow_scalar" and dt == "bool":
        return "int64"
    return dt


def accepts(d, dt):
    """Whether row `d` takes inputs of dtype `dt` (the row's dtype group, via the kind's rule)."""
    x = rtorch.ones(1, dtype=getattr(rtorch, dt))
    try:
        call_of(d)(x) if d["family"] == "unary" else call_of(d)(x, x)
        return True
    except NotImplementedError:
        return False
    except RuntimeError as e:  # kinds that reject a dtype category (bits on floats, neg on bool)
        if "not supported" in str(e) or "not implemented" in str(e) or "expected" in str(e):
            return False
        raise


def draw_values(rng, d, dt, n, second=False):
    """`n` inputs for row `d` as a NumPy array of `dt` (bfloat16 values as float32 bf16-exact)."""
    r = ref_of(d)
    if dt == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if not _is_float(dt):
        lo, hi = r.ints
        info = np.iinfo(dt)
        lo, hi = max(lo, info.min), min(hi, info.max)
        if dt == "uint8" and d["id"] in ("floor_divide", "remainder", "fmod") and second:
            lo = max(lo, 1)
        return rng.integers(lo, hi + 1, n).astype(dt)
    lo, hi = (r.blo, r.bhi) if second and r.blo is not None else (r.lo, r.hi)
    v = rng.uniform(lo, hi, n)
    if not second:
        sp = np.array(r.special, dtype=np.float64)
        v[: min(n, sp.size)] = sp[: min(n, sp.size)]
    if dt == "bfloat16":
        v = (v.astype(np.float32).view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)
        return v
    return v.astype(dt)


def to_rtorch(a, dt):
    t = rtorch.from_numpy(np.array(a, order="C")).clone()
    return t.to(getattr(rtorch, dt)) if dt == "bfloat16" else t


def reference(d, dt, *arrays):
    """The exact result in NumPy, in the row's result dtype (bfloat16 rounded through float32)."""
    r = ref_of(d)
    out_dt = expected_dtype(d, dt)
    if r.native and _is_float(dt):
        # Half types compute in float32, as PyTorch's kernels do (its "opmath" type).
        want = r.reference(*[a.astype(np.float32) if a.dtype == np.float16 else a for a in arrays])
    elif _is_float(out_dt):
        want = r.reference(*[a.astype(np.float64) for a in arrays])
    else:
        with np.errstate(all="ignore"):
            want = r.reference(*arrays)
    return np.asarray(want), out_dt


EPS = {"float32": 2.0**-23, "float64": 2.0**-52, "float16": 2.0**-10, "bfloat16": 2.0**-7}


def round_to(x, dt):
    """float64 values rounded to `dt` (nearest even; overflow to inf) and back to float64."""
    x = np.asarray(x, dtype=np.float64)
    if dt == "bfloat16":
        with np.errstate(over="ignore"):
            bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
        bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16).astype(np.uint32)
        return np.where(np.isnan(x), np.nan, bits.view(np.float32).astype(np.float64))
    with np.errstate(over="ignore"):
        return x.astype(dt).astype(np.float64)


def check_against_reference(d, dt, got, want, out_dt, inputs):
    assert str(got.dtype) == f"rtorch.{out_dt}", f"{_id(d)} on {dt}: dtype {got.dtype}, expected {out_dt}"
    g = got.float().numpy() if out_dt == "bfloat16" else got.numpy()
    if _is_float(out_dt):
        g = g.astype(np.float64)
        want = round_to(want, out_dt)
        tol = RTOL[out_dt]
        # Results that cancel to ~0 get the slack of a few ulp of 1e-3 (sin(pi), x - trunc(x)).
        slack = tol * np.maximum(np.abs(want), 1e-3)
        xslack = ref_of(d).xslack
        if xslack:
            x = np.abs(inputs[0].astype(np.float64))
            slack = slack + xslack * EPS[out_dt] * np.maximum(x, 1.0)
        with np.errstate(invalid="ignore"):
            bad = ~((np.abs(g - want) <= slack) | (np.isnan(g) & np.isnan(want)) | (g == want))
    else:
        bad = g != want.astype(g.dtype)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        ins = [a.ravel()[i] if a.ndim else a for a in inputs]
        pytest.fail(f"{_id(d)} on {dt}: {int(bad.sum())} wrong of {bad.size}; first at input(s) {ins}: "
                    f"got {g.ravel()[i]}, want {want.ravel()[i]}")


@pytest.mark.parametrize("d", DECLS, ids=_id)
def test_every_row_has_a_test_entry(d):
    assert ref_of(d) is not None, f"{_id(d)} has no entry in tests/op_rows.py"


def _layout(t, how):
    """The same values through a non-contiguous view."""
    if how == "plain" or t.ndim < 2:
        return t
    if how == "transposed":
        return t.transpose(0, 1).contiguous().transpose(0, 1)
    return rtorch.stack([t, t], -1)[..., 0]  # stepped: every other element


@pytest.mark.parametrize("d", DECLS, ids=_id)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_row_matches_reference(d, data):
    dts = [dt for dt in ALL if accepts(d, dt)]
    assert dts, f"{_id(d)} accepts no dtype"
    dt = data.draw(st.sampled_from(dts), label="dtype")
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5), label="shape")
    how = data.draw(st.sampled_from(["plain", "transposed", "stepped"]), label="layout")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    a = draw_values(rng, d, dt, n).reshape(shape)
    if d["family"] == "unary":
        got = call_of(d)(_layout(to_rtorch(a, dt), how))
        want, out_dt = reference(d, dt, a)
        inputs = [a]
    else:
        # The second operand broadcasts from a trailing sub-shape half of the time.
        bshape = shape[data.draw(st.integers(0, len(shape)), label="bdims"):]
        b = draw_values(rng, d, dt, int(np.prod(bshape)), second=True).reshape(bshape)
        got = call_of(d)(_layout(to_rtorch(a, dt), how), to_rtorch(b, dt))
        want, out_dt = reference(d, dt, a, b)
        inputs = [a, np.broadcast_to(b, shape)]
    assert tuple(got.shape) == tuple(shape)
    check_against_reference(d, dt, got, np.broadcast_to(want, shape), out_dt, inputs)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("d", DECLS, ids=_id)
def test_row_past_the_threading_grain(d, threads):
    dt = "float32" if accepts(d, "float32") else "int32" if accepts(d, "int32") else "bool"
    before = rtorch.get_num_threads()
    rtorch.set_num_threads(threads)
    try:
        for n in (GRAIN - 1, GRAIN + 1, 100_003):
            rng = np.random.default_rng(n)
            a = draw_values(rng, d, dt, n)
            if d["family"] == "unary":
                got = call_of(d)(to_rtorch(a, dt))
                want, out_dt = reference(d, dt, a)
                inputs = [a]
            else:
                b = draw_values(rng, d, dt, n, second=True)
                got = call_of(d)(to_rtorch(a, dt), to_rtorch(b, dt))
                want, out_dt = reference(d, dt, a, b)
                inputs = [a, b]
            check_against_reference(d, dt, got, want, out_dt, inputs)
    finally:
        rtorch.set_num_threads(before)


def _named(d):
    return [n for n, _ in d["names"]]


@pytest.mark.parametrize("d", [d for d in DECLS if d["names"]], ids=_id)
def test_row_out_and_inplace_forms(d):
    dt = "float64" if accepts(d, "float64") else "int64" if accepts(d, "int64") else "bool"
    rng = np.random.default_rng(1)
    a = draw_values(rng, d, dt, 12).reshape(3, 4)
    args = [to_rtorch(a, dt)]
    if d["family"] == "binary":
        args.append(to_rtorch(draw_values(rng, d, dt, 4, second=True), dt))
    want = call_of(d)(*args)
    for name, inplace in d["names"]:
        if d["function"]:
            out = rtorch.empty(want.shape, dtype=want.dtype)
            r = getattr(rtorch, name)(*args, out=out)
            assert r is out and rtorch.equal(out, want), f"rtorch.{name}(out=) differs"
        if inplace and want.dtype == args[0].dtype:
            x = args[0].clone()
            r = getattr(x, inplace)(*args[1:])
            assert r is x and rtorch.equal(x, want), f"Tensor.{inplace} differs"


DIFFERENTIABLE = [d for d in DECLS if d["grad"] not in ("none", "zero")]


def _leaf(d, shape, seed, second=False):
    rng = np.random.default_rng(seed)
    v = draw_values(rng, d, "float64", int(np.prod(shape)), second)
    # Keep finite differences away from kinks and domain edges.
    r = ref_of(d)
    lo, hi = (r.blo, r.bhi) if second and r.blo is not None else (r.lo, r.hi)
    v = np.clip(v, lo + 0.02 * (hi - lo), hi - 0.02 * (hi - lo))
    v = np.where(np.abs(v) < 1e-3, 0.25, v)
    return rtorch.tensor(v.reshape(shape), dtype=rtorch.float64, requires_grad=True)


def _grad_inputs(d):
    x = _leaf(d, (2, 3), 3)
    if d["family"] == "unary":
        return (x,)
    if ref_of(d).nograd_a:
        x = x.detach()
    return (x, _leaf(d, (3,), 4, second=True))


@pytest.mark.parametrize("d", DIFFERENTIABLE, ids=_id)
def test_row_gradient(d):
    assert gradcheck(call_of(d), _grad_inputs(d))


@pytest.mark.parametrize("d", DIFFERENTIABLE, ids=_id)
def test_row_second_order_gradient(d):
    assert gradgradcheck(call_of(d), _grad_inputs(d))


@pytest.mark.parametrize("d", [d for d in DECLS if d["grad"] == "zero"], ids=_id)
def test_piecewise_constant_row_has_zero_gradient(d):
    x = _leaf(d, (2, 3), 5)
    call_of(d)(x).sum().backward()
    assert x.grad is not None and not x.grad.abs().sum().item()


@pytest.mark.skipif(not rtorch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("d", DECLS, ids=_id)
def test_row_cuda_matches_cpu(d):
    for dt in [dt for dt in ALL if accepts(d, dt)]:
        rng = np.random.default_rng(7)
        n = 1000
        ins = [to_rtorch(draw_values(rng, d, dt, n), dt)]
        if d["family"] == "binary":
            ins.append(to_rtorch(draw_values(rng, d, dt, n, second=True), dt))
        cpu = call_of(d)(*ins)
        gpu = call_of(d)(*[t.cuda() for t in ins]).cpu()
        assert gpu.dtype == cpu.dtype
        if _is_float(str(cpu.dtype).removeprefix("rtorch.")):
            c, g = cpu.double().numpy(), gpu.double().numpy()
            tol = RTOL[str(cpu.dtype).removeprefix("rtorch.")] * 4
            assert np.allclose(g, c, rtol=tol, atol=tol, equal_nan=True), f"{_id(d)} on {dt}"
        else:
            assert rtorch.equal(cpu, gpu), f"{_id(d)} on {dt}"
