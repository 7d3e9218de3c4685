"""Shared-memory tensors (share_memory_, is_shared, Module.share_memory) and rtorch.multiprocessing:
tensors sent between fork- and spawn-started processes share memory, and Hogwild training."""
import multiprocessing as python_mp
import os
import pickle
import signal
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest

import rtorch
import rtorch.multiprocessing as mp
from rtorch import nn

JOIN = 120  # seconds: generous, the CI machine is small and shared

# The names torch.multiprocessing exports (recorded from PyTorch 2.15's __all__).
TORCH_MP_ALL = [
    "Array", "AuthenticationError", "Barrier", "BoundedSemaphore", "BufferTooShort", "Condition", "Event",
    "JoinableQueue", "Lock", "Manager", "Pipe", "Pool", "Process", "ProcessError", "Queue", "RLock", "RawArray",
    "RawValue", "Semaphore", "SimpleQueue", "TimeoutError", "Value", "active_children", "allow_connection_pickling",
    "cpu_count", "current_process", "freeze_support", "get_all_sharing_strategies", "get_all_start_methods",
    "get_context", "get_logger", "get_sharing_strategy", "get_start_method", "log_to_stderr", "parent_process",
    "reducer", "set_executable", "set_forkserver_preload", "set_sharing_strategy", "set_start_method",
]


def _run(ctx_name, target, *args):
    ctx = mp.get_context(ctx_name)
    p = ctx.Process(target=target, args=args)
    p.start()
    p.join(JOIN)
    if p.is_alive():
        p.kill()
        pytest.fail(f"{ctx_name} child did not finish in {JOIN} s")
    assert p.exitcode == 0, f"{ctx_name} child exited with {p.exitcode}"


# ----------------------------------------------------------------- in-process semantics
def test_share_memory_moves_in_place_and_views_follow():
    base = rtorch.arange(12, dtype=rtorch.float32)
    view = base[2:].view(2, 5)
    trans = base.view(3, 4).t()
    assert not base.is_shared() and not view.is_shared()
    version = base._version
    assert base.share_memory_() is base
    assert base._version == version  # the move is not a write: saved tensors stay valid
    assert base.is_shared() and view.is_shared() and trans.is_shared()
    np.testing.assert_array_equal(base.numpy(), np.arange(12, dtype=np.float32))
    view[0, 0] = 100.0  # element 2 of base
    trans[1, 2] = -5.0  # base.view(3, 4)[2, 1] = element 9
    assert base[2].item() == 100.0 and base[9].item() == -5.0
    assert base.share_memory_() is base  # a second call is a no-op


@pytest.mark.parametrize("dtype", [rtorch.float64, rtorch.int64, rtorch.int8, rtorch.bool, rtorch.float16, rtorch.bfloat16])
def test_share_memory_keeps_values_of_every_dtype(dtype):
    src = (np.arange(-8, 9) % 3).astype(np.float32)
    t = rtorch.tensor(src).to(dtype)
    expected = t.clone()
    t.share_memory_()
    assert t.is_shared() and t.dtype == dtype
    assert rtorch.equal(t, expected)


def test_share_memory_empty_zero_d_and_large():
    e = rtorch.empty(0, 3).share_memory_()
    assert e.is_shared() and e.shape == (0, 3)
    s = rtorch.tensor(3.5).share_memory_()
    assert s.is_shared() and s.item() == 3.5
    # >= 1 MiB: the old pages are released; the values must survive the move.
    big = rtorch.arange(1 << 19, dtype=rtorch.float32)
    big.share_memory_()
    assert big[-1].item() == (1 << 19) - 1 and big.sum().item() == float(np.arange(1 << 19, dtype=np.float64).sum())


