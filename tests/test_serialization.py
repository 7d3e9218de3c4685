"""Tests for rtorch.save / rtorch.load (safetensors format): bit-exact round trips, nested state,
interop with the `safetensors` package, hostile files and atomic saving."""
import io
import json
import math
import os
import struct
from collections import OrderedDict

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
from rtorch import serialization
from helpers import random_tensor

ALL_DTYPES = [rtorch.float64, rtorch.float32, rtorch.float16, rtorch.bfloat16, rtorch.int64, rtorch.int32,
              rtorch.int16, rtorch.int8, rtorch.uint8, rtorch.bool]
NP_OF = {rtorch.float64: np.float64, rtorch.float32: np.float32, rtorch.float16: np.float16,
         rtorch.int64: np.int64, rtorch.int32: np.int32, rtorch.int16: np.int16, rtorch.int8: np.int8,
         rtorch.uint8: np.uint8}


def bits(t):
    """The tensor's values as a NumPy array of same-size integers (compares NaN payloads and -0.0)."""
    t = t.detach().contiguous()
    if t.dtype == rtorch.bfloat16:
        return t.view(rtorch.int16).numpy().copy()
    a = t.numpy()
    return a.view({8: np.int64, 4: np.int32, 2: np.int16, 1: np.uint8}[a.itemsize]).copy()


def assert_same(a, b):
    assert isinstance(b, rtorch.Tensor)
    assert a.dtype == b.dtype
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(bits(a), bits(b))


def roundtrip(obj, tmp_path, name="x.safetensors"):
    path = tmp_path / name
    rtorch.save(obj, path)
    return rtorch.load(path)


# ------------------------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (7,), (2, 3, 4)], ids=str)
def test_roundtrip_every_dtype_bit_exact(tmp_path, dtype, shape):
    t = random_tensor(dtype, shape, seed=len(shape))
    out = roundtrip(t, tmp_path)
    assert_same(t, out)
    sd = roundtrip({"w": t}, tmp_path, "sd.safetensors")
    assert list(sd) == ["w"]
    assert_same(t, sd["w"])


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_roundtrip_non_contiguous(tmp_path, dtype):
    base = random_tensor(dtype, (4, 6), seed=3)
    views = {"t": base.t(), "step": base[:, ::2], "narrow": base.narrow(1, 1, 3), "expand": base[:1].expand(3, 6)}
    for v in views.values():
        assert not v.is_contiguous()
    out = roundtrip(views, tmp_path)
    assert list(out) == list(views)
    for k, v in views.items():
        assert_same(v, out[k])
        assert out[k].is_contiguous()


def test_loaded_tensors_own_memory(tmp_path):
    path = tmp_path / "m.safetensors"
    t = rtorch.arange(10, dtype=rtorch.float32)
    rtorch.save({"a": t}, path)
    out = rtorch.load(path)
    rtorch.save({"a": rtorch.zeros(10)}, path)  # overwrite, then delete: the loaded tensor is unaffected
    os.remove(path)
    assert_same(t, out["a"])
    out["a"].add_(1)  # writable
    assert out["a"][0].item() == 1.0


def test_requires_grad_and_parameters_are_saved_detached(tmp_path):
    p = nn.Parameter(rtorch.randn(3, 2))
    out = roundtrip({"p": p, "y": p * 2}, tmp_path)
    assert_same(p.detach(), out["p"])
    assert not out["p"].requires_grad and not out["y"].requires_grad


def test_nested_structure_roundtrip(tmp_path):
    a, b = rtorch.randn(2, 3), rtorch.arange(5)
    obj = {
        "model": OrderedDict([("fc.weight", a), ("fc.bias", b)]),
        "epoch": 3, "lr": 1e-3, "best": float("nan"), "inf": float("-inf"), "name": "run ü 🚀",
        "none": None, "flag": True, "ints": {0: a, 7: [1, 2.5, None], -1: (b, "x")},
        "mixed_keys": {1.5: "f", True: "b", None: "n"},
        "tuple": (1, (2, 3), []), "empty": {}, "np_scalar": np.float32(0.5),
    }
    out = roundtrip(obj, tmp_path)
    assert list(out) == list(obj)
    assert_same(a, out["model"]["fc.weight"])
    assert_same(b, out["model"]["fc.bias"])
    assert out["epoch"] == 3 and isinstance(out["epoch"], int)
    assert out["lr"] == 1e-3 and isinstance(out["lr"], float)
    assert math.isnan(out["best"]) and out["inf"] == float("-inf")
    assert out["name"] == "run ü 🚀" and out["none"] is None and out["flag"] is True
    assert list(out["ints"]) == [0, 7, -1]
    assert_same(a, out["ints"][0])
    assert out["ints"][7] == [1, 2.5, None]
    assert isinstance(out["ints"][-1], tuple) and out["ints"][-1][1] == "x"
    assert out["mixed_keys"] == {1.5: "f", True: "b", None: "n"}
    assert out["tuple"] == (1, (2, 3), []) and out["empty"] == {}
    assert out["np_scalar"] == 0.5
    # the same tensor object saved twice is stored once and loads as one object
    assert out["model"]["fc.weight"] is out["ints"][0]


