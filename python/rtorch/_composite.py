"""The declaration of ops composed in Python from device tensor ops (`@composite`): one definition gives
`rtorch.<name>`, `Tensor.<name>` and the record scripts/gen_ops.py turns into stub entries and docs rows."""
import inspect
import re

from ._rtorch import Tensor

# Every composite op, in declaration order: dicts with name, fn, method, function, module.
DECLARATIONS = []


def composite(*, method=True, function=True):
    """Declare an op written in Python from tensor ops (which run on every device, so it needs no kernel).

    The decorated function takes the input tensor first; with ``method=True`` it also becomes
    ``Tensor.<name>`` (called with the tensor as ``self``). The function itself is exported by listing it
    in its module's ``__all__`` (``rtorch._ops.<family>``, re-exported by ``rtorch``). Its docstring is the
    op's documentation, its signature the stub's (``scripts/gen_ops.py``), so nothing is written twice.
    """
    def declare(fn):
        name = fn.__name__
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"composite op {name} has no docstring")
        fn = _checked_by_annotations(fn, name, method)
        if any(d["name"] == name for d in DECLARATIONS):
            raise TypeError(f"composite op {name} is declared twice")
        if method:
            if name in vars(Tensor):
                raise TypeError(f"composite op {name}: Tensor.{name} is already a native method")
            setattr(Tensor, name, fn)
        DECLARATIONS.append({"name": name, "fn": fn, "method": method, "function": function,
                             "module": fn.__module__})
        return fn
    return declare


# Parameter annotations the argument checks understand (`_argcheck.KINDS`): a bad value raises PyTorch's
# TypeError naming the op and the argument instead of failing somewhere inside the composition.
_ANNOTATION_KINDS = {"Tensor": "Tensor", "Tensor | None": "Tensor?", "int": "int", "int | None": "int?",
                     "bool": "bool", "float": "Number", "float | None": "Number?"}


def _checked_by_annotations(fn, name, method):
    from ._argcheck import checked
    params = list(inspect.signature(fn).parameters.values())
    spec = []
    for i, p in enumerate(params):
        ann = p.annotation if isinstance(p.annotation, str) else None
        if i == 0 and method and p.name != "self" and ann is None:
            ann = "Tensor"  # the function form of a method: its first argument is the tensor
        if ann in _ANNOTATION_KINDS and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            spec.append(f"{p.name}:{_ANNOTATION_KINDS[ann]}")
    return checked(name, " ".join(spec))(fn) if spec else fn


def _annotation(a):
    """The annotation as stub text; int/float/bool become the stub's aliases (Tensor's methods shadow them)."""
    if a is inspect.Parameter.empty:
        return None
    text = a if isinstance(a, str) else inspect.formatannotation(a)
    return re.sub(r"\b(int|float|bool)\b", r"_\1", text)


def stub_params(fn, as_method):
    """The parameter list of a stub `def` for `fn` (defaults as `...`; annotations as written)."""
    params = list(inspect.signature(fn).parameters.values())
    out, star = [], False
    if as_method:
        params = params[1:]
        out.append("self")
    for i, p in enumerate(params):
        ann = _annotation(p.annotation)
        text = p.name + (f": {ann}" if ann else "")
        if p.default is not inspect.Parameter.empty:
            text += " = ..."
        if p.kind is p.VAR_POSITIONAL:
            text, star = "*" + text, True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        elif p.kind is p.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        out.append(text)
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY):
            out.append("/")
    ret = _annotation(inspect.signature(fn).return_annotation)
    return ", ".join(out), ret
