"""Run under mpiexec (any number of ranks): every collective of rtorch.distributed against NumPy, for
every dtype (bool to float64, float16 and bfloat16 included) and 0-d, empty, non-contiguous tensors.

Each rank builds every rank's input from a seed, so it can compute the expected result itself. A
failed check raises, which aborts the job (non-zero exit); success prints "collectives OK".
"""
import pickle

import numpy as np

import rtorch as torch
import rtorch.distributed as dist
from rtorch.distributed import ReduceOp, _mpi

dist.init_process_group("mpi", timeout=120)
R, N = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "mpi"
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
FLOATS = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
DTYPES = [torch.bool] + INTS + FLOATS


def ints(rank, shape, seed, lo=-4, hi=5):
    """Small integers (exact in every dtype, sums and products included) for `rank`."""
    rng = np.random.default_rng([seed, rank])
    return rng.integers(lo, hi, size=shape)


def make(rank, shape, dtype, seed):
    """(tensor, int64/bool NumPy values) of `rank`'s input."""
    if dtype == torch.bool:
        a = ints(rank, shape, seed, 0, 2).astype(bool)
    elif dtype == torch.uint8:
        a = ints(rank, shape, seed, 0, 5)
    else:
        a = ints(rank, shape, seed)
    return torch.from_numpy(np.array(a)).to(dtype), a


def as_dtype(a, dtype):
    return torch.from_numpy(np.array(a)).to(dtype)


def same(got, want, what):
    if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape):
        raise AssertionError(f"{what}: got {got.dtype} {tuple(got.shape)}, want {want.dtype} {tuple(want.shape)}")
    g, w = got.double().numpy() if got.dtype != torch.bool else got.numpy(), \
        want.double().numpy() if want.dtype != torch.bool else want.numpy()
    if not np.array_equal(g, w, equal_nan=got.dtype.is_floating_point):
        raise AssertionError(f"{what} on rank {R}: got {g} want {w}")


def reduce_np(arrays, op, dtype):
    """Expected reduction of the ranks' integer arrays, as a tensor of `dtype`."""
    st = np.stack(arrays)
    if dtype == torch.bool:
        f = {ReduceOp.SUM: np.any, ReduceOp.MAX: np.any, ReduceOp.BOR: np.any, ReduceOp.PRODUCT: np.all,
             ReduceOp.MIN: np.all, ReduceOp.BAND: np.all}
        if op == ReduceOp.BXOR:
            return as_dtype(np.bitwise_xor.reduce(st, axis=0), dtype)
        return as_dtype(f[op](st, axis=0), dtype)
    st = st.astype(np.int64)
    if op == ReduceOp.SUM:
        r = st.sum(0)
    elif op == ReduceOp.PRODUCT:
        r = st.prod(0)
    elif op == ReduceOp.MAX:
        r = st.max(0)
    elif op == ReduceOp.MIN:
        r = st.min(0)
    elif op == ReduceOp.BAND:
        r = np.bitwise_and.reduce(st, axis=0)
    elif op == ReduceOp.BOR:
        r = np.bitwise_or.reduce(st, axis=0)
    elif op == ReduceOp.BXOR:
        r = np.bitwise_xor.reduce(st, axis=0)
    elif op == ReduceOp.AVG:
        if dtype.is_floating_point:
            return torch.from_numpy(np.array(st.sum(0) / N)).to(dtype)
        r = np.trunc(st.sum(0) / N).astype(np.int64)
    return as_dtype(r, dtype)


def inputs_np(shape, dtype, seed, view):
    """Every rank's input values (int64 or bool NumPy arrays) as the collective sees them."""
    return [view(torch.from_numpy(np.array(make(r, shape, dtype, seed)[1]))).numpy() for r in range(N)]


# Shapes: (name, base shape, function making the view the collective sees)
SHAPES = [
    ("1-d", (5,), lambda t: t),
    ("0-d", (), lambda t: t),
    ("empty", (0,), lambda t: t),
    ("transposed", (3, 4), lambda t: t.t()),
    ("strided", (4, 6), lambda t: t[:, ::2]),
]


