"""Storage objects (``torch.UntypedStorage``, the legacy ``torch.TypedStorage``) and the Tensor methods that expose
or replace a tensor's storage (``untyped_storage``, ``storage``, ``set_``). An ``UntypedStorage`` holds a uint8
tensor over every byte of the storage (``Tensor._storage_bytes``), so reads and writes through it are those of
every tensor on that storage. rtorch storages have a fixed size: ``resize_`` and a ``set_`` that reaches past the
end raise instead of reallocating."""
from __future__ import annotations

import warnings

import rtorch

__all__ = ["UntypedStorage", "TypedStorage"]


def _device_name(t):
    return str(t.device)


class UntypedStorage:
    """The bytes behind tensors (``torch.UntypedStorage``).

    ``UntypedStorage(n)`` allocates ``n`` zeroed bytes, ``UntypedStorage(seq)`` copies a sequence of byte values;
    ``tensor.untyped_storage()`` is the storage a tensor views (shared: writes through one are seen by the other).

    Example::

        >>> x = rtorch.zeros(2)
        >>> s = x.untyped_storage()
        >>> s.nbytes(), s[0]
        (8, 0)
    """

    def __init__(self, *args, device=None):
        dev = "cpu" if device is None else device
        if not args:
            self._bytes = rtorch.zeros(0, dtype=rtorch.uint8, device=dev)
        elif len(args) == 1 and isinstance(args[0], int) and not isinstance(args[0], bool):
            if args[0] < 0:
                raise RuntimeError(f"Storage size must be non-negative, got {args[0]}")
            self._bytes = rtorch.zeros(args[0], dtype=rtorch.uint8, device=dev)
        elif len(args) == 1 and hasattr(args[0], "__len__"):
            self._bytes = rtorch.tensor(list(args[0]), dtype=rtorch.uint8, device=dev)
        else:
            raise TypeError(f"UntypedStorage(): expected a size (int) or a sequence of ints, got "
                            f"{tuple(type(a).__name__ for a in args)}")

    @classmethod
    def _from_bytes(cls, byte_tensor):
        """A storage object over ``byte_tensor`` (a 1-D uint8 tensor), sharing its memory."""
        obj = cls.__new__(cls)
        obj._bytes = byte_tensor
        return obj

    @classmethod
    def _of(cls, tensor):
        return cls._from_bytes(tensor._storage_bytes())

    # --- size and identity ---
    def nbytes(self):
        """The number of bytes."""
        return self._bytes.shape[0]

    def size(self):
        """The number of bytes (an untyped storage's elements are bytes)."""
        return self.nbytes()

    def __len__(self):
        return self.nbytes()

    def element_size(self):
        """Returns 1: the elements are bytes."""
        return 1

    def data_ptr(self):
        """The address of the first byte."""
        return self._bytes.data_ptr()

    @property
    def device(self):
        """The storage's device."""
        return self._bytes.device

    @property
    def is_cuda(self):
        """Whether the storage is on a CUDA device."""
        return self._bytes.device.type == "cuda"

    def is_shared(self):
        """Whether the storage is in shared memory (CUDA storages count as shared, as in PyTorch)."""
        return self._bytes.is_shared()

    def share_memory_(self):
        """Move the storage to shared memory (in place; tensors on it follow)."""
        self._bytes.share_memory_()
        return self

    def untyped(self):
        """This storage."""
        return self

    # --- elements ---
    def __getitem__(self, idx):
        if isinstance(idx, slice):
            start, stop, step = idx.indices(self.nbytes())
            if step != 1:
                raise RuntimeError(f"Trying to slice with a step of {step}, but only a step of 1 is supported")
            return UntypedStorage._from_bytes(self._bytes[start:stop])
        return int(self._bytes[idx])

    def __setitem__(self, idx, value):
        self._bytes[idx] = value

    def tolist(self):
        """The bytes as a list of ints."""
        return self._bytes.tolist()

    def fill_(self, value):
        """Set every byte to ``value``."""
        self._bytes.fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        """Copy the bytes of ``source`` (a storage of the same size) into this storage."""
        src = source._bytes if isinstance(source, UntypedStorage) else source.untyped()._bytes
        if src.shape[0] != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src was {src.shape[0]} bytes")
        self._bytes.copy_(src)
        return self

    def clone(self):
        """A copy in new memory."""
        return UntypedStorage._from_bytes(self._bytes.clone())

    def cpu(self):
        """This storage on the CPU (a copy when it is elsewhere)."""
        return self if self._bytes.device.type == "cpu" else UntypedStorage._from_bytes(self._bytes.cpu())

    def cuda(self, device=None, non_blocking=False):
        """This storage on a CUDA device (a copy when it is elsewhere)."""
        return UntypedStorage._from_bytes(self._bytes.cuda(device))

    def to(self, *, device=None, non_blocking=False):
        """This storage on ``device``."""
        return UntypedStorage._from_bytes(self._bytes.to(device))

    def resize_(self, size):
        """Raises ``RuntimeError`` for a new size: rtorch storages have a fixed size (PyTorch's non-resizable case)."""
        if size == self.nbytes():
            return self
        raise RuntimeError("Trying to resize storage that is not resizable")

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        head = f"[rtorch.storage.UntypedStorage(device={_device_name(self._bytes)}) of size {self.nbytes()}]"
        return f"{body}\n{head}" if body else head


