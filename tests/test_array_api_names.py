"""rtorch.array_api has every name of the Array API standard 2024.12 with the standard's signature.

Also rtorch.Tensor has the standard's array-object attributes. Checked against
tests/fixtures/array_api_2024_12.json, recorded from array-api-strict by tests/fixtures/record_array_api_names.py.
"""
import inspect
import json
import pathlib
import re

import pytest

import rtorch
import rtorch.array_api as xp

SPEC = json.loads((pathlib.Path(__file__).parent / "fixtures" / "array_api_2024_12.json").read_text())
NAMESPACES = {"namespace": xp, "linalg": xp.linalg, "fft": xp.fft}
# The array object's attributes that rtorch.Tensor keeps PyTorch's meaning for (docs/array_api.md).
NO_DTYPE = {"uint16", "uint32", "uint64"}  # rtorch's core has no wide unsigned integers
TENSOR_DIFFERS = {"size": "a method (PyTorch's Tensor.size()); the element count is math.prod(x.shape)",
                  "__imatmul__": "absent, as in PyTorch: `a @= b` rebinds a to a @ b"}


def signature_text(fn, drop_first=False):
    """As tests/fixtures/record_array_api_names.py: the signature without annotations."""
    params = list(inspect.signature(inspect.unwrap(fn)).parameters.values())[int(drop_first):]
    return str(inspect.Signature([p.replace(annotation=inspect.Parameter.empty) for p in params]))


def _cases(kind):
    return [(ns, name, entry) for ns in NAMESPACES for name, entry in SPEC[ns].items() if entry["kind"] == kind]


def test_spec_is_2024_12_and_complete():
    assert SPEC["version"] == "2024.12"
    assert len(SPEC["namespace"]) >= 150 and len(SPEC["linalg"]) == 23 and len(SPEC["fft"]) == 14
    assert xp.__array_api_version__ == "2024.12"


@pytest.mark.parametrize("ns,name,entry", _cases("function"), ids=lambda v: v if isinstance(v, str) else "")
def test_function_has_the_standards_signature(ns, name, entry):
    fn = getattr(NAMESPACES[ns], name)
    assert callable(fn)
    assert signature_text(fn) == entry["signature"], f"{ns}.{name}"
    doc = inspect.getdoc(fn) or ""
    assert re.match(r"^[A-Z`:].*[.:]$", doc.splitlines()[0]), f"{ns}.{name}: first docstring line {doc[:60]!r}"


@pytest.mark.parametrize("ns,name,entry", _cases("dtype"), ids=lambda v: v if isinstance(v, str) else "")
def test_dtype_is_an_rtorch_dtype_of_that_name(ns, name, entry):
    if name in NO_DTYPE:
        pytest.skip("rtorch has no uint16/uint32/uint64 (test_missing_standard_dtypes_are_exactly_...)")
    dt = getattr(NAMESPACES[ns], name)
    assert isinstance(dt, rtorch.dtype)
    assert str(dt) == f"rtorch.{name}"


@pytest.mark.parametrize("ns,name,entry", _cases("constant"), ids=lambda v: v if isinstance(v, str) else "")
def test_constant_has_the_standards_value(ns, name, entry):
    assert repr(getattr(NAMESPACES[ns], name)) == entry["value"]


def test_extension_modules_and_all():
    for name, entry in SPEC["namespace"].items():
        if entry["kind"] == "module":
            assert inspect.ismodule(getattr(xp, name))
    for ns, mod in NAMESPACES.items():
        names = set(SPEC[ns]) - {"__array_api_version__", "__array_namespace_info__"} - NO_DTYPE
        assert names <= set(mod.__all__), sorted(names - set(mod.__all__))
        for extra in set(mod.__all__) - set(SPEC[ns]):
            assert hasattr(mod, extra)


def test_missing_standard_dtypes_are_exactly_the_wide_unsigned_ones():
    # rtorch has no uint16/uint32/uint64 (a Rust-core change): the only names of the standard left out.
    missing = sorted(n for ns, mod in NAMESPACES.items() for n in SPEC[ns] if not hasattr(mod, n))
    assert missing == sorted(NO_DTYPE)


@pytest.mark.parametrize("name", sorted(SPEC["array"]))
def test_tensor_has_the_array_object_attribute(name):
    if name == "__imatmul__":
        assert not hasattr(rtorch.Tensor, name)  # TENSOR_DIFFERS
        return
    assert hasattr(rtorch.Tensor, name), name
    x = rtorch.arange(6.0).reshape(2, 3)
    if SPEC["array"][name]["kind"] == "property" and name not in TENSOR_DIFFERS:
        getattr(x, name)  # readable on an instance


def test_tensor_size_differs_as_documented():
    x = rtorch.ones(2, 3)
    assert x.size() == (2, 3) and x.size(1) == 3  # PyTorch's method wins over the standard's attribute


def test_added_tensor_methods_have_the_standards_signatures():
    for name in ("__array_namespace__", "to_device"):
        assert signature_text(getattr(rtorch.Tensor, name), drop_first=True) == SPEC["array"][name]["signature"]


# The modules whose docstring examples show their output (the elementwise and transform declarations show only
# the call, which the value tests check).
EXAMPLE_MODULES = ["rtorch.array_api", "rtorch.array_api._creation", "rtorch.array_api._data_type_functions",
                   "rtorch.array_api._manipulation", "rtorch.array_api._searching", "rtorch.array_api._sets",
                   "rtorch.array_api._sorting", "rtorch.array_api._statistics", "rtorch.array_api._utility",
                   "rtorch.array_api._indexing", "rtorch.array_api._linear_algebra", "rtorch.array_api.linalg",
                   "rtorch.array_api._info", "rtorch._array_api_methods"]


@pytest.mark.parametrize("module", EXAMPLE_MODULES)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    import numpy as np
    mod = importlib.import_module(module)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report = []
    for test in doctest.DocTestFinder().find(mod, globs={"xp": xp, "rtorch": rtorch, "np": np}):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert runner.tries > 0
