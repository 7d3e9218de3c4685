"""Collation: turning samples into batches (default_collate, default_convert) and pinning them; in a
DataLoader worker, batches of tensors are stacked straight into shared memory."""
import collections.abc
import re

import numpy as np

import rtorch

from . import worker

__all__ = ["default_collate", "default_convert"]


_np_str_obj_array_pattern = re.compile(r"[SaUO]")

_COLLATE_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _from_numpy(a):
    # np.ascontiguousarray makes a 0-d array 1-d, so only non-contiguous arrays go through it.
    a = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    return rtorch.from_numpy(a) if hasattr(rtorch, "from_numpy") else rtorch.tensor(a)


def _map_nested(data, leaf):
    """``leaf(data)``, or where that is ``NotImplemented``, the same applied inside mappings,
    namedtuples and sequences, keeping their types (plain tuples become lists, as in PyTorch)."""
    out = leaf(data)
    if out is not NotImplemented:
        return out
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: _map_nested(v, leaf) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(_map_nested(d, leaf) for d in data))
    if isinstance(data, tuple):
        return [_map_nested(d, leaf) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [_map_nested(d, leaf) for d in data])
    return data


def _convert_leaf(data):
    if isinstance(data, rtorch.Tensor):
        return data
    if isinstance(data, np.ndarray) and _np_str_obj_array_pattern.search(data.dtype.str) is None:
        return _from_numpy(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return _from_numpy(np.array(data))
    return NotImplemented


def default_convert(data):
    r"""Convert numpy arrays inside ``data`` to tensors, keeping the structure (used when batching is off)."""
    return _map_nested(data, _convert_leaf)


def _pin_leaf(data):
    if isinstance(data, rtorch.Tensor):
        return data.pin_memory()
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, (collections.abc.Mapping, collections.abc.Sequence)):
        return NotImplemented
    return data.pin_memory() if hasattr(data, "pin_memory") else data


def _pin_memory(data):
    r"""Copy every tensor inside ``data`` (nested mappings, namedtuples, sequences) to pinned host
    memory, keeping the structure; objects with a ``pin_memory()`` method are pinned by it.
    Used by ``DataLoader(pin_memory=True)``; needs CUDA."""
    return _map_nested(data, _pin_leaf)


def _rebuild(original, converted):
    """Return ``converted`` in the container type of ``original`` when that type allows it."""
    if type(original) in (dict, list):
        return converted
    try:
        return type(original)(converted)
    except TypeError:
        return converted


def _stack(tensors):
    """``rtorch.stack(tensors)``; inside a DataLoader worker into a fresh shared-memory tensor,
    so that sending the batch to the main process passes a file descriptor, not the bytes."""
    elem = tensors[0]
    if worker.get_worker_info() is None or elem.device.type != "cpu" or elem.requires_grad:
        return rtorch.stack(tensors, 0)
    if any(t.shape != elem.shape or t.dtype != elem.dtype for t in tensors):
        return rtorch.stack(tensors, 0)  # stack's own shape error or type promotion
    out = rtorch._rtorch._empty_shared([len(tensors), *elem.shape], elem.dtype)
    return rtorch.stack(tensors, 0, out=out)


def default_collate(batch):
    r"""Stack a list of samples into a batch, as PyTorch does.

    Tensors and numpy arrays are stacked along a new first dimension; Python floats become a
    float64 tensor and ints an int64 tensor; strings are kept in a list; mappings, namedtuples and
    sequences are collated field by field (tuples come back as lists).
    """
    elem = batch[0]
    if isinstance(elem, rtorch.Tensor):
        return _stack(list(batch))
    if isinstance(elem, np.ndarray):
        if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
            raise TypeError(_COLLATE_ERR.format(elem.dtype))
        return default_collate([_from_numpy(b) for b in batch])
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return _from_numpy(np.array(batch))
    if isinstance(elem, bool):
        return rtorch.tensor(list(batch), dtype=rtorch.bool)
    if isinstance(elem, float):
        return rtorch.tensor(list(batch), dtype=rtorch.float64)
    if isinstance(elem, int):
        return rtorch.tensor(list(batch), dtype=rtorch.int64)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(list(s)) for s in zip(*batch)]
        return transposed if isinstance(elem, tuple) else _rebuild(elem, transposed)
    raise TypeError(_COLLATE_ERR.format(type(elem)))
