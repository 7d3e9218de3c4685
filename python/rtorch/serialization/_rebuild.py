"""Storages read from a checkpoint, device placement (``map_location``) and the ``torch._utils._rebuild_*`` functions.

A storage is one buffer of bytes (a record of the archive, owned or memory-mapped). Every tensor of the file is a
view of a storage: ``(storage, offset, size, stride)`` in elements of the tensor's dtype. Views are created
zero-copy over the buffer (``_rtorch._from_buffer``), so two tensors that shared a storage when saved share memory
again when loaded (a write through one is seen by the other). Every view is bounds-checked against its storage
first: a hostile file cannot make a tensor that reaches outside the bytes it was given.

Tensors whose destination is not the CPU are built on the CPU and copied there, one copy per tensor (sharing
between views is not kept on the device).
"""
import math
import threading

import numpy as np

import rtorch
from rtorch import _rtorch

from ._common import CheckpointError

__all__ = ["StorageType", "LoadedStorage", "Placement", "REBUILD_FUNCTIONS", "current_placement",
           "storage_type_from_name", "STORAGE_NAME_OF_DTYPE", "DTYPE_NAMES"]

_I64_MAX = 2**63 - 1
_MAX_NDIM = 64
_MAX_STRIDE = 2**60

# PyTorch's legacy storage classes (``torch.FloatStorage`` ...) name the element type of a storage record.
STORAGE_DTYPES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16", "BFloat16Storage": "bfloat16",
    "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8",
    "ByteStorage": "uint8", "BoolStorage": "bool", "UntypedStorage": "uint8",
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
}
STORAGE_NAME_OF_DTYPE = {v: k for k, v in STORAGE_DTYPES.items() if k != "UntypedStorage"}
# torch dtype names (canonical and aliases) that rtorch has
DTYPE_NAMES = {
    "float64": "float64", "double": "float64", "float32": "float32", "float": "float32", "float16": "float16",
    "half": "float16", "bfloat16": "bfloat16", "int64": "int64", "long": "int64", "int32": "int32", "int": "int32",
    "int16": "int16", "short": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
    "complex64": "complex64", "cfloat": "complex64", "complex128": "complex128", "cdouble": "complex128",
}


class StorageType:
    """What ``torch.FloatStorage`` & co. resolve to when unpickled: a storage record's element type."""

    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(torch.{self.name}, dtype={self.dtype})"

    def __call__(self, *args, **kwargs):
        raise TypeError(f"rtorch.load: torch.{self.name} cannot be constructed by rtorch (it only names the element "
                        "type of a storage record)")


_STORAGE_TYPES = {}


def storage_type_from_name(name):
    """The StorageType for ``"FloatStorage"`` etc., or None for storage kinds rtorch cannot hold."""
    st = _STORAGE_TYPES.get(name)
    if st is None and name in STORAGE_DTYPES:
        st = _STORAGE_TYPES[name] = StorageType(name, getattr(rtorch, STORAGE_DTYPES[name]))
    return st


def _aligned_empty(nbytes):
    """A writable uint8 array of ``nbytes`` whose address is 64-byte aligned (any dtype may view it)."""
    raw = np.empty(nbytes + 64, dtype=np.uint8)
    start = (-raw.ctypes.data) % 64
    return raw[start:start + nbytes]


