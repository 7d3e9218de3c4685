"""DataLoader(num_workers=N): loading in worker processes as PyTorch does (order, seeding,
get_worker_info, worker_init_fn, IterableDataset sharding, errors, timeouts, killed workers,
shutdown, persistent workers, shared-memory batches) and the torch.utils.data submodules."""
import gc
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import rtorch
from rtorch.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info
from rtorch.utils.data._utils.worker import _generate_state

JOIN = 120


class Squares(Dataset):
    """Sample i is (i, i*i as a float32 tensor)."""

    def __init__(self, n=20):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i, rtorch.full((3,), float(i * i))


class WhoAmI(Dataset):
    """Reports the worker it ran in and the state of its RNGs."""

    def __init__(self, n=8):
        self.n = n
        self.tag = "main"

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = get_worker_info()
        return {"i": i, "pid": os.getpid(), "id": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "same_dataset_type": type(info.dataset) is WhoAmI, "tag": info.dataset.tag,
                "initial_seed": rtorch.initial_seed()}


class FirstDraws(Dataset):
    """The first draws of each worker's random, rtorch and NumPy RNGs (reseeded per index)."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        if not hasattr(self, "draws"):
            self.draws = (random.random(), rtorch.rand(1).item(), float(np.random.rand()))
        return info.id, info.seed, self.draws


class Failing(Dataset):
    def __init__(self, exc):
        self.exc = exc

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise self.exc
        return i


class Sleepy(Dataset):
    def __init__(self, at, seconds):
        self.at, self.seconds = at, seconds

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == self.at:
            time.sleep(self.seconds)
        return i


class Suicidal(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Sharded(IterableDataset):
    """range(n), split between the workers through get_worker_info."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class Unsharded(IterableDataset):
    def __iter__(self):
        return iter(range(5))


class Batched(Dataset):
    """Has __getitems__: one call per batch."""

    def __len__(self):
        return 10

    def __getitems__(self, indices):
        return [("batched", i) for i in indices]


class TwoArgs(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


class Unpicklable(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            return lambda: i  # cannot be sent back
        if i == 3:
            class Local(Exception):
                pass
            raise Local("local class")
        return i


def _set_tag(worker_id):
    get_worker_info().dataset.tag = f"init{worker_id}"


# ----------------------------------------------------------------------------- basics
@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_workers_give_the_same_batches_in_order(batch_size):
    ds = Squares(20)
    ref = list(DataLoader(ds, batch_size=batch_size))
    got = list(DataLoader(ds, batch_size=batch_size, num_workers=2))
    assert len(got) == len(ref)
    for a, b in zip(got, ref):
        if batch_size is None:
            assert a[0] == b[0] and rtorch.equal(a[1], b[1])
        else:
            assert rtorch.equal(a[0], b[0]) and rtorch.equal(a[1], b[1])


def test_shuffle_order_matches_main_process_loading():
    ds = TensorDataset(rtorch.arange(30))
    g1, g2 = rtorch.Generator().manual_seed(7), rtorch.Generator().manual_seed(7)
    ref = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, generator=g1)]
    got = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, generator=g2, num_workers=2)]
    assert got == ref and sorted(sum(got, [])) == list(range(30))


def test_batches_arrive_in_shared_memory():
    loader = DataLoader(TensorDataset(rtorch.randn(12, 5), rtorch.arange(12)), batch_size=4, num_workers=2)
    for x, y in loader:
        assert x.is_shared() and y.is_shared()
        assert x.shape == (4, 5) and y.dtype == rtorch.int64
    # numpy samples are converted and stacked in shared memory too; strings stay lists
    class Mixed(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"a": np.full(2, i, dtype=np.int16), "s": f"s{i}", "f": i / 2}

    out = list(DataLoader(Mixed(), batch_size=2, num_workers=2))
    assert out[1]["a"].dtype == rtorch.int16 and out[1]["a"].tolist() == [[2, 2], [3, 3]] and out[1]["a"].is_shared()
    assert out[1]["s"] == ["s2", "s3"] and out[1]["f"].tolist() == [1.0, 1.5]


