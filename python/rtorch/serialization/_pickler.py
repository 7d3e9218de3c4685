"""Pickling objects the way ``torch.save`` does: tensors as ``torch._utils._rebuild_tensor_v2`` over storage records.

rtorch objects are written under PyTorch's names (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``,
``torch.float32``, ``torch.device``, ``torch.Size``, ``torch._utils._rebuild_parameter``), so PyTorch reads the
file without rtorch. Everything else (modules, NumPy arrays, user classes) pickles as usual under its own name.

Storages: tensors on the CPU with non-negative strides are grouped by the memory they view (their storage's base
address); each group becomes one record holding the span of elements its tensors reach, so views saved together
load as views of one storage again, and saving a small slice of a big tensor writes only the slice. The span is
known only once the whole object has been walked, so the record's element count and each tensor's offset are
written as fixed-width 8-byte LONG1 integers and filled in afterwards. Tensors on a GPU, or with negative strides
(which PyTorch's format cannot express), are saved as a contiguous copy of their own.

The pickler is Python's pure-Python one (``pickle._Pickler``): only it lets a subclass emit a GLOBAL opcode for a
module that is not importable here (``torch``).
"""
import ctypes
import io
import pickle
from collections import OrderedDict

import numpy as np

import rtorch

from ._rebuild import STORAGE_NAME_OF_DTYPE

__all__ = ["StorageTable", "dumps_with_storages"]


