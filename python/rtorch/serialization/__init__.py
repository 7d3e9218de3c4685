"""``rtorch.save`` / ``rtorch.load``: PyTorch's checkpoint formats and safetensors.

Formats (``rtorch.load`` tells them apart by their first bytes, never by the file name):

* **PyTorch zip** (``torch.save``'s format since 1.6; what ``rtorch.save`` writes by default): a zip archive of a
  pickle plus one raw record per storage (``_zip_format.py``). ``torch.load`` reads rtorch's files and
  ``rtorch.load`` reads PyTorch's, with shared storages, views, offsets, strides and every real dtype kept.
* **PyTorch legacy** (before 1.6): the pickle stream and the tar archive (``_legacy_format.py``).
* **safetensors** (``rtorch.save(obj, "x.safetensors")`` or ``format="safetensors"``): JSON header plus raw
  tensors, never pickled (``_safetensors.py``).

Pickles are read like ``torch.load`` reads them: with ``weights_only=True`` (the default, as in PyTorch since 2.6)
through a restricted unpickler that only rebuilds tensors, storages, dtypes, devices, ``OrderedDict`` and plain
values, plus the globals allowed with :func:`add_safe_globals`; anything else is refused with
``pickle.UnpicklingError`` naming the global, and no code from the file runs. ``weights_only=False`` loads
arbitrary pickles (whole modules, NumPy arrays, user classes): only for trusted files. A malformed file raises
:class:`CheckpointError` (a RuntimeError and a ValueError).
"""
import io
import os
import pickle
import stat
import warnings

from . import _copyreg  # noqa: F401  (registers pickle support for dtypes and devices)
from ._atomic import atomic_write
from ._common import CheckpointError, describe
from ._legacy_format import load_legacy_pickle, load_legacy_tar, looks_like_tar, save_legacy
from ._rebuild import Placement
from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._safetensors import load_safetensors, looks_like_safetensors, save_safetensors
from ._unpickler import weights_only_message
from ._zip_container import ZIP_MAGIC
from ._zip_format import load_zip, save_zip

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "CheckpointError", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
_FORMATS = ("torch", "safetensors")
_TRUE = ("1", "y", "yes", "true")


# ------------------------------------------------------------------------------------------------- saving
def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False, *, format=None, metadata=None):
    r"""Save an object to a file, in PyTorch's checkpoint format (as ``torch.save``) or as safetensors.

    The default format is PyTorch's zip archive, readable by ``torch.load`` (``weights_only=True`` for tensors,
    state dicts and optimizer states; ``weights_only=False`` for whole modules and arbitrary objects). Storage
    sharing between tensors is kept. A path ending in ``.safetensors``, or ``format="safetensors"``, writes the
    safetensors format instead (tensors and nested containers of tensors and plain values; never pickled).

    Saving to a path is atomic: the bytes go to a temporary file beside the target, which is renamed over it
    once complete, so a failed save leaves the previous file intact.

    Args:
        obj: the object to save.
        f: a path (str, bytes or os.PathLike) or a binary file object with ``write``.
        pickle_module: must be the standard :mod:`pickle` (accepted for PyTorch compatibility).
        pickle_protocol: pickle protocol, 2 (PyTorch's default) to 5. ``torch.load(weights_only=True)`` reads
            protocol 2 only (``rtorch.load`` reads all).
        _use_new_zipfile_serialization: ``False`` writes PyTorch's pre-1.6 format, as ``torch.save`` does.
        _disable_byteorder_record: leave out the ``byteorder`` record, as ``torch.save`` does.
        format (str, optional): ``"torch"`` or ``"safetensors"``; by default ``"safetensors"`` for paths ending in
            ``.safetensors``, else ``"torch"``.
        metadata (dict, optional): str -> str entries for a safetensors header's ``__metadata__``.

    Example::

        >>> model = rtorch.nn.Linear(4, 2)
        >>> rtorch.save(model.state_dict(), "model.pt")              # torch.load("model.pt") reads it
        >>> rtorch.save(model.state_dict(), "model.safetensors")     # safetensors
        >>> rtorch.save(model, "whole.pt")                            # load with weights_only=False
    """
    path = os.fsdecode(f) if isinstance(f, (str, bytes, os.PathLike)) else None
    if format is None:
        format = "safetensors" if path is not None and path.lower().endswith(".safetensors") else "torch"
    if format not in _FORMATS:
        raise ValueError(f"rtorch.save: format must be one of {_FORMATS}, got {format!r}")
    if format == "safetensors":
        save_safetensors(obj, f, metadata=metadata)
        return
    if metadata is not None:
        raise ValueError("rtorch.save: metadata= applies to format='safetensors' only")
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError(f"rtorch.save: only the standard pickle module is supported, got {pickle_module!r:.100}")
    if path is None and not hasattr(f, "write"):
        raise TypeError(f"rtorch.save: expected a path or a writable binary file, got {type(f).__name__}")

    if _use_new_zipfile_serialization:
        archive = "archive" if path is None else (os.path.splitext(os.path.basename(path))[0] or "archive")

        def write(fh):
            save_zip(obj, fh, archive, pickle_protocol, not _disable_byteorder_record)
    else:
        def write(fh):
            save_legacy(obj, fh, pickle_protocol)
    if path is not None:
        atomic_write(path, write)
    else:
        write(f)
        if hasattr(f, "flush"):
            f.flush()


