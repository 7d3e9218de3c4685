"""Hostile PyTorch-format checkpoints: code-running pickles, damaged zips, lying sizes, enormous structures.

Each is rejected cleanly (CheckpointError - a RuntimeError and ValueError - or pickle.UnpicklingError) and no code
from the file runs: the malicious payloads would create a sentinel file, and the tests check it never appears
(and, to show the payloads are live, that an unrestricted load does create it). Also: paths in errors, orphaned
temporary files of killed saves, duplicate keys.
"""
import io
import os
import pickle
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import serialization
from rtorch.serialization import CheckpointError, _zip_container

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures", "torch_ckpt")
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(rtorch.__file__)))
CLEAN = (CheckpointError, pickle.UnpicklingError)


def zip_checkpoint(path, data_pkl, records=()):
    """A PyTorch-layout zip with the given data.pkl and (name, bytes) records."""
    with open(path, "wb") as f:
        w = _zip_container.ZipWriter(f, "archive")
        w.write_record("data.pkl", data_pkl)
        for name, data in records:
            w.write_record(name, data)
        w.finish()
    return path


# -- pickle pieces (protocol 2 opcodes)
def G(module, name):
    return b"c" + f"{module}\n{name}\n".encode()


def S(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def N(n):
    return b"J" + struct.pack("<i", n) if -2**31 <= n < 2**31 else L(n)


def L(n):
    return b"\x8a\x08" + n.to_bytes(8, "little", signed=True)


def T(*items):
    return b"(" + b"".join(items) + b"t"


P2 = b"\x80\x02"


def tensor_pkl(numel, key="0", storage="FloatStorage", offset=None, size=None, stride=None):
    """data.pkl of one tensor: _rebuild_tensor_v2(storage(key, numel), offset, size, stride, False, OrderedDict())."""
    n = numel if isinstance(numel, bytes) else N(numel)
    offset = offset if offset is not None else N(0)
    size = size if size is not None else T(n)
    stride = stride if stride is not None else T(N(1))
    pid = T(S("storage"), G("torch", storage), S(key), S("cpu"), n)
    return (P2 + G("torch._utils", "_rebuild_tensor_v2") + b"(" + pid + b"Q" + offset + size + stride + b"\x89"
            + G("collections", "OrderedDict") + b")R" + b"tR.")


def floats(*v):
    return np.array(v, dtype=np.float32).tobytes()


def expect_clean(path, *patterns, **kwargs):
    with pytest.raises(CLEAN) as info:
        rtorch.load(path, **kwargs)
    msg = str(info.value)
    for p in patterns:
        assert p in msg, msg
    return msg


def test_handmade_checkpoint_loads(tmp_path):
    """The crafting helpers make valid files: every rejection below is about the hostile part only."""
    p = zip_checkpoint(tmp_path / "ok.pt", tensor_pkl(3), [("data/0", floats(1, 2, 3))])
    assert rtorch.load(p).tolist() == [1.0, 2.0, 3.0]


# ------------------------------------------------------------------------------------- code-running pickles
class Evil:
    def __init__(self, call, args):
        self.call, self.args = call, args

    def __reduce__(self):
        return (self.call, self.args)


def payloads(sentinel):
    """Pickles that create ``sentinel`` when unpickled without restrictions, by several routes."""
    s = str(sentinel)
    shell = f"touch {s}"
    import builtins
    import subprocess as sp

    out = {
        "os.system": pickle.dumps({"w": 1, "x": Evil(os.system, (shell,))}, protocol=2),
        "subprocess.Popen": pickle.dumps(Evil(sp.check_call, (["touch", s],)), protocol=2),
        "builtins.exec": pickle.dumps(Evil(builtins.exec, (f"open({s!r}, 'w').close()",)), protocol=2),
        "builtins.eval": pickle.dumps(Evil(builtins.eval, (f"open({s!r}, 'w').close()",)), protocol=2),
        "io.open": pickle.dumps(Evil(open, (s, "w")), protocol=2),
        "stack_global(protocol 4)": pickle.dumps(Evil(builtins.exec, (f"open({s!r}, 'w').close()",)), protocol=4),
        # getattr(__import__("os"), "system")("touch ...") by hand
        "getattr chain": (P2 + G("builtins", "getattr") + b"(" + G("builtins", "__import__") + b"(" + S("os")
                          + b"tR" + S("system") + b"tR(" + S(shell) + b"tR."),
        # protocol-0 INST and OBJ opcodes
        "INST": b"(" + S(shell) + b"ios\nsystem\n.",
        "OBJ": b"(" + G("os", "system") + S(shell) + b"o.",
    }
    return out


@pytest.mark.parametrize("container", ["zip", "legacy"])
def test_code_running_pickles_are_refused(tmp_path, container):
    sentinel = tmp_path / "pwned"
    for name, pkl in payloads(sentinel).items():  # noqa: B007 (name is for the failure message)
        path = tmp_path / f"{container}.pt"
        if container == "zip":
            zip_checkpoint(path, pkl)
        else:
            path.write_bytes(b"".join(pickle.dumps(x, protocol=2) for x in (0x1950A86A20F9469CFC6C, 1001, {}))
                             + pkl + pickle.dumps([], protocol=2))
        with pytest.raises(CLEAN):
            rtorch.load(path)
        assert not sentinel.exists(), f"{name}: code ran"


def test_payloads_are_live(tmp_path):
    """The same bytes do run code without restrictions (so the tests above can fail)."""
    for i, (name, pkl) in enumerate(payloads(tmp_path / "x").items()):
        if name in ("INST", "OBJ"):
            continue
        sentinel = tmp_path / f"s{i}"
        path = zip_checkpoint(tmp_path / f"p{i}.pt", payloads(sentinel)[name])
        code = f"import sys; sys.path.insert(0, {PYTHON_DIR!r}); import rtorch; rtorch.load({str(path)!r}, " \
               "weights_only=False)"
        subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
        assert sentinel.exists(), name


@pytest.mark.parametrize("name", ["malicious_reduce.pt", "malicious_reduce_legacy.pt"])
def test_pytorch_made_malicious_file(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # the payload (made by torch.save) touches ./rtorch_pwned_sentinel
    msg = expect_clean(os.path.join(FIX, name), "posix.system", "blocked", "Weights only load failed")
    assert "rtorch.load" in msg
    assert not os.path.exists("rtorch_pwned_sentinel")
    code = f"import sys; sys.path.insert(0, {PYTHON_DIR!r}); import rtorch; " \
           f"rtorch.load({os.path.join(FIX, name)!r}, weights_only=False)"
    subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, cwd=tmp_path)
    assert os.path.exists("rtorch_pwned_sentinel"), "the fixture's payload is not live"


@pytest.mark.parametrize("pkl,pattern", [
    (P2 + G("builtins", "eval") + b".", "GLOBAL eval was not an allowed global"),
    (P2 + G("torch", "load") + b".", "GLOBAL torch.load was not an allowed global"),
    (P2 + G("rtorch.serialization", "load") + b".", "rtorch.serialization.load"),
    (P2 + G("nt", "system") + b".", "blocked"),
    (P2 + G("sys", "modules") + b".", "blocked"),
    (P2 + b"\x82\x01.", "Unsupported operand 130"),  # EXT1: copyreg's extension registry
    (P2 + S("x") + b"P.", "Unsupported operand"),  # PERSID (text)
    (P2 + T(S("module"), S("x")) + b"Q.", "Only persistent_load of storage"),
    (P2 + S("x") + b"Q.", "persistent_load id must be tuple or int"),
    (P2 + G("collections", "OrderedDict") + b")\x81" + b"}" + b"b" + S("x") + b"a.", "Can only append to lists"),
    (P2 + b"]" + S("k") + S("v") + b"s.", "Can only SETITEM"),
    (P2 + G("torch", "Tensor") + T(N(10)) + b"R.", "refuses"),
    (P2 + G("torch", "Tensor") + T(N(10)) + b"\x81.", "empty torch.Tensor"),
    (P2 + G("torch", "Tensor") + b")\x81.", "not initialized by BUILD"),
    (P2 + b"]" + b"}b.", "Can only build"),
    (P2 + G("_codecs", "encode") + b")\x81" + b".", "Can only create new object"),
    (P2 + G("builtins", "bytearray") + T(L(2**40)) + b"R.", "bytearray(int) is refused"),
    (P2 + G("_codecs", "encode") + T(S("x"), S("zlib_codec")) + b"R.", "refused"),
    (P2 + G("torch._utils", "_rebuild_tensor_v2") + T(N(1)) + b"R.", "malformed call"),
    (P2 + G("torch._utils", "_rebuild_parameter_with_state") + T(G("torch", "Size") + T(T()) + b"R", b"\x88", b"}",
                                                                 b"}" + S("__class__") + N(1) + b"s") + b"R.",
     "_rebuild_parameter expects a tensor"),
    (P2 + G("torch._utils", "_rebuild_qtensor") + b")R.", "quantized tensors"),
    (P2 + G("torch", "ComplexHalfStorage") + b".", "ComplexHalfStorage"),
    (P2 + G("torch.nn.modules.linear", "Linear") + b".", "add_safe_globals"),
])
def test_refused_constructs(tmp_path, pkl, pattern):
    expect_clean(zip_checkpoint(tmp_path / "x.pt", pkl), pattern)


@pytest.mark.parametrize("pkl", [
    P2 + b"0.",  # POP on an empty stack
    P2 + b"h\x05.",  # BINGET of a missing memo entry
    P2 + b"(.",  # MARK never closed
    P2 + b"t.",  # TUPLE without a MARK
    P2 + b"X\xff\xff\xff\xffabc",  # a string claiming 4 GiB
    P2 + b"X\x02\x00\x00\x00\xff\xfe.",  # invalid UTF-8
    P2 + b"}" + b"]" + b"]" + b"s.",  # an unhashable (list) key
    P2 + b"K",  # truncated argument
    P2,  # no STOP
    b"",
])
def test_malformed_pickles(tmp_path, pkl):
    expect_clean(zip_checkpoint(tmp_path / "x.pt", pkl))


def test_enormous_structures_stay_small(tmp_path):
    # 60 levels of (x, x) pairs through the memo: 2**60 leaves, 60 objects; loading never walks it
    pkl = P2 + b"N" + b"q\x00" + b"".join(b"h\x00h\x00\x86q\x00" for _ in range(60)) + b"."
    start = time.perf_counter()
    out = rtorch.load(zip_checkpoint(tmp_path / "a.pt", pkl))
    assert time.perf_counter() - start < 2
    depth = 0
    while isinstance(out, tuple):
        out, depth = out[0], depth + 1
    assert depth == 60
    # deep nesting without recursion: 200k nested lists
    n = 200_000
    pkl = P2 + b"]" * n + b"a" * (n - 1) + b"."
    out = rtorch.load(zip_checkpoint(tmp_path / "b.pt", pkl))
    assert isinstance(out, list)


def test_huge_expanded_view_costs_nothing(tmp_path):
    """A view with stride 0 may claim 2**62 elements over 4 bytes (PyTorch allows it): no allocation happens."""
    pkl = tensor_pkl(1, size=T(L(2**31), L(2**31)), stride=T(N(0), N(0)))
    t = rtorch.load(zip_checkpoint(tmp_path / "x.pt", pkl, [("data/0", floats(7))]))
    assert tuple(t.shape) == (2**31, 2**31) and t[123, 456].item() == 7.0


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(offset=N(2)), "reaches element 5"),
    (dict(size=T(N(2), N(3)), stride=T(N(2), N(1))), "reaches element 4"),
    (dict(size=T(N(3)), stride=T(N(2))), "reaches element 4"),
    (dict(size=T(N(2**30), N(2**30), N(2**30)), stride=T(N(0), N(0), N(0))), "more elements than fit in 64 bits"),
    (dict(size=T(N(3)), stride=T(N(-1))), "stride must hold non-negative"),
    (dict(size=T(N(-3)), stride=T(N(1))), "size must hold non-negative"),
    (dict(size=T(b"\x88"), stride=T(N(1))), "size must hold non-negative"),
    (dict(size=T(S("3")), stride=T(N(1))), "size must hold non-negative"),
    (dict(size=T(N(3)), stride=T(L(2**62))), "stride must hold"),
    (dict(size=T(N(3), N(1)), stride=T(N(1))), "different lengths"),
    (dict(size=T(*[N(1)] * 65), stride=T(*[N(1)] * 65)), "dimensions"),
    (dict(offset=L(-1)), "storage offset"),
    (dict(size=S("3")), "must be tuples"),
])
def test_tensor_geometry_outside_its_storage(tmp_path, kwargs, pattern):
    pkl = tensor_pkl(4, **kwargs)
    expect_clean(zip_checkpoint(tmp_path / "x.pt", pkl, [("data/0", floats(1, 2, 3, 4))]), pattern)


