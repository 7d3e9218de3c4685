"""Names shared by every part of rtorch.distributed: ReduceOp, Backend and the default timeout."""
import enum
from datetime import timedelta

__all__ = ["ReduceOp", "Backend", "default_pg_timeout"]

#: How long a collective may wait for its peers before it fails (PyTorch's default for MPI/Gloo).
default_pg_timeout = timedelta(minutes=30)


class _RedOpType(enum.IntEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"

    def __str__(self):
        return f"RedOpType.{self.name}"


class ReduceOp:
    r"""Reduction operators for :func:`all_reduce`, :func:`reduce` and :func:`reduce_scatter_tensor`.

    ``SUM``, ``PRODUCT``, ``MIN``, ``MAX`` work on every dtype (on ``bool`` tensors ``SUM``/``MAX``
    are logical or and ``PRODUCT``/``MIN`` logical and, as in PyTorch); ``AVG`` divides the sum by
    the group size (floating tensors; integer tensors truncate toward zero); ``BAND``/``BOR``/``BXOR``
    are bitwise and need integer or bool tensors.

    Example::

        >>> dist.all_reduce(t, op=dist.ReduceOp.MAX)
    """

    RedOpType = _RedOpType
    SUM = _RedOpType.SUM
    AVG = _RedOpType.AVG
    PRODUCT = _RedOpType.PRODUCT
    MIN = _RedOpType.MIN
    MAX = _RedOpType.MAX
    BAND = _RedOpType.BAND
    BOR = _RedOpType.BOR
    BXOR = _RedOpType.BXOR
    PREMUL_SUM = _RedOpType.PREMUL_SUM

    def __new__(cls, op):
        return _as_op(op)


def _as_op(op):
    """The _RedOpType for `op` (a ReduceOp member, or its name); TypeError otherwise."""
    if isinstance(op, _RedOpType):
        return op
    if isinstance(op, str) and op.upper() in _RedOpType.__members__:
        return _RedOpType[op.upper()]
    raise TypeError(f"op must be a dist.ReduceOp (e.g. dist.ReduceOp.SUM), got {op!r}")


class Backend(str):
    r"""A backend name, lower-cased and validated: ``Backend("MPI") == "mpi"``.

    ``mpi`` runs CPU tensors through MPI (mpi4py with the ``mpich`` wheel); ``nccl`` runs CUDA
    tensors through NCCL. A device map such as ``"cpu:mpi,cuda:nccl"`` gives each device type its
    backend; ``init_process_group`` uses that map when no backend is named.
    """

    UNDEFINED = "undefined"
    MPI = "mpi"
    NCCL = "nccl"
    GLOO = "gloo"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {name!r}")
        value = name.lower()
        for part in value.split(","):
            kind = part.split(":")[-1].strip()
            if kind not in ("mpi", "nccl"):
                raise ValueError(
                    f"Invalid backend: '{name}'. rtorch.distributed has the 'mpi' backend (CPU tensors) and the "
                    f"'nccl' backend (CUDA tensors); 'gloo' is not built in: use 'mpi' for CPU tensors"
                )
        return str.__new__(cls, value)
