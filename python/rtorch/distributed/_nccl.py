"""The ``nccl`` backend: collectives on CUDA tensors through NCCL (``src/cuda/nccl.rs``), queued on
rtorch's CUDA stream of the tensor's device.

NCCL is loaded at run time from the ``nvidia-nccl-cu13`` wheel (``site-packages/nvidia/nccl/lib``)
or the system library path. Communicators are made lazily, one per device, on the first collective
(every rank reaches it at the same point): rank 0 makes the unique id and the others receive it
over MPI when the job was started by ``mpiexec``, else through the rendezvous store.

``Work.wait()`` blocks until the collective has finished on the device, polling NCCL's asynchronous
error state; after the process group's timeout the communicator is aborted and a RuntimeError says
so (``TORCH_NCCL_BLOCKING_WAIT=0`` keeps PyTorch's stream semantics instead: ``wait()`` returns once
the work is queued, which is safe because later kernels run on the same stream).
"""
import glob
import os
import time

import rtorch

from .. import _rtorch as _C
from ._work import Work
from .constants import ReduceOp

__all__ = ["load_nccl", "is_nccl_available", "NCCLBackend"]

_load_error = None
_loaded = False


def _wheel_paths():
    from ..cuda import _nvidia_dirs

    out = []
    for d in _nvidia_dirs("lib"):
        out += sorted(glob.glob(os.path.join(d, "libnccl.so*")))
    return out


def load_nccl():
    """Load NCCL (once) and return its version; RuntimeError saying what is missing otherwise."""
    global _loaded, _load_error
    if not _loaded and _load_error is None:
        try:
            _C._nccl_load(_wheel_paths())
            _loaded = True
        except RuntimeError as e:
            _load_error = e
    if _load_error is not None:
        raise RuntimeError(str(_load_error))
    return _C._nccl_version()


def is_nccl_available():
    """True when NCCL loads and a CUDA device is present."""
    if not rtorch.cuda.is_available():
        return False
    try:
        load_nccl()
    except RuntimeError:
        return False
    return True


_OP_NAMES = {ReduceOp.SUM: "sum", ReduceOp.PRODUCT: "product", ReduceOp.MAX: "max", ReduceOp.MIN: "min",
             ReduceOp.AVG: "avg"}


class _NCCLWork(Work):
    def __init__(self, comm, name, timeout_s, outputs):
        super().__init__(name, timeout_s, outputs)
        self._comm = comm
        self._blocking = os.environ.get("TORCH_NCCL_BLOCKING_WAIT", "1") != "0"

    def _test(self):
        if not self._blocking:
            self._comm.query()  # raises an asynchronous NCCL error; ordering is the stream's job
            return True
        return self._comm.query()

    def wait(self, timeout=None):
        if self._finished:
            return True
        if self._blocking and self._error is None:
            remaining = self._start + self._timeout_s - time.monotonic() if timeout is None else (
                timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout))
            try:
                self._comm.wait(max(remaining, 0.0), self._name)
            except RuntimeError as e:
                self._error = e
        return super().wait(timeout)


