"""Drift tests: the pieces generated from, or tied to, one op declaration stay in step.

Each elementwise op is one row of a declaration table (src/opdefs/unary.rs, binary.rs); the row
generates its enum variant, CPU kernel, CUDA functor, derivative, Python names and docstrings, and
`scripts/gen_ops.py` writes its stub entry and docs/ops.md row. These tests fail when a piece is
missing or stale: the generated files, a Python name, a docstring, a CUDA kernel for a dtype the CPU
accepts, a dispatcher entry without a device path, a host-only entry nobody uses (or a host fallback
that is not listed), a public name missing from its module's ``__all__``.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import types

import pytest

import rtorch
from rtorch.amp.autocast_mode import unwrapped
from rtorch import _rtorch
from op_rows import REFS, call_of, ref_of

ROOT = pathlib.Path(__file__).resolve().parent.parent
DECLS = _rtorch._declarations()

FLOAT = {"float16", "bfloat16", "float32", "float64"}
INT = {"uint8", "int8", "int16", "int32", "int64"}
# The dtypes each CUDA dtype-group macro (RT_FOR_<group> in cuda/common.cuh) instantiates.
GROUPS = {"F": FLOAT, "I": INT, "NUM": FLOAT | INT, "INTB": INT | {"bool"}, "ALL": FLOAT | INT | {"bool"}}
# The groups with complex instantiate their real dtypes on CUDA (complex CUDA tensors are refused before launch).
GROUPS.update(FC=GROUPS["F"], NUMC=GROUPS["NUM"], ALLC=GROUPS["ALL"])
DTYPES = sorted(GROUPS["ALL"])

def _row_id(d):
    return f"{d['family']}.{d['id']}"


def test_generated_stub_and_docs_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_ops.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_row_has_a_test_entry_and_is_reachable():
    # tests/op_rows.py holds each row's reference; rows bound by hand (no generated Python name)
    # say there how to reach their kernel.
    missing = [_row_id(d) for d in DECLS if ref_of(d) is None]
    assert not missing, f"rows without an entry in tests/op_rows.py: {missing}"
    unreachable = [_row_id(d) for d in DECLS if not d["names"] and ref_of(d).call is None]
    assert not unreachable, f"rows with no Python name and no `call` in tests/op_rows.py: {unreachable}"
    ids = {(d["family"], d["id"]) for d in DECLS}
    stale = [f"{f}.{i}" for f, refs in REFS.items() for i in refs if (f, i) not in ids]
    assert not stale, f"tests/op_rows.py has entries for rows that do not exist: {stale}"


@pytest.mark.parametrize("d", DECLS, ids=_row_id)
def test_row_names_methods_functions_and_docstrings(d):
    for name, inplace in d["names"]:
        method = getattr(rtorch.Tensor, name, None)
        assert method is not None, f"Tensor.{name} missing"
        assert d["doc"] in (method.__doc__ or ""), f"Tensor.{name}'s docstring is not the row's doc"
        if inplace:
            assert getattr(rtorch.Tensor, inplace, None) is not None, f"Tensor.{inplace} missing"
            assert (getattr(rtorch.Tensor, inplace).__doc__ or "").strip(), f"Tensor.{inplace} has no docstring"
        if d["function"]:
            fn = getattr(rtorch, name, None)
            assert fn is not None, f"rtorch.{name} missing"
            assert d["doc"] in (fn.__doc__ or ""), f"rtorch.{name}'s docstring is not the row's doc"
            assert name in _rtorch.__all__ and name in rtorch.__all__, f"{name} missing from __all__"
    docs = (ROOT / "docs" / "ops.md").read_text()
    assert f"| `{d['id']}`" in docs, f"docs/ops.md has no row for {d['id']}"


@pytest.mark.parametrize("d", DECLS, ids=_row_id)
def test_row_has_a_cuda_kernel_for_every_dtype_the_cpu_accepts(d):
    host = dict(_rtorch._host_only())
    if _row_id(d) in host:
        return
    assert d["cuda"] in GROUPS, f"{_row_id(d)}: no CUDA dtype group and not on the host-only list"
    source = _rtorch._cuda_source(d["family"])
    assert re.search(rf"RT_FOR_{d['cuda']}\(\w+, {re.escape(d['id'])}\)", source), \
        f"{_row_id(d)}: the CUDA source does not instantiate {d['id']} for group {d['cuda']}"
    call = call_of(d)
    accepted = set()
    for dt in DTYPES:
        x = rtorch.ones(3, dtype=getattr(rtorch, dt))
        try:
            out = call(x) if d["family"] == "unary" else call(x, x.clone())
        except (RuntimeError, TypeError, ValueError, NotImplementedError):
            continue
        # The kernel runs in the result's dtype, except predicates and comparisons (bool results)
        # whose kernel runs in the operands' dtype.
        kernel = dt if d["kind"] in ("pred", "cmp") else str(out.dtype).removeprefix("rtorch.")
        accepted.add(kernel)
    assert accepted, f"{_row_id(d)}: the CPU accepted no dtype at all"
    missing = accepted - GROUPS[d["cuda"]]
    assert not missing, (f"{_row_id(d)}: the CPU kernel runs for {sorted(missing)} but the CUDA group "
                         f"{d['cuda']} has no kernel for them")


def _backend_functions():
    """(file, name, body) of every top-level public function of the dispatcher (src/backend)."""
    for path in sorted((ROOT / "src" / "backend").glob("*.rs")):
        text = re.sub(r"//[^\n]*", "", path.read_text())
        for m in re.finditer(r"^pub(?:\(crate\))? fn (\w+)[^{]*\{", text, re.M):
            i, depth = m.end(), 1
            while depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            yield path.name, m.group(1), text[m.end():i]


# Dispatcher functions that reach only the CPU backend by design, with the reason.
HOST_CONCEPTS = {
    ("memory.rs", "pin"): "page-locked memory is host memory by definition",
    ("random.rs", "blocks_for"): "counts Philox blocks (arithmetic shared by both backends' streams)",
}


def test_every_dispatcher_entry_has_a_device_path():
    # A function that calls a CPU kernel must also name a CUDA kernel, run listed work on the host
    # (host::run), or return None on other devices so the op layer composes device tensor ops.
    bad = []
    gated = {f: any(n == "fused" for g, n, _ in _backend_functions() if g == f) for f, _, _ in _backend_functions()}
    for file, name, body in _backend_functions():
        if "cpu::" not in body or (file, name) in HOST_CONCEPTS:
            continue
        if re.search(r"cuda::|host::run|run_new|Ok\(None\)", body):
            continue
        if "internal error: no fused" in body and gated[file]:
            continue  # the file's `fused(device)` gate sends other devices to composed tensor ops
        bad.append(f"{file}: {name}")
    assert not bad, f"dispatcher entries with only a CPU path: {bad}"
    names = {(f, n) for f, n, _ in _backend_functions()}
    assert set(HOST_CONCEPTS) <= names, f"stale HOST_CONCEPTS: {sorted(set(HOST_CONCEPTS) - names)}"


def test_host_only_list_matches_its_uses():
    listed = {k for k, _ in _rtorch._host_only()}
    used = set()
    for path in (ROOT / "src").rglob("*.rs"):
        used |= set(re.findall(r"host::run(?:_new)?\(\s*\"([\w.]+)\"", path.read_text()))
    assert used - listed == set(), f"host fallbacks not on the host-only list: {sorted(used - listed)}"
    unused = {k for k in listed - used if not any(k == _row_id(d) for d in DECLS)}
    assert not unused, f"host-only entries nothing uses: {sorted(unused)}"


PUBLIC_MODULES = ["rtorch", "rtorch.nn", "rtorch.nn.functional", "rtorch.nn.init", "rtorch.optim",
                  "rtorch.autograd", "rtorch.utils.data", "rtorch.cuda", "rtorch.distributed",
                  "rtorch.multiprocessing", "rtorch.sparse", "rtorch.accelerator", "rtorch.onnx",
                  "rtorch.backends.cudnn", "rtorch.backends.mps",
                  "rtorch.random", "rtorch.utils.checkpoint", "rtorch.nn.parallel",
                  "rtorch.special", "rtorch.signal", "rtorch.signal.windows",
                  # distributions (session 4)
                  "rtorch.testing", "rtorch.distributions", "rtorch.distributions.constraints"]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_names_are_in_all(name):
    import importlib

    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    public = {n for n, v in vars(mod).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)
              and getattr(v, "__module__", name).startswith("rtorch")}
    missing = public - set(mod.__all__)
    assert not missing, f"{name}: public names missing from __all__: {sorted(missing)}"
    absent = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not absent, f"{name}.__all__ names what the module lacks: {absent}"


def test_generated_functions_are_exported():
    generated = {n for d in DECLS if d["function"] for n, _ in d["names"]}
    assert generated == set(_rtorch.__all__)
    assert generated <= set(rtorch.__all__)


# PyTorch's answers for bool inputs, which the rows' dtype groups reproduce on every device.
BOOL_REJECTED = ["abs", "relu", "floor", "ceil", "trunc", "floor_divide", "remainder", "fmod"]
BOOL_ACCEPTED = {"sign": "bool", "isnan": "bool", "isinf": "bool", "isfinite": "bool", "signbit": "bool",
                 "fmax": "bool", "fmin": "bool", "square": "int64", "logical_not": "bool", "bitwise_not": "bool"}


@pytest.mark.parametrize("name", BOOL_REJECTED)
def test_bool_inputs_rejected_as_pytorch_does(name):
    b = rtorch.tensor([True, False])
    d = next(d for d in DECLS if any(n == name for n, _ in d["names"]))
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        call_of(d)(b) if d["family"] == "unary" else call_of(d)(b, b)


@pytest.mark.parametrize("name,dtype", sorted(BOOL_ACCEPTED.items()))
def test_bool_inputs_accepted_as_pytorch_does(name, dtype):
    b = rtorch.tensor([True, False])
    d = next(d for d in DECLS if any(n == name for n, _ in d["names"]))
    out = call_of(d)(b) if d["family"] == "unary" else call_of(d)(b, b)
    assert str(out.dtype) == f"rtorch.{dtype}"
    import numpy as np

    ref = {"sign": [True, False], "isnan": [False, False], "isinf": [False, False], "isfinite": [True, True],
           "signbit": [False, False], "fmax": [True, False], "fmin": [True, False], "square": [1, 0],
           "logical_not": [False, True], "bitwise_not": [False, True]}[name]
    np.testing.assert_array_equal(out.numpy(), np.array(ref))


# ---- ops composed in Python (`@composite`, python/rtorch/_composite.py) ----

from rtorch._composite import DECLARATIONS as COMPOSITES  # noqa: E402

_TEST_SOURCES = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py")
                          if p.name != "test_declarations.py")


@pytest.mark.parametrize("d", COMPOSITES, ids=lambda d: d["name"])
def test_composite_op_is_reachable_and_tested(d):
    name = d["name"]
    # (an autocast region may have wrapped the entry point: rtorch/amp/autocast_mode.py)
    if d["method"]:
        assert unwrapped(vars(rtorch.Tensor).get(name)) is d["fn"], f"Tensor.{name} is not the declared composite op"
    if d["function"]:
        assert unwrapped(getattr(rtorch, name, None)) is d["fn"], \
            f"rtorch.{name} is not exported (list it in its module's __all__)"
        assert name in rtorch.__all__
    assert re.search(rf"\b{name}\(", _TEST_SOURCES), f"no test calls {name}()"


def test_composite_ops_exist():
    # The drift test above is parametrized over the declarations: make sure there are some to check.
    assert any(d["name"] == "sum_to_size" for d in COMPOSITES)
