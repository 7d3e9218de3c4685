"""The type stub python/rtorch/_rtorch.pyi stays in step with the native module (names and signatures)."""
import ast
import inspect
import pathlib
import sys
import textwrap

import pytest

import rtorch
from rtorch import _rtorch

STUB = pathlib.Path(rtorch.__file__).with_name("_rtorch.pyi")

# Runtime names the stub leaves out on purpose, each with the reason.
IGNORED = {
    # Slot wrappers pyo3 generates beside the ones we define; they only raise TypeError.
    "Tensor.__delitem__": "pyo3 fills the mapping-delete slot with __setitem__'s; `del t[i]` is unsupported",
    "dtype.__lt__": "pyo3 `eq` fills the whole rich-compare slot; ordering returns NotImplemented",
    "dtype.__le__": "as dtype.__lt__",
    "dtype.__gt__": "as dtype.__lt__",
    "dtype.__ge__": "as dtype.__lt__",
    "device.__lt__": "as dtype.__lt__",
    "device.__le__": "as dtype.__lt__",
    "device.__gt__": "as dtype.__lt__",
    "device.__ge__": "as dtype.__lt__",
}
# Class attributes that are object's, restated by pyo3; a stub adds nothing by repeating them.
SAME_AS_OBJECT = {"__doc__", "__module__", "__repr__", "__str__"}
STUB_CLASSES = ("Tensor", "dtype", "device", "Generator", "Node")


def _stub_tree():
    return ast.parse(STUB.read_text(), filename=str(STUB))


def _decorators(fn):
    return {d.id if isinstance(d, ast.Name) else getattr(d, "attr", None) for d in fn.decorator_list}


def _defs(body):
    """name -> list of FunctionDef (several for @overload; property setters folded into the getter)."""
    out = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if "setter" in _decorators(node):
                continue
            out.setdefault(node.name, []).append(node)
    return out