def test_nested_uses_dotted_names_and_resolves_collisions(tmp_path):
    pytest.importorskip("safetensors")
    from safetensors.numpy import load_file
    t1, t2, t3 = rtorch.ones(1), rtorch.zeros(1), rtorch.full((1,), 2.0)
    obj = {"a.b": t1, "a": {"b": t2}, "__metadata__": t3, "n": 1}
    path = tmp_path / "c.safetensors"
    rtorch.save(obj, path)
    names = set(load_file(str(path)))
    assert names == {"a.b", "a.b#1", "__metadata__#1"}
    out = rtorch.load(path)
    assert_same(t1, out["a.b"]) and assert_same(t2, out["a"]["b"]) and assert_same(t3, out["__metadata__"])
    assert out["n"] == 1


def test_flat_dict_with_reserved_key_roundtrips(tmp_path):
    obj = {"__metadata__": rtorch.ones(2), "w": rtorch.zeros(2)}
    out = roundtrip(obj, tmp_path)
    assert list(out) == ["__metadata__", "w"]
    assert_same(obj["__metadata__"], out["__metadata__"])


def test_top_level_list_and_non_tensor_objects(tmp_path):
    assert roundtrip([rtorch.ones(2), 3], tmp_path)[1] == 3
    assert roundtrip({"epoch": 4}, tmp_path) == {"epoch": 4}
    assert roundtrip({}, tmp_path) == {}


def test_unsupported_objects_raise_type_error(tmp_path):
    with pytest.raises(TypeError, match="set"):
        rtorch.save({"x": {1, 2}}, tmp_path / "bad.safetensors")
    with pytest.raises(TypeError, match="key"):
        rtorch.save({(1, 2): rtorch.ones(1)}, tmp_path / "bad.safetensors")
    assert not os.listdir(tmp_path)  # nothing written, not even a temporary file


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    obj = {"state": {0: {"m": rtorch.randn(3)}}, "k": [1, 2]}
    rtorch.save(obj, buf)
    buf.seek(0)
    out = rtorch.load(buf)
    assert_same(obj["state"][0]["m"], out["state"][0]["m"])
    assert out["k"] == [1, 2]
    with open(tmp_path / "f.safetensors", "wb") as f:
        rtorch.save(rtorch.ones(3), f)
    with open(tmp_path / "f.safetensors", "rb") as f:
        assert_same(rtorch.ones(3), rtorch.load(f, map_location="cpu"))


def test_header_is_aligned_and_standard(tmp_path):
    path = tmp_path / "s.safetensors"
    rtorch.save({"w": rtorch.ones(2, 2), "b": rtorch.zeros(3, dtype=rtorch.int64)}, path)
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header["__metadata__"] == {"format": "pt"}
    assert header["w"] == {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}
    assert header["b"] == {"dtype": "I64", "shape": [3], "data_offsets": [16, 40]}
    assert len(raw) == 8 + n + 40


# ------------------------------------------------------------------------------------- models, optimizers
def make_mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_model_state_dict_roundtrip(tmp_path):
    rtorch.manual_seed(0)
    model = make_mlp()
    path = tmp_path / "model.safetensors"
    rtorch.save(model.state_dict(), path)
    rtorch.manual_seed(1)
    fresh = make_mlp()
    sd = rtorch.load(path)
    assert list(sd) == list(model.state_dict())
    fresh.load_state_dict(sd)
    x = rtorch.randn(5, 4)
    np.testing.assert_array_equal(model(x).detach().numpy(), fresh(x).detach().numpy())