def test_from_numpy_tensor_is_disconnected_after_share_as_in_pytorch():
    a = np.zeros(3, dtype=np.float32)
    t = rtorch.from_numpy(a)
    assert not t.is_shared()
    t.share_memory_()
    a[0] = 1.0
    t[1] = 2.0
    assert t.tolist() == [0.0, 2.0, 0.0] and a.tolist() == [1.0, 0.0, 0.0]


def test_share_memory_keeps_autograd_state():
    x = rtorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()  # saves x for backward
    x.share_memory_()  # same values, no version bump: backward still valid
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    assert x.requires_grad and x.is_leaf


def test_share_memory_from_threads_at_once():
    import threading

    t = rtorch.arange(1 << 16, dtype=rtorch.float64)
    views = [t[i:] for i in range(8)]
    barrier = threading.Barrier(8)

    def go(v):
        barrier.wait()
        v.share_memory_()

    threads = [threading.Thread(target=go, args=(v,)) for v in views]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(v.is_shared() for v in views)
    assert t.sum().item() == float(sum(range(1 << 16)))


def test_module_share_memory_shares_parameters_grads_and_buffers():
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    m(rtorch.randn(5, 3)).sum().backward()
    assert m.share_memory() is m
    for p in m.parameters():
        assert p.is_shared() and p.grad.is_shared()
    for b in m.buffers():
        assert b.is_shared()


def test_from_shared_fd_rejects_layouts_outside_the_storage():
    t = rtorch.zeros(4).share_memory_()
    fd, nbytes = rtorch._rtorch._share_fd(t)
    assert nbytes == 16
    for shape, strides, offset in [([5], [1], 0), ([4], [1], 1), ([2], [-1], 0), ([3], [2], 0)]:
        with pytest.raises(ValueError, match="does not fit"):
            rtorch._rtorch._from_shared_fd(os.dup(fd), nbytes, "float32", shape, strides, offset)
    with pytest.raises(ValueError):
        rtorch._rtorch._from_shared_fd(-1, nbytes, "float32", [4], [1], 0)
    # A valid layout over the same object is the same memory.
    u = rtorch._rtorch._from_shared_fd(os.dup(fd), nbytes, "float32", [2], [2], 1)
    u[1] = 7.0
    assert t[3].item() == 7.0


def test_refuses_non_leaf_tensor_that_requires_grad():
    x = rtorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(x * 2)


def test_pickle_through_forking_pickler_round_trips_in_process():
    t = rtorch.arange(6.0).view(2, 3)
    p = nn.Parameter(rtorch.ones(2))
    t2, v2, p2 = pickle.loads(ForkingPickler.dumps((t, t[:, 1], p)))
    assert t.is_shared() and p.is_shared()
    assert type(p2) is nn.Parameter and p2.requires_grad
    t2[1, 1] = 50.0
    assert t[1, 1].item() == 50.0 and v2[1].item() == 50.0
    p2.data.mul_(3.0)
    assert p.tolist() == [3.0, 3.0]


def test_module_surface_matches_torch_multiprocessing():
    missing = [n for n in TORCH_MP_ALL if n not in mp.__all__ or not hasattr(mp, n)]
    assert not missing
    for name in ("spawn", "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException"):
        assert hasattr(mp, name)
    assert mp.get_sharing_strategy() == "file_descriptor"
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    mp.set_sharing_strategy("file_system")
    mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError, match="invalid sharing strategy"):
        mp.set_sharing_strategy("carrier_pigeon")
    import importlib

    assert importlib.import_module("rtorch.multiprocessing.reductions").reduce_tensor


# ------------------------------------------------------------------ across processes
def _child_add_from_queue(q, done):
    t, view = q.get()
    assert t.is_shared() and view.is_shared()
    t.add_(1.0)  # seen through the view too, and in the parent
    assert view[0].item() == t[1].item()
    view.mul_(10.0)
    done.put("ok")