def test_getitems_is_used_in_workers():
    got = list(DataLoader(Batched(), batch_size=4, num_workers=2, collate_fn=lambda b: b))
    assert got[0] == [("batched", i) for i in range(4)] and got[2] == [("batched", 8), ("batched", 9)]


def test_in_order_false_yields_every_batch():
    got = list(DataLoader(Sleepy(at=0, seconds=0.5), batch_size=1, num_workers=2, in_order=False))
    assert sorted(b.item() for b in got) == list(range(6))


# ------------------------------------------------------------ worker info and seeding
def test_get_worker_info_and_worker_init_fn():
    assert get_worker_info() is None
    rows = list(DataLoader(WhoAmI(8), batch_size=None, num_workers=2, worker_init_fn=_set_tag))
    assert [r["i"] for r in rows] == list(range(8))
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {0, 1}
    assert all(r["num_workers"] == 2 and r["same_dataset_type"] for r in rows)
    assert by_id[1]["seed"] == by_id[0]["seed"] + 1  # base seed + worker id
    assert all(r["tag"] == f"init{r['id']}" for r in rows)
    assert all(r["initial_seed"] == r["seed"] for r in rows)  # rtorch.manual_seed(seed) in the worker
    assert by_id[0]["pid"] != by_id[1]["pid"] != os.getpid()
    assert all(r["id"] == r["i"] % 2 for r in rows)  # tasks go round robin


def test_worker_seeds_follow_the_main_rng_and_generator():
    def seeds(**kw):
        return {r["id"]: r["seed"] for r in DataLoader(WhoAmI(4), batch_size=None, num_workers=2, **kw)}

    rtorch.manual_seed(123)
    a = seeds()
    rtorch.manual_seed(123)
    assert seeds() == a
    assert seeds() != a  # the next epoch draws a new base seed
    g = rtorch.Generator().manual_seed(5)
    b = seeds(generator=g)
    assert seeds(generator=rtorch.Generator().manual_seed(5)) == b


def test_each_rng_is_seeded_as_pytorch_seeds_it():
    for worker_id, seed, draws in DataLoader(FirstDraws(), batch_size=None, num_workers=2):
        base = seed - worker_id
        random.seed(seed)
        rtorch.manual_seed(seed)
        np.random.seed(_generate_state(base, worker_id))
        assert tuple(draws) == (random.random(), rtorch.rand(1).item(), float(np.random.rand()))


def test_generate_state_matches_pytorch():
    # Recorded from torch.utils.data._utils.worker._generate_state (PyTorch 2.15).
    recorded = {
        (0, 0): [2968811710, 3677149159, 745650761, 2884920346],
        (1, 0): [3964924996, 1358922860, 3894904162, 2051610843],
        (12345, 3): [388367306, 2732186161, 3264781304, 1215154576],
        (2**63 - 2, 1): [2870630643, 2519473650, 3676178459, 2709457250],
        (7251887175773332907, 7): [2739782631, 726339231, 1800796879, 4166067663],
    }
    for (base, wid), state in recorded.items():
        assert _generate_state(base, wid) == state


# ------------------------------------------------------------------- IterableDataset
def test_iterable_dataset_sharded_by_worker_info():
    got = list(DataLoader(Sharded(23), batch_size=4, num_workers=2))
    values = sorted(sum((b.tolist() for b in got), []))
    assert values == list(range(23))
    assert all(len(b) <= 4 for b in got)
    unbatched = sorted(DataLoader(Sharded(7), batch_size=None, num_workers=2))
    assert unbatched == list(range(7))


def test_iterable_dataset_without_sharding_is_replicated_as_in_pytorch():
    got = sorted(DataLoader(Unsharded(), batch_size=None, num_workers=2))
    assert got == sorted(list(range(5)) * 2)


def test_iterable_drop_last_per_worker():
    got = list(DataLoader(Sharded(10), batch_size=4, num_workers=2, drop_last=True))
    # worker 0 has 0,2,4,6,8 and worker 1 has 1,3,5,7,9: one full batch each
    assert sorted(len(b) for b in got) == [4, 4]


