"""Argument type checks for rtorch's Python-level functions, with PyTorch's wording:
``avg_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not rtorch.dtype``.

`checked(op, spec)` wraps a function in a generated function of the same signature that checks the named
arguments and then calls it: a wrong type raises TypeError naming the op and the argument before it can reach
the function's internals (where it would surface as "'list' object has no attribute 'shape'"). The check costs
one extra call and an isinstance per checked argument.
"""
import functools
import inspect
import numbers

import numpy as np

from ._rtorch import Tensor, dtype as _dtype


def _is_int(v):
    # PyTorch's int arguments refuse bool (and its bool arguments refuse int).
    return (isinstance(v, (int, Tensor)) or hasattr(type(v), "__index__")) and \
        not isinstance(v, (bool, float, np.bool_))


def _is_float(v):
    if isinstance(v, np.ndarray):  # a NumPy array converts to float only with one element (as PyTorch: 0-d)
        return v.ndim == 0
    return isinstance(v, (numbers.Real, Tensor)) or (hasattr(type(v), "__float__") and not isinstance(v, str))


def _is_seq(v):
    return isinstance(v, (list, tuple))


# Kind -> (predicate, the expected type as PyTorch writes it).
KINDS = {
    "Tensor": (lambda v: isinstance(v, Tensor), "Tensor"),
    "int": (_is_int, "int"),
    "ints": (lambda v: _is_int(v) or (_is_seq(v) and all(_is_int(e) for e in v)), "tuple of ints"),
    "intseq": (lambda v: _is_seq(v) and all(_is_int(e) for e in v), "tuple of ints"),
    "optints": (lambda v: _is_int(v) or (_is_seq(v) and all(e is None or _is_int(e) for e in v)),
                "tuple of ints"),
    "ints|str": (lambda v: isinstance(v, str) or _is_int(v) or (_is_seq(v) and all(_is_int(e) for e in v)),
                 "tuple of ints or str"),
    "float": (_is_float, "float"),
    "floatpair": (lambda v: _is_seq(v) and len(v) == 2 and all(_is_float(e) for e in v), "tuple of 2 floats"),
    "floats": (lambda v: _is_float(v) or (_is_seq(v) and all(_is_float(e) for e in v)), "tuple of floats"),
    "Number": (_is_float, "Number"),
    "bool": (lambda v: isinstance(v, (bool, np.bool_)), "bool"),
    "str": (lambda v: isinstance(v, str), "str"),
    "dtype": (lambda v: isinstance(v, _dtype), "dtype"),
    "module": (lambda v: hasattr(v, "parameters") and callable(v), "Module"),
    "callable": (callable, "callable"),
    "str|callable": (lambda v: isinstance(v, str) or callable(v), "str or callable"),
}


def typename(v):
    """A value's type as PyTorch's messages write it (`int`, `Tensor`, `rtorch.dtype`)."""
    t = type(v)
    if isinstance(v, Tensor):
        return "Tensor"
    mod = t.__module__
    if mod == "builtins":
        return t.__qualname__
    return f"{mod.split('.')[0]}.{t.__qualname__}"


def fail(op, name, pos, kind, value):
    where = f" (position {pos})" if pos else ""
    raise TypeError(f"{op}(): argument '{name}'{where} must be {KINDS[kind][1]}, not {typename(value)}")


def checked(op, spec):
    """Decorator: check the arguments named in `spec` ("input:Tensor weight:Tensor bias:Tensor?") on every call.

    A kind ending in '?' also accepts None. The wrapper has the function's own signature (generated once),
    so binding errors read as before and `inspect.signature` is unchanged.
    """
    kinds = dict(item.split(":") for item in spec.split())

    def deco(fn):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        unknown = set(kinds) - {p.name for p in params}
        if unknown:
            raise AssertionError(f"checked({op!r}): no parameter(s) {sorted(unknown)}")
        env = {"_fn": fn, "_P": {k: v[0] for k, v in KINDS.items()}, "_fail": fail}
        head, call, checks = [], [], []
        star = False
        first = 0 if params and params[0].name == "self" else 1  # positions count the caller's arguments
        for pos, p in enumerate(params, first):
            default = ""
            if p.default is not p.empty:
                env[f"_d_{p.name}"] = p.default
                default = f"=_d_{p.name}"
            if p.kind == p.VAR_POSITIONAL:
                head.append(f"*{p.name}")
                call.append(f"*{p.name}")
                star = True
            elif p.kind == p.VAR_KEYWORD:
                head.append(f"**{p.name}")
                call.append(f"**{p.name}")
            elif p.kind == p.KEYWORD_ONLY:
                if not star:
                    head.append("*")
                    star = True
                head.append(p.name + default)
                call.append(f"{p.name}={p.name}")
            else:
                head.append(p.name + default)
                call.append(p.name)
                k = pos - first + 1  # index of the next parameter
                if p.kind == p.POSITIONAL_ONLY and (k == len(params) or params[k].kind != p.POSITIONAL_ONLY):
                    head.append("/")
            kind = kinds.get(p.name)
            if kind:
                base = kind.rstrip("?")
                if base not in KINDS:
                    raise AssertionError(f"checked({op!r}): unknown kind {kind!r}")
                test = f"not _P[{base!r}]({p.name})"
                if kind.endswith("?"):
                    test = f"{p.name} is not None and {test}"
                position = pos if p.kind != p.KEYWORD_ONLY else 0
                checks.append(f"    if {test}:\n        _fail({op!r}, {p.name!r}, {position}, {base!r}, {p.name})")
        src = (f"def {fn.__name__}({', '.join(head)}):\n" + "\n".join(checks) +
               f"\n    return _fn({', '.join(call)})\n")
        exec(compile(src, f"<checked {op}>", "exec"), env)
        return functools.update_wrapper(env[fn.__name__], fn)

    return deco


def check_all(namespace, specs, prefix=""):
    """Wrap every function named in `specs` ({name: spec}) inside `namespace` (a module's globals())."""
    for name, spec in specs.items():
        namespace[name] = checked(prefix + name, spec)(namespace[name])


def check_init(cls, spec):
    """Check a class's constructor arguments; errors name the class (`Linear(): argument 'in_features' ...`)."""
    cls.__init__ = checked(cls.__name__, spec)(cls.__init__)
    return cls
