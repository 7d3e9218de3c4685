"""PyTorch reference results for the parity tests: computed live when PyTorch is importable, else read from the
fixtures that tests/fixtures/record_torch.py records (tests/fixtures/torch_ref/<test file>.npz), so the parity
tests also run in CI, which has no PyTorch.

A parity test builds its inputs with seeded NumPy, puts every PyTorch call in one function of ``torch`` and
compares rtorch against what `torch_ref` returns::

    def test_gelu_matches_torch(rng):
        x = rng.standard_normal((3, 4)).astype(np.float32)
        ref = torch_ref(lambda torch: torch.nn.functional.gelu(torch.from_numpy(x)))
        assert_close(F.gelu(rtorch.tensor(x)), ref, rtol=1e-6, atol=1e-6)

The case is named after the running test (its pytest id) and the number of `torch_ref` calls made so far in
it. Three modes:

- no PyTorch (CI): the recorded result is returned; a case without a fixture FAILS (it never skips);
- PyTorch importable: the function runs, and its result must equal the recorded one (drift check: a changed
  input, a new PyTorch release or a case nobody recorded fails here);
- recording (``RTORCH_TORCH_RECORD=1``, set by record_torch.py): the function runs and its result is stored.

Results are converted the same way in every mode, so a test sees the same values and types with and without
PyTorch: tensors become NumPy arrays (bfloat16 ones become rtorch bfloat16 tensors, NumPy has no bfloat16),
``torch.dtype`` becomes the rtorch dtype, ``torch.Size`` a tuple, Python scalars, strings and None stay as
they are, lists / tuples / dicts are converted item by item, and `TorchError` (from `catch`) records an
exception's type name and message.
"""
import json
import os
import pathlib

import numpy as np
import pytest

import rtorch

FIXTURE_DIR = pathlib.Path(__file__).resolve().parent / "fixtures" / "torch_ref"
RECORD = os.environ.get("RTORCH_TORCH_RECORD") == "1"

# Drift tolerance between a live PyTorch result and its fixture, per dtype: PyTorch's own CPU kernels may
# round differently on another machine (vector width, thread count), so floats get a few ulps of slack.
_DRIFT_TOL = {"float16": (2e-3, 1e-4), "bfloat16": (1e-2, 1e-3), "float32": (1e-5, 1e-6),
              "float64": (1e-10, 1e-12), "complex64": (1e-5, 1e-6), "complex128": (1e-10, 1e-12)}


class TorchError:
    """An exception PyTorch raised, as recorded by `catch`: the exception's class name and message.

    Args:
        type: the exception class's name (``"RuntimeError"``).
        message: ``str(exception)``.

    Example:
        >>> err = torch_ref(lambda torch: catch(torch.zeros(2).view, 3))
        >>> err.type
        'RuntimeError'
    """

    def __init__(self, type, message):
        self.type = type
        self.message = message

    def __eq__(self, other):
        return isinstance(other, TorchError) and (self.type, self.message) == (other.type, other.message)

    def __repr__(self):
        return f"TorchError({self.type!r}, {self.message!r})"


