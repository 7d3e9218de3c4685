"""Keyword forms of the functions: every ``rtorch.<fn>`` whose PyTorch signature starts with ``input`` accepts it as
``input=`` (and its other parameters by their PyTorch names), giving what the positional call gives. The parameter
lists are PyTorch's, recorded in tests/fixtures/compat.json by tests/fixtures/make_compat_fixtures.py."""
import json
import pathlib
import types

import numpy as np
import pytest

import rtorch

PARAMS = json.loads((pathlib.Path(__file__).parent / "fixtures" / "compat.json").read_text())["input_params"]


def _x():
    return rtorch.tensor(np.linspace(0.5, 1.5, 9).reshape(3, 3), dtype=rtorch.float32)


def _y():
    return rtorch.tensor(np.linspace(1.2, 0.3, 9).reshape(3, 3), dtype=rtorch.float32)


def _i():
    return rtorch.tensor([[3, 5, 6], [1, 2, 7], [4, 4, 2]])


# A value for each parameter name PyTorch uses (by name, so one table serves every function).
VALUES = {
    "input": _x, "other": _y, "mat2": _y, "mat1": _x, "mat": _y, "tensor1": _x, "tensor2": _y, "end": _y,
    "src": _y, "source": _y, "vec": lambda: rtorch.ones(3), "vec1": lambda: rtorch.ones(3),
    "vec2": lambda: rtorch.arange(3.0), "dim": lambda: 0, "dim0": lambda: 0, "dim1": lambda: 1,
    "dims": lambda: (1, 0), "k": lambda: 1, "chunks": lambda: 2, "index": lambda: rtorch.tensor([0, 2]),
    "indices": lambda: rtorch.tensor([0, 2]), "value": lambda: 1.0, "mask": lambda: _x() > 1.0,
    "exponent": lambda: 2.0, "min": lambda: 0.6, "max": lambda: 1.2, "weight": lambda: 0.5, "p": lambda: 2,
    "q": lambda: 0.5, "repeats": lambda: 2, "shape": lambda: (9,), "size": lambda: (3, 3), "diagonal": lambda: 0,
    "offset": lambda: 0, "start": lambda: 0, "length": lambda: 2, "shifts": lambda: (1, 1), "divisor": lambda: 2,
    "test_elements": lambda: rtorch.tensor([1.0]), "boundaries": lambda: rtorch.tensor([0.7, 1.1]),
    "sorted_sequence": lambda: rtorch.tensor([0.6, 0.9, 1.3]), "n": lambda: 1, "x": _y, "stride": lambda: (3, 1),
    "batch1": lambda: rtorch.ones(2, 3, 3), "batch2": lambda: rtorch.ones(2, 3, 3), "axis0": lambda: 0,
    "axis1": lambda: 1, "fill_value": lambda: 2.0, "num_samples": lambda: 2, "reduce": lambda: "sum",
    "sizes": lambda: (3, 1), "high": lambda: 5,
}
INT_INPUTS = {"input": _i, "other": lambda: rtorch.tensor([[1, 2, 3], [4, 5, 6], [7, 1, 2]])}


def _same(a, b, name=""):
    if isinstance(a, rtorch.Tensor) and name.startswith("empty"):  # uninitialised memory: compare the metadata
        return isinstance(b, rtorch.Tensor) and a.shape == b.shape and a.dtype == b.dtype
    if isinstance(a, rtorch.Tensor):
        return isinstance(b, rtorch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
            a.detach().cpu().float().numpy(), b.detach().cpu().float().numpy(), equal_nan=True)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    return a == b or (a != a and b != b)


def _call(fn, required, table, by_keyword):
    vals = {p: table.get(p, VALUES[p])() for p in required}
    rtorch.manual_seed(0)
    return fn(**vals) if by_keyword else fn(*[vals[p] for p in required])


def _functions():
    for name in sorted(PARAMS):
        fn = getattr(rtorch, name, None)
        if fn is None or isinstance(fn, (type, types.ModuleType)):
            continue
        yield name, fn, [p for p, has_default in PARAMS[name] if not has_default]


def test_fixture_covers_pytorchs_functions():
    assert len(PARAMS) > 300 and PARAMS["matmul"][:2] == [["input", False], ["other", False]]


def test_every_function_takes_input_by_keyword():
    checked, failures = [], []
    for name, fn, required in _functions():
        if any(p not in VALUES for p in required):
            continue
        want = table = None
        for candidate in ({}, INT_INPUTS):  # integer-only ops (bitwise, gcd...) take the int inputs
            try:
                want = _call(fn, required, candidate, by_keyword=False)
                table = candidate
                break
            except Exception:  # noqa: BLE001 - the positional form refusing these values is not this test's concern
                continue
        if table is None:
            continue
        try:
            got = _call(fn, required, table, by_keyword=True)
        except Exception as e:  # noqa: BLE001
            failures.append(f"rtorch.{name}({', '.join(p + '=...' for p in required)}): {type(e).__name__}: {e}")
            continue
        if not _same(got, want, name):
            failures.append(f"rtorch.{name}: the keyword call's result differs from the positional call's")
        checked.append(name)
    assert not failures, "\n".join(failures)
    # The walk must reach the bulk of the aliased functions (a walker that skipped everything would pass).
    for must in ("matmul", "sum", "mean", "transpose", "add", "exp", "softmax", "where",
                 "index_select", "cumsum", "flatten", "argmax", "mm", "narrow", "topk", "masked_fill"):
        if must in PARAMS:
            assert must in checked, must
    assert len(checked) > 140, len(checked)


@pytest.mark.parametrize("call, want", [
    (lambda a, b: rtorch.matmul(input=a, other=b), "matmul"),
    (lambda a, b: rtorch.sum(input=a), "sum"),
    (lambda a, b: rtorch.sum(a, dim=0), "sum0"),
    (lambda a, b: rtorch.sum(input=a, dim=1, keepdim=True), "sum1"),
    (lambda a, b: rtorch.transpose(input=a, dim0=0, dim1=1), "t"),
    (lambda a, b: rtorch.add(input=a, other=b, alpha=2), "add"),
])
def test_keyword_examples_from_the_issue(call, want):
    a, b = _x(), _y()
    ref = {"matmul": a @ b, "sum": a.sum(), "sum0": a.sum(0), "sum1": a.sum(1, keepdim=True), "t": a.t(),
           "add": a + 2 * b}[want]
    assert _same(call(a, b), ref)


def test_function_forms_keep_the_methods_signature_and_docs():
    import inspect

    sig = inspect.signature(rtorch.sum)
    assert list(sig.parameters)[0] == "input"
    assert rtorch.sum.__doc__ == rtorch.Tensor.sum.__doc__ and rtorch.sum.__name__ == "sum"
    with pytest.raises(TypeError):
        rtorch.sum()