def ops_for(dtype):
    if dtype == torch.bool:
        return [ReduceOp.SUM, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX, ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR]
    base = [ReduceOp.SUM, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX, ReduceOp.AVG]
    return base + ([] if dtype.is_floating_point else [ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR])


# ---- all_reduce: every dtype x op x shape kind ----
seed = 0
for dtype in DTYPES:
    for op in ops_for(dtype):
        for name, shape, view in SHAPES:
            seed += 1
            t, _ = make(R, shape, dtype, seed)
            v = view(t)
            want = reduce_np(inputs_np(shape, dtype, seed, view), op, dtype)
            if op == ReduceOp.AVG and dtype.is_floating_point:
                dist.all_reduce(v, op=op)
                tol = {torch.float16: 2e-3, torch.bfloat16: 1e-2}.get(dtype, 1e-6)
                np.testing.assert_allclose(v.double().numpy(), want.double().numpy(), rtol=tol, atol=tol,
                                           err_msg=f"all_reduce AVG {dtype} {name}")
            else:
                work = dist.all_reduce(v, op=op, async_op=(seed % 3 == 0))
                if work is not None:
                    assert work.wait() is True and work.is_completed() and work.is_success()
                same(v, want, f"all_reduce {op.name} {dtype} {name}")
            if name == "1-d":
                # Zero copy: MPI worked on the tensor's own memory.
                assert _mpi.np_view(t).ctypes.data == t.data_ptr()

# Random (non-integer) floats: float32/64 close to NumPy's sum; halves within their rounding.
for dtype, tol in [(torch.float32, 1e-5), (torch.float64, 1e-12), (torch.float16, 4e-3), (torch.bfloat16, 3e-2)]:
    base = [np.random.default_rng([99, r]).standard_normal(257) for r in range(N)]
    t = torch.from_numpy(base[R].copy()).to(dtype)
    dist.all_reduce(t)
    want = sum(torch.from_numpy(b).to(dtype).double().numpy() for b in base)
    np.testing.assert_allclose(t.double().numpy(), want, rtol=tol, atol=tol, err_msg=f"random sum {dtype}")
    # every rank holds bit-identical results
    allv = [torch.empty_like(t) for _ in range(N)]
    dist.all_gather(allv, t)
    for x in allv:
        assert torch.equal(x.view(torch.int16) if x.element_size() == 2 and x.dtype.is_floating_point else x,
                           t.view(torch.int16) if t.element_size() == 2 and t.dtype.is_floating_point else t)

# NaN propagates through MAX/MIN (as torch.maximum), in every float dtype.
for dtype in FLOATS:
    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64) + R
    if R == 0:
        t[1] = float("nan")
    t = t.to(dtype)
    dist.all_reduce(t, op=ReduceOp.MAX)
    assert np.isnan(t.double().numpy()[1]) and t.double().numpy()[0] == N and t.double().numpy()[2] == N + 2, t

# Half-precision sums are rounded to nearest (not truncated): rank 0 holds 1, rank 1 holds 1.5 ulp(1)
# (exact in the dtype), the others 0, so the exact sum 1 + 1.5 ulp must round up to 1 + 2 ulp.
for dtype, ulp in [(torch.bfloat16, 2.0 ** -7), (torch.float16, 2.0 ** -10)]:
    mine = {0: 1.0, 1: 1.5 * ulp}.get(R, 0.0) if N > 1 else 1.0
    t = torch.tensor([mine, 256.0, -0.0], dtype=dtype)
    dist.all_reduce(t)
    want = [1.0 + 2 * ulp if N > 1 else 1.0, 256.0 * N, 0.0]
    same(t, torch.tensor(want, dtype=dtype), f"{dtype} sums rounded to nearest")

