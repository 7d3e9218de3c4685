"""The safetensors format: ``rtorch.save(obj, "x.safetensors")`` (or ``format="safetensors"``) and its reader.

Unlike PyTorch's pickle-based format this never pickles: a file holds raw little-endian tensor bytes plus a JSON
header, so loading a file from an untrusted source cannot execute code, and a hostile header is rejected with a
``CheckpointError`` (a ValueError) before any tensor memory is allocated.

File layout (the standard safetensors format, https://github.com/huggingface/safetensors)::

    [8 bytes]  N, the header length, unsigned little-endian 64-bit
    [N bytes]  header: a UTF-8 JSON object, padded with spaces to a multiple of 8 bytes
    [rest]     data: the tensors' bytes, C order, little-endian

The header maps each tensor name to ``{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}``
(offsets relative to the start of the data region) and may hold ``"__metadata__"``, an object of
string -> string. dtypes: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL C64.

How Python objects map onto it:

* A flat ``dict`` of ``str -> Tensor`` (a model ``state_dict``) is stored as exactly those entries, so the
  file is what ``safetensors.torch.save_file`` would write and can be read by ``safetensors.torch.load_file``
  or ``safetensors.numpy.load_file``; the only metadata is ``{"format": "pt"}``. Conversely a file with no
  ``"rtorch"`` metadata (e.g. one written by the ``safetensors`` package) loads as a ``dict`` of tensors
  in header order.

* Anything else (a single Tensor; dicts with non-string keys or non-tensor values; nested dicts, lists and
  tuples of tensors, ints, floats, bools, strings and None -- e.g. an optimizer ``state_dict`` or a
  checkpoint ``{"model": ..., "optim": ..., "epoch": 3}``) is flattened: every tensor becomes an entry whose
  name is its path joined with dots (``state.0.exp_avg``, ``model.fc.weight``; a lone tensor is named
  ``tensor``; a name already taken gets a ``#1``, ``#2``... suffix), and the structure is stored as JSON in
  ``__metadata__["rtorch"]`` as ``{"version": 1, "root": NODE}`` where NODE is one of::

      null | true | false | <int> | <float> | "<string>"       the value itself
      {"float": "nan" | "inf" | "-inf"}                         a non-finite float
      {"tensor": "<entry name>"}                                a tensor (names may repeat: same object)
      {"list": [NODE, ...]}   {"tuple": [NODE, ...]}
      {"dict": [[KEY, NODE], ...]}                              KEY: a string, int, float, bool or null

  Other tools see an ordinary safetensors file with dotted tensor names.

The same tensor object saved twice is stored once and loads as one object. Tensors are saved detached and
on the CPU; loaded tensors are CPU tensors (``map_location`` moves them) with ``requires_grad=False`` that
own their memory, so the file can be deleted or rewritten afterwards (with ``mmap=True`` they are copy-on-write
views of the mapped file instead). Saving to a path is atomic (see ``_atomic.py``).
"""
import json
import math
import os

import numpy as np

import rtorch

from ._atomic import atomic_write
from ._common import CheckpointError
from ._common import read_exact as _read_exact

__all__ = ["save_safetensors", "load_safetensors", "looks_like_safetensors"]

_FORMAT_VERSION = 1
_METADATA_KEY = "rtorch"
MAX_HEADER_SIZE = 100 * 1024 * 1024  # the safetensors package uses the same cap
_MAX_DEPTH = 200  # nesting limit for the structure JSON
_I64_MAX = 2**63 - 1
_MAX_NDIM = 64  # NumPy's limit, through which tensors are loaded

# safetensors dtype name <-> (rtorch dtype, little-endian NumPy dtype used to move the bytes)
_ST_TO_DTYPE = {
    "F64": (rtorch.float64, np.dtype("<f8")),
    "F32": (rtorch.float32, np.dtype("<f4")),
    "F16": (rtorch.float16, np.dtype("<f2")),
    "BF16": (rtorch.bfloat16, np.dtype("<i2")),  # NumPy has no bfloat16: move the bits as int16
    "I64": (rtorch.int64, np.dtype("<i8")),
    "I32": (rtorch.int32, np.dtype("<i4")),
    "I16": (rtorch.int16, np.dtype("<i2")),
    "I8": (rtorch.int8, np.dtype("i1")),
    "U8": (rtorch.uint8, np.dtype("u1")),
    "BOOL": (rtorch.bool, np.dtype("u1")),  # one byte per element, 0 or 1
    "C64": (rtorch.complex64, np.dtype("<c8")),
}
_DTYPE_TO_ST = {dt: name for name, (dt, _) in _ST_TO_DTYPE.items()}


