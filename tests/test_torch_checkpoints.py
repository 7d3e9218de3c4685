"""PyTorch checkpoints: files written by torch.save load into rtorch, files written by rtorch.save load into PyTorch.

torch -> rtorch uses the checked-in files of tests/fixtures/torch_ckpt (made by make_torch_checkpoints.py with
PyTorch, with PyTorch's own readings in expected.npz/json), so it runs without PyTorch. rtorch -> torch runs
tests/fixtures/torch_check.py under a Python with torch: $RTORCH_TORCH_PYTHON, or this interpreter if it has
torch; it is skipped otherwise.
"""
import importlib.util
import io
import json
import os
import pickle
import subprocess
import sys
import threading
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
import rtorch.nn as nn
from rtorch import serialization
from rtorch.serialization import _zip_container
from helpers import random_tensor

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures", "torch_ckpt")
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(rtorch.__file__)))
EXPECTED = np.load(os.path.join(FIX, "expected.npz"))
with open(os.path.join(FIX, "expected.json")) as _f:
    META = json.load(_f)
DTYPES = ["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def fixture(name):
    return os.path.join(FIX, name)


def bits(t):
    """Exact values as NumPy (bfloat16 as its int16 bits)."""
    t = t.detach().contiguous()
    if t.dtype == rtorch.bfloat16:
        return t.view(rtorch.int16).numpy().copy()
    return t.numpy().copy()


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


class SmallCNN(nn.Module):
    """rtorch twin of make_torch_checkpoints.SmallCNN."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        x = nn.functional.max_pool2d(rtorch.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))


# ----------------------------------------------------------------------------------- reading PyTorch's files
@pytest.mark.parametrize("name", ["cnn_state_dict.pt", "cnn_state_dict_protocol4.pt"])
def test_cnn_state_dict_written_by_pytorch(name):
    sd = rtorch.load(fixture(name))
    assert isinstance(sd, OrderedDict) and list(sd) == META["cnn_keys"]
    for k, v in sd.items():
        assert same_bits(bits(v), EXPECTED[f"cnn.{k}"]), k
    model = SmallCNN()
    model.load_state_dict(sd)
    model.eval()
    out = model(rtorch.from_numpy(EXPECTED["cnn_x"]))
    np.testing.assert_allclose(out.detach().numpy(), EXPECTED["cnn_y"], rtol=1e-5, atol=1e-5)


def _mapped_ranges(path):
    real = os.path.realpath(path)
    out = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == real:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                out.append((lo, hi))
    return out


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc/self/maps (Linux)")
@pytest.mark.parametrize("fmt", ["torch", "safetensors"])
def test_mmap_views_the_file(tmp_path, fmt):
    path = tmp_path / ("m.safetensors" if fmt == "safetensors" else "m.pt")
    if fmt == "torch":
        path.write_bytes(open(fixture("cnn_state_dict.pt"), "rb").read())
    else:
        rtorch.save(rtorch.load(fixture("cnn_state_dict.pt")), path)
    before = path.read_bytes()
    sd = rtorch.load(path, mmap=True)
    ranges = _mapped_ranges(path)
    assert ranges, "the file is not mapped"
    w = sd["conv.weight"]
    assert any(lo <= w.data_ptr() < hi for lo, hi in ranges), "the tensor does not live in the mapping"
    assert same_bits(bits(w), EXPECTED["cnn.conv.weight"])
    w.add_(1)  # copy-on-write: the file keeps its bytes
    del sd, w
    assert path.read_bytes() == before
    with pytest.raises(ValueError, match="file path"):
        rtorch.load(io.BytesIO(before), mmap=True)


def test_mmap_refuses_legacy_format():
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        rtorch.load(fixture("shared_views_legacy.pt"), mmap=True)


@pytest.mark.parametrize("name", ["cnn_whole_module.pt", "cnn_whole_module_legacy.pt"])
def test_whole_module_written_by_pytorch(monkeypatch, name):
    import __main__

    with pytest.raises(pickle.UnpicklingError) as info:
        rtorch.load(fixture(name))
    msg = str(info.value)
    assert "Weights only load failed" in msg and "weights_only" in msg
    assert "__main__.SmallCNN" in msg or "Only persistent_load of storage" in msg  # legacy: the module id first
    monkeypatch.setattr(__main__, "SmallCNN", SmallCNN, raising=False)
    model = rtorch.load(fixture(name), weights_only=False)
    assert isinstance(model, SmallCNN) and isinstance(model.conv, nn.Conv2d)
    assert isinstance(model.conv.weight, nn.Parameter)
    out = model(rtorch.from_numpy(EXPECTED["cnn_x"]))
    np.testing.assert_allclose(out.detach().numpy(), EXPECTED["cnn_y"], rtol=1e-5, atol=1e-5)
    # allow-listing the class (under the rtorch name of the PyTorch modules) works as in PyTorch
    if name == "cnn_whole_module.pt":
        allowed = [SmallCNN, nn.Conv2d, nn.BatchNorm2d, nn.Linear, set]
        with serialization.safe_globals([(SmallCNN, "__main__.SmallCNN")] + allowed):
            model = rtorch.load(fixture(name))
        assert isinstance(model.fc, nn.Linear)
        assert serialization.get_safe_globals() == []


@pytest.mark.parametrize("name", ["all_dtypes.pt", "all_dtypes_big_endian.pt"])
def test_every_dtype_written_by_pytorch(name):
    obj = rtorch.load(fixture(name))
    for dt in DTYPES:
        want = EXPECTED[f"dtypes.{dt}"]
        t = obj[dt]
        assert t.dtype == getattr(rtorch, dt) and tuple(t.shape) == (3, 4)
        assert same_bits(bits(t), want), dt
        assert same_bits(bits(obj[dt + ".t"]), np.ascontiguousarray(want.T)), dt
        assert obj[dt + ".t"].stride() == (1, 4)
        assert same_bits(bits(obj[dt + ".scalar"]), want[1, 2].reshape(())), dt


@pytest.mark.parametrize("name", ["shared_views.pt", "shared_views_legacy.pt"])
def test_shared_storages_and_views_written_by_pytorch(name):
    o = rtorch.load(fixture(name))
    for k, info in META["shared_views"].items():
        t = o[k]
        assert list(t.shape) == info["shape"] and list(t.stride()) == info["stride"], k
        np.testing.assert_array_equal(t.numpy(), EXPECTED[f"shared.{k}"])
    assert o["tied"] is o["base"]
    o["base"][3, 5] = -1.0
    o["base"][0, 2] = -2.0
    o["base"][2, 0] = -3.0
    assert o["scalar"].item() == -1.0 and o["transposed"][5, 3].item() == -1.0
    assert o["expanded"][2, 2].item() == -2.0 and o["narrow"][0, 0].item() == -2.0
    assert o["row"][0].item() == -3.0 and o["stepped"][1, 0].item() == -3.0
    assert o["tail"].tolist() == [7.0, 8.0, 9.0] and tuple(o["empty"].shape) == (0, 3)
    assert type(o["parameter"]) is nn.Parameter and o["parameter"].requires_grad
    assert o["grad_leaf"].requires_grad and o["grad_leaf"].is_leaf and not o["base"].requires_grad
    nested = o["nested"]
    assert nested["list"][1:] == [1, 2.5, "s", None, True]
    assert nested["list"][0].tolist() == o["base"][0].tolist()
    assert nested["tuple"][1] == b"raw bytes" and isinstance(nested["tuple"], tuple)
    assert nested[7] == OrderedDict(a=1) and type(nested[7]) is OrderedDict
    assert o["dtype"] is rtorch.float16 and o["device"] == rtorch.device("cpu")
    assert o["size"] == rtorch.Size([2, 3]) and type(o["size"]) is rtorch.Size
    assert o["set"] == {1, 2, 3} and o["complex"] == 1 + 2j
    assert o["other"].dtype == rtorch.int64


def test_legacy_tar_written_by_old_pytorch():
    with pytest.raises(RuntimeError, match="legacy .tar format"):
        rtorch.load(fixture("legacy_tar.pt"))
    o = rtorch.load(fixture("legacy_tar.pt"), weights_only=False)
    assert o["matrix"].tolist() == [[0, 1, 2], [3, 4, 5]] and o["stepped"].tolist() == [1, 3, 5]
    assert o["ints"].tolist() == [7, 8, 9] and o["epoch"] == 3
    o["matrix"][0, 1] = 10.0  # one storage
    assert o["stepped"][0].item() == 10.0


@pytest.mark.parametrize("name,cls", [("adam", "Adam"), ("sgd", "SGD"), ("adamw", "AdamW")])
def test_optimizer_state_written_by_pytorch(name, cls):
    ckpt = rtorch.load(fixture(f"optim_{name}.pt"))
    assert ckpt["epoch"] == 2 and set(ckpt["optim"]) == {"state", "param_groups"}
    assert sorted(ckpt["optim"]["state"]) == [0, 1]
    model = nn.Linear(3, 2)
    model.load_state_dict(ckpt["model"])
    opt = getattr(rtorch.optim, cls)(model.parameters(), lr=123.0)
    opt.load_state_dict(ckpt["optim"])
    groups = json.loads(json.dumps(opt.state_dict()["param_groups"]))
    assert groups == META[f"optim_{name}.param_groups"]
    opt.zero_grad()
    x, y = (rtorch.from_numpy(EXPECTED[f"optim_{name}.{k}"]) for k in "xy")
    ((model(x) - y) ** 2).mean().backward()
    opt.step()
    for k, v in model.state_dict().items():
        np.testing.assert_allclose(v.numpy(), EXPECTED[f"optim_{name}.after.{k}"], rtol=1e-6, atol=1e-7)


def test_numpy_arrays_need_allow_list_or_unsafe_load():
    with pytest.raises(pickle.UnpicklingError, match=r"_reconstruct.*add_safe_globals"):
        rtorch.load(fixture("numpy_array.pt"))
    reconstruct = np.ndarray.__reduce__(np.zeros(1))[0]  # numpy(._core).multiarray._reconstruct
    names = ["numpy._core.multiarray._reconstruct", "numpy.core.multiarray._reconstruct"]
    allow = [(np.ndarray, "numpy.ndarray"), (np.dtype, "numpy.dtype"),
             (type(np.dtype(np.int32)), "numpy.dtypes.Int32DType")] + [(reconstruct, n) for n in names]
    with serialization.safe_globals(allow):
        o = rtorch.load(fixture("numpy_array.pt"))
    np.testing.assert_array_equal(o["array"], np.arange(6, dtype=np.int32).reshape(2, 3))
    o = rtorch.load(fixture("numpy_array.pt"), weights_only=False)
    assert o["array"].dtype == np.int32 and o["t"].tolist() == [1.0]


@pytest.mark.parametrize("ml", ["cpu", rtorch.device("cpu"), {"cpu": "cpu"}, b"cpu", lambda s, loc: s,
                                lambda s, loc: None], ids=["str", "device", "dict", "bytes", "identity", "none"])
def test_map_location_forms(ml):
    sd = rtorch.load(fixture("cnn_state_dict.pt"), map_location=ml)
    assert sd["fc.weight"].device.type == "cpu"
    assert same_bits(bits(sd["fc.weight"]), EXPECTED["cnn.fc.weight"])


def test_map_location_callable_sees_storage_and_location():
    seen = []

    def ml(storage, location):
        seen.append((storage.dtype, storage.dim(), location))
        return storage

    rtorch.load(fixture("cnn_state_dict.pt"), map_location=ml)
    assert seen and all(loc == "cpu" and dim == 1 for _, dim, loc in seen)
    with pytest.raises(TypeError, match="map_location"):
        rtorch.load(fixture("cnn_state_dict.pt"), map_location=lambda s, loc: 3)
    with pytest.raises(TypeError, match="map_location"):
        rtorch.load(fixture("cnn_state_dict.pt"), map_location=3.5)


@pytest.mark.skipif(rtorch.cuda.is_available(), reason="checks the CPU-only message")
def test_cuda_location_without_cuda():
    with pytest.raises(RuntimeError, match="map_location=rtorch.device\\('cpu'\\)"):
        rtorch.load(fixture("cnn_state_dict.pt"), map_location="cuda")
    with pytest.raises(RuntimeError, match="map_location=rtorch.device\\('cpu'\\)"):
        rtorch.load(fixture("cnn_state_dict.pt"), map_location={"cpu": "cuda:0"})
    with pytest.raises(RuntimeError, match="don't know how to restore"):
        rtorch.load(fixture("cnn_state_dict.pt"), map_location="mps")


@pytest.mark.skipif(not rtorch.cuda.is_available(), reason="needs a GPU")
def test_map_location_cuda(tmp_path):
    sd = rtorch.load(fixture("cnn_state_dict.pt"), map_location="cuda")
    assert sd["fc.weight"].device.type == "cuda"
    assert same_bits(bits(sd["fc.weight"].cpu()), EXPECTED["cnn.fc.weight"])
    x = rtorch.randn(3, 4, device="cuda", requires_grad=True)
    rtorch.save({"x": x, "t": x.t()}, tmp_path / "g.pt")
    back = rtorch.load(tmp_path / "g.pt")
    assert back["x"].device.type == "cuda" and back["x"].requires_grad and back["x"].is_leaf
    assert back["t"].cpu().tolist() == x.detach().t().cpu().tolist()
    cpu = rtorch.load(tmp_path / "g.pt", map_location="cpu")
    assert cpu["x"].device.type == "cpu" and cpu["x"].tolist() == x.detach().cpu().tolist()


# ---------------------------------------------------------------------------------- rtorch's own round trips
def describe(obj, storages):
    """What tests/fixtures/torch_check.py prints for an object, computed on the rtorch side (before saving).

    A tensor with a negative stride is described as the contiguous copy PyTorch's format stores for it.
    """
    if isinstance(obj, rtorch.Tensor):
        t = obj.detach()
        if any(s < 0 for s in t.stride()):
            t = t.contiguous()
        key = None
        if t.numel():
            key = (t.data_ptr() - t.storage_offset() * t.element_size(), t.device.type)
            storages.setdefault(key, len(storages))
        return {"tensor": {"dtype": t.dtype.name, "shape": list(t.shape), "stride": list(t.stride()),
                           "requires_grad": obj.requires_grad, "parameter": isinstance(obj, nn.Parameter),
                           "hex": bits(t).tobytes().hex(), "storage": storages.get(key), "device": t.device.type}}
    if isinstance(obj, dict):
        return {"dict": [[describe(k, storages), describe(v, storages)] for k, v in obj.items()],
                "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [describe(v, storages) for v in obj]}
    if isinstance(obj, rtorch.dtype):
        return {"dtype": obj.name}
    if isinstance(obj, rtorch.device):
        return {"device": str(obj)}
    if isinstance(obj, set):
        return {"set": sorted(repr(v) for v in obj)}
    return {"py": repr(obj)}


def without_storage_ids(d):
    if isinstance(d, dict):
        return {k: without_storage_ids(v) for k, v in d.items() if k != "storage"}
    if isinstance(d, list):
        return [without_storage_ids(v) for v in d]
    return d


def sample_state():
    """Views, shared storages, every dtype, parameters, grads and plain values: what a checkpoint holds."""
    base = rtorch.arange(30, dtype=rtorch.float32).reshape(5, 6)
    big = rtorch.arange(1000, dtype=rtorch.int64)
    state = OrderedDict([
        ("base", base), ("t", base.t()), ("row", base[3]), ("stepped", base[1:, ::2]), ("narrow", base.narrow(1, 2, 3)),
        ("expand", base[:1].expand(4, 6)), ("scalar", base[4, 5]), ("tied", base), ("tail", big[-3:]),
        ("flipped", base[::-1]), ("empty", rtorch.zeros(0, 2)), ("zero_d", rtorch.tensor(2.5)),
        ("param", nn.Parameter(rtorch.ones(2, 3))), ("frozen", nn.Parameter(rtorch.zeros(2), requires_grad=False)),
        ("leaf", rtorch.full((3,), 4.0, requires_grad=True)),
        ("meta", {"epoch": 3, "lr": 1e-3, "name": "run ü", "betas": (0.9, 0.999), "flags": [True, None],
                  7: "int key", "dtype": rtorch.bfloat16, "device": rtorch.device("cpu"), "size": rtorch.Size([1, 2]),
                  "blob": b"\x00\xffbytes", "set": {3, 4}}),
    ])
    for i, name in enumerate(DTYPES):
        t = random_tensor(getattr(rtorch, name), (3, 4), seed=i)
        state[f"dtype.{name}"] = t
        state[f"dtype.{name}.t"] = t.t()
    return state


def test_rtorch_roundtrip_keeps_values_views_and_sharing(tmp_path):
    state = sample_state()
    rtorch.save(state, tmp_path / "s.pt")
    back = rtorch.load(tmp_path / "s.pt")
    assert list(back) == list(state)
    assert without_storage_ids(describe(back, {})) == without_storage_ids(describe(state, {}))
    assert back["tied"] is back["base"]
    back["base"][4, 5] = -7.0
    assert back["scalar"].item() == -7.0 and back["t"][5, 4].item() == -7.0
    back["base"][4, 4] = -9.0
    assert back["stepped"][3, 2].item() == -9.0 and back["row"][0].item() == 18.0
    back["base"][0, 3] = -8.0
    assert back["expand"][3, 3].item() == -8.0 and back["narrow"][0, 1].item() == -8.0
    assert back["flipped"][4, 3].item() == 3.0  # a negative-stride view is saved as its own copy
    assert back["dtype.float32.t"].stride() == (1, 4)
    back["dtype.int64"][0, 0] = 5
    assert back["dtype.int64.t"][0, 0].item() == 5


def test_saving_a_slice_writes_only_the_slice(tmp_path):
    big = rtorch.zeros(1_000_000)
    rtorch.save({"tail": big[-3:], "mid": big[-5:-1]}, tmp_path / "s.pt")
    assert os.path.getsize(tmp_path / "s.pt") < 2_000  # not 4 MB: the record spans only what is reached
    back = rtorch.load(tmp_path / "s.pt")
    back["tail"][0] = 1.0
    assert back["mid"].tolist() == [0.0, 0.0, 1.0, 0.0]  # still one storage


def test_views_of_one_storage_with_two_dtypes_are_refused(tmp_path):
    t = rtorch.ones(4, dtype=rtorch.int16)
    with pytest.raises(RuntimeError, match="different types"):
        rtorch.save([t, t.view(rtorch.bfloat16)], tmp_path / "x.pt")
    assert not os.listdir(tmp_path)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), data=st.data())
def test_random_views_roundtrip(tmp_path_factory, shape, data):
    base = rtorch.arange(int(np.prod(shape)), dtype=rtorch.float64).reshape(*shape)
    views = [base]
    for _ in range(data.draw(st.integers(1, 4))):
        v = views[data.draw(st.integers(0, len(views) - 1))]
        op = data.draw(st.sampled_from(["t", "slice", "select", "expand", "narrow"]))
        if op == "t" and v.dim() >= 2:
            v = v.transpose(0, v.dim() - 1)
        elif op == "slice" and v.dim() >= 1 and v.shape[0] > 0:
            start = data.draw(st.integers(0, v.shape[0] - 1))
            v = v[start::data.draw(st.integers(1, 3))]
        elif op == "select" and v.dim() >= 1 and v.shape[0] > 0:
            v = v[data.draw(st.integers(0, v.shape[0] - 1))]
        elif op == "expand" and v.dim() >= 1 and v.shape[0] == 1:
            v = v.expand(3, *v.shape[1:])
        elif op == "narrow" and v.dim() >= 1 and v.shape[-1] > 1:
            v = v.narrow(v.dim() - 1, 1, v.shape[-1] - 1)
        views.append(v)
    path = tmp_path_factory.mktemp("views") / "v.pt"
    rtorch.save(views, path)
    back = rtorch.load(path)
    for v, b in zip(views, back):
        assert b.shape == v.shape and b.stride() == v.stride()
        np.testing.assert_array_equal(b.numpy(), v.numpy())
    back[0].mul_(-1)  # everything views the base: all see the write
    for v, b in zip(views, back):
        np.testing.assert_array_equal(b.numpy(), -v.numpy())


def test_pickle_protocols_and_legacy_writer_roundtrip(tmp_path):
    state = sample_state()
    for i, kwargs in enumerate([dict(pickle_protocol=4), dict(pickle_protocol=5),
                                dict(_use_new_zipfile_serialization=False),
                                dict(_disable_byteorder_record=True)]):
        rtorch.save(state, tmp_path / f"{i}.pt", **kwargs)
        back = rtorch.load(tmp_path / f"{i}.pt")
        assert without_storage_ids(describe(back, {})) == without_storage_ids(describe(state, {})), kwargs
    with pytest.raises(ValueError, match="pickle_protocol"):
        rtorch.save(state, tmp_path / "x.pt", pickle_protocol=1)
    with pytest.raises(ValueError, match="pickle module"):
        rtorch.save(state, tmp_path / "x.pt", pickle_module=json)


def test_zip64_archives(tmp_path, monkeypatch):
    monkeypatch.setattr(_zip_container, "ZIP64_LIMIT", 200)
    monkeypatch.setattr(_zip_container, "ZIP64_COUNT_LIMIT", 3)
    state = {"a": rtorch.arange(100, dtype=rtorch.float32), "b": rtorch.ones(3)}
    rtorch.save(state, tmp_path / "z.pt")
    zf = zipfile.ZipFile(tmp_path / "z.pt")
    assert zf.testzip() is None and any(i.header_offset > 200 for i in zf.infolist())
    back = rtorch.load(tmp_path / "z.pt")
    assert back["a"].tolist() == list(range(100)) and back["b"].tolist() == [1.0] * 3


def test_format_selection(tmp_path):
    sd = {"w": rtorch.ones(2)}
    rtorch.save(sd, tmp_path / "a.pt")
    rtorch.save(sd, tmp_path / "b.safetensors")
    rtorch.save(sd, tmp_path / "c.pt", format="safetensors")
    rtorch.save(sd, tmp_path / "d.SAFETENSORS", format="torch")
    rtorch.save(sd, os.fsencode(tmp_path / "e.safetensors"))
    buf = io.BytesIO()
    rtorch.save(sd, buf)
    assert (tmp_path / "a.pt").read_bytes()[:4] == b"PK\x03\x04" and buf.getvalue()[:4] == b"PK\x03\x04"
    assert (tmp_path / "d.SAFETENSORS").read_bytes()[:4] == b"PK\x03\x04"
    for name in ["b.safetensors", "c.pt", "e.safetensors"]:
        assert (tmp_path / name).read_bytes()[8:9] == b"{"
    for name in ["a.pt", "b.safetensors", "c.pt", "d.SAFETENSORS", "e.safetensors"]:
        assert rtorch.load(tmp_path / name)["w"].tolist() == [1.0, 1.0]  # told apart by their bytes
    buf.seek(0)
    assert rtorch.load(buf)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="format"):
        rtorch.save(sd, tmp_path / "x.pt", format="pickle")
    with pytest.raises(ValueError, match="metadata"):
        rtorch.save(sd, tmp_path / "x.pt", metadata={"a": "b"})
    with pytest.raises(TypeError, match="path or a writable"):
        rtorch.save(sd, 3)
    zipfile.ZipFile(tmp_path / "a.pt").testzip()
    assert zipfile.ZipFile(tmp_path / "a.pt").namelist()[0] == "a/data.pkl"


def test_file_object_not_at_start_and_unseekable(tmp_path):
    buf = io.BytesIO()
    buf.write(b"junk")
    rtorch.save({"w": rtorch.arange(3)}, buf)
    buf.seek(4)
    assert rtorch.load(buf)["w"].tolist() == [0, 1, 2]

    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            return self.data.readinto(b)

    raw = buf.getvalue()[4:]
    assert rtorch.load(io.BufferedReader(Pipe(raw)))["w"].tolist() == [0, 1, 2]


def test_whole_rtorch_module_and_numpy(tmp_path):
    rtorch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
    payload = {"model": model, "array": np.arange(4.0), "np_scalar": np.float32(1.5)}
    rtorch.save(payload, tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError) as info:
        rtorch.load(tmp_path / "m.pt")
    msg = str(info.value)
    assert "weights_only" in msg and "rtorch.nn.modules.container.Sequential" in msg and "add_safe_globals" in msg
    back = rtorch.load(tmp_path / "m.pt", weights_only=False)
    x = rtorch.randn(2, 1, 4, 4)
    np.testing.assert_array_equal(back["model"](x).detach().numpy(), model(x).detach().numpy())
    np.testing.assert_array_equal(back["array"], np.arange(4.0))
    assert back["np_scalar"] == np.float32(1.5)
    rtorch.save(model, tmp_path / "whole.pt")
    whole = rtorch.load(tmp_path / "whole.pt", weights_only=False)
    assert isinstance(whole, nn.Sequential) and isinstance(whole[3].weight, nn.Parameter)


def test_user_classes_through_the_allow_list(tmp_path):
    rtorch.save({"cfg": Config(3, "x"), "t": rtorch.ones(1)}, tmp_path / "c.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL test_torch_checkpoints\.Config was not an allowed"):
        rtorch.load(tmp_path / "c.pt")
    serialization.add_safe_globals([Config])
    try:
        assert Config in serialization.get_safe_globals()
        back = rtorch.load(tmp_path / "c.pt")
        assert isinstance(back["cfg"], Config) and back["cfg"].depth == 3 and back["cfg"].name == "x"
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    with pytest.raises(ValueError, match="length 2"):
        serialization.add_safe_globals([(Config, "a", "b")])
    with pytest.raises(TypeError, match="full path"):
        serialization.add_safe_globals([(Config, 3)])
    with pytest.raises(TypeError):
        serialization.add_safe_globals([42])
    # a blocked module stays blocked even when the user allows one of its functions
    serialization.add_safe_globals([os.getcwd])
    try:
        blob = io.BytesIO()
        pickle.Pickler(blob, protocol=2).dump(os.getcwd)
        path = tmp_path / "b.pt"
        write_pickle_checkpoint(path, blob.getvalue())
        with pytest.raises(pickle.UnpicklingError, match="is blocked"):
            rtorch.load(path)
    finally:
        serialization.clear_safe_globals()


class Config:
    def __init__(self, depth, name):
        self.depth = depth
        self.name = name


def write_pickle_checkpoint(path, data_pkl, records=()):
    """A zip checkpoint with the given data.pkl bytes and (name, bytes) records."""
    with open(path, "wb") as f:
        w = _zip_container.ZipWriter(f, "archive")
        w.write_record("data.pkl", data_pkl)
        for name, data in records:
            w.write_record(name, data)
        w.finish()
    return path


def test_weights_only_switches(tmp_path, monkeypatch):
    rtorch.save({"cfg": Config(1, "a")}, tmp_path / "c.pt")
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        rtorch.load(tmp_path / "c.pt", pickle_module=pickle, weights_only=True)
    assert rtorch.load(tmp_path / "c.pt", pickle_module=pickle, weights_only=False)["cfg"].name == "a"
    with pytest.warns(UserWarning, match="pickle_load_args"):
        rtorch.load(fixture("cnn_state_dict.pt"), encoding="latin1")
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match="forcing weights_only=False"):
        assert rtorch.load(tmp_path / "c.pt")["cfg"].depth == 1
    with pytest.raises(pickle.UnpicklingError):
        rtorch.load(tmp_path / "c.pt", weights_only=True)  # an explicit choice wins over this variable
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(RuntimeError, match="both were set"):
        rtorch.load(tmp_path / "c.pt")
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    with pytest.raises(pickle.UnpicklingError):
        rtorch.load(tmp_path / "c.pt", weights_only=False)  # forced on


def test_dtypes_and_devices_pickle_plainly():
    for obj in [rtorch.float32, rtorch.bfloat16, rtorch.bool, rtorch.device("cpu"), rtorch.device("cuda:1"),
                {"d": rtorch.int8, "dev": rtorch.device("cpu")}]:
        assert pickle.loads(pickle.dumps(obj)) == obj
    assert pickle.loads(pickle.dumps(rtorch.float16)) is rtorch.float16


@pytest.mark.parametrize("cls,kwargs", [("Adam", dict(lr=1e-2, amsgrad=True)), ("AdamW", dict(weight_decay=0.1)),
                                        ("SGD", dict(lr=0.1, momentum=0.9)), ("RMSprop", dict(centered=True)),
                                        ("Adagrad", dict(lr_decay=0.01))])
def test_optimizer_state_roundtrip_in_torch_format(tmp_path, cls, kwargs):
    rtorch.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = getattr(rtorch.optim, cls)(model.parameters(), **kwargs)
    data = [(rtorch.randn(4, 3), rtorch.randn(4, 2)) for _ in range(3)]

    def step(m, o, batch):
        o.zero_grad()
        ((m(batch[0]) - batch[1]) ** 2).mean().backward()
        o.step()

    for batch in data[:2]:
        step(model, opt, batch)
    rtorch.save({"model": model.state_dict(), "optim": opt.state_dict()}, tmp_path / "o.pt")
    ckpt = rtorch.load(tmp_path / "o.pt")
    assert isinstance(next(iter(ckpt["optim"]["state"])), int)
    model2 = nn.Linear(3, 2)
    model2.load_state_dict(ckpt["model"])
    opt2 = getattr(rtorch.optim, cls)(model2.parameters(), lr=123.0)
    opt2.load_state_dict(ckpt["optim"])
    step(model, opt, data[2])
    step(model2, opt2, data[2])
    for p, q in zip(model.parameters(), model2.parameters()):
        assert same_bits(bits(p), bits(q))


def test_concurrent_saves_and_loads(tmp_path):
    errors = []
    state = sample_state()
    want = without_storage_ids(describe(state, {}))

    def worker(i):
        try:
            for j in range(5):
                path = tmp_path / f"{i % 2}.pt"  # two threads per file: atomic replacement, never a torn file
                rtorch.save(state, path)
                got = rtorch.load(path)
                assert without_storage_ids(describe(got, {})) == want
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(os.listdir(tmp_path)) == ["0.pt", "1.pt"]


# ------------------------------------------------------------------------------- PyTorch reading rtorch's files
def torch_python():
    exe = os.environ.get("RTORCH_TORCH_PYTHON")
    if exe:
        return exe
    if importlib.util.find_spec("torch") is not None:
        return sys.executable
    return None


needs_torch = pytest.mark.skipif(torch_python() is None, reason="PyTorch not available (set RTORCH_TORCH_PYTHON)")


def run_torch(*args):
    script = os.path.join(HERE, "fixtures", "torch_check.py")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([torch_python(), script, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def storage_partition(desc):
    """Which tensors (by position) share a storage, as a set of frozensets."""
    groups = {}

    def walk(d, path):
        if isinstance(d, dict):
            if "tensor" in d and isinstance(d["tensor"], dict) and d["tensor"].get("storage") is not None:
                groups.setdefault(d["tensor"]["storage"], set()).add(path)
            for k, v in d.items():
                walk(v, path + (k,))
        elif isinstance(d, list):
            for i, v in enumerate(d):
                walk(v, path + (i,))
    walk(desc, ())
    return {frozenset(g) for g in groups.values()}


@needs_torch
@pytest.mark.parametrize("kwargs", [{}, dict(_use_new_zipfile_serialization=False), dict(pickle_protocol=4)],
                         ids=["zip", "legacy", "protocol4"])
def test_pytorch_reads_rtorch_checkpoint(tmp_path, kwargs):
    state = sample_state()
    rtorch.save(state, tmp_path / "s.pt", **kwargs)
    mine = describe(state, {})
    # PyTorch's weights_only unpickler knows protocol 2 only (it refuses its own protocol-4 files too)
    theirs = run_torch("describe", tmp_path / "s.pt", *(["--unsafe"] if "pickle_protocol" in kwargs else []))
    assert without_storage_ids(theirs) == without_storage_ids(mine)
    # storage sharing as PyTorch sees it: what rtorch shared, except the negative-stride copy
    assert storage_partition(theirs) == storage_partition(mine)


@needs_torch
def test_pytorch_reads_rtorch_zip64(tmp_path, monkeypatch):
    monkeypatch.setattr(_zip_container, "ZIP64_LIMIT", 300)
    monkeypatch.setattr(_zip_container, "ZIP64_COUNT_LIMIT", 4)
    state = {f"w{i}": rtorch.arange(50 * (i + 1), dtype=rtorch.float32) for i in range(4)}
    rtorch.save(state, tmp_path / "z.pt")
    assert without_storage_ids(run_torch("describe", tmp_path / "z.pt")) == \
        without_storage_ids(describe(state, {}))


@needs_torch
def test_pytorch_reads_whole_rtorch_module(tmp_path):
    rtorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    rtorch.save(model, tmp_path / "m.pt")
    out = run_torch("describe", tmp_path / "m.pt", "--unsafe", "--rtorch", PYTHON_DIR)
    assert out["module"] == "rtorch.nn.modules.container.Sequential"
    assert without_storage_ids(out["state"]) == without_storage_ids(describe(model.state_dict(), {}))


@needs_torch
@pytest.mark.parametrize("cls,kwargs", [("Adam", dict(lr=1e-2, betas=(0.8, 0.95))), ("SGD", dict(lr=0.1, momentum=0.9)),
                                        ("AdamW", dict(lr=1e-2, weight_decay=0.1, amsgrad=True))])
def test_pytorch_continues_rtorch_optimizer(tmp_path, cls, kwargs):
    rtorch.manual_seed(3)
    model = nn.Linear(3, 2)
    opt = getattr(rtorch.optim, cls)(model.parameters(), **kwargs)
    data = [(rtorch.randn(5, 3), rtorch.randn(5, 2)) for _ in range(3)]
    for x, y in data[:2]:
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    x, y = data[2]
    rtorch.save({"model": model.state_dict(), "optim": opt.state_dict(), "x": x, "y": y, "shape": (3, 2)},
                tmp_path / "o.pt")
    theirs = run_torch("optim", tmp_path / "o.pt", cls)
    opt.zero_grad()
    ((model(x) - y) ** 2).mean().backward()
    opt.step()
    for k, v in model.state_dict().items():
        np.testing.assert_allclose(np.array(theirs[k], dtype=np.float32), v.numpy(), rtol=1e-6, atol=1e-7)
    assert theirs["param_groups"][0]["lr"] == kwargs["lr"]
    warnings.simplefilter("default")