class LoadedStorage:
    """The bytes of one storage record and where its tensors go.

    ``array`` is a writable 1-D uint8 NumPy array (a private buffer, or a slice of a copy-on-write map of the
    file); ``dtype`` is the element type the record was saved with; ``device`` the destination (None: the CPU).
    """

    __slots__ = ("key", "dtype", "array", "device", "_bools_checked")

    def __init__(self, key, dtype, array, device=None):
        self.key = key
        self.dtype = dtype
        self.array = array
        self.device = device
        self._bools_checked = False

    @staticmethod
    def allocate(key, dtype, nbytes, device=None):
        return LoadedStorage(key, dtype, _aligned_empty(nbytes), device)

    @property
    def nbytes(self):
        return self.array.nbytes

    def __len__(self):
        return self.nbytes // self.dtype.itemsize

    def __repr__(self):
        return f"<rtorch.load storage {self.key!r}: {len(self)} x {self.dtype}>"

    def byteswap(self):
        """Convert the record from the other byte order in place (elements of this storage's dtype)."""
        size = self.dtype.itemsize
        if size > 1 and self.nbytes:
            self.array.view(f"u{size}").byteswap(inplace=True)

    def cpu_tensor(self):
        """A 1-D CPU tensor of this storage's dtype over the whole record (what a ``map_location`` callable gets)."""
        return self.view(self.dtype, 0, (len(self),), (1,), "storage")

    def view(self, dtype, offset, size, stride, what):
        """A CPU tensor viewing this storage, after checking that every element it reaches lies inside it."""
        size, stride, offset = _check_geometry(size, stride, offset, what)
        item = dtype.itemsize
        numel = math.prod(size)
        if numel > _I64_MAX:
            raise CheckpointError(f"rtorch.load: {what}: size {list(size)} has more elements than fit in 64 bits")
        capacity = self.nbytes // item
        base = self.array.ctypes.data
        if numel:
            last = offset + sum((n - 1) * s for n, s in zip(size, stride))
            if last >= capacity:
                raise CheckpointError(
                    f"rtorch.load: {what}: a tensor of size {list(size)}, stride {list(stride)} at offset {offset} "
                    f"reaches element {last}, but its storage {self.key!r} holds {capacity} elements of {dtype}")
            base += offset * item
            if dtype is rtorch.bool:
                self._normalise_bools()
        if base % item:
            raise CheckpointError(f"rtorch.load: {what}: storage {self.key!r} is not aligned for {dtype}")
        return _rtorch._from_buffer(self.array, base, list(size), [s * item for s in stride], dtype)

    def _normalise_bools(self):
        # rtorch's bool kernels read bytes as Rust bools, which must be 0 or 1
        if not self._bools_checked:
            if self.nbytes and int(self.array.max()) > 1:
                np.minimum(self.array, 1, out=self.array)
            self._bools_checked = True


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _check_geometry(size, stride, offset, what):
    if not isinstance(size, (tuple, list)) or not isinstance(stride, (tuple, list)):
        raise CheckpointError(f"rtorch.load: {what}: size and stride must be tuples, got {type(size).__name__} and "
                              f"{type(stride).__name__}")
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise CheckpointError(f"rtorch.load: {what}: size {list(size)!r:.200} and stride {list(stride)!r:.200} "
                              "have different lengths")
    if len(size) > _MAX_NDIM:
        raise CheckpointError(f"rtorch.load: {what}: {len(size)} dimensions (at most {_MAX_NDIM} are supported)")
    if not all(_is_int(n) and 0 <= n <= _I64_MAX for n in size):
        raise CheckpointError(f"rtorch.load: {what}: size must hold non-negative integers, got {size!r:.200}")
    if not all(_is_int(s) and 0 <= s <= _MAX_STRIDE for s in stride):
        raise CheckpointError(f"rtorch.load: {what}: stride must hold non-negative integers below 2**60, "
                              f"got {stride!r:.200}")
    if not _is_int(offset) or not 0 <= offset <= _I64_MAX:
        raise CheckpointError(f"rtorch.load: {what}: storage offset must be a non-negative integer, got "
                              f"{offset!r:.100}")
    return size, stride, offset


# ------------------------------------------------------------------------------------------ device placement
class Placement:
    """Decides each storage's device from its saved location tag and ``map_location`` (PyTorch's rules).

    ``map_location`` is None (the saved device), a device or string (everything there), a dict (remaps location
    tags, e.g. ``{"cuda:1": "cuda:0"}``) or a callable ``f(storage, location)`` that gets the storage as a 1-D
    CPU tensor and returns None (default placement) or a tensor whose device is used.
    """

    def __init__(self, map_location):
        if isinstance(map_location, bytes):
            map_location = map_location.decode("ascii")
        if not (map_location is None or isinstance(map_location, (str, dict, rtorch.device))
                or callable(map_location)):
            raise TypeError(f"rtorch.load: map_location must be a device, a string, a dict or a callable, got "
                            f"{type(map_location).__name__}")
        self.map_location = map_location

    def device_for(self, storage, location):
        """The destination device of ``storage`` (a LoadedStorage) saved at ``location``; None for the CPU."""
        return self.device_for_tensor(storage.cpu_tensor, location)

    def device_for_tensor(self, make_tensor, location):
        """The destination of data saved at ``location``; ``make_tensor()`` gives it to a callable map_location."""
        ml = self.map_location
        if ml is None:
            return _restore(location)
        if isinstance(ml, (str, rtorch.device)):
            return _restore(str(ml))
        if isinstance(ml, dict):
            return _restore(ml.get(location, location))
        result = ml(make_tensor(), location)
        if result is None:
            return _restore(location)
        if not isinstance(result, rtorch.Tensor):
            raise TypeError(f"rtorch.load: map_location returned {type(result).__name__}; expected None or a "
                            "tensor on the wanted device")
        return None if result.device.type == "cpu" else result.device