@pytest.mark.parametrize("ctx_name", ["fork", "spawn"])
def test_queue_sends_shared_memory_both_ways(ctx_name):
    ctx = mp.get_context(ctx_name)
    q, done = ctx.Queue(), ctx.Queue()
    t = rtorch.zeros(4)
    p = ctx.Process(target=_child_add_from_queue, args=(q, done))
    p.start()
    q.put((t, t[1:]))
    assert done.get(timeout=JOIN) == "ok"
    p.join(JOIN)
    assert p.exitcode == 0
    assert t.is_shared()
    assert t.tolist() == [1.0, 10.0, 10.0, 10.0]


def _child_through_args(t, view, param):
    # Sent separately, t and its view still share one storage in this process.
    view.fill_(5.0)
    assert t[2].item() == 5.0
    param.data.add_(1.0)


@pytest.mark.parametrize("ctx_name", ["fork", "spawn"])
def test_process_args_share_memory_and_views(ctx_name):
    t = rtorch.zeros(6)
    param = nn.Parameter(rtorch.ones(3))
    t.share_memory_()
    param.share_memory_()
    _run(ctx_name, _child_through_args, t, t[2:4], param)
    assert t.tolist() == [0.0, 0.0, 5.0, 5.0, 0.0, 0.0]
    assert param.tolist() == [2.0, 2.0, 2.0]


def _child_echo(conn):
    t = conn.recv()
    t[0] = 9
    conn.send(t)  # back to its creator: the same storage there
    # The receiver fetches the fd from this process (as in PyTorch): stay until it has it.
    conn.recv()
    conn.close()


def test_pipe_round_trip_returns_the_same_storage():
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=_child_echo, args=(child,))
    p.start()
    t = rtorch.zeros(3, dtype=rtorch.int32)
    parent.send(t)
    back = parent.recv()
    parent.send("got it")
    p.join(JOIN)
    assert p.exitcode == 0
    assert t.tolist() == [9, 0, 0]
    back[2] = 4
    assert t.tolist() == [9, 0, 4]


# ------------------------------------------------------------------------- Hogwild
def _hogwild_disjoint(rank, model, steps):
    # Each process's loss touches only its half of the weight, so the final weight shows
    # exactly both processes' updates (no two processes write the same element).
    opt = rtorch.optim.SGD(model.parameters(), lr=0.1)
    mask = rtorch.zeros(8)
    mask[rank * 4:(rank + 1) * 4] = 1.0 + rank  # gradient 1 for rank 0, 2 for rank 1
    for _ in range(steps):
        opt.zero_grad()
        (model.weight * mask).sum().backward()
        opt.step()


