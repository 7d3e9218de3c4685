"""The ``mpi`` backend: collectives on CPU tensors through mpi4py (MPI's nonblocking calls on the
tensors' own buffers), one progress engine per process, and the job-wide abort on failure.

Design:

* Zero copy. A contiguous CPU tensor is handed to MPI as the NumPy view of its storage
  (``tensor.numpy()`` shares memory), so MPI reads and writes the tensor's bytes in place. float16
  and bfloat16 travel as their 16-bit patterns and are reduced by MPI user operations that decode,
  combine in float32 and round back to nearest-even, one pairwise step at a time (what NCCL does):
  half the bytes on the wire of a float32 detour, and correct rounding.
* Every call is nonblocking (``Iallreduce``...). A daemon thread keeps testing the requests in
  flight so that MPI makes progress while the caller computes (DDP's overlap of the gradient
  all-reduce with backward); a caller that waits also drives progress itself. All MPI calls go
  through one lock, so any MPI thread level from SERIALIZED up works.
* Each collective is preceded by an ``Iallgather`` of a small fingerprint (operation, dtype,
  element count, root, reduction, sequence number), checked when it arrives: ranks that call
  different collectives, or the same one with different shapes or dtypes, fail at once with an
  error naming both sides instead of hanging or reading garbage (``RTORCH_DISTRIBUTED_CHECKS=0``
  turns this off).
* Timeouts. A collective that has not finished ``timeout`` seconds after it was issued fails with
  a RuntimeError, and the process group is marked broken (later calls fail fast). An uncaught
  exception in any rank (a timeout included) prints its traceback and calls ``MPI_Abort``, so
  ``mpiexec`` ends every rank: one rank's failure never leaves the others hanging.
"""
import atexit
import os
import sys
import threading
import time

import numpy as np

import rtorch

from ._work import Work, _backoff
from .constants import ReduceOp

__all__ = ["import_mpi", "launched_by_mpi", "MPIBackend", "install_abort_on_uncaught"]

_MPI = None


def import_mpi():
    """``mpi4py.MPI`` (initialising MPI on first use), or a RuntimeError saying what to install."""
    global _MPI
    if _MPI is None:
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise RuntimeError(
                "the 'mpi' backend of rtorch.distributed needs mpi4py and an MPI runtime: "
                "pip install mpi4py mpich (then launch with mpiexec -n N python script.py, or "
                f"python -m rtorch.distributed.run --nproc-per-node N script.py) [{e}]"
            ) from e
        _MPI = MPI
    return _MPI


# Variables that MPI launchers set in every rank (Hydra/MPICH, PMIx/Open MPI, Slurm's PMI).
_LAUNCHER_VARS = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMI_FD")


def launched_by_mpi():
    """True when this process was started by an MPI launcher (mpiexec, mpirun, srun --mpi)."""
    return any(v in os.environ for v in _LAUNCHER_VARS)


# ---------------------------------------------------------------------------------------------
# Buffers and reduction operators
# ---------------------------------------------------------------------------------------------

def _is_half(dtype):
    return dtype == rtorch.float16 or dtype == rtorch.bfloat16


def np_view(t):
    """The NumPy array sharing `t`'s memory (t: contiguous CPU tensor); half types as uint16 bits."""
    t = t.detach()
    if _is_half(t.dtype):
        arr = t.view(rtorch.int16).numpy().view(np.uint16)
    else:
        arr = t.numpy()
    return arr.reshape(1) if arr.ndim == 0 else arr.reshape(-1)


def _bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _f32_to_bf16(x):
    """Round float32 to bfloat16 bit patterns, nearest-even; NaN becomes the quiet 0x7FC0 (as PyTorch)."""
    b = x.view(np.uint32)
    rounded = ((b + (0x7FFF + ((b >> 16) & 1))) >> 16).astype(np.uint16)
    return np.where(np.isnan(x), np.uint16(0x7FC0), rounded)


_COMBINE = {
    ReduceOp.SUM: np.add,
    ReduceOp.PRODUCT: np.multiply,
    ReduceOp.MAX: np.maximum,  # NaN-propagating, like torch.maximum
    ReduceOp.MIN: np.minimum,
}


