"""Process groups and the tensor collectives of rtorch.distributed (``torch.distributed``'s names and
semantics): argument checks, rank translation, staging of non-contiguous tensors and lists, and
dispatch by device to the ``mpi`` (CPU) or ``nccl`` (CUDA) backend."""
import os
import time
import warnings
from datetime import timedelta

import rtorch

from . import _mpi
from ._work import _backoff
from .constants import Backend, ReduceOp, _as_op, default_pg_timeout

__all__ = [
    "ProcessGroup", "GroupMember", "group", "init_process_group", "destroy_process_group", "is_initialized",
    "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "get_rank", "get_world_size",
    "get_backend", "new_group", "get_global_rank", "get_group_rank", "get_process_group_ranks", "barrier",
    "all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor", "reduce_scatter",
    "reduce_scatter_tensor", "all_to_all_single", "all_to_all", "gather", "scatter", "send", "recv", "isend",
    "irecv", "P2POp", "batch_isend_irecv",
]


class ProcessGroup:
    r"""A set of ranks that run collectives together (what :func:`new_group` returns).

    ``rank()`` and ``size()`` are this process's rank in the group and the group's size; collectives
    take *global* ranks for ``src``/``dst`` (or ``group_src``/``group_dst`` for ranks in the group).
    """

    def __init__(self, ranks, group_rank, backends, timeout_s, name, backend_name):
        self._ranks = list(ranks)
        self._rank = group_rank
        self._backends = backends  # device type -> backend object
        self._timeout_s = timeout_s
        self._name = name
        self._backend_name = backend_name

    def rank(self):
        """This process's rank in the group."""
        return self._rank

    def size(self):
        """Number of ranks in the group."""
        return len(self._ranks)

    def name(self):
        """The group's name (``default_pg`` for the world)."""
        return self._name

    @property
    def group_name(self):
        """Same as ``name()``."""
        return self._name

    def _get_backend_name(self):
        return self._backend_name

    def _backend(self, device_type, what):
        b = self._backends.get(device_type)
        if b is None:
            have = ", ".join(f"{k}:{type(v).__name__.replace('Backend', '').lower()}" for k, v in self._backends.items())
            raise RuntimeError(
                f"{what}: no backend for {device_type} tensors in process group {self._name} (it has {have}); "
                f"use init_process_group('{'nccl' if device_type == 'cuda' else 'mpi'}') or "
                f"'cpu:mpi,cuda:nccl' to handle {device_type} tensors"
            )
        return b

    def __repr__(self):
        return f"<rtorch.distributed.ProcessGroup {self._name} rank {self._rank} of {self.size()} ({self._backend_name})>"


class GroupMember:
    r"""Names for special groups: ``GroupMember.WORLD`` is the default group.

    ``NON_GROUP_MEMBER`` is what :func:`new_group` returns on ranks outside the new group.
    """

    WORLD = None
    NON_GROUP_MEMBER = -100


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return GroupMember.WORLD


class group(metaclass=_WorldMeta):
    r"""``group.WORLD``: the default process group (None before :func:`init_process_group`)."""


class _State:
    world = None  # the default ProcessGroup
    world_comm = None  # MPI communicator of the world (None without MPI)
    store = None
    groups = []
    counter = 0


_S = _State()


# ---------------------------------------------------------------------------------------------
# Availability and initialisation
# ---------------------------------------------------------------------------------------------

def is_available():
    """Returns ``True``: rtorch.distributed is always importable (backends are checked when a group is made)."""
    return True


