"""rtorch.distributed: process groups and collectives with torch.distributed's names, on MPI (CPU
tensors, through mpi4py) and NCCL (CUDA tensors). See docs/distributed.md.

Launch N ranks with ``mpiexec -n N python script.py`` or
``python -m rtorch.distributed.run --nproc-per-node N script.py``, then call
:func:`init_process_group` in each.
"""
from .constants import Backend, ReduceOp, default_pg_timeout
from ._work import Future, Work
from ._store import HashStore, Store, TCPStore
from .distributed_c10d import (
    GroupMember, P2POp, ProcessGroup, all_gather, all_gather_into_tensor, all_reduce, all_to_all,
    all_to_all_single, barrier, batch_isend_irecv, broadcast, destroy_process_group, gather, get_backend,
    get_global_rank, get_group_rank, get_process_group_ranks, get_rank, get_world_size, group,
    init_process_group, irecv, is_available, is_initialized, is_mpi_available, is_nccl_available,
    is_torchelastic_launched, isend, new_group, recv, reduce, reduce_scatter, reduce_scatter_tensor, scatter,
    send,
)
from ._objects import all_gather_object, broadcast_object_list, gather_object, scatter_object_list

__all__ = [
    "Backend", "ReduceOp", "default_pg_timeout", "Work", "Future", "Store", "TCPStore", "HashStore",
    "ProcessGroup", "GroupMember", "group", "P2POp", "is_available", "is_initialized", "is_mpi_available",
    "is_nccl_available", "is_torchelastic_launched", "init_process_group", "destroy_process_group", "new_group",
    "get_rank", "get_world_size", "get_backend", "get_global_rank", "get_group_rank", "get_process_group_ranks",
    "barrier", "all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor", "reduce_scatter",
    "reduce_scatter_tensor", "all_to_all_single", "all_to_all", "gather", "scatter", "send", "recv", "isend",
    "irecv", "batch_isend_irecv", "broadcast_object_list", "all_gather_object", "gather_object",
    "scatter_object_list",
]
