"""Drift test: every public function, class, method and property of rtorch has a real docstring.

Each one's first line must be a sentence; the native functions and Tensor methods must also expose a
signature to ``inspect`` (help(), IDEs), and the examples in the bindings' docstrings must run.
"""
import doctest
import importlib
import inspect
import re
import types

import pytest

import rtorch

# The namespaces a PyTorch user reaches with help(): rtorch.X for each of these (submodules are walked as
# namespaces of their own only when listed here).
NAMESPACES = [
    "rtorch", "rtorch.nn", "rtorch.nn.functional", "rtorch.nn.init", "rtorch.nn.utils", "rtorch.nn.utils.rnn",
    "rtorch.nn.parallel", "rtorch.optim", "rtorch.optim.lr_scheduler", "rtorch.autograd",
    "rtorch.autograd.function", "rtorch.autograd.grad_mode", "rtorch.utils.data", "rtorch.utils.dlpack",
    "rtorch.cuda", "rtorch.backends.cuda", "rtorch.distributed", "rtorch.multiprocessing", "rtorch.serialization",
    "rtorch.sparse", "rtorch.accelerator", "rtorch.onnx", "rtorch.backends.cudnn", "rtorch.backends.mps",
    "rtorch.random", "rtorch.utils.checkpoint",
    "rtorch.special", "rtorch.signal", "rtorch.signal.windows",
    "rtorch.testing", "rtorch.distributions", "rtorch.distributions.constraints",  # distributions (session 4)
    "rtorch.array_api", "rtorch.array_api.linalg", "rtorch.array_api.fft",  # arrayapi (session 5)
]

# A first line that is a sentence: opens with a capital letter, a backtick, a quote or ``:`` (a Sphinx role such
# as ":func:`x`") and ends with a full stop or a colon.
SENTENCE = re.compile(r"""^[A-Z`'":].*[.:]$""")


def _ours(obj):
    """Defined by rtorch (Python or native), not re-exported from the standard library or NumPy."""
    mod = getattr(obj, "__module__", None)
    if mod is None and isinstance(obj, (types.MethodDescriptorType, types.GetSetDescriptorType,
                                        types.MemberDescriptorType)):
        mod = getattr(obj.__objclass__, "__module__", None)
    return isinstance(mod, str) and (mod == "rtorch" or mod.startswith("rtorch."))


def _public(ns):
    names = getattr(ns, "__all__", None) or dir(ns)
    for name in sorted(set(names)):
        if name.startswith("_"):
            continue
        obj = getattr(ns, name)
        if isinstance(obj, types.ModuleType) or not callable(obj) or not _ours(obj):
            continue  # submodules, constants, dtypes, and what rtorch merely re-exports
        yield name, obj


def _members(cls):
    """(qualified name, object) for each public method and property the rtorch classes in `cls`'s MRO define."""
    for base in cls.__mro__:
        if not _ours(base):
            continue
        for name, raw in vars(base).items():
            if name.startswith("_"):
                continue
            if isinstance(raw, (staticmethod, classmethod)):
                raw = raw.__func__
            if isinstance(raw, property):
                yield f"{base.__module__}.{base.__qualname__}.{name}", raw
            elif isinstance(raw, (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                                  types.GetSetDescriptorType, types.ClassMethodDescriptorType)):
                yield f"{base.__module__}.{base.__qualname__}.{name}", raw


def _surface():
    """qualified name -> object, each defining object once (aliases are reported under their first name)."""
    seen, out = set(), {}
    for ns_name in NAMESPACES:
        ns = importlib.import_module(ns_name)
        for name, obj in _public(ns):
            items = [(f"{ns_name}.{name}", obj)]
            if isinstance(obj, type):
                items += list(_members(obj))
            for qual, o in items:
                key = id(o.fget) if isinstance(o, property) else id(o)
                if key not in seen:
                    seen.add(key)
                    out[qual] = o
    return out


