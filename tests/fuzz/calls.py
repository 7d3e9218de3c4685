"""One fuzzed call as a few labelled Python statements, drawn with hypothesis for a target of the surface.

A call is `[(label, source), ...]`: setup statements (label 'setup') build the tensors, the target's statement
(label = the target's site) makes the call and binds `r`, and a last `repr(r)` (label 'repr') reads the result
back. The reproducer is the statements joined with '; ' after the PREAMBLE.
"""
import inspect

from hypothesis import strategies as st

from . import values as V
from .surface import STRING_CHOICES, param_kind

PREAMBLE = ("import io, tempfile, numpy as np, rtorch; from rtorch import nn, optim; "
            "import rtorch.nn.functional as F; from math import inf, nan; TMP = tempfile.mkdtemp()")

P_HOSTILE = 0.12   # chance that an argument is replaced by a value of any type
P_STOP = 0.35      # chance to stop passing optional positional arguments at each one


_SCALARS = st.one_of(V.scalar_for("float32"), V.scalar_for("int64")).map(V._lit)
_NUMBERS = st.one_of(V.hostile_floats, V.small_ints.map(repr), V.hostile_ints.map(repr))
_INDEX_SHAPE = {n: st.lists(st.integers(0, 3), max_size=n) for n in range(8)}
_TENSOR_LISTS = st.lists(V.tensors(), max_size=4).map(lambda ts: "[" + ", ".join(t.src for t in ts) + "]")
_BOOLS = st.booleans()
_SET_VALUES = st.one_of(V.tensors().map(lambda a: a.src), V.hostile_floats, V.hostile_ints.map(repr), V.misc())
_INPUTS = {n: st.lists(V.tensors(min_dims=1), min_size=1, max_size=n) for n in (1, 2, 3)}
_SAVE_OBJECTS = st.one_of(
    V.tensors().map(lambda a: a.src),
    st.lists(V.tensors(grad=False), max_size=3).map(
        lambda ts: "{" + ", ".join(f"'k{i}': {t.src}" for i, t in enumerate(ts)) + "}"),
    V.misc())
_BYTES = st.binary(max_size=64)
_EDITS = st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=3)
_CUT = st.one_of(st.none(), st.integers(0, 400))
_SIZE = st.one_of(V.sizes, V.sizes, st.sampled_from(V.HUGE_INTS), st.integers(-3, -1))


def _ints(lo, hi):
    return V.cached(st.integers, lo, hi)


def _pick(options):
    return V.cached(st.sampled_from, tuple(options))


def _hostile(draw):
    return draw(_ints(0, 999)) < P_HOSTILE * 1000


def value_for(draw, kind, name, ctx):
    """Source text of a value of `kind` for parameter `name`; `ctx` is the first tensor argument (or None)."""
    if _hostile(draw):
        return draw(V.misc())
    shape = ctx.shape if ctx is not None else ()
    ndim = len(shape)
    if kind == "tensor":
        choice = draw(_ints(0, 9))
        if name == "index" and ctx is not None:
            n = shape[0] if shape else 1
            return draw(V.index_tensors(n, tuple(draw(_INDEX_SHAPE[min(ndim, 7)])))).src
        if name == "mask" and ctx is not None:
            return f"(rtorch.arange({V._numel(shape)}).reshape({tuple(shape)!r}) % 3 == 0)"
        if ctx is not None and choice < 4:  # same shape as the first tensor, maybe another dtype
            return draw(V.tensors(shape=shape)).src
        if choice < 6:
            return draw(V.tensors()).src
        return draw(_SCALARS)
    if kind == "tensors":
        return draw(_TENSOR_LISTS)
    if kind == "dim":
        return repr(draw(V.dims_for(ndim))) if draw(_BOOLS) else repr(draw(V.hostile_ints))
    if kind == "shape":
        return draw(V.shape_args()) if draw(_BOOLS) else repr(draw(V.dims_for(ndim)))
    if kind == "number":
        return draw(_NUMBERS)
    if kind == "bool":
        return draw(_pick(("True", "False", "True", "False", "None", "1", "2")))
    if kind == "string":
        return draw(_pick(STRING_CHOICES.get(name, ()) + V.STRINGS[:6]))
    if kind == "dtype":
        return draw(_pick([f"rtorch.{d}" for d in V.DTYPES] + ["None", "float", "int", "'float32'"]))
    if kind == "device":
        return draw(_pick(("'cpu'", "None", "'cuda'", "'cpu:0'", "rtorch.device('cpu')", "0", "-1",
                                     "'meta'", "'tpu'", "'cpu:-1'", "'cuda:99999999999'")))
    if kind == "callable":
        return draw(_pick(("lambda *a, **k: None", "lambda g: g * 2", "lambda g: rtorch.ones(7)",
                                     "lambda *a: 1/0", "F.relu", "None")))
    if kind == "generator":
        return draw(_pick(("None", "rtorch.Generator()", "rtorch.Generator().manual_seed(2**63)")))
    if kind == "out":
        return draw(V.tensors()).src
    return draw(V.misc())