def is_mpi_available():
    """True when mpi4py (and so an MPI library) can be imported."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def is_nccl_available():
    """True when NCCL loads (the nvidia-nccl-cu13 wheel or a system copy) and a CUDA GPU is present."""
    from ._nccl import is_nccl_available as avail

    return avail()


def is_torchelastic_launched():
    """False: rtorch jobs are launched by MPI (``rtorch.distributed.run`` wraps ``mpiexec``)."""
    return False


def is_initialized():
    """True once :func:`init_process_group` has run (and until :func:`destroy_process_group`)."""
    return _S.world is not None


def _secs(timeout):
    if timeout is None:
        return default_pg_timeout.total_seconds()
    if isinstance(timeout, timedelta):
        return timeout.total_seconds()
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return float(timeout)
    raise TypeError(f"timeout must be a datetime.timedelta, got {type(timeout).__name__}")


def _device_map(backend):
    """{"cpu": "mpi", "cuda": "nccl"}-style map from a backend string."""
    if backend is None:
        return {"cpu": "mpi", "cuda": "nccl"}
    b = Backend(backend)
    if ":" not in b:
        return {"cpu": "mpi"} if b == "mpi" else {"cuda": "nccl"}
    out = {}
    for part in b.split(","):
        dev, _, name = part.partition(":")
        dev = dev.strip()
        if dev not in ("cpu", "cuda"):
            raise ValueError(f"Invalid device in backend string {backend!r}: {dev!r} (expected cpu or cuda)")
        out[dev] = name.strip()
    return out


def _env_int(name):
    v = os.environ.get(name)
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise ValueError(f"Error initializing the process group: environment variable {name}={v!r} is not an "
                         f"integer") from None


def _store_from(init_method, rank, world_size, timeout_s):
    """A TCPStore for env:// or tcp://host:port rendezvous (rank 0 serves it)."""
    from ._store import TCPStore

    if init_method in (None, "env://"):
        addr, port = os.environ.get("MASTER_ADDR"), os.environ.get("MASTER_PORT")
        if addr is None or port is None:
            raise ValueError("Error initializing the process group with env:// rendezvous: environment variables "
                             "MASTER_ADDR and MASTER_PORT must be set (or launch with mpiexec / "
                             "python -m rtorch.distributed.run)")
    elif init_method.startswith("tcp://"):
        addr, _, port = init_method[len("tcp://"):].rpartition(":")
        addr = addr.strip("[]")
    else:
        raise ValueError(f"unsupported init_method {init_method!r}: use 'env://' or 'tcp://host:port' (file:// is "
                         f"not supported)")
    return TCPStore(addr, int(port), world_size, is_master=(rank == 0), timeout=timedelta(seconds=timeout_s))


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    r"""Initialise the default process group (every rank calls it once, before any collective).

    Under an MPI launcher (``mpiexec -n N python script.py``, or
    ``python -m rtorch.distributed.run --nproc-per-node N script.py``) rank and world size come from
    MPI and nothing else is needed. Without one, the ``nccl`` backend can rendezvous through
    ``init_method="env://"`` (``MASTER_ADDR``, ``MASTER_PORT``, ``RANK``, ``WORLD_SIZE``),
    ``"tcp://host:port"`` with ``rank``/``world_size``, or a ``store``; the ``mpi`` backend then
    runs a one-process world (processes started separately cannot join one MPI world).

    Args:
        backend (str, optional): ``"mpi"`` (CPU tensors), ``"nccl"`` (CUDA tensors), or a device map
            such as ``"cpu:mpi,cuda:nccl"`` (the default when None).
        init_method (str, optional): ``"env://"`` or ``"tcp://host:port"`` (see above).
        timeout (timedelta, optional): how long a collective may wait for its peers before it
            fails (default 30 minutes). After a failure the job is aborted on every rank.
        world_size, rank (int, optional): must agree with the launcher when one is used.
        store (Store, optional): a rendezvous store (exclusive with ``init_method``).

    Example::

        >>> import rtorch.distributed as dist
        >>> dist.init_process_group("mpi")
        >>> t = rtorch.ones(3) * dist.get_rank()
        >>> dist.all_reduce(t)
    """
    if _S.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None and init_method is not None:
        raise ValueError("Cannot specify both init_method and store.")
    timeout_s = _secs(timeout)
    devmap = _device_map(backend)
    backend_name = ",".join(f"{k}:{v}" for k, v in devmap.items()) if len(devmap) > 1 else next(iter(devmap.values()))
    env_rank, env_world = _env_int("RANK"), _env_int("WORLD_SIZE")
    want_rank = rank if rank != -1 else (env_rank if init_method in (None, "env://") else None)
    want_world = world_size if world_size != -1 else (env_world if init_method in (None, "env://") else None)

    use_mpi = "mpi" in devmap.values() or (_mpi.launched_by_mpi() and store is None and init_method is None)
    if use_mpi:
        MPI = _mpi.import_mpi()
        wc = MPI.COMM_WORLD
        n, r = wc.Get_size(), wc.Get_rank()
        if n == 1 and (want_world or 1) > 1:
            raise RuntimeError(
                f"init_process_group: world_size {want_world} was asked for, but this process is not part of an MPI "
                f"job (MPI reports 1 rank). Start every rank with an MPI launcher: mpiexec -n {want_world} python "
                f"script.py, or python -m rtorch.distributed.run --nproc-per-node {want_world} script.py "
                f"(separately started processes cannot be joined into one MPI world)"
            )
        if want_world is not None and want_world != n:
            raise ValueError(f"init_process_group: world_size={want_world} does not match the MPI job's size {n}")
        if want_rank is not None and want_rank != r:
            raise ValueError(f"init_process_group: rank={want_rank} does not match this process's MPI rank {r}")
        comm = wc.Dup()  # our own communicator: the user's COMM_WORLD traffic cannot mix with ours
        _S.world_comm = comm
        world_rank, world_n = r, n
    else:
        if want_world is None or want_rank is None:
            raise ValueError("init_process_group: without an MPI launcher, rank and world_size must be given "
                             "(arguments or RANK/WORLD_SIZE with init_method='env://')")
        if not 0 <= want_rank < want_world:
            raise ValueError(f"init_process_group: rank {want_rank} is out of range for world_size {want_world}")
        world_rank, world_n = want_rank, want_world
        _S.store = store if store is not None else _store_from(init_method, world_rank, world_n, timeout_s)

    _S.counter = 0
    pg = _make_group(list(range(world_n)), world_rank, devmap, timeout_s, group_name or "default_pg",
                     backend_name, _S.world_comm)
    _S.world = pg
    GroupMember.WORLD = pg
    _S.groups = [pg]
    if use_mpi and world_n > 1:
        _mpi.install_abort_on_uncaught()
    if device_id is not None and getattr(device_id, "type", "cpu") == "cuda":
        rtorch.cuda.set_device(device_id)