def _problem(obj):
    """Why `obj`'s docstring is not acceptable, or None."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    if not doc:
        return "no docstring"
    first = doc.splitlines()[0].strip()
    if not SENTENCE.match(first):
        return f"first line is not a sentence: {first!r}"
    return None


def test_surface_is_walked():
    """The walk reaches functions, classes, methods and properties of every namespace."""
    surface = _surface()
    # A walker that silently found nothing would pass every check below.
    for qual in ("rtorch.zeros", "rtorch.Tensor.index_add_", "rtorch.Tensor.shape", "rtorch.nn.functional.relu",
                 "rtorch.nn.modules.linear.Linear.forward", "rtorch.optim.Adam",
                 "rtorch.optim.optimizer.Optimizer.zero_grad", "rtorch.autograd.grad",
                 "rtorch.utils.data.DataLoader", "rtorch.distributed.all_reduce", "rtorch.load"):
        assert qual in surface, qual
    assert len(surface) > 1000


def test_every_public_callable_has_a_sentence_docstring():
    """All offenders are listed at once, so one run shows every gap."""
    offenders = [f"{qual}: {p}" for qual, obj in _surface().items() if (p := _problem(obj))]
    assert not offenders, f"{len(offenders)} public names lack a proper docstring:\n" + "\n".join(offenders)


def _has_signature(obj):
    """pyo3 sets ``__text_signature__``; Python functions always have one."""
    if getattr(obj, "__text_signature__", None):
        return True
    try:
        inspect.signature(obj)
        return True
    except (ValueError, TypeError):
        return False


def test_native_functions_and_methods_have_signatures():
    """Every rtorch function and Tensor method shows its arguments in help().

    pyo3 derives a text signature for every #[pyfunction] and #[pymethods] fn, ``*args`` ones included; one
    going missing (e.g. a hand-written signature that breaks parsing) would hide the arguments.
    """
    objs = [(f"rtorch.{n}", o) for n, o in _public(rtorch) if isinstance(o, types.BuiltinFunctionType)]
    objs += [(f"rtorch.Tensor.{n}", o) for n, o in vars(rtorch.Tensor).items()
             if not n.startswith("_") and isinstance(o, types.MethodDescriptorType)]
    objs += [(f"rtorch.{n}", o) for n, o in _public(rtorch) if isinstance(o, types.MethodDescriptorType)]
    assert len(objs) > 400
    missing = [q for q, o in objs if not _has_signature(o)]
    assert not missing, "no signature for:\n" + "\n".join(missing)


def _native_examples():
    """(name, docstring) of every native class, method and function whose docstring has a ``>>>`` example."""
    from rtorch import _rtorch

    objs = {}
    for cls in (rtorch.Tensor, rtorch.dtype, rtorch.device, rtorch.Generator):
        objs[f"rtorch.{cls.__name__}"] = cls
        objs.update((f"rtorch.{cls.__name__}.{n}", o) for n, o in vars(cls).items() if not n.startswith("__"))
    objs.update((f"rtorch.{n}", o) for n, o in vars(_rtorch).items() if isinstance(o, types.BuiltinFunctionType))
    return [(q, o.__doc__) for q, o in sorted(objs.items()) if ">>>" in (getattr(o, "__doc__", None) or "")]


def test_native_examples_run():
    """The examples in the bindings' docstrings (src/py) run, and print what they say they print."""
    examples = _native_examples()
    assert len(examples) > 100
    default_dtype = rtorch.get_default_dtype()
    failures, tries = [], 0
    try:
        for qual, doc in examples:
            test = doctest.DocTestParser().get_doctest(doc, {"rtorch": rtorch}, qual, None, 0)
            out = []
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
            runner.run(test, out=out.append)
            tries += runner.tries
            if runner.failures:
                failures.append("".join(out))
    finally:
        rtorch.set_default_dtype(default_dtype)
    assert tries > 200
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("qual", ["rtorch.add", "rtorch.Tensor.index_add", "rtorch.zeros", "rtorch.nn.Linear"])
def test_help_shows_the_docstring(qual):
    """The main functions' docstrings are PyTorch-style (arguments and/or an example), not a bare line."""
    obj = rtorch
    for part in qual.split(".")[1:]:
        obj = getattr(obj, part)
    text = inspect.getdoc(obj)
    assert text and ("Args:" in text or "Example" in text), text