@pytest.mark.parametrize("numel,records,pattern", [
    (4, [("data/0", floats(1, 2, 3))], "holds 12 bytes"),  # record too short
    (2, [("data/0", floats(1, 2, 3))], "holds 12 bytes"),  # record too long
    (2**62, [("data/0", floats(1))], "holds 4 bytes"),  # a huge claimed size: no allocation
    (L(-1), [("data/0", b"")], "invalid size"),
    (3, [("data/0", floats(1, 2, 3)), ("data/0", floats(1, 2, 3))], "more than once"),
    (3, [], "missing from the archive"),
])
def test_storage_records_that_lie(tmp_path, numel, records, pattern):
    expect_clean(zip_checkpoint(tmp_path / "x.pt", tensor_pkl(numel), records), pattern)


@pytest.mark.parametrize("key", ["../../../etc/passwd", "/etc/passwd", "0/../0", "", "\x00"])
def test_record_names_outside_the_archive(tmp_path, key):
    pkl = tensor_pkl(1, key=key)
    expect_clean(zip_checkpoint(tmp_path / "x.pt", pkl, [("data/0", floats(1))]), "missing from the archive")


def test_damaged_zip_structures(tmp_path):
    good = zip_checkpoint(tmp_path / "good.pt", tensor_pkl(2), [("data/0", floats(1, 2))])
    raw = good.read_bytes()
    # a compressed record (PyTorch never writes one; decompressing could be a zip bomb)
    with zipfile.ZipFile(tmp_path / "deflate.pt", "w") as z:
        z.writestr("archive/data.pkl", tensor_pkl(2))
        z.writestr("archive/data/0", floats(1, 2), compress_type=zipfile.ZIP_DEFLATED)
    expect_clean(tmp_path / "deflate.pt", "compressed")
    # the same name twice
    with pytest.warns(UserWarning), zipfile.ZipFile(tmp_path / "dup.pt", "w") as z:
        z.writestr("archive/data.pkl", tensor_pkl(2))
        z.writestr("archive/data/0", floats(1, 2))
        z.writestr("archive/data/0", floats(3, 4))
    expect_clean(tmp_path / "dup.pt", "more than once")
    # a flipped byte inside a record: CRC mismatch
    start = raw.index(floats(1, 2))
    bad = bytearray(raw)
    bad[start] ^= 0xFF
    (tmp_path / "crc.pt").write_bytes(bytes(bad))
    expect_clean(tmp_path / "crc.pt", "CRC")
    # central directory pointing past the end of the file / at something that is no local header
    cd = raw.rindex(b"PK\x01\x02")
    for offset, pattern in [(len(raw) + 100, "outside the file"), (5, "no local header")]:
        bad = bytearray(raw)
        bad[cd + 42:cd + 46] = struct.pack("<I", offset)
        (tmp_path / "cd.pt").write_bytes(bytes(bad))
        expect_clean(tmp_path / "cd.pt", pattern)
    # a local header whose name differs from the central directory's
    bad = bytearray(raw)
    i = raw.index(b"archive/data/0")
    bad[i:i + 14] = b"archive/data/9"
    (tmp_path / "name.pt").write_bytes(bytes(bad))
    expect_clean(tmp_path / "name.pt", "local header names")
    # a record claiming more bytes than the file has
    bad = bytearray(raw)
    bad[cd + 20:cd + 28] = struct.pack("<II", 2**31, 2**31)
    (tmp_path / "size.pt").write_bytes(bytes(bad))
    expect_clean(tmp_path / "size.pt")
    # no data.pkl; a TorchScript archive; an unknown byte order; no archive directory
    expect_clean(zip_checkpoint(tmp_path / "np.pt", b"x", []), "Unsupported operand 120")
    with zipfile.ZipFile(tmp_path / "nopkl.pt", "w") as z:
        z.writestr("archive/data/0", floats(1))
    expect_clean(tmp_path / "nopkl.pt", "data.pkl is missing")
    with zipfile.ZipFile(tmp_path / "ts.pt", "w") as z:
        z.writestr("archive/data.pkl", tensor_pkl(2))
        z.writestr("archive/constants.pkl", b"")
    expect_clean(tmp_path / "ts.pt", "TorchScript")
    zip_checkpoint(tmp_path / "bo.pt", tensor_pkl(1), [("data/0", floats(1)), ("byteorder", b"middle")])
    expect_clean(tmp_path / "bo.pt", "Unknown endianness")
    with zipfile.ZipFile(tmp_path / "flat.pt", "w") as z:
        z.writestr("data.pkl", tensor_pkl(2))
    expect_clean(tmp_path / "flat.pt", "not inside an archive directory")