@pytest.mark.parametrize("opt_name", ["Adam", "AdamW", "SGD"])
def test_optimizer_state_roundtrip_gives_identical_next_step(tmp_path, opt_name):
    kwargs = {"Adam": dict(lr=1e-2, betas=(0.8, 0.95), amsgrad=True),
              "AdamW": dict(lr=1e-2, weight_decay=0.1),
              "SGD": dict(lr=0.1, momentum=0.9, nesterov=True)}[opt_name]
    opt_cls = getattr(rtorch.optim, opt_name)
    rtorch.manual_seed(0)
    data = [(rtorch.randn(6, 4), rtorch.randint(0, 3, (6,))) for _ in range(5)]
    loss_fn = nn.CrossEntropyLoss()

    def step(model, opt, batch):
        opt.zero_grad()
        loss_fn(model(batch[0]), batch[1]).backward()
        opt.step()

    rtorch.manual_seed(0)
    model = make_mlp()
    opt = opt_cls(model.parameters(), **kwargs)
    for batch in data[:4]:
        step(model, opt, batch)
    rtorch.save({"model": model.state_dict(), "optim": opt.state_dict(), "step": 4}, tmp_path / "ckpt.safetensors")

    ckpt = rtorch.load(tmp_path / "ckpt.safetensors")
    assert ckpt["step"] == 4
    saved_opt = opt.state_dict()
    assert ckpt["optim"]["param_groups"] == saved_opt["param_groups"]  # tuples (betas) and ints preserved
    assert set(ckpt["optim"]["state"]) == set(saved_opt["state"])
    rtorch.manual_seed(5)
    model2 = make_mlp()
    model2.load_state_dict(ckpt["model"])
    opt2 = opt_cls(model2.parameters(), lr=123.0)
    opt2.load_state_dict(ckpt["optim"])
    assert opt2.param_groups[0]["lr"] == kwargs["lr"]

    step(model, opt, data[4])
    step(model2, opt2, data[4])
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(bits(p), bits(q))
    for k, v in opt.state_dict()["state"].items():
        for name, x in v.items():
            if isinstance(x, rtorch.Tensor):
                assert_same(x, opt2.state_dict()["state"][k][name])
            else:
                assert x == opt2.state_dict()["state"][k][name]


# ------------------------------------------------------------------------------- safetensors interop
NUMPY_DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


def test_interop_with_safetensors_numpy(tmp_path):
    pytest.importorskip("safetensors")
    from safetensors.numpy import load_file, save_file
    rng = np.random.default_rng(0)
    arrays = {f"layer.{i}.{np.dtype(dt).name}": (rng.standard_normal((2, 3)) * 50).astype(dt)
              for i, dt in enumerate(NUMPY_DTYPES)}
    arrays["scalar"] = np.array(3.5, dtype=np.float32)
    arrays["empty"] = np.zeros((0, 4), dtype=np.int32)
    # safetensors -> rtorch
    save_file(arrays, str(tmp_path / "lib.safetensors"), metadata={"note": "hello"})
    loaded = rtorch.load(tmp_path / "lib.safetensors")
    assert set(loaded) == set(arrays)
    for k, a in arrays.items():
        assert loaded[k].dtype == rtorch._dtype_of_numpy(a)
        np.testing.assert_array_equal(loaded[k].numpy(), a)
    # rtorch -> safetensors
    state = {k: rtorch.from_numpy(a) for k, a in arrays.items()}
    rtorch.save(state, tmp_path / "ours.safetensors")
    back = load_file(str(tmp_path / "ours.safetensors"))
    assert set(back) == set(arrays)
    for k, a in arrays.items():
        assert back[k].dtype == a.dtype and back[k].shape == a.shape
        np.testing.assert_array_equal(back[k], a)


def test_interop_raw_bytes_all_dtypes(tmp_path):
    """Every dtype (bf16 included) as the safetensors package sees it: same dtype names, shapes, bytes."""
    pytest.importorskip("safetensors")
    from safetensors import deserialize, safe_open
    names = {rtorch.float64: "F64", rtorch.float32: "F32", rtorch.float16: "F16", rtorch.bfloat16: "BF16",
             rtorch.int64: "I64", rtorch.int32: "I32", rtorch.int16: "I16", rtorch.int8: "I8",
             rtorch.uint8: "U8", rtorch.bool: "BOOL"}
    state = {str(dt): random_tensor(dt, (3, 2), seed=i) for i, dt in enumerate(ALL_DTYPES)}
    path = tmp_path / "all.safetensors"
    rtorch.save(state, path)
    got = dict(deserialize(path.read_bytes()))
    for dt in ALL_DTYPES:
        entry = got[str(dt)]
        assert entry["dtype"] == names[dt] and list(entry["shape"]) == [3, 2]
        raw = bits(state[str(dt)])
        assert bytes(entry["data"]) == raw.astype(raw.dtype.newbyteorder("<")).tobytes()
    with safe_open(str(path), framework="numpy") as f:
        assert f.metadata() == {"format": "pt"}


