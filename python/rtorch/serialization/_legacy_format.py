"""PyTorch's checkpoint formats before 1.6: the pickle stream (0.4 - 1.5) and the tar archive (before 0.4).

Pickle stream (``torch.save(..., _use_new_zipfile_serialization=False)``), five pickles and raw data in a row::

    MAGIC_NUMBER, PROTOCOL_VERSION (1001), sys_info dict     three small pickles
    the object                                               storages named ("storage", type, key, loc, numel, view)
    [key, ...]                                               the storage keys, in the order of the data below
    per key: int64 element count, then the elements          little-endian

The object comes before the storage bytes, and finding a storage's bytes needs the element sizes of the storages
before it, so the object is first walked symbolically (``SurveyUnpickler``: nothing is built or called) to learn
each storage's dtype; then the bytes are read; then the object is unpickled for real with every storage ready.

Tar archive: members ``storages`` (count, then per storage a pickled (key, location, type) and its count and
bytes), ``tensors`` (per tensor its key, storage key, dims, sizes, strides, offset) and ``pickle`` (the object,
naming tensors by key). PyTorch refuses ``weights_only=True`` for it, and so does rtorch.
"""
import io
import struct
import sys
import tarfile

from ._common import UNSAFE_MESSAGE, CheckpointError, read_exact, read_into
from ._names import storage_global
from ._pickler import dumps_with_storages
from ._rebuild import LoadedStorage, StorageType, _rebuild_tensor, placement_scope
from ._unpickler import FullUnpickler, SurveyUnpickler, WeightsOnlyUnpickler, symbol_name
from ._zip_format import parse_storage_pid

__all__ = ["save_legacy", "load_legacy_pickle", "load_legacy_tar", "looks_like_tar", "MAGIC_NUMBER"]

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def save_legacy(obj, fh, protocol=2):
    """Write ``obj`` in PyTorch's pre-1.6 pickle-stream format."""
    import pickle

    data_pkl, table = dumps_with_storages(obj, protocol, legacy=True)
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": struct.calcsize("l")}}
    for x in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        fh.write(pickle.dumps(x, protocol=protocol))
    fh.write(data_pkl)
    fh.write(pickle.dumps([g.key for g in table.groups], protocol=protocol))
    for g in table.groups:
        fh.write(struct.pack("<q", g.numel))
        data = g.data()
        if sys.byteorder != "little" and g.dtype.itemsize > 1:  # the format is little-endian
            import numpy as np

            data = np.frombuffer(data, f"u{g.dtype.itemsize}").byteswap().tobytes()
        fh.write(data)


def _small_pickle(fh, where, what, size=None):
    try:
        return WeightsOnlyUnpickler(fh, _no_storages(where), size=size).load()
    except CheckpointError:
        raise
    except Exception as e:
        raise CheckpointError(f"rtorch.load: {where}: cannot read the {what} of a legacy checkpoint ({e})") from None


def _no_storages(where):
    def refuse(pid):
        raise CheckpointError(f"rtorch.load: {where}: unexpected storage reference in a legacy checkpoint header")
    return refuse


def load_legacy_pickle(fh, where, file_size, placement, weights_only, pickle_load_args=None):
    """Load a pre-1.6 pickle-stream checkpoint from ``fh`` (seekable, positioned at its start)."""
    magic = _small_pickle(fh, where, "magic number", file_size)
    if magic != MAGIC_NUMBER:
        raise CheckpointError(f"rtorch.load: {where}: Invalid magic number; corrupt file?")
    version = _small_pickle(fh, where, "protocol version", file_size)
    if version != PROTOCOL_VERSION:
        raise CheckpointError(f"rtorch.load: {where}: Invalid protocol version: {version!r:.50}")
    _small_pickle(fh, where, "system information", file_size)

    object_start = fh.tell()
    survey = SurveyUnpickler(fh, size=file_size)
    survey.load()
    dtypes = {}  # storage key -> (dtype, numel, location) from the object's storage ids
    for pid in survey.pids:
        if isinstance(pid, tuple) and pid and pid[0] in ("module", b"module"):
            continue  # a whole module's class (with its source), resolved when unpickling for real
        if not isinstance(pid, tuple) or len(pid) != 6 or pid[0] not in ("storage", b"storage"):
            raise CheckpointError(f"rtorch.load: {where}: malformed storage id {pid!r:.200}")
        name = symbol_name(pid[1]) or ""
        module, _, cls = name.rpartition(".")
        st = storage_global(module, cls)
        if not isinstance(st, StorageType):
            raise CheckpointError(f"rtorch.load: {where}: {name!r:.100} is not a storage type")
        dtype, key, location, numel = parse_storage_pid((pid[0], st) + pid[2:5], where)
        known = dtypes.setdefault(key, (dtype, numel, location))
        if known[:2] != (dtype, numel):
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r} is described twice differently")

    keys = _small_pickle(fh, where, "storage key list", file_size)
    if not isinstance(keys, list) or not all(isinstance(k, (str, int)) for k in keys):
        raise CheckpointError(f"rtorch.load: {where}: the storage key list is malformed")
    storages = {}
    for key in map(str, keys):
        if key not in dtypes:
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r:.100} has data but no tensor uses it")
        if key in storages:
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r:.100} is listed twice")
        dtype, numel, location = dtypes[key]
        count = struct.unpack("<q", read_exact(fh, 8, where, f"the size of storage {key!r}"))[0]
        if count != numel:
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r} has {count} elements in the file but "
                                  f"{numel} in its description")
        nbytes = numel * dtype.itemsize
        if nbytes > file_size - fh.tell():
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r} claims {nbytes} bytes, more than the rest "
                                  "of the file")
        storage = LoadedStorage.allocate(key, dtype, nbytes)
        read_into(fh, storage.array, where, f"storage {key!r}")
        if sys.byteorder != "little":
            storage.byteswap()
        storages[key] = storage
    missing = set(dtypes) - set(storages)
    if missing:
        raise CheckpointError(f"rtorch.load: {where}: no data for storage(s) {sorted(missing)[:5]}")
    for key, storage in storages.items():
        storage.device = placement.device_for(storage, dtypes[key][2])

    views = {}

    def persistent_load(pid):
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] in ("module", b"module"):
            return pid[1]  # ("module", class, source file, source); PyTorch only warns when the source changed
        dtype, key, _, _ = parse_storage_pid(pid, where)
        storage = storages[key]
        if dtype != storage.dtype:
            raise CheckpointError(f"rtorch.load: {where}: storage {key!r} is used with two dtypes")
        view = pid[5] if len(pid) > 5 else None
        if view is None:
            return storage
        if not (isinstance(view, tuple) and len(view) == 3):
            raise CheckpointError(f"rtorch.load: {where}: malformed storage view {view!r:.100}")
        view_key, offset, size = view
        if view_key not in views:
            item = dtype.itemsize
            if not (isinstance(offset, int) and isinstance(size, int) and 0 <= offset and 0 <= size
                    and (offset + size) * item <= storage.nbytes):
                raise CheckpointError(f"rtorch.load: {where}: storage view {view!r:.100} is outside storage {key!r}")
            views[view_key] = LoadedStorage(view_key, dtype, storage.array[offset * item:(offset + size) * item],
                                            storage.device)
        return views[view_key]

    end = fh.tell()
    fh.seek(object_start)
    args = dict(pickle_load_args or {})
    with placement_scope(placement):
        if weights_only:
            result = WeightsOnlyUnpickler(fh, persistent_load, encoding=args.get("encoding", "utf-8"),
                                          size=file_size).load()
        else:
            result = FullUnpickler(fh, persistent_load, **args).load()
    fh.seek(end)
    return result