def test_every_truncation_is_rejected(tmp_path):
    rtorch.save({"w": rtorch.arange(8, dtype=rtorch.float32), "n": 3}, tmp_path / "full.pt")
    raw = (tmp_path / "full.pt").read_bytes()
    for cut in range(len(raw)):
        with pytest.raises(CLEAN):
            rtorch.load(io.BytesIO(raw[:cut]))


def _corrupt_and_load(raw, pos, value):
    bad = bytearray(raw)
    bad[pos % len(raw)] = value
    try:
        rtorch.load(io.BytesIO(bytes(bad)))
    except (CheckpointError, pickle.UnpicklingError):
        pass
    except RuntimeError as e:  # e.g. a location tag damaged into "cuda": PyTorch's RuntimeError
        assert "restore" in str(e) or "CUDA" in str(e) or "cuda" in str(e), e


@settings(max_examples=300, deadline=None)
@given(pos=st.integers(0, 10**6), value=st.integers(0, 255))
def test_random_byte_corruption_zip(pos, value):
    _corrupt_and_load(_GOOD["zip"], pos, value)


@settings(max_examples=300, deadline=None)
@given(pos=st.integers(0, 10**6), value=st.integers(0, 255))
def test_random_byte_corruption_legacy(pos, value):
    _corrupt_and_load(_GOOD["legacy"], pos, value)