def test_interop_nested_file_is_standard(tmp_path):
    pytest.importorskip("safetensors")
    from safetensors.numpy import load_file
    model = make_mlp()
    opt = rtorch.optim.Adam(model.parameters())
    model(rtorch.randn(2, 4)).sum().backward()
    opt.step()
    rtorch.save({"model": model.state_dict(), "optim": opt.state_dict()}, tmp_path / "ckpt.safetensors")
    arrays = load_file(str(tmp_path / "ckpt.safetensors"))
    assert "model.0.weight" in arrays and "optim.state.0.exp_avg" in arrays
    np.testing.assert_array_equal(arrays["model.0.weight"], model.state_dict()["0.weight"].numpy())


def test_interop_safetensors_torch(tmp_path):
    pytest.importorskip("safetensors")
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file
    ref = {"w": torch.randn(3, 4), "h": torch.randn(2).to(torch.bfloat16), "i": torch.arange(4)}
    save_file(ref, str(tmp_path / "t.safetensors"))
    out = rtorch.load(tmp_path / "t.safetensors")
    np.testing.assert_array_equal(out["w"].numpy(), ref["w"].numpy())
    np.testing.assert_array_equal(out["h"].view(rtorch.int16).numpy(), ref["h"].view(torch.int16).numpy())
    rtorch.save(out, tmp_path / "r.safetensors")
    back = load_file(str(tmp_path / "r.safetensors"))
    for k in ref:
        assert torch.equal(back[k], ref[k])


# ---------------------------------------------------------------------------------------- hostile files
def write_raw(path, header, data=b"", header_len=None, pad=True):
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    if pad and not isinstance(header, bytes):
        raw += b" " * (-len(raw) % 8)
    n = len(raw) if header_len is None else header_len
    path.write_bytes(struct.pack("<Q", n) + raw + data)
    return path


def entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


def expect_error(path, *patterns):
    with pytest.raises(ValueError) as info:
        rtorch.load(path)
    msg = str(info.value)
    for p in patterns:
        assert p in msg, msg
    return msg


def test_valid_handmade_file_loads(tmp_path):
    p = write_raw(tmp_path / "ok", {"a": entry(), "b": entry("I8", (3,), (8, 11))},
                  np.array([1, 2], np.float32).tobytes() + bytes([1, 2, 3]))
    out = rtorch.load(p)
    assert out["a"].tolist() == [1.0, 2.0] and out["b"].tolist() == [1, 2, 3]


def test_truncated_files(tmp_path):
    good = tmp_path / "good"
    rtorch.save({"w": rtorch.randn(16)}, good)
    raw = good.read_bytes()
    for cut in [0, 3, 7, 8, 20, len(raw) - 1]:
        p = tmp_path / f"cut{cut}"
        p.write_bytes(raw[:cut])
        expect_error(p)


def test_header_length_larger_than_file(tmp_path):
    expect_error(write_raw(tmp_path / "a", {"a": entry()}, bytes(8), header_len=10_000), "larger than the rest")
    expect_error(write_raw(tmp_path / "b", {}, header_len=2**64 - 1), "exceeds the limit")
    expect_error(write_raw(tmp_path / "c", {}, header_len=200 * 2**20), "exceeds the limit")


def test_garbage_header(tmp_path):
    expect_error(write_raw(tmp_path / "a", b"{not json!"), "not valid JSON")
    expect_error(write_raw(tmp_path / "b", b"\xff\xfe{}"), "UTF-8")
    expect_error(write_raw(tmp_path / "c", b"[1, 2, 3]"), "JSON object")
    expect_error(write_raw(tmp_path / "d", b'{"a": 1}'), "'a'", "object")
    expect_error(write_raw(tmp_path / "e", b'{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 0]}}'),
                 "not valid JSON")
    expect_error(write_raw(tmp_path / "f", b"[" * 100_000 + b"]" * 100_000), "not valid JSON")
    expect_error(write_raw(tmp_path / "g", b'{"a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]},'
                                           b' "a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}}'),
                 "duplicate key")
    expect_error(write_raw(tmp_path / "h", {"a": {"dtype": "F32", "shape": [2]}}, bytes(8)), "'a'", "data_offsets")
    expect_error(write_raw(tmp_path / "i", {"__metadata__": {"k": 1}}), "__metadata__")