def _make_group(ranks, group_rank, devmap, timeout_s, name, backend_name, comm):
    backends = {}
    if "cpu" in devmap:
        if devmap["cpu"] != "mpi":
            raise ValueError(f"the {devmap['cpu']!r} backend does not handle CPU tensors; use 'mpi'")
        if comm is None:
            raise RuntimeError("the 'mpi' backend needs an MPI communicator")
        backends["cpu"] = _mpi.MPIBackend(comm, timeout_s, name)
    if "cuda" in devmap:
        if devmap["cuda"] != "nccl":
            raise ValueError(f"the {devmap['cuda']!r} backend does not handle CUDA tensors; use 'nccl'")
        from ._nccl import NCCLBackend

        backends["cuda"] = NCCLBackend(group_rank, len(ranks), _exchanger(comm, ranks), timeout_s, name)
        if devmap == {"cuda": "nccl"} and not rtorch.cuda.is_available():
            raise RuntimeError("init_process_group: the 'nccl' backend needs a CUDA GPU, and "
                               "rtorch.cuda.is_available() is False (use backend='mpi' for CPU tensors)")
    return ProcessGroup(ranks, group_rank, backends, timeout_s, name, backend_name)


def _exchanger(comm, ranks):
    """How a group's rank 0 hands bytes (an NCCL unique id) to the other ranks of the group."""
    if comm is not None:
        def over_mpi(key, payload):
            import numpy as np

            MPI = _mpi.import_mpi()
            buf = np.zeros(128, dtype=np.uint8)
            if payload is not None:
                buf[:] = np.frombuffer(payload, dtype=np.uint8)
            with _mpi._ENGINE.lock:
                req = comm.Ibcast([buf, MPI.BYTE], root=0)
            began = time.monotonic()
            deadline = began + (_S.world._timeout_s if _S.world is not None else 1800)
            k = 0
            while True:
                with _mpi._ENGINE.lock:
                    if req.Test():
                        return buf.tobytes()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"timed out handing the NCCL unique id ({key}) to the group's ranks")
                _backoff(k, time.monotonic() - began)
                k += 1
        return over_mpi

    def over_store(key, payload):
        store = _S.store
        if payload is not None:
            store.set(key, payload)
            return payload
        return store.get(key)
    return over_store


def destroy_process_group(group=None):
    r"""Tear down `group` (default: every group, so :func:`init_process_group` can run again).

    MPI itself stays initialised (it cannot be restarted in one process); it is finalised at exit.
    """
    if _S.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    targets = list(_S.groups) if group is None or group is _S.world else [group]
    for pg in targets:
        if not isinstance(pg, ProcessGroup):
            continue
        for b in pg._backends.values():
            b.close()
        if pg in _S.groups:
            _S.groups.remove(pg)
    if group is None or group is _S.world:
        _mpi.stop_engine()
        if _S.store is not None and hasattr(_S.store, "close"):
            _S.store.close()
        _S.world = None
        _S.world_comm = None
        _S.store = None
        GroupMember.WORLD = None