@settings(max_examples=300, deadline=None)
@given(pos=st.integers(0, 10**4), value=st.integers(0, 255))
def test_random_byte_corruption_of_the_pickle(pos, value):
    """Corrupt data.pkl itself and re-zip it with a valid CRC: the unpickler sees the damage."""
    pkl = bytearray(_GOOD["pkl"])
    pkl[pos % len(pkl)] = value
    buf = io.BytesIO()
    w = _zip_container.ZipWriter(buf, "archive")
    w.write_record("data.pkl", bytes(pkl))
    for name, data in _GOOD["records"]:
        w.write_record(name, data)
    w.finish()
    _corrupt_and_load(buf.getvalue(), 0, buf.getvalue()[0])


def _good_files():
    state = {"w": rtorch.arange(6, dtype=rtorch.float32).reshape(2, 3), "v": None,
             "i": rtorch.ones(2, dtype=rtorch.int64)}
    state["t"] = state["w"].t()
    out = {}
    for name, kwargs in [("zip", {}), ("legacy", dict(_use_new_zipfile_serialization=False))]:
        buf = io.BytesIO()
        rtorch.save(state, buf, **kwargs)
        out[name] = buf.getvalue()
    z = zipfile.ZipFile(io.BytesIO(out["zip"]))
    out["pkl"] = z.read("archive/data.pkl")
    out["records"] = [(n.split("/", 1)[1], z.read(n)) for n in z.namelist() if "/data/" in n]
    return out