# ----------------------------------------------------------------------------- errors
def test_worker_exception_is_reraised_with_worker_id_and_traceback():
    with pytest.raises(ValueError) as e:
        list(DataLoader(Failing(ValueError("bad sample 5")), batch_size=2, num_workers=2))
    msg = str(e.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback (most recent call last):")
    assert "bad sample 5" in msg and "__getitem__" in msg


def test_worker_key_error_and_unbuildable_exception():
    with pytest.raises(KeyError) as e:
        list(DataLoader(Failing(KeyError("missing")), batch_size=None, num_workers=2))
    assert "Caught KeyError in DataLoader worker process 1." in str(e.value)
    with pytest.raises(RuntimeError, match="Caught TwoArgs in DataLoader worker process 1"):
        list(DataLoader(Failing(TwoArgs(1, 2)), batch_size=None, num_workers=2))


def test_unpicklable_results_raise_instead_of_hanging():
    it = iter(DataLoader(Unpicklable(), batch_size=None, num_workers=2))
    assert next(it) == 0 and next(it) == 1
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError), match="DataLoader worker process 0"):
        next(it)
    it = iter(DataLoader(Unpicklable(), batch_size=None, num_workers=2, sampler=[3]))
    with pytest.raises(RuntimeError, match=r"(?s)Caught RuntimeError in DataLoader worker process 0.*local class"):
        next(it)


def test_worker_init_fn_exception_is_reraised():
    def bad_init(worker_id):
        raise OSError(f"cannot init {worker_id}")

    with pytest.raises(OSError, match="Caught OSError in DataLoader worker process 0"):
        next(iter(DataLoader(Squares(4), num_workers=2, worker_init_fn=bad_init)))


def test_timeout_raises():
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0\.3 seconds"):
        list(DataLoader(Sleepy(at=0, seconds=2.0), batch_size=None, num_workers=1, timeout=0.3))


def test_killed_worker_raises_instead_of_hanging():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly") as e:
        list(DataLoader(Suicidal(), batch_size=None, num_workers=2))
    assert "is killed by signal" in str(e.value.__cause__)


def test_argument_validation():
    ds = Squares(4)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified in multiprocessing"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="prefetch_factor option should be non-negative"):
        DataLoader(ds, num_workers=1, prefetch_factor=-1)
    with pytest.raises(ValueError, match="multiprocessing_context can only be used with multi-process loading"):
        DataLoader(ds, multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="should specify a valid start method"):
        DataLoader(ds, num_workers=1, multiprocessing_context="teleport")
    with pytest.raises(TypeError, match="multiprocessing_context option should be a valid context object"):
        DataLoader(ds, num_workers=1, multiprocessing_context=42)
    loader = DataLoader(ds, num_workers=1)
    assert loader.prefetch_factor == 2
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 3


# --------------------------------------------------------------------- lifecycle
def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead but unreaped
    except FileNotFoundError:
        return False


def _wait_gone(pids, seconds=30):
    end = time.monotonic() + seconds
    while time.monotonic() < end and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


def test_deleting_iterator_early_stops_workers():
    it = iter(DataLoader(Squares(40), batch_size=2, num_workers=2))
    next(it)
    workers = list(it._workers)
    pids = [w.pid for w in workers]
    del it
    gc.collect()
    assert all(not w.is_alive() for w in workers)  # joined: reaped, no zombies
    assert _wait_gone(pids)


def test_exhausted_iterator_stops_workers():
    it = iter(DataLoader(Squares(6), batch_size=2, num_workers=2))
    assert len(list(it)) == 3
    assert all(not w.is_alive() for w in it._workers)


def test_prefetch_factor_bounds_outstanding_tasks():
    it = iter(DataLoader(Squares(40), batch_size=1, num_workers=2, prefetch_factor=3))
    assert it._send_idx == 6 and it._tasks_outstanding == 6
    next(it)
    assert it._tasks_outstanding <= 6
    del it