def _restore(location):
    """PyTorch's ``default_restore_location``: 'cpu' -> None, 'cuda[:N]' -> that device (checked)."""
    if isinstance(location, bytes):
        location = location.decode("ascii")
    if isinstance(location, rtorch.device):
        location = str(location)
    if not isinstance(location, str):
        raise CheckpointError(f"rtorch.load: storage location must be a string, got {location!r:.100}")
    if location == "cpu":
        return None
    if location == "cuda" or location.startswith("cuda:"):
        index = 0 if location == "cuda" else location[5:]
        if not rtorch.cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but rtorch.cuda.is_available() is False. If you "
                "are running on a CPU-only machine, please use rtorch.load with map_location=rtorch.device('cpu') "
                "to map your storages to the CPU.")
        if not str(index).isdigit():
            raise RuntimeError(f"rtorch.load: invalid CUDA device {location!r}")
        count = rtorch.cuda.device_count()
        if int(index) >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {index} but rtorch.cuda.device_count() is {count}. "
                "Please use rtorch.load with map_location to map your storages to an existing device.")
        return rtorch.device(f"cuda:{int(index)}")
    raise RuntimeError(f"don't know how to restore data location of a storage (tagged with {location!r:.100}); "
                       "rtorch places tensors on 'cpu' or 'cuda[:N]' (use map_location)")


_tls = threading.local()


def current_placement():
    """The Placement of the ``rtorch.load`` running on this thread (for rebuilds that name a device)."""
    return getattr(_tls, "placement", None) or Placement(None)


class placement_scope:
    """``with placement_scope(p):`` makes ``p`` the current placement for the rebuild functions."""

    def __init__(self, placement):
        self.placement = placement

    def __enter__(self):
        self.prev = getattr(_tls, "placement", None)
        _tls.placement = self.placement

    def __exit__(self, *exc):
        _tls.placement = self.prev


# --------------------------------------------------------------------------------------- rebuild functions
def _finish(t, device, requires_grad):
    if requires_grad and not t.dtype.is_floating_point:
        raise CheckpointError(f"rtorch.load: a tensor of dtype {t.dtype} is marked requires_grad, but only floating "
                              "point tensors can require gradients")
    if device is not None:
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _storage_arg(storage, fn):
    if not isinstance(storage, LoadedStorage):
        raise CheckpointError(f"rtorch.load: {fn} expects a storage as its first argument, got "
                              f"{type(storage).__name__}")
    return storage


def _check_metadata(metadata, fn):
    if not metadata:
        return
    try:
        values = dict(metadata).values()
    except (TypeError, ValueError):
        raise CheckpointError(f"rtorch.load: {fn}: expected tensor metadata as a dict, got "
                              f"{type(metadata).__name__} {metadata!r:.100}") from None
    if any(bool(v) for v in values):
        raise CheckpointError(f"rtorch.load: {fn}: tensor metadata {metadata!r:.100} (conjugate/negative bits of "
                              "complex tensors) is not supported")