_GOOD = _good_files()


# ------------------------------------------------------------------------------------- legacy stream lies
def legacy_file(path, numel_in_pid, count_in_data, data):
    head = b"".join(pickle.dumps(x, protocol=2) for x in (0x1950A86A20F9469CFC6C, 1001, {}))
    pid = T(S("storage"), G("torch", "FloatStorage"), S("k"), S("cpu"), L(numel_in_pid), b"N")
    obj = (P2 + G("torch._utils", "_rebuild_tensor_v2") + b"(" + pid + b"Q" + N(0) + T(N(1)) + T(N(1)) + b"\x89"
           + G("collections", "OrderedDict") + b")R" + b"tR.")
    path.write_bytes(head + obj + pickle.dumps(["k"], protocol=2) + struct.pack("<q", count_in_data) + data)
    return path


def test_legacy_stream_lies(tmp_path):
    assert rtorch.load(legacy_file(tmp_path / "ok.pt", 1, 1, floats(5))).tolist() == [5.0]
    expect_clean(legacy_file(tmp_path / "a.pt", 2**60, 2**60, floats(5)), "more than the rest of the file")
    expect_clean(legacy_file(tmp_path / "b.pt", 1, 2, floats(5)), "2 elements in the file")
    expect_clean(legacy_file(tmp_path / "c.pt", 2, 2, floats(5)), "claims 8 bytes, more than the rest")
    head = pickle.dumps(123, protocol=2)
    (tmp_path / "d.pt").write_bytes(head + b"rest")
    expect_clean(tmp_path / "d.pt", "magic number")