def _module_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _stub_classes(tree):
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _class_members(cls_node):
    names = set(_defs(cls_node.body))
    names.update(n.target.id for n in cls_node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
    return names


def _runtime_members(cls):
    """Every public attribute plus every attribute the native class defines itself (dunders included)."""
    public = {n for n in dir(cls) if not n.startswith("_")}
    return (public | set(vars(cls))) - SAME_AS_OBJECT


def test_stub_parses_and_is_shipped():
    _stub_tree()
    assert STUB.with_name("py.typed").exists(), "py.typed marks the package as typed (PEP 561)"


def test_every_module_name_is_in_stub():
    stub = _module_names(_stub_tree())
    runtime = {n for n in dir(_rtorch) if not (n.startswith("__") and n.endswith("__"))}
    missing = sorted(n for n in runtime - stub if n not in IGNORED)
    assert not missing, f"add these to python/rtorch/_rtorch.pyi: {missing}"


def test_every_stub_name_exists():
    stub = {n for n in _module_names(_stub_tree()) if not n.startswith("_")}
    stale = sorted(n for n in stub if not hasattr(_rtorch, n))
    assert not stale, f"_rtorch.pyi declares names the native module lacks: {stale}"


@pytest.mark.parametrize("cls_name", STUB_CLASSES)
def test_every_class_attribute_is_in_stub(cls_name):
    classes = _stub_classes(_stub_tree())
    assert cls_name in classes
    stub = _class_members(classes[cls_name])
    runtime = _runtime_members(getattr(_rtorch, cls_name))
    missing = sorted(n for n in runtime - stub if f"{cls_name}.{n}" not in IGNORED)
    assert not missing, f"add these to class {cls_name} in _rtorch.pyi: {missing}"
    stale = sorted(n for n in stub if not hasattr(getattr(_rtorch, cls_name), n))
    assert not stale, f"class {cls_name} in _rtorch.pyi declares attributes the native class lacks: {stale}"


def test_tensor_is_the_native_class():
    # The stub types `rtorch.Tensor` through `from ._rtorch import Tensor`; a Python subclass would bypass it.
    assert rtorch.Tensor is _rtorch.Tensor


# ---- signatures: the stub's parameters match the native text signatures ----

def _stub_params(fn, drop_first):
    a = fn.args
    positional = [(x.arg, inspect.Parameter.POSITIONAL_ONLY) for x in a.posonlyargs]
    positional += [(x.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD) for x in a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params = [(n, k, d) for (n, k), d in zip(positional, defaults)]
    if drop_first:
        params = params[1:]
    if a.vararg:
        params.append((a.vararg.arg, inspect.Parameter.VAR_POSITIONAL, None))
    params += [(x.arg, inspect.Parameter.KEYWORD_ONLY, d) for x, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg:
        params.append((a.kwarg.arg, inspect.Parameter.VAR_KEYWORD, None))
    return params


def _runtime_params(obj, drop_self):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    # A Python function attached as a method (a composite op: its first parameter is named `input` so the
    # function form takes input= too) receives the instance first whatever that parameter is called.
    if drop_self and params and (params[0].name == "self" or inspect.isfunction(obj)):
        params = params[1:]
    return params


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ...


def _check(where, runtime, stub_defs, drop_first):
    """Problems (strings) between a runtime signature and the stub's def(s) for it."""
    if runtime is None:
        return []
    if len(stub_defs) == 1:
        stub = _stub_params(stub_defs[0], drop_first)
        got = [(n, k) for n, k, _ in stub]
        want = [(p.name, p.kind) for p in runtime]
        if got != want:
            return [f"{where}: stub {[n for n, _ in got]} != runtime {[str(p) for p in runtime]}"]
        errs = []
        for (name, _, sdef), p in zip(stub, runtime):
            has_default = p.default is not inspect.Parameter.empty
            if has_default != (sdef is not None):
                errs.append(f"{where}: parameter {name!r} default presence differs from runtime ({p})")
            elif has_default and p.default is not ... and _literal(sdef) is not ... and _literal(sdef) != p.default:
                errs.append(f"{where}: parameter {name!r} default {ast.unparse(sdef)} != runtime {p.default!r}")
        return errs
    # Overloads: every name a caller can pass by keyword must be a runtime parameter (unless it takes **kwargs).
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in runtime):
        return []
    known = {p.name for p in runtime}
    errs = []
    for fn in stub_defs:
        for name, kind, _ in _stub_params(fn, drop_first):
            if kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL):
                continue
            if name not in known:
                errs.append(f"{where} (overload, line {fn.lineno}): {name!r} is not a runtime parameter {known}")
    return errs


def test_function_signatures_match_runtime():
    tree = _stub_tree()
    errs = []
    for name, defs in _defs(tree.body).items():
        if hasattr(_rtorch, name):
            errs += _check(name, _runtime_params(getattr(_rtorch, name), False), defs, drop_first=False)
    assert not errs, "\n".join(errs)


@pytest.mark.parametrize("cls_name", STUB_CLASSES)
def test_method_signatures_match_runtime(cls_name):
    cls = getattr(_rtorch, cls_name)
    errs = []
    for name, defs in _defs(_stub_classes(_stub_tree())[cls_name].body).items():
        if "property" in _decorators(defs[0]) or not hasattr(cls, name):
            continue
        if name == "__new__":
            errs += _check(f"{cls_name}()", _runtime_params(cls, False), defs, drop_first=True)
        elif not name.startswith("__"):  # slot wrappers have generic (self, value, /) signatures
            static = "staticmethod" in _decorators(defs[0])
            errs += _check(f"{cls_name}.{name}", _runtime_params(getattr(cls, name), not static), defs,
                           drop_first=not static)
    assert not errs, "\n".join(errs)


# ---- a type checker run over typical user code ----

USER_CODE = textwrap.dedent("""\
    from typing import assert_type

    import rtorch as torch

    x = torch.randn(3, 4, requires_grad=True)
    w = torch.zeros((4, 2), dtype=torch.float32, device="cpu")
    y = (x @ w).relu().sum(dim=1, keepdim=True)
    assert_type(y, torch.Tensor)
    y.sum().backward()
    assert_type(x.grad, torch.Tensor | None)
    assert_type(x.shape, torch.Size)
    assert_type(x.size(0), int)
    assert_type(x.stride(), tuple[int, ...])
    assert_type(x.dtype, torch.dtype)
    assert_type(x.device.type, str)
    assert_type(x.to(torch.float64), torch.Tensor)
    assert_type(x.to("cpu", torch.float64, copy=True), torch.Tensor)
    assert_type(x.to(w), torch.Tensor)
    values, indices = x.max(dim=1)
    assert_type(values, torch.Tensor)
    assert_type(x.max(), torch.Tensor)
    assert_type(x.sort(descending=True).indices, torch.Tensor)
    assert_type(x.topk(2).values, torch.Tensor)
    assert_type(x.unique(return_counts=True), tuple[torch.Tensor, torch.Tensor])
    assert_type(x.nonzero(as_tuple=True), tuple[torch.Tensor, ...])
    assert_type(x.split(2), tuple[torch.Tensor, ...])
    assert_type(x.detach().sum().item(), int | float | bool)
    assert_type(x.is_floating_point(), bool)
    x.data.mul_(2.0).add_(1, alpha=0.5)
    z = torch.where(x > 0, x, 0.0)
    assert_type(z, torch.Tensor)
    assert_type(torch.cat([x, x], dim=0), torch.Tensor)
    assert_type(torch.randint(0, 10, (5,)), torch.Tensor)
    g = torch.Generator().manual_seed(0)
    assert_type(g, torch.Generator)
    assert_type(torch.rand(2, generator=g), torch.Tensor)
    assert_type(torch.get_default_dtype(), torch.dtype)
    assert_type(torch.float32.is_floating_point, bool)
""")

# Each line must be reported: proof that the stub is what the checker reads (an Any-typed module flags nothing).
BAD_CODE = textwrap.dedent("""\
    import rtorch as torch

    x = torch.ones(2)
    x.no_such_method()
    x.sum(dim="rows")
    n: str = x.numel()
""")


def test_user_code_runs():
    exec(compile(USER_CODE, "<user code>", "exec"), {})


def _mypy(tmp_path, monkeypatch, *targets):
    """Run mypy on `targets` with rtorch found through MYPYPATH; (output, exit status)."""
    api = pytest.importorskip("mypy.api")
    monkeypatch.setenv("MYPYPATH", str(pathlib.Path(rtorch.__file__).parent.parent))
    out, err, status = api.run([
        *targets, "--python-version", f"{sys.version_info.major}.{sys.version_info.minor}",
        "--follow-imports=silent", "--cache-dir", str(tmp_path / ".mypy_cache"), "--no-error-summary",
        "--show-error-codes", "--config-file", "",
    ])
    return out + err, status


def _mypy_code(tmp_path, monkeypatch, code):
    src = tmp_path / "user.py"
    src.write_text(code)
    return _mypy(tmp_path, monkeypatch, str(src))


def test_mypy_accepts_the_stub_itself(tmp_path, monkeypatch):
    out, status = _mypy(tmp_path, monkeypatch, "-m", "rtorch._rtorch")
    assert status == 0, out


def test_mypy_accepts_typical_user_code(tmp_path, monkeypatch):
    out, status = _mypy_code(tmp_path, monkeypatch, USER_CODE)
    assert status == 0, out


def test_mypy_rejects_misuse(tmp_path, monkeypatch):
    out, status = _mypy_code(tmp_path, monkeypatch, BAD_CODE)
    assert status == 1, out
    reported = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    assert reported >= {4, 5, 6}, out