def _rebuild_tensor(storage, storage_offset, size, stride):
    s = _storage_arg(storage, "_rebuild_tensor")
    return _finish(s.view(s.dtype, storage_offset, size, stride, f"tensor on storage {s.key!r}"), s.device, False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    s = _storage_arg(storage, "_rebuild_tensor_v2")
    _check_metadata(metadata, "_rebuild_tensor_v2")
    t = s.view(s.dtype, storage_offset, size, stride, f"tensor on storage {s.key!r}")
    return _finish(t, s.device, bool(requires_grad))


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    s = _storage_arg(storage, "_rebuild_tensor_v3")
    _check_metadata(metadata, "_rebuild_tensor_v3")
    if not isinstance(dtype, rtorch.dtype):
        raise CheckpointError(f"rtorch.load: _rebuild_tensor_v3: expected a dtype, got {dtype!r:.100}")
    t = s.view(dtype, storage_offset, size, stride, f"tensor on storage {s.key!r}")
    return _finish(t, s.device, bool(requires_grad))


def _rebuild_parameter(data, requires_grad, backward_hooks):
    if not isinstance(data, rtorch.Tensor):
        raise CheckpointError(f"rtorch.load: _rebuild_parameter expects a tensor, got {type(data).__name__}")
    return rtorch.nn.Parameter(data.detach() if data.requires_grad else data, bool(requires_grad))


def _set_obj_state(obj, state):
    if isinstance(state, tuple):
        if len(state) != 2:
            raise CheckpointError(f"rtorch.load: invalid serialized state {state!r:.100}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for part in (dict_state, slots_state):
        if part:
            for k, v in dict(part).items():
                if not isinstance(k, str) or k.startswith("__"):
                    raise CheckpointError(f"rtorch.load: cannot restore attribute {k!r:.100} (names must be strings "
                                          "and not dunder names)")
                setattr(obj, k, v)
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    if not (isinstance(new_type, type) and issubclass(new_type, rtorch.Tensor)):
        raise CheckpointError(f"rtorch.load: _rebuild_from_type_v2: {new_type!r:.100} is not a tensor class")
    if not isinstance(args, tuple):
        raise CheckpointError("rtorch.load: _rebuild_from_type_v2: arguments must be a tuple")
    ret = func(*args)
    if type(ret) is not new_type and isinstance(ret, rtorch.Tensor):
        ret = rtorch.Tensor._make_subclass(new_type, ret.detach(), ret.requires_grad)
    return _set_obj_state(ret, state) if state else ret


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    if not isinstance(data, rtorch.Tensor):
        raise CheckpointError(f"rtorch.load: expected a tensor, got {type(data).__name__}")
    dev = current_placement().device_for_tensor(lambda: data, str(device))
    return _finish(data.detach().to(dtype), dev, bool(requires_grad))


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    if not isinstance(data, np.ndarray):
        raise CheckpointError(f"rtorch.load: expected a NumPy array, got {type(data).__name__}")
    return _rebuild_device_tensor_from_cpu_tensor(rtorch.from_numpy(np.ascontiguousarray(data)), dtype, device,
                                                  requires_grad)


def _unsupported(kind):
    def rebuild(*args, **kwargs):
        raise CheckpointError(f"rtorch.load: the checkpoint holds {kind}, which rtorch does not support")
    rebuild.__name__ = f"_unsupported_{kind.replace(' ', '_')}"
    return rebuild


def _get_layout(name):
    if name != "torch.strided":
        raise CheckpointError(f"rtorch.load: layout {name!r:.100} is not supported (rtorch tensors are strided)")
    return getattr(rtorch, "strided", name)


REBUILD_FUNCTIONS = {
    "torch._utils._rebuild_tensor": _rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
    "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": _rebuild_device_tensor_from_cpu_tensor,
    "torch._utils._rebuild_device_tensor_from_numpy": _rebuild_device_tensor_from_numpy,
    "torch._utils._rebuild_xla_tensor": _rebuild_device_tensor_from_numpy,
    "torch._utils._rebuild_qtensor": _unsupported("quantized tensors"),
    "torch._utils._rebuild_sparse_tensor": _unsupported("sparse tensors"),
    "torch._utils._rebuild_meta_tensor_no_storage": _unsupported("meta tensors"),
    "torch._utils._rebuild_wrapper_subclass": _unsupported("tensor wrapper subclasses"),
    "torch._utils._rebuild_nested_tensor": _unsupported("nested tensors"),
    "torch.serialization._get_layout": _get_layout,
}