class _Global:
    """A global written by name (``torch._utils._rebuild_tensor_v2``) whether or not it is importable here."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle requires the callable of a reduce value to be callable
        raise TypeError(f"{self.module}.{self.name} is a name written into a checkpoint, not a function")


_REBUILD_V2 = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_REBUILD_PARAMETER_STATE = _Global("torch._utils", "_rebuild_parameter_with_state")
_REBUILD_FROM_TYPE = _Global("torch._tensor", "_rebuild_from_type_v2")
_DEVICE = _Global("torch", "device")
_SIZE = _Global("torch", "Size")
_STORAGE_TYPES = {}
_DTYPES = {}


def _storage_type(dtype):
    g = _STORAGE_TYPES.get(dtype)
    if g is None:
        g = _STORAGE_TYPES[dtype] = _Global("torch", STORAGE_NAME_OF_DTYPE[dtype.name])
    return g


def _dtype_global(dtype):
    g = _DTYPES.get(dtype)
    if g is None:
        g = _DTYPES[dtype] = _Global("torch", dtype.name)
    return g


class _Group:
    """One storage record: the tensors viewing one piece of memory and the span of elements they reach."""

    __slots__ = ("key", "dtype", "base", "lo", "hi", "location", "owned", "keep")

    def __init__(self, key, dtype, base, location, owned=None):
        self.key = key
        self.dtype = dtype
        self.base = base  # address of element 0 of the storage (CPU groups)
        self.lo = None  # first element reached
        self.hi = None  # one past the last element reached
        self.location = location
        self.owned = owned  # a contiguous CPU tensor holding the record (copies)
        self.keep = []  # the tensors whose memory is read when the record is written

    def reach(self, lo, hi):
        self.lo = lo if self.lo is None else min(self.lo, lo)
        self.hi = hi if self.hi is None else max(self.hi, hi)

    @property
    def numel(self):
        return 0 if self.lo is None else self.hi - self.lo

    def data(self):
        """The record's bytes (a buffer over the tensors' memory; valid while they live)."""
        if self.owned is not None:
            t = self.owned
            if t.dtype is rtorch.bfloat16:
                t = t.view(rtorch.int16)
            return memoryview(np.ascontiguousarray(t.numpy()).reshape(-1)).cast("B")
        nbytes = self.numel * self.dtype.itemsize
        if nbytes == 0:
            return b""
        return memoryview((ctypes.c_uint8 * nbytes).from_address(self.base + self.lo * self.dtype.itemsize))


class _Slot:
    """An integer written as an 8-byte LONG1 placeholder and patched once the storage spans are known."""

    __slots__ = ("group", "value")

    def __init__(self, group, value=None):
        self.group = group
        self.value = value  # an element offset (relative to the storage base) or None for the record's numel

    def resolve(self):
        if self.value is None:
            return self.group.numel
        return self.value - (self.group.lo or 0)


class _StorageRef:
    __slots__ = ("group",)

    def __init__(self, group):
        self.group = group


class StorageTable:
    """The storage records of one save, in the order their keys were given out."""

    def __init__(self):
        self.groups = []
        self._by_base = {}

    def _new(self, dtype, base, location, owned=None):
        g = _Group(str(len(self.groups)), dtype, base, location, owned)
        self.groups.append(g)
        return g

    def add(self, t):
        """Register tensor ``t``; return ``(group, element offset, stride)`` to pickle it with."""
        t = t.detach()
        dtype = t.dtype
        if dtype.name not in STORAGE_NAME_OF_DTYPE:
            raise TypeError(f"rtorch.save: cannot save a tensor of dtype {dtype}")
        size = tuple(t.shape)
        stride = tuple(t.stride())
        numel = t.numel()
        cpu = t.device.type == "cpu"
        if cpu and numel and all(s >= 0 for s in stride):
            item = dtype.itemsize
            offset = t.storage_offset()
            base = t.data_ptr() - offset * item
            g = self._by_base.get(base)
            if g is None:
                g = self._by_base[base] = self._new(dtype, base, "cpu")
            elif g.dtype != dtype:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different "
                                   "types")
            g.reach(offset, offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1)
            g.keep.append(t)
            return g, offset, stride
        # an empty tensor, a GPU tensor or negative strides: a contiguous copy of its own
        location = "cpu" if cpu else str(t.device)
        owned = t.contiguous().cpu() if numel else None
        g = self._new(dtype, 0, location, owned)
        g.reach(0, numel)
        return g, 0, tuple(owned.stride()) if numel else stride


class _TorchPickler(pickle._Pickler):
    """Writes rtorch objects under PyTorch's names; records where the placeholder integers went."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, buf, protocol, table, legacy):
        super().__init__(buf, protocol)
        self.buf = buf
        self.table = table
        self.legacy = legacy
        self.patches = []
        self.framer.start_framing = lambda: None  # positions must be final bytes: no protocol-4 frames

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            g = obj.group
            pid = ("storage", _storage_type(g.dtype), g.key, g.location, _Slot(g))
            return pid + (None,) if self.legacy else pid
        return None

    def reducer_override(self, obj):
        if isinstance(obj, rtorch.Tensor):
            return self._reduce_tensor(obj)
        t = type(obj)
        if t is rtorch.device:
            return (_DEVICE, (obj.type,) if obj.index is None else (obj.type, obj.index))
        if t is rtorch.Size:
            return (_SIZE, (tuple(obj),))
        return NotImplemented

    def _reduce_tensor(self, t):
        if type(t) is rtorch.nn.Parameter:
            state = getattr(t, "__dict__", None)
            if state:
                return (_REBUILD_PARAMETER_STATE, (t.detach(), t.requires_grad, OrderedDict(), dict(state)))
            return (_REBUILD_PARAMETER, (t.detach(), t.requires_grad, OrderedDict()))
        g, offset, stride = self.table.add(t)
        args = (_StorageRef(g), _Slot(g, offset), tuple(t.shape), stride, t.requires_grad, OrderedDict())
        if type(t) is not rtorch.Tensor:  # a user subclass: rebuilt as that class (and its attributes)
            return (_REBUILD_FROM_TYPE, (_REBUILD_V2, type(t), args, dict(getattr(t, "__dict__", {}) or {})))
        return (_REBUILD_V2, args)

    def save_named_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def save_dtype(self, obj):
        self.save_named_global(_dtype_global(obj))

    def save_slot(self, obj):
        self.write(pickle.LONG1 + b"\x08")
        self.patches.append((self.buf.tell(), obj))
        self.write(b"\0" * 8)

    dispatch[_Global] = save_named_global
    dispatch[_Slot] = save_slot


_TorchPickler.dispatch[type(rtorch.float32)] = _TorchPickler.save_dtype


def dumps_with_storages(obj, protocol=2, legacy=False):
    """Pickle ``obj`` as ``torch.save`` would; return ``(pickle bytes, StorageTable)``.

    ``legacy`` writes the persistent ids of PyTorch's pre-1.6 format (with a trailing view entry).
    """
    if not isinstance(protocol, int) or not 2 <= protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(f"rtorch.save: pickle_protocol must be between 2 and {pickle.HIGHEST_PROTOCOL}, got "
                         f"{protocol!r}")
    buf = io.BytesIO()
    table = StorageTable()
    pickler = _TorchPickler(buf, protocol, table, legacy)
    pickler.dump(obj)
    out = buf.getbuffer()
    for pos, slot in pickler.patches:
        out[pos:pos + 8] = slot.resolve().to_bytes(8, "little", signed=True)
    del out
    return buf.getvalue(), table