# ------------------------------------------------------------------------------ paths, duplicates, orphans
def test_errors_name_the_path(tmp_path):
    for path in ["/proc/self/status", "/dev/null"]:
        if os.path.exists(path):
            with pytest.raises(CheckpointError, match=path):
                rtorch.load(path)
    with pytest.raises(FileNotFoundError, match="missing.pt"):
        rtorch.load(tmp_path / "missing.pt")
    with pytest.raises(IsADirectoryError, match=str(tmp_path)):
        rtorch.load(tmp_path)
    (tmp_path / "text.pt").write_text("hello world, not a checkpoint")
    with pytest.raises(CheckpointError, match="text.pt.*not a PyTorch checkpoint"):
        rtorch.load(tmp_path / "text.pt")


def test_duplicate_keys(tmp_path):
    # safetensors structure: keys 1 and true are equal in Python: refused rather than collapsed
    import json

    rtorch.save({1: rtorch.ones(1), "x": 2}, tmp_path / "d.safetensors")
    raw = (tmp_path / "d.safetensors").read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    doc = json.loads(header["__metadata__"]["rtorch"])
    assert doc["root"]["dict"][0][0] == 1
    doc["root"]["dict"].insert(0, [True, {"float": "nan"}])
    header["__metadata__"]["rtorch"] = json.dumps(doc)
    forged = json.dumps(header).encode()
    forged += b" " * (-len(forged) % 8)
    (tmp_path / "f.safetensors").write_bytes(struct.pack("<Q", len(forged)) + forged + raw[8 + n:])
    with pytest.raises(CheckpointError, match="duplicate dict key"):
        rtorch.load(tmp_path / "f.safetensors")
    # a pickle that sets a key twice: PyTorch (and pickle) keep the last value; so does rtorch
    pkl = P2 + b"}(" + S("a") + N(1) + S("a") + N(2) + b"u."
    assert rtorch.load(zip_checkpoint(tmp_path / "p.pt", pkl)) == pickle.loads(pkl) == {"a": 2}