@pytest.mark.parametrize("shape", [[2**62, 2**62], [-1], [2**64], [1.5], ["2"], [True], "2", None,
                                   [0, 2**62, 2**62], [1] * 65 + [2]], ids=lambda s: str(s)[:40])
def test_bad_shapes(tmp_path, shape):
    hdr = {"w": {"dtype": "F32", "shape": shape, "data_offsets": [0, 8]}}
    expect_error(write_raw(tmp_path / "x", hdr, bytes(8)), "'w'")


def test_huge_shape_with_matching_offsets_is_rejected(tmp_path):
    # numel * itemsize matches the offsets, but the offsets exceed the file: no allocation happens
    hdr = {"w": entry("U8", (2**31, 2**31), (0, 2**62))}
    expect_error(write_raw(tmp_path / "x", hdr, bytes(8)), "'w'", "outside the data region")


@pytest.mark.parametrize("offsets", [[0, 16], [-8, 0], [8, 0], [4, 12], [0], [0, 8, 16], "0,8", [0, 8.0],
                                     [2**70, 2**70 + 8]], ids=str)
def test_bad_offsets(tmp_path, offsets):
    hdr = {"w": {"dtype": "F32", "shape": [2], "data_offsets": offsets}}
    expect_error(write_raw(tmp_path / "x", hdr, bytes(8)), "'w'")


def test_size_mismatch(tmp_path):
    expect_error(write_raw(tmp_path / "a", {"w": entry("F32", (3,), (0, 8))}, bytes(16)), "'w'", "need 12")
    expect_error(write_raw(tmp_path / "b", {"w": entry("F64", (2,), (0, 8))}, bytes(16)), "'w'", "need 16")


def test_overlapping_offsets(tmp_path):
    hdr = {"a": entry("F32", (2,), (0, 8)), "b": entry("F32", (2,), (4, 12))}
    expect_error(write_raw(tmp_path / "a", hdr, bytes(16)), "overlap", "'a'", "'b'")
    hdr = {"a": entry("F32", (4,), (0, 16)), "b": entry("F32", (1,), (4, 8))}
    expect_error(write_raw(tmp_path / "b", hdr, bytes(16)), "overlap")
    # empty tensors may share an offset
    hdr = {"a": entry("F32", (0,), (4, 4)), "b": entry("F32", (2,), (0, 8))}
    assert rtorch.load(write_raw(tmp_path / "c", hdr, bytes(8)))["a"].shape == (0,)


@pytest.mark.parametrize("dtype", ["F8_E4M3", "C64", "U64", "f32", "", 5, None])
def test_unknown_dtype(tmp_path, dtype):
    hdr = {"w": {"dtype": dtype, "shape": [2], "data_offsets": [0, 8]}}
    expect_error(write_raw(tmp_path / "x", hdr, bytes(8)), "'w'", "dtype")


def test_bool_bytes_are_normalised(tmp_path):
    out = rtorch.load(write_raw(tmp_path / "x", {"b": entry("BOOL", (3,), (0, 3))}, bytes([0, 1, 7])))
    assert out["b"].tolist() == [False, True, True]


@pytest.mark.parametrize("structure", [
    "not json", json.dumps([1]), json.dumps({"version": 1}), json.dumps({"version": 99, "root": None}),
    json.dumps({"version": 1, "root": {"tensor": "missing"}}), json.dumps({"version": 1, "root": {"bogus": 1}}),
    json.dumps({"version": 1, "root": {"dict": [[{"x": 1}, 2]]}}), json.dumps({"version": 1, "root": {"dict": [[1]]}}),
    json.dumps({"version": 1, "root": {"float": "1e999"}}),
    json.dumps({"version": 1, "root": {"a": 1, "b": 2}}),
    '{"version": 1, "root": ' + '{"list": [' * 300 + ']}' * 300 + '}',
], ids=lambda s: s[:30])
def test_bad_structure_metadata(tmp_path, structure):
    hdr = {"__metadata__": {"rtorch": structure}, "w": entry()}
    expect_error(write_raw(tmp_path / "x", hdr, bytes(8)), "rtorch")