def _make_user_op(MPI, dtype, op):
    """An MPI user operation combining `dtype` elements with `op` through NumPy."""
    combine = _COMBINE[op]
    if dtype == rtorch.bfloat16:
        def fn(inbuf, inoutbuf, datatype):
            a = np.frombuffer(inbuf, dtype=np.uint16)
            b = np.frombuffer(inoutbuf, dtype=np.uint16)
            b[...] = _f32_to_bf16(combine(_bf16_to_f32(a), _bf16_to_f32(b)))
    else:
        npd = np.float16 if dtype == rtorch.float16 else (np.float32 if dtype == rtorch.float32 else np.float64)

        def fn(inbuf, inoutbuf, datatype):
            # float16 through float32 is correctly rounded for + and * (24 >= 2 * 11 + 2 bits).
            a = np.frombuffer(inbuf, dtype=np.uint16 if npd is np.float16 else npd)
            b = np.frombuffer(inoutbuf, dtype=np.uint16 if npd is np.float16 else npd)
            if npd is np.float16:
                a, b = a.view(np.float16), b.view(np.float16)
            with np.errstate(all="ignore"):  # overflow to inf is the IEEE result, not an error
                combine(a, b, out=b)
    return MPI.Op.Create(fn, commute=True)


class _Types:
    """MPI datatypes and reduction operators per rtorch dtype (user operations made once)."""

    def __init__(self, MPI):
        self.MPI = MPI
        self.types = {
            rtorch.bool: MPI.C_BOOL, rtorch.uint8: MPI.UINT8_T, rtorch.int8: MPI.INT8_T,
            rtorch.int16: MPI.INT16_T, rtorch.int32: MPI.INT32_T, rtorch.int64: MPI.INT64_T,
            rtorch.float16: MPI.UINT16_T, rtorch.bfloat16: MPI.UINT16_T,
            rtorch.float32: MPI.FLOAT, rtorch.float64: MPI.DOUBLE,
        }
        self._user = {}

    def dtype(self, dtype):
        return self.types[dtype]

    def op(self, dtype, op, what):
        """The MPI operator that reduces `dtype` tensors with `op` (AVG arrives here as SUM)."""
        MPI = self.MPI
        if dtype == rtorch.bool:
            table = {ReduceOp.SUM: MPI.LOR, ReduceOp.MAX: MPI.LOR, ReduceOp.BOR: MPI.LOR,
                     ReduceOp.PRODUCT: MPI.LAND, ReduceOp.MIN: MPI.LAND, ReduceOp.BAND: MPI.LAND,
                     ReduceOp.BXOR: MPI.LXOR}
            return table[op]
        if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR):
            if dtype.is_floating_point:
                raise TypeError(f"{what}: ReduceOp.{op.name} needs integer or bool tensors, got {dtype}")
            return {ReduceOp.BAND: MPI.BAND, ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}[op]
        if not dtype.is_floating_point:
            return {ReduceOp.SUM: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD, ReduceOp.MAX: MPI.MAX,
                    ReduceOp.MIN: MPI.MIN}[op]
        if op in (ReduceOp.SUM, ReduceOp.PRODUCT) and not _is_half(dtype):
            return MPI.SUM if op == ReduceOp.SUM else MPI.PROD
        key = (dtype, op)
        if key not in self._user:
            self._user[key] = _make_user_op(MPI, dtype, op)
        return self._user[key]


# ---------------------------------------------------------------------------------------------
# Progress engine
# ---------------------------------------------------------------------------------------------

class _Engine:
    """Owns the MPI lock and the works in flight; a daemon thread drives them forward."""

    def __init__(self):
        self.lock = threading.Lock()
        self._pending = []
        self._cond = threading.Condition()
        self._thread = None
        self._stop = False

    def add(self, work):
        with self._cond:
            self._pending.append(work)
            if self._thread is None:
                self._stop = False
                self._thread = threading.Thread(target=self._run, name="rtorch-mpi-progress", daemon=True)
                self._thread.start()
            self._cond.notify()

    def poll(self, blocking=False):
        """Test every work in flight once; True when one finished. Skips if another thread polls."""
        if not self.lock.acquire(blocking=blocking):
            return False
        try:
            done = [w for w in list(self._pending) if w._step()]
        finally:
            self.lock.release()
        if done:
            with self._cond:
                self._pending = [w for w in self._pending if w not in done]
        return bool(done)

    def _run(self):
        idle, since = 0, time.monotonic()
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait()
                    idle, since = 0, time.monotonic()
                if self._stop:
                    return
            if self.poll():
                idle, since = 0, time.monotonic()
            else:
                _backoff(idle, time.monotonic() - since)
                idle += 1

    def stop(self):
        with self._cond:
            self._stop = True
            self._cond.notify()
            t, self._thread = self._thread, None
        if t is not None and t is not threading.current_thread():
            t.join(timeout=5)


_ENGINE = _Engine()
atexit.register(_ENGINE.stop)  # before mpi4py's MPI_Finalize (atexit runs in reverse order)