# ---- broadcast / reduce ----
for dtype in DTYPES:
    for name, shape, view in SHAPES:
        seed += 1
        src = N - 1
        t, _ = make(R, shape, dtype, seed)
        v = view(t)
        dist.broadcast(v, src=src)
        same(v, view(make(src, shape, dtype, seed)[0]), f"broadcast {dtype} {name}")
        seed += 1
        t, _ = make(R, shape, dtype, seed)
        v = view(t)
        before = v.clone()
        dst = 1 % N
        dist.reduce(v, dst=dst, op=ReduceOp.SUM if dtype != torch.bool else ReduceOp.MAX)
        want = reduce_np(inputs_np(shape, dtype, seed, view), ReduceOp.SUM if dtype != torch.bool else ReduceOp.MAX,
                         dtype)
        same(v, want if R == dst else before, f"reduce {dtype} {name}")

# ---- all_gather (list), all_gather_into_tensor, gather ----
for dtype in DTYPES:
    for name, shape, view in SHAPES:
        seed += 1
        t, _ = make(R, shape, dtype, seed)
        v = view(t)
        want = [view(make(r, shape, dtype, seed)[0]) for r in range(N)]
        out = [view(torch.zeros(shape, dtype=dtype)) for _ in range(N)]
        dist.all_gather(out, v)
        for r in range(N):
            same(out[r], want[r], f"all_gather {dtype} {name} [{r}]")
        flat = torch.zeros((N,) + tuple(v.shape), dtype=dtype)
        dist.all_gather_into_tensor(flat, v)
        for r in range(N):
            same(flat[r], want[r], f"all_gather_into_tensor {dtype} {name} [{r}]")
        # gather at the last rank
        dst = N - 1
        glist = [torch.zeros(v.shape, dtype=dtype) for _ in range(N)] if R == dst else None
        dist.gather(v, glist, dst=dst)
        if R == dst:
            for r in range(N):
                same(glist[r], want[r], f"gather {dtype} {name} [{r}]")
# input that is already this rank's block of the output (MPI_IN_PLACE path)
buf = torch.zeros(N * 3, dtype=torch.float32)
buf[R * 3:(R + 1) * 3] = float(R + 1)
dist.all_gather_into_tensor(buf, buf[R * 3:(R + 1) * 3])
same(buf, torch.arange(1, N + 1, dtype=torch.float32).repeat_interleave(3), "all_gather_into_tensor in place")

# ---- reduce_scatter_tensor / reduce_scatter / scatter ----
for dtype in DTYPES:
    for op in (ReduceOp.SUM, ReduceOp.MAX) if dtype != torch.bool else (ReduceOp.MAX,):
        seed += 1
        inputs = [make(r, (N * 4,), dtype, seed) for r in range(N)]
        out = torch.zeros((2, 2), dtype=dtype).t()  # non-contiguous output
        dist.reduce_scatter_tensor(out, inputs[R][0], op=op)
        full = reduce_np([a for _, a in inputs], op, dtype)
        same(out, full[R * 4:(R + 1) * 4].view(2, 2), f"reduce_scatter_tensor {op.name} {dtype}")
        out2 = torch.zeros(4, dtype=dtype)
        dist.reduce_scatter(out2, list(inputs[R][0].view(N, 4).unbind(0)), op=op)
        same(out2, full[R * 4:(R + 1) * 4], f"reduce_scatter {op.name} {dtype}")
    seed += 1
    src = 0
    blocks = [make(r, (2, 3), dtype, seed)[0] for r in range(N)]
    out = torch.zeros((3, 2), dtype=dtype).t()
    dist.scatter(out, blocks if R == src else None, src=src)
    same(out, blocks[R], f"scatter {dtype}")
avg_out = torch.zeros(2)
dist.reduce_scatter_tensor(avg_out, torch.arange(2.0 * N) * (R + 1), op=ReduceOp.AVG)
want = torch.arange(2.0 * N)[R * 2:(R + 1) * 2] * (N + 1) / 2
np.testing.assert_allclose(avg_out.numpy(), want.numpy(), rtol=1e-6)