def arguments(draw, params, ctx, skip_first_tensor):
    """Positional and keyword argument source for `params` (the first tensor may already be fixed)."""
    pos, kw = [], []
    stop = False
    for i, p in enumerate(params):
        if skip_first_tensor and i == 0:
            pos.append("x")
            continue
        k = param_kind(p)
        required = p.default is inspect.Parameter.empty
        if p.kind == p.VAR_POSITIONAL:
            if not stop:
                kind = "dim" if p.name in ("dims",) else ("tensor" if p.name in ("tensors", "operands") else
                                                           ("shape" if p.name == "size" else "dim"))
                if p.name in ("size", "shape", "sizes") and draw(_BOOLS):
                    n = draw(_ints(0, 4))
                    pos.extend(repr(draw(_SIZE)) for _ in range(n))
                else:
                    n = draw(_ints(0, 3))
                    pos.extend(value_for(draw, kind if kind != "shape" else "dim", p.name, ctx) for _ in range(n))
            continue
        if p.kind == p.VAR_KEYWORD:
            if draw(_ints(0, 9)) == 0:
                kw.append(f"bogus_kwarg={draw(V.misc())}")
            continue
        if p.kind == p.KEYWORD_ONLY:
            if required or draw(_ints(0, 2)) == 0:
                kw.append(f"{p.name}={value_for(draw, k, p.name, ctx)}")
            continue
        if stop or (not required and draw(_ints(0, 99)) < P_STOP * 100):
            stop = True
            if not required:
                if draw(_ints(0, 3)) == 0:  # a later optional by keyword
                    kw.append(f"{p.name}={value_for(draw, k, p.name, ctx)}")
                continue
        pos.append(value_for(draw, k, p.name, ctx))
    if draw(_ints(0, 29)) == 0:  # one argument too many
        pos.append(draw(V.misc()))
    return ", ".join(pos + kw)


def _first_is_tensor(params):
    return bool(params) and params[0].name in ("input", "self", "x", "a", "tensor", "query") and \
        params[0].kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@st.composite
def call_for(draw, target):
    """Statements of one call of `target`."""
    site = target.site
    stmts = []
    if target.kind in ("method", "getitem", "setitem") or (target.kind == "function" and
                                                           _first_is_tensor(target.params)):
        x = draw(V.tensors())
        stmts.append(("setup", f"x = {x.src}"))
    else:
        x = None
    if target.kind == "method":
        stmts.append((site, f"r = x.{target.expr}({arguments(draw, target.params, x, False)})"))
    elif target.kind == "function":
        stmts.append((site, f"r = {target.expr}({arguments(draw, target.params, x, x is not None)})"))
    elif target.kind == "getitem":
        stmts.append((site, f"r = x[{draw(V.keys(x.shape))}]"))
    elif target.kind == "setitem":
        val = draw(_SET_VALUES)
        stmts.append((site, f"x[{draw(V.keys(x.shape))}] = {val}"))
        stmts.append(("repr", "r = x"))
    elif target.kind == "module":
        stmts.append((site + "()", f"m = {target.expr}({arguments(draw, target.params, None, False)})"))
        fw = [p for p in target.forward]
        inputs = draw(_INPUTS[max(1, min(3, len(fw)))])
        stmts.append(("setup", "; ".join(f"i{j} = {t.src}" for j, t in enumerate(inputs))))
        stmts.append((site + ".forward", f"r = m({', '.join(f'i{j}' for j in range(len(inputs)))})"))
    elif target.kind == "optim":
        p = draw(V.tensors(dtypes=("float32", "float64", "float16"), min_dims=0, grad=False))
        stmts.append(("setup", f"p = {p.src}.requires_grad_()"))
        params = "[p]" if draw(_ints(0, 5)) else draw(V.misc())
        args = arguments(draw, target.params[1:], p, False)
        stmts.append((site + "()", f"o = {target.expr}({params}{', ' + args if args else ''})"))
        stmts.append(("setup", "p.sum().backward()" if p.dtype != "float16" else "p.grad = rtorch.ones_like(p)"))
        stmts.append((site + ".step", "o.step(); o.step(); r = p"))
    elif target.kind == "save":
        obj = draw(_SAVE_OBJECTS)
        stmts.append((site, f"b = io.BytesIO(); rtorch.save({obj}, b)"))
        stmts.append(("rtorch.load", "b.seek(0); r = rtorch.load(b)"))
    elif target.kind == "load":
        if draw(_BOOLS):
            data = draw(_BYTES)
            stmts.append((site, f"r = rtorch.load(io.BytesIO({data!r}))"))
        else:  # a valid file with a few bytes changed or cut
            t = draw(V.tensors(grad=False))
            stmts.append(("setup", f"b = io.BytesIO(); rtorch.save({{'w': {t.src}, 'n': [{t.src}]}}, b); "
                                   f"d = bytearray(b.getvalue())"))
            edits = draw(_EDITS)
            cut = draw(_CUT)
            src = "".join(f"d[{i} % len(d)] = {v}; " for i, v in edits)
            if cut is not None:
                src += f"del d[{cut}:]; "
            stmts.append((site, src + "r = rtorch.load(io.BytesIO(bytes(d)))"))
    if target.kind != "setitem" and stmts and stmts[-1][1].lstrip().startswith(("r =", "o.step")):
        stmts.append(("repr", "repr(r)"))
    elif target.kind == "setitem":
        stmts[-1] = ("repr", "repr(x)")
    return stmts


def reproducer(stmts):
    """The one-line Python reproducer of a call."""
    return PREAMBLE + "; " + "; ".join(s for _, s in stmts)
