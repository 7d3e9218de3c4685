"""PyTorch's checkpoint format since 1.6 (``torch.save``'s default): a zip archive of a pickle and storage records.

Layout (all records stored uncompressed under one directory, named after the file)::

    <archive>/data.pkl              the object, pickled (protocol 2); tensors refer to storages by key
    <archive>/data/<key>            one storage's raw bytes, in the byte order of <archive>/byteorder
    <archive>/byteorder             b"little" or b"big" (absent in old files: little)
    <archive>/.format_version, .storage_alignment, version, .data/serialization_id

A storage is named in the pickle by a persistent id ``("storage", torch.FloatStorage, "<key>", "cpu", numel)``.
"""
import hashlib
import io
import sys

from ._common import CheckpointError
from ._pickler import dumps_with_storages
from ._rebuild import LoadedStorage, StorageType, placement_scope
from ._unpickler import FullUnpickler, WeightsOnlyUnpickler
from ._zip_container import ZipReader, ZipWriter

__all__ = ["save_zip", "load_zip"]


def save_zip(obj, fh, archive, protocol=2, byteorder_record=True):
    """Write ``obj`` to the binary stream ``fh`` as a PyTorch zip checkpoint named ``archive``."""
    data_pkl, table = dumps_with_storages(obj, protocol)
    w = ZipWriter(fh, archive)
    w.write_record("data.pkl", data_pkl)
    w.write_record(".format_version", b"1")
    w.write_record(".storage_alignment", b"64")
    if byteorder_record:
        w.write_record("byteorder", sys.byteorder.encode("ascii"))
    digest = hashlib.sha1(data_pkl)
    for group in table.groups:
        data = group.data()
        w.write_record(f"data/{group.key}", data)
        digest.update(w.entries[-1][3].to_bytes(4, "little"))  # the record's CRC
    w.write_record("version", b"3\n")
    w.write_record(".data/serialization_id", str(int(digest.hexdigest(), 16) % 10**40).zfill(40).encode("ascii"))
    w.finish()


def parse_storage_pid(pid, where):
    """``(dtype, key, location, numel)`` from a ``("storage", type, key, location, numel[, view])`` id."""
    if not isinstance(pid, tuple) or len(pid) not in (5, 6):
        raise CheckpointError(f"rtorch.load: {where}: malformed storage id {pid!r:.200}")
    _, storage_type, key, location, numel = pid[:5]
    if not isinstance(storage_type, StorageType):
        raise CheckpointError(f"rtorch.load: {where}: {storage_type!r:.100} is not a storage type")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if not isinstance(key, str) or not isinstance(location, (str, bytes)):
        raise CheckpointError(f"rtorch.load: {where}: malformed storage id {pid!r:.200}")
    if not isinstance(numel, int) or isinstance(numel, bool) or numel < 0:
        raise CheckpointError(f"rtorch.load: {where}: storage {key!r:.100} has an invalid size {numel!r:.100}")
    location = location.decode("ascii", "replace") if isinstance(location, bytes) else location
    return storage_type.dtype, key, location, numel


def load_zip(fh, where, file_size, placement, weights_only, mapped=None, pickle_load_args=None):
    """Load the object of a PyTorch zip checkpoint.

    Args:
        fh: seekable binary file holding the archive from offset 0.
        where: the file's name for messages.
        file_size: its size in bytes.
        placement: a ``Placement`` (``map_location``).
        weights_only: use the restricted unpickler.
        mapped: for ``mmap=True``, a copy-on-write uint8 view of the whole file; storages view it in place.
        pickle_load_args: keyword arguments of ``pickle.Unpickler`` (``weights_only=False`` only).
    """
    archive = ZipReader(fh, where, file_size)
    if archive.has("constants.pkl"):
        raise CheckpointError(f"rtorch.load: {where}: this is a TorchScript archive (torch.jit.save), which rtorch "
                              "cannot load; load the state_dict saved with torch.save instead")
    byteorder = sys.byteorder
    if archive.has("byteorder"):
        order = archive.read("byteorder")
        if order not in (b"little", b"big"):
            raise CheckpointError(f"rtorch.load: {where}: Unknown endianness type: {order[:20]!r}")
        byteorder = order.decode()
    elif sys.byteorder == "big":
        byteorder = "little"  # PyTorch's default for files without the record
    storages = {}

    def persistent_load(pid):
        dtype, key, location, numel = parse_storage_pid(pid, where)
        nbytes = numel * dtype.itemsize
        storage = storages.get(key)
        if storage is None:
            name = f"data/{key}"
            start, size = archive.span(name)
            if size != nbytes:
                raise CheckpointError(f"rtorch.load: {where}: record {archive.prefix}{name} holds {size} bytes, but "
                                      f"its storage of {numel} x {dtype} needs {nbytes}")
            if mapped is not None and start % max(dtype.itemsize, 8) == 0:
                storage = LoadedStorage(key, dtype, mapped[start:start + size])
            else:
                storage = LoadedStorage.allocate(key, dtype, size)
                archive.read_into(name, storage.array)
            if byteorder != sys.byteorder:
                storage.byteswap()
            storage.device = placement.device_for(storage, location)
            storages[key] = storage
        elif storage.dtype != dtype:
            if storage.nbytes != nbytes:
                raise CheckpointError(f"rtorch.load: {where}: storage {key!r} is used as {storage.nbytes} bytes and "
                                      f"as {nbytes} bytes")
            storage = LoadedStorage(key, dtype, storage.array, storage.device)
        return storage

    data = io.BytesIO(archive.read("data.pkl"))
    args = dict(pickle_load_args or {})
    with placement_scope(placement):
        if weights_only:
            return WeightsOnlyUnpickler(data, persistent_load, encoding=args.get("encoding", "utf-8")).load()
        return FullUnpickler(data, persistent_load, **args).load()