# ---- all_to_all_single (even and uneven splits), all_to_all ----
for dtype in DTYPES:
    seed += 1
    vals = {(s, d): make(s * 10 + d, (2, 3), dtype, seed)[0] for s in range(N) for d in range(N)}
    inp = torch.cat([vals[(R, d)] for d in range(N)])
    out = torch.zeros((N * 2, 3), dtype=dtype)
    dist.all_to_all_single(out, inp)
    same(out, torch.cat([vals[(s, R)] for s in range(N)]), f"all_to_all_single even {dtype}")
    rows = lambda s, d: (s + d) % 3  # noqa: E731 - rows rank s sends to rank d (0 allowed)
    uv = {(s, d): make(s * 10 + d, (rows(s, d), 2), dtype, seed + 1)[0] for s in range(N) for d in range(N)}
    inp = torch.cat([uv[(R, d)] for d in range(N)])
    out = torch.zeros((sum(rows(s, R) for s in range(N)), 2), dtype=dtype)
    dist.all_to_all_single(out, inp, output_split_sizes=[rows(s, R) for s in range(N)],
                           input_split_sizes=[rows(R, d) for d in range(N)])
    same(out, torch.cat([uv[(s, R)] for s in range(N)]), f"all_to_all_single uneven {dtype}")
    outs = [torch.zeros((rows(s, R), 2), dtype=dtype) for s in range(N)]
    dist.all_to_all(outs, [uv[(R, d)] for d in range(N)])
    for s in range(N):
        same(outs[s], uv[(s, R)], f"all_to_all {dtype} from {s}")

# ---- point to point ----
for dtype in DTYPES:
    seed += 1
    nxt, prv = (R + 1) % N, (R - 1) % N
    mine, _ = make(R, (2, 3), dtype, seed)
    got = torch.zeros((3, 2), dtype=dtype).t()  # received through a non-contiguous view
    ws = dist.isend(mine.t().t(), dst=nxt, tag=7)
    wr = dist.irecv(got, src=prv, tag=7)
    ws.wait()
    wr.wait()
    assert wr.source_rank() == prv
    same(got, make(prv, (2, 3), dtype, seed)[0], f"isend/irecv ring {dtype}")
if R == 0:
    senders = set()
    for _ in range(N - 1):
        t = torch.zeros(2, dtype=torch.int64)
        s = dist.recv(t, tag=5)  # any source
        assert t.tolist() == [s, s * s], (s, t)
        senders.add(s)
    assert senders == set(range(1, N))
else:
    dist.send(torch.tensor([R, R * R]), dst=0, tag=5)
# A message of the wrong size is an error that names both sizes (bytes travel untyped).
if N > 1:
    if R == 0:
        t = torch.zeros(4, dtype=torch.int64)
        try:
            dist.recv(t, src=1, tag=9)
        except RuntimeError as e:
            assert "expected 4 elements of rtorch.int64 (32 bytes) from rank 1 (tag 9) but the message held 12" in \
                str(e), e
        else:
            raise AssertionError("short message accepted")
    elif R == 1:
        dist.send(torch.zeros(3, dtype=torch.float32), dst=0, tag=9)
ops = [dist.P2POp(dist.isend, torch.full((3,), float(R)), (R + 1) % N),
       dist.P2POp(dist.irecv, torch.zeros(3), (R - 1) % N)]
for w in dist.batch_isend_irecv(ops):
    w.wait()
same(ops[1].tensor, torch.full((3,), float((R - 1) % N)), "batch_isend_irecv")

# ---- async: several in flight, waited out of order; futures ----
ts = [torch.full((1000,), float(R + k)) for k in range(4)]
works = [dist.all_reduce(t, async_op=True) for t in ts]
for k in reversed(range(4)):
    works[k].wait()
    same(ts[k], torch.full((1000,), float(sum(r + k for r in range(N)))), f"async all_reduce {k}")
fut = dist.all_reduce(torch.ones(2), async_op=True).get_future()
doubled = fut.then(lambda f: f.value()[0] * 2)
same(doubled.wait(), torch.full((2,), 2.0 * N), "future.then")

# ---- sub-groups ----
members = [0, N - 1] if N > 1 else [0]
g = dist.new_group(members)
if R in members:
    assert dist.get_world_size(g) == len(members) and dist.get_rank(g) == members.index(R)
    t = torch.tensor([float(R)])
    dist.all_reduce(t, group=g)
    same(t, torch.tensor([float(sum(members))]), "all_reduce in a sub-group")
    t = torch.tensor([float(R)])
    dist.broadcast(t, src=members[-1], group=g)  # src is a global rank
    same(t, torch.tensor([float(members[-1])]), "broadcast in a sub-group")
    assert dist.get_global_rank(g, len(members) - 1) == members[-1]
    assert dist.get_group_rank(g, members[-1]) == len(members) - 1