# ------------------------------------------------------------------------------------------------ saving
def save_safetensors(obj, f, *, metadata=None):
    """Save a Tensor or a (nested) dict/list/tuple of tensors and plain values to ``f`` as safetensors.

    ``f`` is a path (str or os.PathLike; written atomically) or a binary file object opened for writing.
    ``metadata`` optionally adds string -> string entries to the header's ``__metadata__`` (keys
    ``format`` and ``rtorch`` are reserved).
    """
    entries, structure = _flatten(obj)
    meta = {"format": "pt"}
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"rtorch.save: metadata must be a dict of str to str, not {type(metadata).__name__}")
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError("rtorch.save: metadata must map str to str")
            if k in ("format", _METADATA_KEY):
                raise ValueError(f"rtorch.save: metadata key {k!r} is reserved")
            meta[k] = v
    if structure is not None:
        meta[_METADATA_KEY] = json.dumps({"version": _FORMAT_VERSION, "root": structure},
                                         separators=(",", ":"), allow_nan=False)
    header, arrays = _build_header(entries, meta)
    if isinstance(f, (str, bytes, os.PathLike)):
        atomic_write(os.fsdecode(f), lambda fh: _write_payload(fh, header, arrays))
    elif hasattr(f, "write"):
        _write_payload(f, header, arrays)
    else:
        raise TypeError(f"rtorch.save: expected a path or a writable binary file, got {type(f).__name__}")


def _is_flat_state_dict(obj):
    return (isinstance(obj, dict)
            and all(isinstance(k, str) and k != "__metadata__" for k in obj)
            and all(isinstance(v, rtorch.Tensor) for v in obj.values()))