def looks_like_tar(head):
    """A POSIX/GNU tar header: "ustar" at byte 257."""
    return len(head) >= 262 and head[257:262] == b"ustar"


def load_legacy_tar(fh, where, placement, weights_only, pickle_load_args=None):
    """Load a tar-format checkpoint (PyTorch before 0.4); ``weights_only=False`` only, as in PyTorch."""
    if weights_only:
        raise RuntimeError("Cannot use ``weights_only=True`` with files saved in the legacy .tar format. "
                           + UNSAFE_MESSAGE)
    args = dict(pickle_load_args or {})
    try:
        tar = tarfile.open(fileobj=fh, mode="r:")
        members = {m: tar.extractfile(m) for m in ("storages", "tensors", "pickle")}
    except (tarfile.TarError, KeyError, OSError, EOFError) as e:
        raise CheckpointError(f"rtorch.load: {where}: not a readable tar checkpoint ({e})") from None
    if any(m is None for m in members.values()):
        raise CheckpointError(f"rtorch.load: {where}: tar checkpoint members must be regular files")
    objects = {}

    def full(f):
        return FullUnpickler(f, _no_storages(where), **args).load()

    with placement_scope(placement):
        f = io.BytesIO(members["storages"].read())
        for _ in range(int(full(f))):
            key, location, storage_type = full(f)
            if not isinstance(storage_type, StorageType):
                raise CheckpointError(f"rtorch.load: {where}: {storage_type!r:.100} is not a storage type")
            count = struct.unpack("<q", read_exact(f, 8, where, "a storage size"))[0]
            nbytes = count * storage_type.dtype.itemsize
            if not 0 <= nbytes <= len(f.getbuffer()) - f.tell():
                raise CheckpointError(f"rtorch.load: {where}: storage {key!r:.50} claims {nbytes} bytes")
            storage = LoadedStorage.allocate(str(key), storage_type.dtype, nbytes)
            read_into(f, storage.array, where, f"storage {key!r:.50}")
            storage.device = placement.device_for(storage, location)
            objects[key] = storage
        for target, root, offset, numel in full(f):
            s = objects[root]
            item = s.dtype.itemsize
            objects[target] = LoadedStorage(str(target), s.dtype, s.array[offset * item:(offset + numel) * item],
                                            s.device)
        f = io.BytesIO(members["tensors"].read())
        for _ in range(int(full(f))):
            key, storage_id, _original_type = full(f)
            ndim = struct.unpack("<i", read_exact(f, 4, where, "a tensor's dimension count"))[0]
            if not 0 <= ndim <= 64:
                raise CheckpointError(f"rtorch.load: {where}: tensor {key!r:.50} has {ndim} dimensions")
            read_exact(f, 4, where, "padding")
            size = struct.unpack(f"<{ndim}q", read_exact(f, 8 * ndim, where, "a tensor's sizes"))
            stride = struct.unpack(f"<{ndim}q", read_exact(f, 8 * ndim, where, "a tensor's strides"))
            offset = struct.unpack("<q", read_exact(f, 8, where, "a tensor's offset"))[0]
            objects[key] = _rebuild_tensor(objects[storage_id], offset, size, stride)

        def persistent_load(saved_id):
            if isinstance(saved_id, tuple):  # a module class with its source; the class is what is wanted
                return saved_id[0]
            return objects[int(saved_id)]

        return FullUnpickler(io.BytesIO(members["pickle"].read()), persistent_load, **args).load()