def catch(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or the `TorchError` it raised (for parity tests of exceptions).

    Args:
        fn: the PyTorch callable.
        *args, **kwargs: its arguments.

    Example:
        >>> torch_ref(lambda torch: catch(torch.ones(2).reshape, 3)).type
        'RuntimeError'
    """
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # any exception type is a result to compare
        return TorchError(type(e).__name__, str(e))


def live_torch():
    """PyTorch when it is importable (the live and recording modes), else None."""
    try:
        import torch
    except ImportError:
        if RECORD:
            raise
        return None
    return torch


# ------------------------------------------------------------------ the running case
_case = {"file": None, "name": None, "calls": 0}


def set_case(nodeid):
    """Name the running test (called by conftest.py before each test): its pytest node id."""
    path, _, name = nodeid.partition("::")
    _case.update(file=pathlib.PurePosixPath(path).stem, name=name, calls=0)


def _next_key():
    if _case["name"] is None:
        raise RuntimeError("torch_ref: no running test (conftest.py's set_case was not called)")
    key = f"{_case['name']}#{_case['calls']}"
    _case["calls"] += 1
    return _case["file"], key


# ------------------------------------------------------------------ encoding
def _encode(obj, arrays):
    """A JSON-able tree describing `obj`; its arrays are appended to `arrays` (referenced by index)."""
    torch = live_torch() if not isinstance(obj, (np.ndarray, np.generic, list, tuple, dict)) else None
    if isinstance(obj, np.generic):  # first: np.float64 is also a float
        arrays.append(np.asarray(obj))
        return {"scalar": len(arrays) - 1}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"py": type(obj).__name__, "v": obj}
    if isinstance(obj, TorchError):
        return {"error": obj.type, "message": obj.message}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc":
            raise TypeError(f"torch_ref: cannot record an array of dtype {obj.dtype}")
        arrays.append(np.array(obj, order="C"))  # (ascontiguousarray would make 0-d arrays 1-d)
        return {"array": len(arrays) - 1}
    if torch is not None and isinstance(obj, torch.Size):
        return {"py": "tuple", "v": list(obj)}
    if torch is not None and isinstance(obj, torch.dtype):
        return {"dtype": str(obj).split(".")[-1]}
    if torch is not None and isinstance(obj, torch.Tensor):
        x = obj.detach().cpu().contiguous()
        if x.dtype == torch.bfloat16:
            arrays.append(x.view(torch.int16).numpy().copy())
            return {"array": len(arrays) - 1, "bfloat16": True}
        return _encode(x.numpy().copy(), arrays)
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [_encode(v, arrays) for v in obj]}
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise TypeError("torch_ref: dict keys must be strings")
        return {"keys": list(obj), "values": [_encode(v, arrays) for v in obj.values()]}
    raise TypeError(f"torch_ref: cannot record a {type(obj).__name__}")


def _decode(tree, arrays):
    if "py" in tree:
        return tuple(tree["v"]) if tree["py"] == "tuple" else tree["v"]
    if "error" in tree:
        return TorchError(tree["error"], tree["message"])
    if "scalar" in tree:
        return arrays[tree["scalar"]][()]
    if "array" in tree:
        a = arrays[tree["array"]]
        return rtorch.from_numpy(a.copy()).view(rtorch.bfloat16) if tree.get("bfloat16") else a
    if "dtype" in tree:
        return getattr(rtorch, tree["dtype"])
    if "list" in tree:
        return [_decode(v, arrays) for v in tree["list"]]
    if "tuple" in tree:
        return tuple(_decode(v, arrays) for v in tree["tuple"])
    return {k: _decode(v, arrays) for k, v in zip(tree["keys"], tree["values"])}


def _pack(tree, arrays):
    """The npz entries of one case: its tree as a JSON string and its arrays."""
    entries = {"tree": np.array(json.dumps(tree))}
    entries.update({str(i): a for i, a in enumerate(arrays)})
    return entries


# ------------------------------------------------------------------ fixture files
_loaded = {}    # file stem -> {case key -> (tree, arrays)}
_recorded = {}  # file stem -> {case key -> (tree, arrays)} made in this (recording) run


def fixture_path(file):
    """The fixture file of the test file named `file` (its stem, "test_conv")."""
    return FIXTURE_DIR / f"{file}.npz"


def load_cases(file):
    """{case key: (tree, arrays)} recorded for the test file `file` ({} when it has no fixture file)."""
    if file not in _loaded:
        cases = {}
        path = fixture_path(file)
        if path.exists():
            with np.load(path, allow_pickle=False) as z:
                for name in z.files:
                    key, _, part = name.rpartition("/")
                    tree, arrays = cases.setdefault(key, [None, {}])
                    if part == "tree":
                        cases[key][0] = json.loads(str(z[name]))
                    else:
                        arrays[int(part)] = z[name]
        _loaded[file] = {k: (t, [a[i] for i in range(len(a))]) for k, (t, a) in cases.items()}
    return _loaded[file]


def write_recorded():
    """Merge the cases recorded in this run into their fixture files (called at the end of a recording run);
    returns {file stem: number of cases recorded}."""
    counts = {}
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    for file, new in _recorded.items():
        cases = dict(load_cases(file))
        cases.update(new)
        entries = {}
        for key in sorted(cases):
            tree, arrays = cases[key]
            entries.update({f"{key}/{k}": v for k, v in _pack(tree, arrays).items()})
        np.savez_compressed(fixture_path(file), **entries)
        _loaded.pop(file, None)
        counts[file] = len(new)
    return counts


# ------------------------------------------------------------------ comparison (drift check)
def _same(live, rec, where):
    """Assert that two decoded results are equal (floats within `_DRIFT_TOL`)."""
    assert type(live) is type(rec), f"{where}: {type(live).__name__} != recorded {type(rec).__name__}"
    if isinstance(live, (list, tuple)):
        assert len(live) == len(rec), f"{where}: length {len(live)} != recorded {len(rec)}"
        for i, (a, b) in enumerate(zip(live, rec)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(live, dict):
        assert list(live) == list(rec), f"{where}: keys {list(live)} != recorded {list(rec)}"
        for k in live:
            _same(live[k], rec[k], f"{where}[{k!r}]")
    elif isinstance(live, rtorch.Tensor):
        _same(live.view(rtorch.int16).numpy(), rec.view(rtorch.int16).numpy(), where)
    elif isinstance(live, (np.ndarray, np.generic)):
        assert live.dtype == rec.dtype and live.shape == rec.shape, \
            f"{where}: {live.dtype}{live.shape} != recorded {rec.dtype}{rec.shape}"
        if live.dtype.kind in "fc":
            rtol, atol = _DRIFT_TOL[live.dtype.name]
            np.testing.assert_allclose(live, rec, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(live, rec, err_msg=where)
    elif isinstance(live, float) and live != live:
        assert rec != rec, f"{where}: nan != recorded {rec}"
    else:
        assert live == rec, f"{where}: {live!r} != recorded {rec!r}"


def torch_ref(fn):
    """PyTorch's result for this case: ``fn(torch)`` when PyTorch is importable (checked against the recorded
    fixture), else the recorded fixture; a missing fixture fails the test.

    Args:
        fn: a function of the ``torch`` module returning the reference result: tensors, NumPy arrays, Python
            scalars, strings, None, ``torch.dtype``, ``torch.Size``, `TorchError`, and lists / tuples /
            dicts (string keys) of these. Its inputs must be deterministic (seeded NumPy, not rtorch's RNG).

    Returns:
        The result converted as the module docstring says (tensors -> NumPy arrays).

    Example:
        >>> x = np.arange(6.0).reshape(2, 3)
        >>> ref = torch_ref(lambda torch: torch.from_numpy(x).cumsum(1))
        >>> ref.dtype
        dtype('float64')
    """
    file, key = _next_key()
    torch = live_torch()
    if torch is None:
        case = load_cases(file).get(key)
        if case is None:
            pytest.fail(f"torch_ref: no PyTorch and no recorded result for {file}::{key} in "
                        f"{fixture_path(file).name}: record it with /work/tvenv/bin/python "
                        f"tests/fixtures/record_torch.py tests/{file}.py", pytrace=False)
        return _decode(*case)
    arrays = []
    tree = _encode(fn(torch), arrays)
    # round-trip through the stored form so a test sees the same types in every mode
    tree = json.loads(json.dumps(tree))
    arrays = [np.asarray(a) for a in arrays]
    live = _decode(tree, arrays)
    if RECORD:
        _recorded.setdefault(file, {})[key] = (tree, arrays)
        return live
    case = load_cases(file).get(key)
    if case is None:
        pytest.fail(f"torch_ref: {file}::{key} has no recorded result in {fixture_path(file).name}: record it "
                    f"with /work/tvenv/bin/python tests/fixtures/record_torch.py tests/{file}.py", pytrace=False)
    _same(live, _decode(*case), f"torch_ref drift in {file}::{key}")
    return live


def live_ref(fn):
    """``fn(torch)`` converted as `torch_ref` converts it, with no fixture: for hypothesis tests, whose inputs
    change from run to run (they skip without PyTorch; give them fixed-input companions that use `torch_ref`).

    Args:
        fn: a function of the ``torch`` module, as for `torch_ref`.

    Example:
        >>> live_ref(lambda torch: torch.ones(2)).dtype   # skips the test when PyTorch is not installed
        dtype('float32')
    """
    torch = live_torch()
    if torch is None:
        pytest.skip("PyTorch is not installed (hypothesis parity tests run live only)")
    arrays = []
    tree = json.loads(json.dumps(_encode(fn(torch), arrays)))
    return _decode(tree, [np.asarray(a) for a in arrays])


# ------------------------------------------------------------------ modules
def module_state(m):
    """A PyTorch module's state_dict with detached copies of its tensors (to return from a `torch_ref`
    function: the weights a test then loads into the rtorch module with `load_state`)."""
    return {k: v.detach().clone() for k, v in m.state_dict().items()}


def param_grads(m):
    """{parameter name: its gradient, or None} of a PyTorch module (to return from a `torch_ref` function)."""
    return {name: None if p.grad is None else p.grad.detach().clone() for name, p in m.named_parameters()}


def load_state(rt_module, state):
    """Load a recorded state (`module_state`'s NumPy arrays) into the rtorch module; the key sets must be
    equal and in the same order."""
    assert list(state) == list(rt_module.state_dict()), f"{list(state)} != {list(rt_module.state_dict())}"
    rt_module.load_state_dict({k: rtorch.from_numpy(np.array(v)) for k, v in state.items()})
    return rt_module


def assert_grads_close(rt_module, grads, rtol=1e-4, atol=1e-5):
    """Every parameter gradient of the rtorch module equals PyTorch's (`param_grads`'s recorded arrays);
    where PyTorch has none the rtorch one is None or zero."""
    for name, p in rt_module.named_parameters():
        if grads[name] is None:
            assert p.grad is None or not p.grad.detach().numpy().any(), name
            continue
        np.testing.assert_allclose(p.grad.detach().numpy(), grads[name], rtol=rtol, atol=atol, err_msg=name)