def _flatten(obj):
    """Return ``(entries, structure)``: entries is a list of (name, tensor); structure is None for a flat
    str -> Tensor dict (a plain safetensors file), else the JSON node describing ``obj``."""
    if _is_flat_state_dict(obj):
        return list(obj.items()), None
    entries = []
    names = {"__metadata__"}
    by_id = {}

    def name_for(path):
        base = ".".join(path) if path else "tensor"
        name, i = base, 0
        while name in names:
            i += 1
            name = f"{base}#{i}"
        names.add(name)
        return name

    def visit(x, path, depth):
        if depth > _MAX_DEPTH:
            raise ValueError(f"rtorch.save: nesting deeper than {_MAX_DEPTH} levels at {'.'.join(path)!r}")
        if isinstance(x, rtorch.Tensor):
            name = by_id.get(id(x))
            if name is None:
                name = by_id[id(x)] = name_for(path)
                entries.append((name, x))
            return {"tensor": name}
        if x is None or isinstance(x, (bool, int, str)):
            return x
        if isinstance(x, float):
            return x if math.isfinite(x) else {"float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
        if isinstance(x, dict):
            items = []
            for k, v in x.items():
                items.append([_key_node(k, path), visit(v, path + [str(k)], depth + 1)])
            return {"dict": items}
        if isinstance(x, (list, tuple)):
            kind = "list" if isinstance(x, list) else "tuple"
            return {kind: [visit(v, path + [str(i)], depth + 1) for i, v in enumerate(x)]}
        if isinstance(x, np.generic):  # NumPy scalars, e.g. from metrics
            return visit(x.item(), path, depth)
        where = ".".join(path) or "<root>"
        raise TypeError(f"rtorch.save: cannot save object of type {type(x).__name__} at {where!r}; supported: "
                        "Tensor, dict, list, tuple, int, float, bool, str, None")

    structure = visit(obj, [], 0)
    return entries, structure


def _key_node(k, path):
    if k is None or isinstance(k, (bool, int, str)):
        return k
    if isinstance(k, float) and math.isfinite(k):
        return k
    where = ".".join(path) or "<root>"
    raise TypeError(f"rtorch.save: unsupported dict key {k!r} ({type(k).__name__}) in {where!r}; "
                    "keys must be str, int, finite float, bool or None")


def _tensor_to_numpy(name, t):
    """C-contiguous little-endian NumPy array holding ``t``'s bytes (bf16 as int16 bits)."""
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    try:
        st_name = _DTYPE_TO_ST[t.dtype]
    except KeyError:
        raise TypeError(f"rtorch.save: tensor {name!r} has unsupported dtype {t.dtype}") from None
    if st_name == "BF16":
        t = t.contiguous().view(rtorch.int16)
    arr = np.ascontiguousarray(t.numpy())
    want = _ST_TO_DTYPE[st_name][1]
    if st_name == "BOOL":
        arr = arr.view(np.uint8)
    elif arr.dtype != want:  # big-endian hosts
        arr = arr.astype(want)
    return st_name, arr


def _build_header(entries, meta):
    header = {"__metadata__": meta}
    arrays = []
    offset = 0
    for name, t in entries:
        st_name, arr = _tensor_to_numpy(name, t)
        header[name] = {"dtype": st_name, "shape": [int(s) for s in t.shape],
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
        arrays.append(arr)
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # align the data region to 8 bytes, as the safetensors package does
    return raw, arrays


def _write_array(f, arr):
    if arr.nbytes:
        f.write(memoryview(arr.reshape(-1)).cast("B"))


def _write_payload(f, header, arrays):
    f.write(len(header).to_bytes(8, "little"))
    f.write(header)
    for arr in arrays:
        _write_array(f, arr)


# ----------------------------------------------------------------------------------------------- loading
def looks_like_safetensors(head):
    """Whether the first bytes of a file look like safetensors: an 8-byte header length, then ``{``."""
    return len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") >= 2


def _err(where, msg):
    return CheckpointError(f"rtorch.load: {where}: {msg}")


def load_safetensors(fh, where, placement=None, mapped=None):
    """Load a safetensors file from the seekable binary file ``fh`` (named ``where`` in errors).

    ``placement`` (a ``_rebuild.Placement``) applies ``map_location``; tensors are saved as CPU tensors.
    ``mapped``, when given, is a writable copy-on-write NumPy uint8 view of the whole file: tensors then view
    it instead of owning a copy (``rtorch.load(..., mmap=True)``).
    """
    return _load_from(fh, where, placement, mapped)


def _load_from(fh, where, placement, mapped):
    start = fh.tell()
    fh.seek(0, os.SEEK_END)
    size = fh.tell() - start
    fh.seek(start)
    if size < 8:
        raise _err(where, f"file too small for a safetensors header ({size} bytes, need at least 8)")
    n = int.from_bytes(_read_exact(fh, 8, where, "the header length"), "little")
    if n > MAX_HEADER_SIZE:
        raise _err(where, f"header length {n} exceeds the limit of {MAX_HEADER_SIZE} bytes")
    if n > size - 8:
        raise _err(where, f"header length {n} is larger than the rest of the file ({size - 8} bytes)")
    entries, meta = _parse_header(bytes(_read_exact(fh, n, where, "the header")), size - 8 - n, where)
    structure = _parse_structure(meta, entries, where)

    data_start = start + 8 + n
    tensors = {}
    for name, (dtype, np_dtype, shape, begin, end) in entries.items():
        start_byte = data_start + begin
        if mapped is not None and start_byte % np_dtype.itemsize == 0:
            arr = mapped[start_byte:data_start + end].view(np_dtype).reshape(shape)
        else:
            fh.seek(start_byte)
            buf = _read_exact(fh, end - begin, where, f"tensor {name!r}")
            arr = np.frombuffer(buf, dtype=np_dtype).reshape(shape)
        if dtype is rtorch.bool:
            arr = np.not_equal(arr, 0, out=np.empty(arr.shape, np.bool_))  # normalise bytes other than 0/1
        elif not arr.dtype.isnative:
            arr = arr.astype(arr.dtype.newbyteorder("="))
        t = rtorch.from_numpy(arr)  # owns `buf` (a fresh copy of the file's bytes)
        if dtype is rtorch.bfloat16:
            t = t.view(rtorch.bfloat16)
        if placement is not None:
            device = placement.device_for_tensor(lambda t=t: t, "cpu")
            if device is not None:
                t = t.to(device)
        tensors[name] = t

    if structure is None:
        return tensors
    return _unflatten(structure, tensors, where)


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _json_loads(text):
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def _reject_constant(c):
    raise ValueError(f"non-standard JSON constant {c}")


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _parse_header(raw, data_len, where):
    """Validate the header; return ({name: (dtype, np_dtype, shape, begin, end)}, metadata dict)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _err(where, f"header is not valid UTF-8 ({e})") from None
    try:
        header = _json_loads(text)
    except (ValueError, RecursionError) as e:
        raise _err(where, f"header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise _err(where, f"header must be a JSON object, got {type(header).__name__}")

    meta = header.pop("__metadata__", None)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise _err(where, "__metadata__ must be an object mapping strings to strings")

    entries = {}
    spans = []
    for name, info in header.items():
        def bad(msg, name=name):
            return _err(where, f"tensor {name!r}: {msg}")
        if not isinstance(info, dict):
            raise bad(f"entry must be an object, got {type(info).__name__}")
        missing = [k for k in ("dtype", "shape", "data_offsets") if k not in info]
        if missing:
            raise bad(f"entry lacks {', '.join(missing)}")
        st_dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(st_dtype, str) or st_dtype not in _ST_TO_DTYPE:
            raise bad(f"unknown or unsupported dtype {st_dtype!r} (supported: {', '.join(_ST_TO_DTYPE)})")
        dtype, np_dtype = _ST_TO_DTYPE[st_dtype]
        if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
            raise bad(f"shape must be a list of non-negative integers, got {shape!r:.200}")
        if len(shape) > _MAX_NDIM:
            raise bad(f"shape has {len(shape)} dimensions (at most {_MAX_NDIM} are supported)")
        if math.prod(max(d, 1) for d in shape) > _I64_MAX:
            raise bad(f"shape {shape!r:.200} is too large (sizes overflow 64 bits)")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets)):
            raise bad(f"data_offsets must be a list of two integers, got {offsets!r:.200}")
        begin, end = offsets
        if not 0 <= begin <= end <= data_len:
            raise bad(f"data_offsets [{begin}, {end}] are outside the data region of {data_len} bytes")
        nbytes = math.prod(shape) * np_dtype.itemsize
        if end - begin != nbytes:
            raise bad(f"data_offsets span {end - begin} bytes but dtype {st_dtype} and shape {shape} "
                      f"need {nbytes}")
        entries[name] = (dtype, np_dtype, tuple(shape), begin, end)
        if end > begin:
            spans.append((begin, end, name))

    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise _err(where, f"tensors {n0!r} [{b0}, {e0}] and {n1!r} [{b1}, {e1}] overlap")
    return entries, meta


def _parse_structure(meta, entries, where):
    """The decoded (validated) rtorch structure node, or None for a plain safetensors file."""
    raw = meta.get(_METADATA_KEY)
    if raw is None:
        return None
    try:
        doc = _json_loads(raw)
    except (ValueError, RecursionError) as e:
        raise _err(where, f"__metadata__[{_METADATA_KEY!r}] is not valid JSON ({e})") from None
    if not isinstance(doc, dict) or "root" not in doc:
        raise _err(where, f"__metadata__[{_METADATA_KEY!r}] must be an object with a 'root'")
    version = doc.get("version")
    if not _is_int(version) or version > _FORMAT_VERSION:
        raise _err(where, f"unsupported rtorch structure version {version!r} (this rtorch reads up to "
                          f"{_FORMAT_VERSION})")
    _check_node(doc["root"], entries, where, 0)
    return doc["root"]


_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _check_node(node, entries, where, depth):
    def bad(msg):
        return _err(where, f"structure: {msg}")
    if depth > _MAX_DEPTH:
        raise bad(f"nested deeper than {_MAX_DEPTH} levels")
    if node is None or isinstance(node, (bool, int, float, str)):
        return
    if not isinstance(node, dict) or len(node) != 1:
        raise bad(f"malformed node {node!r:.200}")
    (tag, val), = node.items()
    if tag == "tensor":
        if not isinstance(val, str) or val not in entries:
            raise bad(f"refers to tensor {val!r:.200}, which the file does not contain")
    elif tag == "float":
        if val not in _FLOATS:
            raise bad(f"bad float {val!r:.200}")
    elif tag in ("list", "tuple"):
        if not isinstance(val, list):
            raise bad(f"{tag} node must hold a JSON array")
        for v in val:
            _check_node(v, entries, where, depth + 1)
    elif tag == "dict":
        if not isinstance(val, list):
            raise bad("dict node must hold a JSON array of [key, value] pairs")
        for item in val:
            if not isinstance(item, list) or len(item) != 2:
                raise bad(f"dict item must be a [key, value] pair, got {item!r:.200}")
            if not (item[0] is None or isinstance(item[0], (bool, int, float, str))):
                raise bad(f"dict key must be a string, number, bool or null, got {item[0]!r:.200}")
            _check_node(item[1], entries, where, depth + 1)
    else:
        raise bad(f"unknown node type {tag!r:.100}")


def _unflatten(node, tensors, where):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    (tag, val), = node.items()
    if tag == "tensor":
        return tensors[val]
    if tag == "float":
        return _FLOATS[val]
    if tag == "list":
        return [_unflatten(v, tensors, where) for v in val]
    if tag == "tuple":
        return tuple(_unflatten(v, tensors, where) for v in val)
    out = {}
    for k, v in val:
        if k in out:  # e.g. keys 1 and true (or 1.0): equal in Python, distinct in the file
            raise _err(where, f"structure: duplicate dict key {k!r:.100} (the file is corrupt or was edited)")
        out[k] = _unflatten(v, tensors, where)
    return out