# ------------------------------------------------------------------------------------------- atomicity
def test_failed_save_leaves_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    old = {"w": rtorch.arange(100, dtype=rtorch.float32)}
    rtorch.save(old, path)
    before = path.read_bytes()

    calls = []
    real_write = serialization._safetensors._write_array

    def failing_write(f, arr):
        calls.append(1)
        if len(calls) == 2:  # the first tensor's bytes have gone out; now the "disk fills up"
            raise OSError(28, "No space left on device")
        real_write(f, arr)

    monkeypatch.setattr(serialization._safetensors, "_write_array", failing_write)
    with pytest.raises(OSError, match="No space"):
        rtorch.save({"a": rtorch.ones(1000), "b": rtorch.ones(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # no temporary file left behind
    assert_same(old["w"], rtorch.load(path)["w"])


def test_failed_replace_leaves_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    rtorch.save({"w": rtorch.ones(3)}, path)
    before = path.read_bytes()

    def boom(*_args):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(serialization.os, "replace", boom)
    with pytest.raises(OSError, match="simulated"):
        rtorch.save({"w": rtorch.zeros(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]


def test_save_respects_umask_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    old = os.umask(0o022)
    try:
        rtorch.save({"w": rtorch.ones(1)}, tmp_path / "p.safetensors")
    finally:
        os.umask(old)
    assert (os.stat(tmp_path / "p.safetensors").st_mode & 0o777) == 0o644


def test_save_through_symlink_and_keep_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX symlinks and permissions")
    target = tmp_path / "real.safetensors"
    rtorch.save({"w": rtorch.ones(2)}, target)
    os.chmod(target, 0o600)
    link = tmp_path / "latest.safetensors"
    link.symlink_to(target)
    rtorch.save({"w": rtorch.zeros(2)}, link)
    assert link.is_symlink()
    assert rtorch.load(target)["w"].tolist() == [0.0, 0.0]
    assert (os.stat(target).st_mode & 0o777) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["latest.safetensors", "real.safetensors"]


def test_user_metadata_and_bytes_paths(tmp_path):
    path = os.fsencode(tmp_path / "meta.safetensors")
    rtorch.save({"w": rtorch.ones(2)}, path, metadata={"epoch": "3", "note": "ü"})
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    assert json.loads(raw[8:8 + n])["__metadata__"] == {"format": "pt", "epoch": "3", "note": "ü"}
    assert list(rtorch.load(path)) == ["w"]
    with pytest.raises(ValueError, match="reserved"):
        rtorch.save({"w": rtorch.ones(2)}, tmp_path / "x.safetensors", metadata={"rtorch": "{}"})
    with pytest.raises(TypeError, match="str"):
        rtorch.save({"w": rtorch.ones(2)}, tmp_path / "x.safetensors", metadata={"epoch": 3})


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16", "int64", "bool"])
def test_tensors_pickle_with_their_dtype_and_grad_flag(dtype):
    import pickle

    t = rtorch.arange(6).reshape(2, 3).to(getattr(rtorch, dtype))[:, 1:]
    r = pickle.loads(pickle.dumps(t))
    assert r.dtype == t.dtype and r.shape == t.shape and r.device == t.device
    assert r.float().tolist() == t.float().tolist()
    g = pickle.loads(pickle.dumps(rtorch.ones(2, requires_grad=True)))
    assert g.requires_grad and g.is_leaf


def test_generator_pickles_with_its_state():
    # As in PyTorch: a Generator pickles (plain pickle and save), comes back in the same state, and a weights_only
    # load refuses it (it was a raw "cannot pickle 'rtorch.Generator' object" from pickle.py, found by the fuzzer).
    import pickle

    g = rtorch.Generator()
    g.manual_seed(7)
    rtorch.rand(3, generator=g)
    copy = pickle.loads(pickle.dumps(g))
    buf = io.BytesIO()
    rtorch.save(g, buf)
    want = rtorch.rand(4, generator=g)
    assert rtorch.equal(rtorch.rand(4, generator=copy), want)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        rtorch.load(buf)
    buf.seek(0)
    assert rtorch.equal(rtorch.rand(4, generator=rtorch.load(buf, weights_only=False)), want)