@pytest.mark.parametrize("ctx_name", ["fork", "spawn"])
def test_hogwild_two_processes_update_one_model(ctx_name):
    model = nn.Linear(8, 1, bias=False)
    with rtorch.no_grad():
        model.weight.fill_(1.0)
    model.share_memory()
    ctx = mp.get_context(ctx_name)
    procs = [ctx.Process(target=_hogwild_disjoint, args=(rank, model, 5)) for rank in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(JOIN)
        assert p.exitcode == 0
    # rank 0: 1 - 5 * 0.1 * 1 = 0.5; rank 1: 1 - 5 * 0.1 * 2 = 0.0
    np.testing.assert_allclose(model.weight.detach().numpy()[0], [0.5] * 4 + [0.0] * 4, atol=1e-6)


def _hogwild_train(rank, model, x, y, steps):
    rtorch.manual_seed(rank)
    opt = rtorch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        idx = rtorch.randint(0, x.shape[0], (16,))
        opt.zero_grad()
        nn.functional.mse_loss(model(x[idx]), y[idx]).backward()
        opt.step()


def test_hogwild_regression_trains_with_spawn_helper():
    rtorch.manual_seed(0)
    x = rtorch.randn(256, 3)
    y = x @ rtorch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = nn.Linear(3, 1)
    model.share_memory()
    before = nn.functional.mse_loss(model(x), y).item()
    mp.start_processes(_hogwild_train, args=(model, x, y, 150), nprocs=2, start_method="fork")
    after = nn.functional.mse_loss(model(x), y).item()
    assert after < 0.1 * before, (before, after)


# ------------------------------------------------------------------- spawn helpers
def _raise_in_child(i, msg):
    raise ValueError(f"{msg} from {i}")


def _exit_in_child(i, code):
    os._exit(code)


def _sleep_then_ok(i):
    pass


def test_spawn_reraises_child_traceback():
    with pytest.raises(mp.ProcessRaisedException, match=r"(?s)Process 0 terminated with the following error.*ValueError: boom from 0") as e:
        mp.start_processes(_raise_in_child, args=("boom",), nprocs=1, start_method="fork")
    assert e.value.error_index == 0 and e.value.error_pid > 0


def test_spawn_reports_exit_code_and_signal():
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3") as e:
        mp.start_processes(_exit_in_child, args=(3,), nprocs=1, start_method="fork")
    assert e.value.exit_code == 3
    with pytest.raises(mp.ProcessExitedException, match="terminated with signal SIGKILL"):
        mp.start_processes(_exit_in_child_by_signal, nprocs=1, start_method="fork")


def _exit_in_child_by_signal(i):
    os.kill(os.getpid(), signal.SIGKILL)


def test_spawn_with_spawn_start_method_and_no_join():
    ctx = mp.spawn(_sleep_then_ok, nprocs=2, join=False)
    assert isinstance(ctx, mp.ProcessContext) and len(ctx.pids()) == 2
    while not ctx.join(timeout=JOIN):
        pass
    with pytest.warns(FutureWarning):
        mp.spawn(_sleep_then_ok, nprocs=1, start_method="fork")


def test_plain_multiprocessing_queue_also_shares():
    # Importing rtorch registers the reductions, as importing torch does.
    ctx = python_mp.get_context("fork")
    q, done = ctx.Queue(), ctx.Queue()
    t = rtorch.zeros(4)
    p = ctx.Process(target=_child_add_from_queue, args=(q, done))
    p.start()
    q.put((t, t[1:]))
    assert done.get(timeout=JOIN) == "ok"
    p.join(JOIN)
    assert t.tolist() == [1.0, 10.0, 10.0, 10.0]


def _big_parallel_ops(q):
    x = rtorch.ones(1 << 21)
    total = (x * 2.0).sum().item()  # runs on the thread pool
    rtorch.set_num_threads(1)  # replaces the pool: must not wait for the parent's threads
    q.put((total, (x + 1.0).sum().item(), rtorch.get_num_threads()))


def test_forked_child_gets_a_working_thread_pool():
    prev = rtorch.get_num_threads()
    rtorch.set_num_threads(2)
    try:
        (rtorch.ones(1 << 21) * 3.0).sum()  # the parent's pool has worker threads now
        ctx = mp.get_context("fork")
        q = ctx.Queue()
        p = ctx.Process(target=_big_parallel_ops, args=(q,))
        p.start()
        assert q.get(timeout=JOIN) == (float(1 << 22), float(1 << 22), 1)
        p.join(JOIN)
        assert p.exitcode == 0
    finally:
        rtorch.set_num_threads(prev)


def _sum_first_rows(dataset_tensor, i, out):
    out[i] = dataset_tensor[i].sum()


def test_spawned_process_gets_a_large_tensor_without_copy():
    data = rtorch.arange(4 * 100000, dtype=rtorch.float32).view(4, 100000)
    out = rtorch.zeros(4)
    procs = [mp.get_context("spawn").Process(target=_sum_first_rows, args=(data, i, out)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(JOIN)
        assert p.exitcode == 0
    assert data.is_shared() and out.is_shared()  # moved to shared memory when they were sent
    expected = data.double().sum(1)
    assert out[:2].tolist() == pytest.approx(expected[:2].tolist(), rel=1e-5) and out[2:].tolist() == [0.0, 0.0]