def test_failed_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    rtorch.save({"w": rtorch.arange(4)}, path)
    before = path.read_bytes()
    calls = []
    real = _zip_container.ZipWriter.write_record

    def failing(self, name, data):
        calls.append(name)
        if name.startswith("data/"):
            raise OSError(28, "No space left on device")
        real(self, name, data)

    monkeypatch.setattr(_zip_container.ZipWriter, "write_record", failing)
    with pytest.raises(OSError, match="No space"):
        rtorch.save({"w": rtorch.zeros(100)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]
    with pytest.raises(pickle.PicklingError):
        rtorch.save({"f": lambda x: x}, path)  # unpicklable: fails before anything is written
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_save_leaves_no_orphan_after_the_next_save(tmp_path):
    path = tmp_path / "model.pt"
    rtorch.save({"w": rtorch.ones(3)}, path)
    before = path.read_bytes()
    child = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {PYTHON_DIR!r})
        import rtorch
        from rtorch.serialization import _zip_container
        real = _zip_container.ZipWriter.write_record
        def dying(self, name, data):
            real(self, name, data)
            if name.startswith("data/"):
                self.fh.flush()
                os.kill(os.getpid(), signal.SIGKILL)  # killed mid-write, after some bytes hit the disk
        _zip_container.ZipWriter.write_record = dying
        rtorch.save({{"w": rtorch.zeros(1000)}}, {str(path)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    orphans = [n for n in os.listdir(tmp_path) if n != "model.pt"]
    assert len(orphans) == 1 and orphans[0].startswith(".model.pt.rtorch-tmp."), orphans
    assert path.read_bytes() == before  # the killed save never replaced the file
    rtorch.save({"w": rtorch.full((3,), 2.0)}, path)
    assert os.listdir(tmp_path) == ["model.pt"], "the next save did not sweep the orphan"
    assert rtorch.load(path)["w"].tolist() == [2.0, 2.0, 2.0]


def test_sweep_spares_live_writers(tmp_path):
    from rtorch.serialization import _atomic

    path = str(tmp_path / "m.pt")
    host = _atomic._host()
    live = tmp_path / f".m.pt.rtorch-tmp.{host}.{os.getppid()}.abc"  # a live process (our parent)
    other_host = tmp_path / f".m.pt.rtorch-tmp.elsewhere.{2**22 + 12345}.abc"
    unrelated = tmp_path / ".n.pt.rtorch-tmp.x.1.abc"
    for p in (live, other_host, unrelated):
        p.write_bytes(b"partial")
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = tmp_path / f".m.pt.rtorch-tmp.{host}.{proc.pid}.abc"
    dead.write_bytes(b"partial")
    assert _atomic.sweep_orphans(path) == [dead.name]
    assert live.exists() and other_host.exists() and unrelated.exists()
    serialization.save({"w": rtorch.ones(1)}, path)
    assert OrderedDict is not None and os.path.exists(path)


@pytest.mark.parametrize("metadata", [("",), (1, 2), 3, "ab"])
def test_tensor_metadata_that_is_not_a_dict_is_rejected(metadata):
    # Found by the corruption test above: a damaged pickle handed a tuple of strings to dict().
    from rtorch.serialization import _rebuild

    with pytest.raises(CheckpointError, match="_rebuild_tensor_v2: expected tensor metadata as a dict"):
        _rebuild._check_metadata(metadata, "_rebuild_tensor_v2")