# ------------------------------------------------------------------------------------------------ loading
def _resolve_weights_only(weights_only):
    force_on = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    force_off = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE
    if force_on and force_off:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should "
                           "be set, but both were set.")
    if force_on:
        return True
    if weights_only is None:
        if force_off:
            warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the `weights_only` "
                          "argument was not explicitly passed to `rtorch.load`, forcing weights_only=False.",
                          UserWarning, stacklevel=3)
            return False
        return True
    return bool(weights_only)


class _Input:
    """The file to load: a seekable binary file holding the checkpoint from offset 0, its size and first bytes."""

    def __init__(self, f, where):
        self.where = where
        self.path = os.fsdecode(f) if isinstance(f, (str, bytes, os.PathLike)) else None
        self.owned = None
        if self.path is not None:
            self.owned = fh = open(self.path, "rb")
        elif hasattr(f, "read"):
            fh = f
        else:
            raise TypeError(f"rtorch.load: expected a path or a readable binary file, got {type(f).__name__}")
        seekable = getattr(fh, "seekable", lambda: False)()
        start = fh.tell() if seekable else 0
        self.head = fh.read(512)
        if not isinstance(self.head, (bytes, bytearray)):
            raise TypeError(f"rtorch.load: {where}: the file must be opened in binary mode")
        size = None
        if seekable and start == 0:
            try:
                st = os.fstat(fh.fileno())
                # procfs & co. report 0 bytes for files that have content: read those into memory
                size = st.st_size if stat.S_ISREG(st.st_mode) and st.st_size >= len(self.head) else None
            except (OSError, AttributeError, ValueError):  # BytesIO & co. have no fileno
                size = fh.seek(0, os.SEEK_END)
            fh.seek(0)
        self.fh = fh
        self.size = size
        self._rest_needed = size is None  # unseekable, positioned, or not a regular file: read into memory later

    def materialise(self):
        """Make ``self.fh`` an in-memory copy when the file cannot be read at random offsets as it is."""
        if self._rest_needed:
            data = bytes(self.head) + self.fh.read()
            self.fh = io.BytesIO(data)
            self.size = len(data)
            self._rest_needed = False

    def close(self):
        if self.owned is not None:
            self.owned.close()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    r"""Load an object saved with :func:`save`, ``torch.save`` (any format since PyTorch 0.1) or as safetensors.

    With ``weights_only=True`` (the default, as in PyTorch since 2.6) only tensors, storages, dtypes, devices,
    ``OrderedDict``, primitive values and containers, and the globals allowed by :func:`add_safe_globals` are
    rebuilt, and loading never runs code from the file; anything else raises ``pickle.UnpicklingError`` naming
    the global. ``weights_only=False`` loads any pickle (whole modules, NumPy arrays), running whatever the file
    says: only for files you trust. PyTorch classes in the file (``torch.nn.modules.linear.Linear``) load as
    rtorch's (``rtorch.nn.modules.linear.Linear``).

    Tensors that viewed one storage when saved share memory again when loaded.

    Args:
        f: a path (str, bytes or os.PathLike) or a binary file object with ``read`` (and ``seek``: otherwise it
            is read into memory first).
        map_location: where to put the tensors: None (where they were saved), a device or string (all there), a
            dict remapping saved locations (``{"cuda:1": "cuda:0"}``) or a callable ``f(storage, location)``
            receiving the storage as a 1-D CPU tensor and returning None (default) or a tensor on the wanted device.
        pickle_module: only with ``weights_only=False``: must be None or :mod:`pickle`.
        weights_only (bool, optional): use the restricted unpickler (default True; the environment variables
            ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` / ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` apply as in PyTorch).
        mmap (bool, optional): map the file instead of reading it: tensors of a zip checkpoint or a
            safetensors file view the file's pages (copy-on-write: writes to the tensors do not reach the file).
            ``f`` must be a path.
        **pickle_load_args: keyword arguments of :class:`pickle.Unpickler` (``encoding``...), with
            ``weights_only=False`` only.

    Example::

        >>> sd = rtorch.load("resnet18.pth", map_location="cpu")      # a file written by torch.save
        >>> model.load_state_dict(sd)
        >>> model = rtorch.load("whole.pt", weights_only=False)       # trusted files only
    """
    weights_only = _resolve_weights_only(weights_only)
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
        if pickle_load_args:
            warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    elif pickle_module is not None and pickle_module is not pickle:
        raise ValueError(f"rtorch.load: only the standard pickle module is supported, got {pickle_module!r:.100}")
    pickle_load_args.setdefault("encoding", "utf-8")
    placement = Placement(map_location)
    where = describe(f)
    if mmap and not isinstance(f, (str, bytes, os.PathLike)):
        raise ValueError("f must be a file path in order to use the mmap argument")
    try:
        src = _Input(f, where)
    except OSError as e:
        raise _with_path(e, where) from None
    try:
        return _load(src, where, placement, weights_only, bool(mmap), pickle_load_args)
    except pickle.UnpicklingError as e:
        if weights_only:
            raise pickle.UnpicklingError(weights_only_message(str(e))) from None
        raise
    except OSError as e:
        raise _with_path(e, where) from None
    finally:
        src.close()