# Fingerprint layout: operation, dtype, element count, root, reduction, sequence number.
_FP_LEN = 6
_OPS = ["barrier", "all_reduce", "broadcast", "reduce", "all_gather_into_tensor", "reduce_scatter_tensor",
        "all_to_all_single", "gather", "scatter"]
_DTYPES = [rtorch.bool, rtorch.uint8, rtorch.int8, rtorch.int16, rtorch.int32, rtorch.int64,
           rtorch.float16, rtorch.bfloat16, rtorch.float32, rtorch.float64]


def _describe(fp):
    op, dt, n, root, red, seq = (int(v) for v in fp)
    parts = [f"{_OPS[op]} #{seq}"]
    if dt >= 0:
        parts.append(f"dtype {_DTYPES[dt]}")
    if n >= 0:
        parts.append(f"{n} elements")
    if root >= 0:
        parts.append(f"root {root}")
    if red >= 0:
        parts.append(f"op {ReduceOp.RedOpType(red).name}")
    return ", ".join(parts)


class _MessageSizeError(RuntimeError):
    """A received message of the wrong length: it was consumed whole, so the group stays usable."""


class _MPIWork(Work):
    """A collective's MPI requests (and its fingerprint exchange), tested by the engine."""

    def __init__(self, backend, name, seq, reqs, keep, outputs, fp=None, statuses=None):
        super().__init__(name, backend.timeout_s, outputs)
        self._backend = backend
        self._seq = seq
        self._reqs = reqs
        self._keep = keep  # arrays (and tensors) MPI is reading or writing: alive until done
        self._fp = fp  # (request, local, gathered) or None
        self._statuses = statuses
        self._complete = False
        self._in_engine = False
        self._on_complete = None  # runs under the engine lock once the requests finished

    def _step(self):
        """Under the engine lock: test the requests; True once this work is finished or failed."""
        if self._complete or self._error is not None:
            return True
        try:
            MPI = _MPI
            if self._fp is not None:
                req, local, allfp = self._fp
                if not req.Test():
                    return self._check_deadline()
                self._fp = None
                self._verify(local, allfp)
            if self._statuses is not None:
                done = MPI.Request.Testall(self._reqs, self._statuses)
            else:
                done = MPI.Request.Testall(self._reqs)
            if not done:
                return self._check_deadline()
            if self._on_complete is not None:
                self._on_complete(self)
            self._keep = None
            self._complete = True
        except Exception as e:  # noqa: BLE001 - MPI errors become the work's error
            self._fail(e if isinstance(e, RuntimeError) else RuntimeError(f"{self._name} failed on rank "
                                                                           f"{self._backend.rank}: {e}"))
        return True

    def _verify(self, local, allfp):
        rows = allfp.reshape(-1, _FP_LEN)
        bad = [r for r in range(len(rows)) if not np.array_equal(rows[r], local)]
        if bad:
            r = bad[0]
            raise RuntimeError(
                f"collective mismatch in process group {self._backend.name}: rank {self._backend.rank} called "
                f"{_describe(local)}, but rank {r} called {_describe(rows[r])}. Every rank must call the same "
                f"collectives in the same order with tensors of the same element count and dtype."
            )

    def _check_deadline(self):
        waited = time.monotonic() - self._start
        if waited > self._timeout_s:
            self._fail(self._deadline_error(waited))
            return True
        return False

    def _fail(self, err):
        self._error = err
        if not isinstance(err, _MessageSizeError):
            self._backend.broken = err  # communication state is unknown: later calls fail fast

    def _deadline_error(self, waited):
        b = self._backend
        return RuntimeError(
            f"{self._name} (call #{self._seq} on process group {b.name}) timed out after {waited:.1f} s on rank "
            f"{b.rank} of {b.size}: at least one peer did not join it (a rank that died, hangs or skipped "
            f"this call); the timeout is init_process_group(timeout=...) (now {b.timeout_s:g} s)"
        )

    def _on_timeout(self):
        self._backend.broken = self._error

    def _background(self):
        if not self._in_engine:
            self._in_engine = True
            _ENGINE.add(self)

    def _progress(self):
        if self._complete or self._error is not None:
            return
        if self._in_engine:
            _ENGINE.poll()
        else:
            with _ENGINE.lock:
                self._step()

    def _test(self):
        if self._error is not None:
            raise self._error
        return self._complete


# ---------------------------------------------------------------------------------------------
# The backend
# ---------------------------------------------------------------------------------------------