else:
    assert g is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(g) == -1
evens = dist.new_group([r for r in range(N) if r % 2 == 0])
if R % 2 == 0:
    t = torch.ones(1)
    dist.all_reduce(t, group=evens)
    assert t.item() == len(range(0, N, 2))

# ---- objects ----
objs = [None] * N
dist.all_gather_object(objs, {"rank": R, "payload": "x" * (R * 100)})
assert objs == [{"rank": r, "payload": "x" * (r * 100)} for r in range(N)]
lst = [R, "hello", None, {"a": [1, 2]}] if R == N - 1 else [None] * 4
dist.broadcast_object_list(lst, src=N - 1)
assert lst == [N - 1, "hello", None, {"a": [1, 2]}]
glist = [None] * N if R == 0 else None
dist.gather_object(("r", R), glist, dst=0)
if R == 0:
    assert glist == [("r", r) for r in range(N)]
out = [None]
dist.scatter_object_list(out, [f"to {r}" * (r + 1) for r in range(N)] if R == 0 else None, src=0)
assert out == [f"to {R}" * (R + 1)]

# ---- argument errors raise before any communication (no rank waits) ----
def raises(exc, fn, match):
    try:
        fn()
    except exc as e:
        assert match in str(e), (match, str(e))
        return
    raise AssertionError(f"expected {exc.__name__} ({match})")


raises(ValueError, lambda: dist.all_gather_into_tensor(torch.zeros(N * 2 + 1), torch.zeros(2)), "elements")
raises(TypeError, lambda: dist.all_gather_into_tensor(torch.zeros(N * 2, dtype=torch.int64), torch.zeros(2)),
       "dtype")
raises(ValueError, lambda: dist.all_gather([torch.zeros(2)] * (N + 1), torch.zeros(2)), "ranks")
raises(ValueError, lambda: dist.all_gather([torch.zeros(3)] * N, torch.zeros(2)), "shape")
raises(ValueError, lambda: dist.reduce_scatter_tensor(torch.zeros(3), torch.zeros(3 * N + 1)), "elements")
raises(ValueError, lambda: dist.broadcast(torch.zeros(1), src=N), "not part of group")
raises(ValueError, lambda: dist.send(torch.zeros(1), dst=R), "should not be the same")
raises(ValueError, lambda: dist.all_to_all_single(torch.zeros(N), torch.zeros(N), [1] * (N + 1)), "split_sizes")
raises(ValueError, lambda: dist.all_to_all_single(torch.zeros(N + 1), torch.zeros(N + 1)), "divisible")
raises(TypeError, lambda: dist.all_reduce([1, 2]), "rtorch.Tensor")
raises(TypeError, lambda: dist.all_reduce(torch.zeros(2), op="mean"), "ReduceOp")
raises(TypeError, lambda: dist.all_reduce(torch.tensor([True]), op=ReduceOp.AVG), "bool")
raises(TypeError, lambda: dist.all_reduce(torch.zeros(2), op=ReduceOp.BAND), "integer or bool")
raises(RuntimeError, lambda: dist.group.WORLD._backend("cuda", "all_reduce"), "no backend for cuda tensors")
if R == 0:
    raises(ValueError, lambda: dist.gather(torch.zeros(1), None, dst=0), "must be specified")
else:
    raises(ValueError, lambda: dist.gather(torch.zeros(1), [torch.zeros(1)] * N, dst=0), "must NOT be specified")
raises(ValueError, lambda: dist.init_process_group("mpi"), "twice")
raises(ValueError, lambda: dist.Backend("gloo"), "mpi")

# the group still works after those errors
dist.barrier()
work = dist.barrier(async_op=True)
work.wait()
_ = pickle  # (objects above travel through pickle)
dist.destroy_process_group()
assert not dist.is_initialized()
print(f"rank {R}: collectives OK", flush=True)