def _with_path(e, where):
    if e.filename is not None or where in str(e):
        return e
    return type(e)(e.errno, f"{e.strerror or e} (while loading {where})", where)


def _load(src, where, placement, weights_only, mmap, pickle_load_args):
    head = bytes(src.head)
    if head.startswith(ZIP_MAGIC):
        kind = "zip"
    elif looks_like_safetensors(head):
        kind = "safetensors"
    elif looks_like_tar(head):
        kind = "tar"
    elif head[:1] == b"\x80" and len(head) > 1 and 2 <= head[1] <= pickle.HIGHEST_PROTOCOL:
        kind = "pickle"
    elif len(head) >= 8:
        kind = "unknown"  # maybe a damaged safetensors file: its parser says what is wrong
    else:
        raise CheckpointError(f"rtorch.load: {where}: not a PyTorch checkpoint (zip archive or legacy pickle) nor "
                              f"a safetensors file; the file holds only {len(head)} bytes: {head!r}")
    if mmap and kind in ("pickle", "tar"):
        raise RuntimeError("mmap can only be used with files saved with `torch.save(f, "
                           "_use_new_zipfile_serialization=True)`, please torch.save your checkpoint with this "
                           "option in order to use mmap.")
    src.materialise()
    mapped = _map(src) if mmap else None
    if kind == "zip":
        return load_zip(src.fh, where, src.size, placement, weights_only, mapped, pickle_load_args)
    if kind == "safetensors":
        return load_safetensors(src.fh, where, placement, mapped)
    if kind == "unknown":
        try:
            return load_safetensors(src.fh, where, placement, mapped)
        except CheckpointError as e:
            reason = str(e).replace(f"rtorch.load: {where}: ", "", 1)
            raise CheckpointError(f"rtorch.load: {where}: not a PyTorch checkpoint (zip archive or legacy pickle) "
                                  f"nor a valid safetensors file (it starts with {head[:16]!r}): {reason}") from None
    if kind == "tar":
        return load_legacy_tar(src.fh, where, placement, weights_only, pickle_load_args)
    return load_legacy_pickle(src.fh, where, src.size, placement, weights_only, pickle_load_args)


def _map(src):
    """A writable copy-on-write uint8 NumPy view of the whole file (pages are read when touched)."""
    import mmap

    import numpy as np

    if src.owned is None:
        raise ValueError("f must be a file path in order to use the mmap argument")
    if src.fh is not src.owned:  # procfs & co.: the content was read into memory, there is no file to map
        raise CheckpointError(f"rtorch.load: {src.where}: mmap=True needs a regular file that can be memory-mapped")
    mm = mmap.mmap(src.fh.fileno(), 0, access=mmap.ACCESS_COPY)
    return np.frombuffer(mm, dtype=np.uint8)