class MPIBackend:
    """Collectives of one process group on contiguous CPU tensors. Ranks are group ranks."""

    def __init__(self, comm, timeout_s, name):
        self.MPI = import_mpi()
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.timeout_s = float(timeout_s)
        self.name = name
        self.broken = None
        self.checks = os.environ.get("RTORCH_DISTRIBUTED_CHECKS", "1") != "0"
        self._types = _Types(self.MPI)
        self._seq = 0

    # ---- helpers ----
    def _check_usable(self, what):
        if self.broken is not None:
            raise RuntimeError(f"{what}: process group {self.name} is unusable after an earlier failure: {self.broken}")

    def _start(self, name, issue, keep, outputs, fp=None, statuses=None, on_complete=None):
        """Issue MPI calls (under the lock); the work joins the engine only if it is left running
        in the background (``async_op=True``); a synchronous caller drives it alone."""
        self._check_usable(name)
        MPI = self.MPI
        if fp is not None:
            self._seq += 1  # collectives only: point-to-point calls differ between ranks by design
        fpx = None
        with _ENGINE.lock:
            if fp is not None and self.checks:
                local = np.array([_OPS.index(name)] + list(fp) + [self._seq], dtype=np.int64)
                gathered = np.empty(self.size * _FP_LEN, dtype=np.int64)
                req = self.comm.Iallgather([local, MPI.INT64_T], [gathered, MPI.INT64_T])
                fpx = (req, local, gathered)
            reqs = issue()
        work = _MPIWork(self, name, self._seq, reqs, keep, outputs, fpx, statuses)
        work._on_complete = on_complete
        return work

    def _buf(self, t):
        arr = np_view(t)
        return arr, [arr, self._types.dtype(t.dtype)]

    def _dt(self, t):
        return _DTYPES.index(t.dtype)

    # ---- collectives (tensors are contiguous CPU tensors; ranks are group ranks) ----
    def barrier(self):
        return self._start("barrier", lambda: [self.comm.Ibarrier()], (), [], fp=(-1, -1, -1, -1))

    def all_reduce(self, t, op):
        arr, spec = self._buf(t)
        mop = self._types.op(t.dtype, op, "all_reduce")
        return self._start("all_reduce", lambda: [self.comm.Iallreduce(self.MPI.IN_PLACE, spec, mop)],
                           (arr, t), [t], fp=(self._dt(t), t.numel(), -1, int(op)))

    def broadcast(self, t, root):
        arr, spec = self._buf(t)
        return self._start("broadcast", lambda: [self.comm.Ibcast(spec, root)], (arr, t), [t],
                           fp=(self._dt(t), t.numel(), root, -1))

    def reduce(self, t, root, op):
        arr, spec = self._buf(t)
        mop = self._types.op(t.dtype, op, "reduce")
        if self.rank == root:
            issue = lambda: [self.comm.Ireduce(self.MPI.IN_PLACE, spec, mop, root)]  # noqa: E731
        else:
            issue = lambda: [self.comm.Ireduce(spec, None, mop, root)]  # noqa: E731
        return self._start("reduce", issue, (arr, t), [t], fp=(self._dt(t), t.numel(), root, int(op)))

    def all_gather(self, out, inp):
        """`out` (size * inp.numel() elements) gets every rank's `inp` in rank order."""
        o_arr, o_spec = self._buf(out)
        n = inp.numel()
        if inp.numel() and inp.data_ptr() == out.data_ptr() + self.rank * n * out.element_size():
            send = self.MPI.IN_PLACE  # input is this rank's block of the output (MPI forbids aliasing)
            keep = (o_arr, out, inp)
        else:
            i_arr, send = self._buf(inp)
            keep = (o_arr, i_arr, out, inp)
        return self._start("all_gather_into_tensor", lambda: [self.comm.Iallgather(send, o_spec)], keep, [out],
                           fp=(self._dt(inp), n, -1, -1))

    def reduce_scatter(self, out, inp, op):
        """`out` gets this rank's block of the reduction of every rank's `inp`."""
        o_arr, o_spec = self._buf(out)
        i_arr, i_spec = self._buf(inp)
        mop = self._types.op(inp.dtype, op, "reduce_scatter_tensor")
        return self._start("reduce_scatter_tensor",
                           lambda: [self.comm.Ireduce_scatter_block(i_spec, o_spec, mop)],
                           (o_arr, i_arr, out, inp), [out], fp=(self._dt(inp), inp.numel(), -1, int(op)))

    def all_to_all(self, out, inp, send_counts, recv_counts):
        """Block i of `inp` (send_counts[i] elements) goes to rank i; `out` holds the received blocks."""
        o_arr, _ = self._buf(out)
        i_arr, _ = self._buf(inp)
        T = self._types.dtype(inp.dtype)
        sd = np.concatenate([[0], np.cumsum(send_counts)[:-1]]).astype(np.int64).tolist()
        rd = np.concatenate([[0], np.cumsum(recv_counts)[:-1]]).astype(np.int64).tolist()
        send = [i_arr, (list(send_counts), sd), T]
        recv = [o_arr, (list(recv_counts), rd), T]
        return self._start("all_to_all_single", lambda: [self.comm.Ialltoallv(send, recv)],
                           (o_arr, i_arr, out, inp), [out], fp=(self._dt(inp), -1, -1, -1))

    def gather(self, out, inp, root):
        """At `root`, `out` (size * inp.numel() elements) gets every rank's `inp`; `out` is None elsewhere."""
        i_arr, i_spec = self._buf(inp)
        if self.rank == root:
            o_arr, o_spec = self._buf(out)
            keep = (o_arr, i_arr, out, inp)
        else:
            o_spec, keep = None, (i_arr, inp)
        return self._start("gather", lambda: [self.comm.Igather(i_spec, o_spec, root)], keep,
                           [out] if out is not None else [], fp=(self._dt(inp), inp.numel(), root, -1))

    def scatter(self, out, inp, root):
        """Block r of `inp` (at `root`; None elsewhere) lands in rank r's `out`."""
        o_arr, o_spec = self._buf(out)
        if self.rank == root:
            i_arr, i_spec = self._buf(inp)
            keep = (o_arr, i_arr, out, inp)
        else:
            i_spec, keep = None, (o_arr, out)
        return self._start("scatter", lambda: [self.comm.Iscatter(i_spec, o_spec, root)], keep, [out],
                           fp=(self._dt(out), out.numel(), root, -1))

    def _bytes(self, t):
        """`t`'s memory as bytes: point-to-point messages travel untyped, so a message of another
        size or dtype is reported by the length check below, not by MPI's unpacking."""
        arr = np_view(t).view(np.uint8)
        return arr, [arr, self.MPI.BYTE]

    def send(self, t, dst, tag):
        arr, spec = self._bytes(t)
        return self._start("send", lambda: [self.comm.Isend(spec, dst, tag)], (arr, t), [t])

    def recv(self, t, src, tag):
        """Receive into `t` from group rank `src` (None: any rank); the work's source_rank() tells who."""
        MPI = self.MPI
        arr, spec = self._bytes(t)
        status = MPI.Status()
        source = MPI.ANY_SOURCE if src is None else src

        def check(work):
            got = status.Get_count(MPI.BYTE)
            if got != arr.size:
                raise _MessageSizeError(
                    f"recv: expected {t.numel()} elements of {t.dtype} ({arr.size} bytes) from rank "
                    f"{status.Get_source()} (tag {tag}) but the message held {got} bytes"
                )
            work._source = status.Get_source()

        return self._start("recv", lambda: [self.comm.Irecv(spec, source, tag)], (arr, t), [t],
                           statuses=[status], on_complete=check)

    def close(self):
        if self.comm not in (self.MPI.COMM_WORLD, self.MPI.COMM_SELF) and not self.MPI.Is_finalized():
            with _ENGINE.lock:
                try:
                    self.comm.Free()
                except Exception:  # noqa: BLE001 - freeing after an abort may fail; nothing to keep
                    pass


def stop_engine():
    _ENGINE.stop()


_hook_installed = False


def install_abort_on_uncaught():
    """Make an uncaught exception print its traceback and then ``MPI_Abort`` the whole job, so the
    other ranks do not wait forever in a collective (``RTORCH_DISTRIBUTED_ABORT_ON_ERROR=0`` keeps
    Python's default). Installed by ``init_process_group`` when the world has more than one rank."""
    global _hook_installed
    if _hook_installed or os.environ.get("RTORCH_DISTRIBUTED_ABORT_ON_ERROR", "1") == "0":
        return
    MPI = import_mpi()
    previous = sys.excepthook

    def hook(tp, value, tb):
        try:
            previous(tp, value, tb)
            rank = MPI.COMM_WORLD.Get_rank()
            sys.stderr.write(f"[rtorch.distributed] rank {rank}: uncaught {tp.__name__}; aborting all ranks "
                             f"(MPI_Abort)\n")
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
                # MPI_Abort tears the job down at once; give the launcher's proxy a moment to
                # forward the traceback, or the one message that explains the failure can be lost.
                time.sleep(0.5)
            finally:
                MPI.COMM_WORLD.Abort(1)

    sys.excepthook = hook
    _hook_installed = True