def _world():
    if _S.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _S.world


def _pg(group):
    """The ProcessGroup for `group` (None: world); None when this rank is not a member."""
    w = _world()
    if group is None:
        return w
    if group is GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup returned by new_group (or None), got {type(group).__name__}")
    return group


def get_rank(group=None):
    """This process's rank in `group` (default: the world); -1 if it is not a member."""
    pg = _pg(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    """Number of ranks in `group` (default: the world); -1 if this process is not a member."""
    pg = _pg(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    """The backend name of `group` (``"mpi"``, ``"nccl"`` or a device map)."""
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return Backend(pg._get_backend_name())


def get_process_group_ranks(group):
    """The global ranks in `group`, in group-rank order."""
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return list(pg._ranks)


def get_global_rank(group, group_rank):
    """The global rank of `group_rank` in `group`."""
    ranks = get_process_group_ranks(group)
    if not 0 <= group_rank < len(ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return ranks[group_rank]


def get_group_rank(group, global_rank):
    """The rank in `group` of the process with `global_rank`."""
    ranks = get_process_group_ranks(group)
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return ranks.index(global_rank)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    r"""Makes a process group of the given global `ranks` (default: all).

    Every rank of the world must call it, members or not, in the same order; non-members get
    ``GroupMember.NON_GROUP_MEMBER``.

    Example::

        >>> evens = dist.new_group([0, 2])
        >>> if dist.get_rank() in (0, 2):
        ...     dist.all_reduce(t, group=evens)
    """
    w = _world()
    n = w.size()
    ranks = list(range(n)) if ranks is None else sorted(int(r) for r in ranks)
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group: ranks must be unique, got {ranks}")
    if len(ranks) > n:
        raise ValueError("the new group's world size should be less or equal to the world size set by "
                         "init_process_group")
    for r in ranks:
        if not 0 <= r < n:
            raise ValueError(f"The new group's rank should be within the world_size set by init_process_group, "
                             f"got rank {r} for world size {n}")
    timeout_s = _secs(timeout) if timeout is not None else w._timeout_s
    devmap = _device_map(backend) if backend is not None else {
        k: ("mpi" if k == "cpu" else "nccl") for k in w._backends}
    _S.counter += 1
    name = f"group_{_S.counter}"
    me = w.rank()
    member = me in ranks
    comm = None
    if _S.world_comm is not None:
        MPI = _mpi.import_mpi()
        with _mpi._ENGINE.lock:  # collective over the world: members and non-members alike
            c = _S.world_comm.Split(0 if member else MPI.UNDEFINED, me)
        comm = None if c == MPI.COMM_NULL else c
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    backend_name = ",".join(f"{k}:{v}" for k, v in devmap.items()) if len(devmap) > 1 else next(iter(devmap.values()))
    pg = _make_group(ranks, ranks.index(me), devmap, timeout_s, name, backend_name, comm)
    _S.groups.append(pg)
    return pg


# ---------------------------------------------------------------------------------------------
# Helpers shared by the collectives
# ---------------------------------------------------------------------------------------------

def _check_tensor(t, what, arg="tensor"):
    if not isinstance(t, rtorch.Tensor):
        raise TypeError(f"{what}: {arg} must be a rtorch.Tensor, got {type(t).__name__}")


def _check_list(ts, what, arg):
    if not isinstance(ts, (list, tuple)):
        raise TypeError(f"{what}: {arg} must be a list of tensors, got {type(ts).__name__}")
    for i, t in enumerate(ts):
        _check_tensor(t, what, f"{arg}[{i}]")


def _same(a, b, what, a_name, b_name):
    """Same dtype and device (shape checks are per collective)."""
    if a.dtype != b.dtype:
        raise TypeError(f"{what}: {a_name} has dtype {a.dtype} but {b_name} has dtype {b.dtype}")
    if a.device != b.device:
        raise RuntimeError(f"{what}: {a_name} is on {a.device} but {b_name} is on {b.device}")


def _non_member(what):
    warnings.warn(f"Running {what} on global rank {get_rank()} which does not belong to the given group.")
    return None


class _Staging:
    """Contiguous stand-ins for tensors the backend cannot use in place, and the copies back."""

    def __init__(self):
        self.copies = []

    def inp(self, t):
        """`t` if contiguous, else a contiguous copy (read-only use)."""
        return t if t.is_contiguous() else t.contiguous()

    def out(self, t):
        """`t` if contiguous, else a contiguous buffer whose result is copied into `t` on completion."""
        if t.is_contiguous():
            return t
        tmp = t.contiguous()
        self.copies.append((t, tmp))
        return tmp

    def finish(self):
        with rtorch.no_grad():
            for dst, src in self.copies:
                dst.copy_(src)


def _launch(pg, device, what, run, staging=None, post=None, async_op=False):
    """Run `run(backend)` -> Work on the backend for `device`; then the staged copies and `post`
    on completion (in the waiting thread). Returns the Work when async_op, else waits."""
    backend = pg._backend(device.type, what)
    work = run(backend)
    if post is not None:
        work._finishers.append(post)
    if staging is not None and staging.copies:
        work._finishers.append(staging.finish)
    if async_op:
        work._background()
        return work
    work.wait()
    return None


def _group_root(pg, global_rank, group_rank, what, arg):
    """The group rank of a root given as a global rank (`arg`) or a group rank (`group_<arg>`)."""
    if global_rank is not None and group_rank is not None:
        raise ValueError(f"{what}: can only specify one of {arg} or group_{arg}")
    if group_rank is not None:
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"{what}: group_{arg} {group_rank} is out of range for a group of {pg.size()} ranks")
        return group_rank
    if global_rank is None:
        if pg is _S.world or pg.size() == _S.world.size():
            raise ValueError(f"{what}: {arg} must be given")
        raise ValueError(f"{what}: either {arg} or group_{arg} must be given")
    if global_rank not in pg._ranks:
        raise ValueError(f"{what}: Global rank {global_rank} is not part of group {pg}")
    return pg._ranks.index(global_rank)


def _avg_post(tensor, n):
    """Divide the summed result by the group size (MPI has no AVG)."""
    def post():
        with rtorch.no_grad():
            if tensor.dtype.is_floating_point:
                tensor.div_(n)
            else:
                tensor.div_(n, rounding_mode="trunc")
    return post


def _reduction(op, tensor, what, device):
    """(op for the backend, finisher) for ReduceOp `op` on `tensor`: AVG is SUM then a division on MPI."""
    op = _as_op(op)
    if op == ReduceOp.PREMUL_SUM:
        raise NotImplementedError(f"{what}: ReduceOp.PREMUL_SUM is not supported")
    if op == ReduceOp.AVG:
        if tensor.dtype == rtorch.bool:
            raise TypeError(f"{what}: ReduceOp.AVG is not supported for bool tensors")
        if device.type == "cpu":
            return ReduceOp.SUM, True
    return op, False


# ---------------------------------------------------------------------------------------------
# Collectives
# ---------------------------------------------------------------------------------------------

def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    r"""Reduce `tensor` across the group, in place: every rank ends with the result.

    Args:
        tensor (Tensor): input and output (any dtype; non-contiguous tensors are staged).
        op (ReduceOp): ``SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``, ``BOR``, ``BXOR``.
        group (ProcessGroup, optional): default the world.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        >>> t = rtorch.tensor([1.0, 2.0]) * (dist.get_rank() + 1)
        >>> dist.all_reduce(t)  # on 2 ranks: tensor([3., 6.])
    """
    what = "all_reduce"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    bop, avg = _reduction(op, tensor, what, tensor.device)
    st = _Staging()
    buf = st.out(tensor)
    post = _avg_post(buf, pg.size()) if avg else None
    return _launch(pg, tensor.device, what, lambda b: b.all_reduce(buf, bop), st, post, async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    r"""Copy `tensor` from rank `src` (a global rank) to every rank of the group, in place.

    Example::

        >>> dist.broadcast(params, src=0)
    """
    what = "broadcast"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    root = _group_root(pg, src, group_src, what, "src")
    st = _Staging()
    buf = st.out(tensor)
    return _launch(pg, tensor.device, what, lambda b: b.broadcast(buf, root), st, None, async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    r"""Reduce `tensor` across the group into rank `dst`'s `tensor` (the others' are left unchanged)."""
    what = "reduce"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    root = _group_root(pg, dst, group_dst, what, "dst")
    bop, avg = _reduction(op, tensor, what, tensor.device)
    st = _Staging()
    buf = st.out(tensor) if pg.rank() == root else st.inp(tensor)
    post = _avg_post(buf, pg.size()) if avg and pg.rank() == root else None
    return _launch(pg, tensor.device, what, lambda b: b.reduce(buf, root, bop), st, post, async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    r"""Gathers every rank's `input_tensor` into `output_tensor`, in rank order along the first dim.

    The output has shape ``(size * d0, ...)`` or ``(size, d0, ...)`` (any shape with ``size * numel``
    elements).
    """
    what = "all_gather_into_tensor"
    _check_tensor(output_tensor, what, "output_tensor")
    _check_tensor(input_tensor, what, "input_tensor")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    _same(output_tensor, input_tensor, what, "output_tensor", "input_tensor")
    if output_tensor.numel() != pg.size() * input_tensor.numel():
        raise ValueError(f"{what}: output_tensor has {output_tensor.numel()} elements (shape "
                         f"{tuple(output_tensor.shape)}) but {pg.size()} ranks x {input_tensor.numel()} input "
                         f"elements (shape {tuple(input_tensor.shape)}) were expected")
    st = _Staging()
    out, inp = st.out(output_tensor), st.inp(input_tensor)
    return _launch(pg, input_tensor.device, what, lambda b: b.all_gather(out, inp), st, None, async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    r"""Gather every rank's `tensor` into `tensor_list` (``tensor_list[r]`` gets rank r's tensor).

    Example::

        >>> out = [rtorch.empty(2) for _ in range(dist.get_world_size())]
        >>> dist.all_gather(out, rtorch.full((2,), float(dist.get_rank())))
    """
    what = "all_gather"
    _check_tensor(tensor, what)
    _check_list(tensor_list, what, "tensor_list")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    if len(tensor_list) != pg.size():
        raise ValueError(f"{what}: tensor_list has {len(tensor_list)} tensors but the group has {pg.size()} ranks")
    for i, t in enumerate(tensor_list):
        _same(t, tensor, what, f"tensor_list[{i}]", "tensor")
        if tuple(t.shape) != tuple(tensor.shape):
            raise ValueError(f"{what}: tensor_list[{i}] has shape {tuple(t.shape)} but tensor has shape "
                             f"{tuple(tensor.shape)}")
    n = tensor.numel()
    flat = rtorch.empty((pg.size() * n,), dtype=tensor.dtype, device=tensor.device)
    inp = tensor if tensor.is_contiguous() else tensor.contiguous()

    def post():
        with rtorch.no_grad():
            for r, t in enumerate(tensor_list):
                t.copy_(flat[r * n:(r + 1) * n].view(tuple(tensor.shape)))
    return _launch(pg, tensor.device, what, lambda b: b.all_gather(flat, inp), None, post, async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    r"""Reduces `input` across the group and gives rank r block r of the result in `output`.

    `input` has ``size * output.numel()`` elements.
    """
    what = "reduce_scatter_tensor"
    _check_tensor(output, what, "output")
    _check_tensor(input, what, "input")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    _same(output, input, what, "output", "input")
    if input.numel() != pg.size() * output.numel():
        raise ValueError(f"{what}: input has {input.numel()} elements (shape {tuple(input.shape)}) but {pg.size()} "
                         f"ranks x {output.numel()} output elements (shape {tuple(output.shape)}) were expected")
    bop, avg = _reduction(op, input, what, input.device)
    st = _Staging()
    out, inp = st.out(output), st.inp(input)
    post = _avg_post(out, pg.size()) if avg else None
    return _launch(pg, input.device, what, lambda b: b.reduce_scatter(out, inp, bop), st, post, async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    r"""Reduce ``input_list[r]`` across the group into rank r's `output`."""
    what = "reduce_scatter"
    _check_tensor(output, what, "output")
    _check_list(input_list, what, "input_list")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    if len(input_list) != pg.size():
        raise ValueError(f"{what}: input_list has {len(input_list)} tensors but the group has {pg.size()} ranks")
    for i, t in enumerate(input_list):
        _same(t, output, what, f"input_list[{i}]", "output")
        if t.numel() != output.numel():
            raise ValueError(f"{what}: input_list[{i}] has shape {tuple(t.shape)} but output has shape "
                             f"{tuple(output.shape)}")
    flat = rtorch.cat([t.reshape(-1) for t in input_list]) if output.numel() else \
        rtorch.empty((0,), dtype=output.dtype, device=output.device)
    return reduce_scatter_tensor(output, flat, op, group, async_op)


def _splits(sizes, dim0, n, what, arg):
    if sizes is None or len(sizes) == 0:
        if dim0 % n:
            raise ValueError(f"{what}: the first dim of {arg} ({dim0}) is not divisible by the group size {n}; "
                             f"give {arg}_split_sizes")
        return [dim0 // n] * n
    sizes = [int(s) for s in sizes]
    if len(sizes) != n or any(s < 0 for s in sizes):
        raise ValueError(f"{what}: {arg}_split_sizes must hold {n} non-negative sizes, got {sizes}")
    if sum(sizes) != dim0:
        raise ValueError(f"{what}: {arg}_split_sizes {sizes} add up to {sum(sizes)}, not to the first dim of "
                         f"{arg} ({dim0})")
    return sizes


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    r"""Exchanges blocks of one tensor with every rank: block r of `input` (along dim 0) goes to rank r.

    The blocks received from every rank are concatenated into `output`; the split lists give the
    block sizes (equal blocks when they are None).
    """
    what = "all_to_all_single"
    _check_tensor(output, what, "output")
    _check_tensor(input, what, "input")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    _same(output, input, what, "output", "input")
    if input.dim() == 0 or output.dim() == 0:
        raise ValueError(f"{what}: input and output need at least one dim (got shapes {tuple(input.shape)} and "
                         f"{tuple(output.shape)})")
    if tuple(input.shape[1:]) != tuple(output.shape[1:]):
        raise ValueError(f"{what}: input and output must have the same trailing shape, got {tuple(input.shape)} and "
                         f"{tuple(output.shape)}")
    n = pg.size()
    row = 1
    for s in input.shape[1:]:
        row *= s
    send = [s * row for s in _splits(input_split_sizes, input.shape[0], n, what, "input")]
    recv = [s * row for s in _splits(output_split_sizes, output.shape[0], n, what, "output")]
    st = _Staging()
    out, inp = st.out(output), st.inp(input)
    return _launch(pg, input.device, what, lambda b: b.all_to_all(out, inp, send, recv), st, None, async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    r"""Exchanges tensors with every rank: sends ``input_tensor_list[r]`` to rank r.

    The tensor rank r sends to this rank is received into ``output_tensor_list[r]``.
    """
    what = "all_to_all"
    _check_list(output_tensor_list, what, "output_tensor_list")
    _check_list(input_tensor_list, what, "input_tensor_list")
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    n = pg.size()
    if len(output_tensor_list) != n or len(input_tensor_list) != n:
        raise ValueError(f"{what}: both lists must hold {n} tensors (got {len(output_tensor_list)} and "
                         f"{len(input_tensor_list)})")
    ref = input_tensor_list[0]
    for i, t in enumerate(list(input_tensor_list) + list(output_tensor_list)):
        _same(t, ref, what, "every tensor", "input_tensor_list[0]")
    send = [t.numel() for t in input_tensor_list]
    recv = [t.numel() for t in output_tensor_list]
    inp = rtorch.cat([t.reshape(-1) for t in input_tensor_list])
    out = rtorch.empty((sum(recv),), dtype=ref.dtype, device=ref.device)

    def post():
        with rtorch.no_grad():
            off = 0
            for t, k in zip(output_tensor_list, recv):
                t.copy_(out[off:off + k].view(tuple(t.shape)))
                off += k
    return _launch(pg, ref.device, what, lambda b: b.all_to_all(out, inp, send, recv), None, post, async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    r"""Gather every rank's `tensor` into `gather_list` on rank `dst` (``gather_list[r]`` gets rank r's)."""
    what = "gather"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    root = _group_root(pg, dst if dst is not None or group_dst is not None else 0, group_dst, what, "dst")
    n = tensor.numel()
    inp = tensor if tensor.is_contiguous() else tensor.contiguous()
    if pg.rank() == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_list(gather_list, what, "gather_list")
        if len(gather_list) != pg.size():
            raise ValueError(f"{what}: gather_list has {len(gather_list)} tensors but the group has {pg.size()} ranks")
        for i, t in enumerate(gather_list):
            _same(t, tensor, what, f"gather_list[{i}]", "tensor")
            if t.numel() != n:
                raise ValueError(f"{what}: gather_list[{i}] has shape {tuple(t.shape)} but tensor has shape "
                                 f"{tuple(tensor.shape)}")
        flat = rtorch.empty((pg.size() * n,), dtype=tensor.dtype, device=tensor.device)

        def post():
            with rtorch.no_grad():
                for r, t in enumerate(gather_list):
                    t.copy_(flat[r * n:(r + 1) * n].view(tuple(t.shape)))
    else:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
        flat, post = None, None
    return _launch(pg, tensor.device, what, lambda b: b.gather(flat, inp, root), None, post, async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    r"""Rank `src` sends ``scatter_list[r]`` to rank r, which receives it into `tensor`."""
    what = "scatter"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    root = _group_root(pg, src if src is not None or group_src is not None else 0, group_src, what, "src")
    n = tensor.numel()
    if pg.rank() == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(scatter_list, what, "scatter_list")
        if len(scatter_list) != pg.size():
            raise ValueError(f"{what}: scatter_list has {len(scatter_list)} tensors but the group has {pg.size()} "
                             f"ranks")
        for i, t in enumerate(scatter_list):
            _same(t, tensor, what, f"scatter_list[{i}]", "tensor")
            if t.numel() != n:
                raise ValueError(f"{what}: scatter_list[{i}] has shape {tuple(t.shape)} but tensor has shape "
                                 f"{tuple(tensor.shape)}")
        flat = rtorch.cat([t.reshape(-1) for t in scatter_list]) if n else \
            rtorch.empty((0,), dtype=tensor.dtype, device=tensor.device)
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
        flat = None
    st = _Staging()
    out = st.out(tensor)
    return _launch(pg, tensor.device, what, lambda b: b.scatter(out, flat, root), st, None, async_op)


def barrier(group=None, async_op=False, device_ids=None):
    r"""Wait until every rank of the group has reached the barrier."""
    pg = _pg(group)
    if pg is None:
        return _non_member("barrier")
    device = "cuda" if "cpu" not in pg._backends else "cpu"
    work = pg._backend(device, "barrier").barrier()
    if async_op:
        work._background()
        return work
    work.wait()
    return None


# ---- point to point ----

def _peer(pg, global_rank, group_rank, what, arg, allow_none=False):
    if global_rank is None and group_rank is None:
        if allow_none:
            return None
        raise ValueError(f"{what}: {arg} must be given")
    r = _group_root(pg, global_rank, group_rank, what, arg)
    if r == pg.rank():
        kind = "destination" if arg == "dst" else "source"
        raise ValueError(f"Invalid {kind} rank: {kind} rank should not be the same as the rank of the current "
                         f"process.")
    return r


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    r"""Send `tensor` to rank `dst` asynchronously; returns a Work (``wait()`` before modifying `tensor`)."""
    what = "isend"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    peer = _peer(pg, dst, group_dst, what, "dst")
    buf = tensor if tensor.is_contiguous() else tensor.contiguous()
    work = pg._backend(tensor.device.type, what).send(buf, peer, int(tag))
    work._background()
    return work


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    r"""Receives into `tensor` from rank `src` (None: any rank) asynchronously; returns a Work.

    The Work's ``source_rank()`` gives the sender's global rank.
    """
    what = "irecv"
    _check_tensor(tensor, what)
    pg = _pg(group)
    if pg is None:
        return _non_member(what)
    peer = _peer(pg, src, group_src, what, "src", allow_none=True)
    st = _Staging()
    buf = st.out(tensor)
    work = pg._backend(tensor.device.type, what).recv(buf, peer, int(tag))
    if st.copies:
        work._finishers.append(st.finish)
    ranks = pg._ranks
    work._finishers.append(lambda: setattr(work, "_source", ranks[work._source] if work._source >= 0 else -1))
    work._background()
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    r"""Send `tensor` to rank `dst` and wait until it has been handed over."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    r"""Receive into `tensor` from rank `src` (None: any rank). Returns the sender's global rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    return work._source


class P2POp:
    r"""A point-to-point operation for :func:`batch_isend_irecv`: ``P2POp(dist.isend, tensor, peer)``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.")
        _check_tensor(tensor, "P2POp")
        self.op, self.tensor, self.peer, self.group, self.tag, self.group_peer = op, tensor, peer, group, tag, group_peer


def batch_isend_irecv(p2p_op_list):
    r"""Start every operation of `p2p_op_list` (P2POp) and return their Works."""
    if not isinstance(p2p_op_list, (list, tuple)) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type ``torch.distributed.P2POp``.")
    works = []
    for p in p2p_op_list:
        if p.op is isend:
            works.append(isend(p.tensor, p.peer, p.group, p.tag, p.group_peer))
        else:
            works.append(irecv(p.tensor, p.peer, p.group, p.tag, p.group_peer))
    return [w for w in works if w is not None]