class NCCLBackend:
    """NCCL communicators of one process group (one per CUDA device used). Ranks are group ranks.

    Args:
        rank, size: this process's rank in the group and the group's size.
        exchange: ``exchange(key, payload_or_None) -> bytes``; rank 0 passes the payload, every rank
            gets it back (MPI broadcast or the rendezvous store).
    """

    def __init__(self, rank, size, exchange, timeout_s, name):
        self.rank, self.size = rank, size
        self.timeout_s = float(timeout_s)
        self.name = name
        self._exchange = exchange
        self._comms = {}

    def _comm(self, t, what):
        if not rtorch.cuda.is_available():
            raise RuntimeError(f"{what}: the 'nccl' backend needs a CUDA GPU, and rtorch.cuda.is_available() is False")
        dev = t.device.index if t.device.index is not None else rtorch.cuda.current_device()
        c = self._comms.get(dev)
        if c is None:
            load_nccl()
            uid = self._exchange(f"nccl_uid/{self.name}/{dev}", _C._nccl_unique_id() if self.rank == 0 else None)
            c = _C._NcclComm(uid, self.size, self.rank, dev)
            self._comms[dev] = c
        return c

    def _work(self, comm, name, outputs):
        return _NCCLWork(comm, name, self.timeout_s, outputs)

    @staticmethod
    def _op(t, op, what):
        if t.dtype == rtorch.bool:
            # bytes under NCCL: or/and become max/min, as PyTorch's NCCL backend does.
            op = {ReduceOp.SUM: ReduceOp.MAX, ReduceOp.PRODUCT: ReduceOp.MIN}.get(op, op)
            if op == ReduceOp.AVG:
                raise TypeError(f"{what}: ReduceOp.AVG is not supported for bool tensors")
        if op not in _OP_NAMES:
            raise TypeError(f"{what}: the 'nccl' backend has no ReduceOp.{op.name}")
        return _OP_NAMES[op]

    def all_reduce(self, t, op):
        c = self._comm(t, "all_reduce")
        c.all_reduce(t, self._op(t, op, "all_reduce"))
        return self._work(c, "all_reduce", [t])

    def broadcast(self, t, root):
        c = self._comm(t, "broadcast")
        c.broadcast(t, root)
        return self._work(c, "broadcast", [t])

    def reduce(self, t, root, op):
        c = self._comm(t, "reduce")
        c.reduce(t, root, self._op(t, op, "reduce"))
        return self._work(c, "reduce", [t])

    def all_gather(self, out, inp):
        c = self._comm(inp, "all_gather_into_tensor")
        c.all_gather(out, inp)
        return self._work(c, "all_gather_into_tensor", [out])

    def reduce_scatter(self, out, inp, op):
        c = self._comm(inp, "reduce_scatter_tensor")
        c.reduce_scatter(out, inp, self._op(inp, op, "reduce_scatter_tensor"))
        return self._work(c, "reduce_scatter_tensor", [out])

    def all_to_all(self, out, inp, send_counts, recv_counts):
        c = self._comm(inp, "all_to_all_single")
        c.all_to_all(out, inp, list(send_counts), list(recv_counts))
        return self._work(c, "all_to_all_single", [out])

    def gather(self, out, inp, root):
        # NCCL has no gather: the root receives each rank's block in turn (p2p calls on one stream
        # are matched in order, so this cannot deadlock); its own block is a device copy.
        c = self._comm(inp, "gather")
        if self.rank == root:
            n, flat = inp.numel(), out.view(-1)
            for r in range(self.size):
                block = flat[r * n:(r + 1) * n]
                if r == root:
                    block.copy_(inp.reshape(-1))
                else:
                    c.recv(block, r)
        else:
            c.send(inp, root)
        return self._work(c, "gather", [out] if out is not None else [])

    def scatter(self, out, inp, root):
        c = self._comm(out, "scatter")
        if self.rank == root:
            n, flat = out.numel(), inp.view(-1)
            for r in range(self.size):
                block = flat[r * n:(r + 1) * n]
                if r == root:
                    out.view(-1).copy_(block)
                else:
                    c.send(block, r)
        else:
            c.recv(out, root)
        return self._work(c, "scatter", [out])

    def send(self, t, dst, tag):
        c = self._comm(t, "send")
        c.send(t, dst)
        return self._work(c, "send", [t])

    def recv(self, t, src, tag):
        if src is None:
            raise RuntimeError("recv: the 'nccl' backend needs an explicit src rank (NCCL has no receive from any source)")
        c = self._comm(t, "recv")
        c.recv(t, src)
        w = self._work(c, "recv", [t])
        w._source = src
        return w

    def barrier(self):
        # A one-element all-reduce on the current device, waited on (PyTorch's NCCL barrier).
        t = rtorch.zeros(1, device=f"cuda:{rtorch.cuda.current_device()}")
        return self.all_reduce(t, ReduceOp.SUM)

    def close(self):
        # Dropping a communicator destroys it (ncclCommDestroy waits for its queued work).
        self._comms.clear()