class TypedStorage:
    """The legacy typed view of a storage (``torch.TypedStorage``).

    What ``tensor.storage()`` returns: elements of ``dtype`` over an :class:`UntypedStorage`.

    Example::

        >>> s = rtorch.tensor([1.0, 2.0]).storage()  # doctest: +SKIP
        >>> s.dtype, s.tolist()
        (rtorch.float32, [1.0, 2.0])
    """

    def __init__(self, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        if not _internal:
            _warn_typed_storage()
        self.dtype = rtorch.get_default_dtype() if dtype is None else dtype
        if wrap_storage is not None:
            self._untyped_storage = wrap_storage
        elif len(args) == 1 and isinstance(args[0], int):
            item = rtorch.empty(0, dtype=self.dtype).element_size()
            self._untyped_storage = UntypedStorage(args[0] * item, device=device)
        elif len(args) == 1:
            t = rtorch.tensor(list(args[0]), dtype=self.dtype, device=device)
            self._untyped_storage = UntypedStorage._of(t)
        else:
            self._untyped_storage = UntypedStorage(device=device)

    def _typed(self):
        """A 1-D tensor of ``dtype`` over the bytes (sharing them)."""
        b = self._untyped_storage._bytes
        item = self.element_size()
        if b.storage_offset() % item:
            raise RuntimeError(f"a {self.dtype} storage must start at a multiple of {item} bytes")
        return rtorch.empty(0, dtype=self.dtype, device=b.device)._set_storage_view(
            b, [b.shape[0] // item], [1], b.storage_offset() // item)

    def size(self):
        """The number of ``dtype`` elements."""
        return self._untyped_storage.nbytes() // self.element_size()

    def __len__(self):
        return self.size()

    def element_size(self):
        """Bytes per element."""
        return rtorch.empty(0, dtype=self.dtype).element_size()

    def nbytes(self):
        """The number of bytes."""
        return self._untyped_storage.nbytes()

    def data_ptr(self):
        """The address of the first element."""
        return self._untyped_storage.data_ptr()

    @property
    def device(self):
        """The storage's device."""
        return self._untyped_storage.device

    @property
    def is_cuda(self):
        """Whether the storage is on a CUDA device."""
        return self._untyped_storage.is_cuda

    def untyped(self):
        """The underlying :class:`UntypedStorage`."""
        return self._untyped_storage

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return TypedStorage(wrap_storage=UntypedStorage._of(self._typed()[idx]), dtype=self.dtype,
                                _internal=True)
        return self._typed()[idx].item()

    def __setitem__(self, idx, value):
        self._typed()[idx] = value

    def tolist(self):
        """The elements as a list."""
        return self._typed().tolist()

    def fill_(self, value):
        """Set every element to ``value``."""
        self._typed().fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        """Copy ``source``'s elements into this storage."""
        src = source._typed() if isinstance(source, TypedStorage) else source
        self._typed().copy_(src)
        return self

    def clone(self):
        """A copy in new memory."""
        return TypedStorage(wrap_storage=self._untyped_storage.clone(), dtype=self.dtype, _internal=True)

    def cpu(self):
        """This storage on the CPU."""
        return TypedStorage(wrap_storage=self._untyped_storage.cpu(), dtype=self.dtype, _internal=True)

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        dt = str(self.dtype).replace("rtorch.", "torch.")
        head = f"[rtorch.storage.TypedStorage(dtype={dt}, device={self.device}) of size {self.size()}]"
        return f"{body}\n{head}" if body else head


_warned = []


def _warn_typed_storage():
    if not _warned or rtorch.is_warn_always_enabled():
        _warned.append(True)
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
                      "only storage class. This should only matter to you if you are using storages directly.  To "
                      "access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=3)


# ------------------------------------------------------------- Tensor methods ------------------------------------------
def untyped_storage(self):
    """The :class:`UntypedStorage` this tensor views (shared with every tensor on the same memory).

    Example::

        >>> x = rtorch.zeros(3)
        >>> x.untyped_storage().nbytes()
        12
    """
    return UntypedStorage._of(self)


def storage(self):
    """The tensor's storage as a :class:`TypedStorage` of its dtype (deprecated in PyTorch: warns once).

    Example::

        >>> rtorch.tensor([1.0, 2.0]).storage().tolist()  # doctest: +SKIP
        [1.0, 2.0]
    """
    _warn_typed_storage()
    return TypedStorage(wrap_storage=UntypedStorage._of(self), dtype=self.dtype, _internal=True)


def _contiguous_strides(size):
    strides, acc = [], 1
    for d in reversed(size):
        strides.append(acc)
        acc *= max(d, 1)
    return list(reversed(strides))


def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Makes this tensor view ``source``'s memory, in place.

    ``source`` is another tensor (its storage, size, stride and offset), a storage (:class:`UntypedStorage`/
    :class:`TypedStorage`) with ``storage_offset``/``size``/``stride`` (a 1-D view of the whole storage by default),
    or nothing (an empty storage).

    Args:
        source (Tensor or storage, optional): the memory to view; same dtype for a tensor.
        storage_offset (int): the first element's offset, in elements of this tensor's dtype.
        size (sequence of ints, optional): the new shape.
        stride (sequence of ints, optional): the new strides (contiguous by default).

    Example::

        >>> x = rtorch.arange(4.0)
        >>> y = rtorch.empty(0).set_(x.untyped_storage(), 1, (2,), (1,))
        >>> y
        tensor([1., 2.])
    """
    if source is None:
        if size is not None or stride is not None or storage_offset:
            raise TypeError("set_() with no source takes no other arguments")
        empty = rtorch.empty(0, dtype=self.dtype, device=self.device)
        return self._set_storage_view(empty, [0], [1], 0)
    if isinstance(source, rtorch.Tensor):
        if source.dtype != self.dtype:
            raise RuntimeError(f"Could not set tensor of type {_c_name(source.dtype)} to a tensor of type "
                               f"{_c_name(self.dtype)}")
        if size is None:
            return self._set_storage_view(source, list(source.shape), list(source.stride()), source.storage_offset()
                                          if storage_offset == 0 else storage_offset)
        holder = source
    elif isinstance(source, (UntypedStorage, TypedStorage)):
        untyped = source.untyped()
        holder = untyped._bytes
        if isinstance(source, TypedStorage) and source.dtype != self.dtype:
            raise RuntimeError(f"Expected a Storage of type {_c_name(self.dtype)} or an UntypedStorage, but got type "
                               f"{_c_name(source.dtype)}")
        if size is None:
            size = [untyped.nbytes() // self.element_size()]
    else:
        raise TypeError(f"set_(): argument 'source' must be Tensor or Storage, not {type(source).__name__}")
    size = [int(d) for d in size]
    stride = _contiguous_strides(size) if stride is None else [int(s) for s in stride]
    return self._set_storage_view(holder, size, stride, int(storage_offset))


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _c_name(dtype):
    name = str(dtype).split(".")[-1]
    return _C_NAMES.get(name, name)


rtorch.Tensor.untyped_storage = untyped_storage
rtorch.Tensor.storage = storage
rtorch.Tensor.set_ = set_
