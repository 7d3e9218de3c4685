"""Collectives on picklable Python objects (``broadcast_object_list``, ``all_gather_object``,
``gather_object``, ``scatter_object_list``), built on the tensor collectives: each object is
pickled into a uint8 tensor, sizes travel first, then the padded bytes.

Like PyTorch's, these unpickle what other ranks send: use them only among trusted processes.
"""
import pickle

import numpy as np

import rtorch

from . import distributed_c10d as c10d

__all__ = ["broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list"]


def _device(pg, device=None):
    if device is not None:
        return rtorch.device(device)
    if "cpu" in pg._backends:
        return rtorch.device("cpu")
    return rtorch.device(f"cuda:{rtorch.cuda.current_device()}")


def _to_tensor(obj, device):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    t = rtorch.from_numpy(np.frombuffer(data, dtype=np.uint8).copy())
    return t.to(device), len(data)


def _from_tensor(t, size):
    return pickle.loads(t[:size].cpu().numpy().tobytes())


def _sizes(n, device):
    return rtorch.zeros((n,), dtype=rtorch.int64, device=device)


def all_gather_object(object_list, obj, group=None):
    r"""Gather the picklable `obj` of every rank into `object_list` (``object_list[r]`` = rank r's).

    Example::

        >>> out = [None] * dist.get_world_size()
        >>> dist.all_gather_object(out, {"rank": dist.get_rank()})
    """
    pg = c10d._pg(group)
    if pg is None:
        return c10d._non_member("all_gather_object")
    n = pg.size()
    if len(object_list) != n:
        raise ValueError(f"all_gather_object: object_list has {len(object_list)} entries but the group has {n} ranks")
    dev = _device(pg)
    t, size = _to_tensor(obj, dev)
    sizes = _sizes(n, dev)
    c10d.all_gather_into_tensor(sizes, rtorch.tensor([size], dtype=rtorch.int64, device=dev), group=group)
    sizes = [int(s) for s in sizes.cpu().tolist()]
    width = max(sizes)
    padded = rtorch.zeros((width,), dtype=rtorch.uint8, device=dev)
    padded[:size] = t
    out = rtorch.empty((n * width,), dtype=rtorch.uint8, device=dev)
    c10d.all_gather_into_tensor(out, padded, group=group)
    for r in range(n):
        object_list[r] = _from_tensor(out[r * width:(r + 1) * width], sizes[r])


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    r"""Replace `object_list`'s entries on every rank with those of rank `src` (lists of the same length)."""
    pg = c10d._pg(group)
    if pg is None:
        return c10d._non_member("broadcast_object_list")
    root = c10d._group_root(pg, src if src is not None or group_src is not None else 0, group_src,
                            "broadcast_object_list", "src")
    dev = _device(pg, device)
    k = len(object_list)
    sizes = _sizes(k, dev)
    if pg.rank() == root:
        parts = [_to_tensor(o, dev) for o in object_list]
        sizes = rtorch.tensor([s for _, s in parts], dtype=rtorch.int64, device=dev) if k else sizes
    c10d.broadcast(sizes, group=group, group_src=root)
    total = int(sizes.sum().item()) if k else 0
    if pg.rank() == root:
        data = rtorch.cat([t for t, _ in parts]) if k else rtorch.empty((0,), dtype=rtorch.uint8, device=dev)
    else:
        data = rtorch.empty((total,), dtype=rtorch.uint8, device=dev)
    c10d.broadcast(data, group=group, group_src=root)
    if pg.rank() != root:
        off = 0
        for i, s in enumerate(int(v) for v in sizes.cpu().tolist()):
            object_list[i] = _from_tensor(data[off:off + s], s)
            off += s


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    r"""Gather every rank's `obj` into `object_gather_list` on rank `dst` (None elsewhere)."""
    pg = c10d._pg(group)
    if pg is None:
        return c10d._non_member("gather_object")
    root = c10d._group_root(pg, dst if dst is not None or group_dst is not None else 0, group_dst,
                            "gather_object", "dst")
    n = pg.size()
    if pg.rank() == root:
        if object_gather_list is None or len(object_gather_list) != n:
            raise ValueError(f"gather_object: object_gather_list must hold {n} entries on the destination rank")
    elif object_gather_list is not None:
        raise ValueError("Argument ``object_gather_list`` must NOT be specified on non-destination ranks.")
    dev = _device(pg)
    t, size = _to_tensor(obj, dev)
    sizes = _sizes(n, dev)
    c10d.all_gather_into_tensor(sizes, rtorch.tensor([size], dtype=rtorch.int64, device=dev), group=group)
    sizes = [int(s) for s in sizes.cpu().tolist()]
    width = max(sizes)
    padded = rtorch.zeros((width,), dtype=rtorch.uint8, device=dev)
    padded[:size] = t
    if pg.rank() == root:
        slots = [rtorch.empty((width,), dtype=rtorch.uint8, device=dev) for _ in range(n)]
        c10d.gather(padded, slots, group=group, group_dst=root)
        for r in range(n):
            object_gather_list[r] = _from_tensor(slots[r], sizes[r])
    else:
        c10d.gather(padded, None, group=group, group_dst=root)


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    r"""Scatters picklable objects: rank `src` sends ``scatter_object_input_list[r]`` to rank r.

    Rank r stores it in ``scatter_object_output_list[0]``.
    """
    pg = c10d._pg(group)
    if pg is None:
        return c10d._non_member("scatter_object_list")
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    root = c10d._group_root(pg, src if src is not None or group_src is not None else 0, group_src,
                            "scatter_object_list", "src")
    n = pg.size()
    dev = _device(pg)
    if pg.rank() == root:
        if scatter_object_input_list is None or len(scatter_object_input_list) != n:
            raise ValueError(f"scatter_object_list: scatter_object_input_list must hold {n} entries on the source rank")
        parts = [_to_tensor(o, dev) for o in scatter_object_input_list]
        width = max(s for _, s in parts)
        sizes = rtorch.tensor([s for _, s in parts] + [width], dtype=rtorch.int64, device=dev)
    else:
        sizes = _sizes(n + 1, dev)
    c10d.broadcast(sizes, group=group, group_src=root)
    sizes = [int(s) for s in sizes.cpu().tolist()]
    width = sizes[-1]
    out = rtorch.empty((width,), dtype=rtorch.uint8, device=dev)
    if pg.rank() == root:
        slots = []
        for t, s in parts:
            p = rtorch.zeros((width,), dtype=rtorch.uint8, device=dev)
            p[:s] = t
            slots.append(p)
        c10d.scatter(out, slots, group=group, group_src=root)
    else:
        c10d.scatter(out, None, group=group, group_src=root)
    scatter_object_output_list[0] = _from_tensor(out, sizes[pg.rank()])