def test_persistent_workers_are_reused_across_epochs():
    loader = DataLoader(WhoAmI(6), batch_size=None, num_workers=2, persistent_workers=True,
                        worker_init_fn=_set_tag)
    first = list(loader)
    it = loader._iterator
    pids = {r["pid"] for r in first}
    # stop half-way through the next epoch, then run a full one: nothing stale comes through
    partial = iter(loader)
    assert next(partial)["i"] == 0
    second = list(loader)
    assert [r["i"] for r in second] == list(range(6))
    assert {r["pid"] for r in second} == pids and loader._iterator is it
    workers = list(it._workers)
    del loader, partial, it
    gc.collect()
    from rtorch.utils.data.dataloader import _clean_up_persistent_workers_atexit
    _clean_up_persistent_workers_atexit()  # what the atexit hook does
    assert _wait_gone([w.pid for w in workers])


def test_spawn_context_and_pin_memory_without_cuda():
    kw = {"multiprocessing_context": "spawn", "num_workers": 2, "batch_size": 5}
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = list(DataLoader(Squares(10), pin_memory=True, **kw))
    if not rtorch.cuda.is_available():
        assert any("pin_memory" in str(x.message) for x in w)
    assert got[1][0].tolist() == [5, 6, 7, 8, 9] and got[1][1][0, 0].item() == 25.0


_EXIT_SCRIPT = textwrap.dedent("""
    import os, sys
    import rtorch
    from rtorch.utils.data import DataLoader, Dataset

    class DS(Dataset):
        def __len__(self):
            return 1000
        def __getitem__(self, i):
            return os.getpid()

    persistent = sys.argv[1] == "1"
    loader = DataLoader(DS(), batch_size=None, num_workers=2, persistent_workers=persistent)
    it = iter(loader)
    pids = {next(it) for _ in range(6)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    # exit with the iterator and its workers alive
""")


@pytest.mark.parametrize("persistent", ["0", "1"])
def test_interpreter_exit_with_live_workers_does_not_hang(persistent):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, persistent], capture_output=True, text=True,
                       timeout=JOIN, env=env)
    assert r.returncode == 0, r.stderr
    pids = [int(p) for p in r.stdout.split()]
    assert pids and _wait_gone(pids)


# ------------------------------------------------------------------------ submodules
def test_submodules_expose_pytorch_names():
    import importlib

    expected = {
        # Recorded from PyTorch 2.15's __all__ of each submodule.
        "rtorch.utils.data.dataset": ["Dataset", "IterableDataset", "TensorDataset", "StackDataset",
                                      "ConcatDataset", "ChainDataset", "Subset", "random_split"],
        "rtorch.utils.data.sampler": ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
                                      "SubsetRandomSampler", "WeightedRandomSampler"],
        "rtorch.utils.data.dataloader": ["DataLoader", "get_worker_info", "default_collate", "default_convert"],
    }
    for mod, names in expected.items():
        m = importlib.import_module(mod)
        assert set(names) <= set(m.__all__), mod
        assert all(hasattr(m, n) for n in names), mod
    from rtorch.utils.data._utils import collate, worker, MP_STATUS_CHECK_INTERVAL  # noqa: F401
    assert worker.get_worker_info is get_worker_info and collate.default_collate is rtorch.utils.data.default_collate
    assert importlib.import_module("rtorch.multiprocessing").Queue


def test_stack_chain_and_weighted_sampler():
    from rtorch.utils.data import ChainDataset, StackDataset, WeightedRandomSampler

    a, b = TensorDataset(rtorch.arange(3)), TensorDataset(rtorch.arange(3) * 10)
    s = StackDataset(a, b)
    assert len(s) == 3 and s[1][1][0].item() == 10
    assert s.__getitems__([0, 2])[1][0][0].item() == 2
    d = StackDataset(x=a, y=b)
    assert d[2]["y"][0].item() == 20 and d.__getitems__([1])[0]["x"][0].item() == 1
    with pytest.raises(ValueError, match="Size mismatch"):
        StackDataset(a, TensorDataset(rtorch.arange(4)))
    with pytest.raises(ValueError, match="At least one dataset"):
        StackDataset()
    assert list(ChainDataset([Sharded(2), Sharded(3)])) == [0, 1, 0, 1, 2]
    assert len(ChainDataset([Sharded(2)])) if hasattr(Sharded, "__len__") else True
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0], 5, generator=rtorch.Generator().manual_seed(1)))
    assert w == [1] * 5
    nr = list(WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False))
    assert sorted(nr) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0]], 1)
