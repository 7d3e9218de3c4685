"""`repr(tensor)` in PyTorch's exact format (alignment, sci mode, summarisation, suffixes), and unpickling support.

The algorithm follows `torch/_tensor_str.py` step by step on a NumPy copy of the data: one formatter per
tensor decides int/sci mode and the common element width from the (summarised) values, then nested
lists are laid out with PyTorch's line-wrapping and indentation rules.
"""
import contextlib
import math

import numpy as np

_opts = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    r"""Set options for printing tensors (same keywords and defaults as ``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point for floating point output (default 4).
        threshold: number of elements above which the repr is summarised with ``...`` (default 1000).
        edgeitems: items shown at the start and end of each summarised dimension (default 3).
        linewidth: characters per line before a 1-D row wraps (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``; the other arguments override it.
        sci_mode: ``True``/``False`` force scientific notation on/off; ``None`` (default) lets the
            formatter choose, as PyTorch does. Every call resets it to the value given.

    Example::

        >>> import rtorch as torch
        >>> torch.set_printoptions(precision=2)
        >>> torch.tensor([1.12345])
        tensor([1.12])
        >>> torch.set_printoptions(threshold=5)
        >>> torch.arange(10)
        tensor([0, 1, 2,  ..., 7, 8, 9])
        >>> torch.set_printoptions(profile="default")
        >>> torch.tensor([1.12345])
        tensor([1.1235])
    """
    if profile == "default":
        _opts.update(precision=4, threshold=1000, edgeitems=3, linewidth=80)
    elif profile == "short":
        _opts.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
    elif profile == "full":
        _opts.update(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            _opts[k] = v
    _opts["sci_mode"] = sci_mode


def get_printoptions():
    """The current print options as a dict that can be passed back to :func:`set_printoptions`."""
    return dict(_opts)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that sets print options for its body and restores the old ones afterwards."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses int/sci mode and one width for every element of a (summarised) array, as PyTorch does."""

    def __init__(self, a, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = a.reshape(-1)
        p = _opts["precision"]
        if not floating:
            if flat.size:
                if flat.dtype == np.bool_:
                    strs = [str(bool(v)) for v in np.unique(flat)]
                else:  # the widest integer string is that of the largest or the most negative value
                    strs = [str(int(flat.max())), str(int(flat.min()))]
                self.max_width = max(1, *map(len, strs))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absv = np.abs(vals)
        vmin, vmax = float(absv.min()), float(absv.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if _opts["sci_mode"] is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = bool(_opts["sci_mode"])
        if self.sci_mode:
            widths = (len(f"{v:.{p}e}") for v in vals.tolist())
        elif self.int_mode:  # int-valued floats print as `3.`; the dot counts
            widths = (len(f"{v:.0f}") + 1 for v in vals.tolist())
        else:
            widths = (len(f"{v:.{p}f}") for v in vals.tolist())
        self.max_width = max(self.max_width, *widths)

    def format(self, value):
        if self.floating:
            p = _opts["precision"]
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if math.isfinite(value):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _summarized_data(a):
    """The elements that will be shown when summarising (PyTorch's `get_summarized_data`)."""
    e = _opts["edgeitems"]
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return np.empty((0,) * a.ndim, a.dtype)
    rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0])) if a.shape[0] > 2 * e else range(a.shape[0])
    return np.stack([_summarized_data(a[i]) for i in rows])


class _ComplexFormatter:
    """PyTorch's pair of formatters for complex values: one for the real parts, one for the imaginary parts,
    joined as ``re+imj`` (the imaginary part's own sign, or ``+``)."""

    def __init__(self, a):
        self.re, self.im = _Formatter(a.real, True), _Formatter(a.imag, True)
        self.max_width = self.re.max_width + self.im.max_width + 1  # the `j`

    def format(self, value):
        value = complex(value)
        real_str = self.re.format(value.real)
        imag_str = (self.im.format(value.imag) + "j").lstrip()
        return real_str + imag_str if imag_str[0] in "+-" else real_str + "+" + imag_str


def _vector_str(a, indent, summarize, fmt):
    e = _opts["edgeitems"]
    per_line = max(1, math.floor((_opts["linewidth"] - indent) / (fmt.max_width + 2)))
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = [fmt.format(v) for v in a[:e].tolist()] + [" ..."] + [fmt.format(v) for v in a[-e:].tolist()]
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    e = _opts["edgeitems"]
    if summarize and a.shape[0] > 2 * e:
        slices = ([_nested_str(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."]
                  + [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0] - e, a.shape[0])])
    else:
        slices = [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _array_str(a, floating, indent):
    """The bracketed body for a non-empty array (`_tensor_str` in PyTorch)."""
    summarize = a.size > _opts["threshold"]
    shown = _summarized_data(a) if summarize else a
    fmt = _ComplexFormatter(shown) if a.dtype.kind == "c" else _Formatter(shown, floating)
    return _nested_str(a, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _opts["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _to_numpy(t):
    """`t`'s values as a NumPy array, without a copy where possible (bfloat16 widens to float32).

    Only the printed (summarised) elements are ever converted to Python numbers, so a huge tensor costs no
    more than its edges; `.tolist()` yields Python floats, which is what PyTorch formats via `.item()`.
    """
    t = t.detach()
    if t.dtype.name == "bfloat16":
        t = t.float()
    return t.numpy()


def _grad_fn_name(grad_fn):
    name = getattr(grad_fn, "name", None)
    return name() if callable(name) else type(grad_fn).__name__


def tensor_repr(t):
    """`repr(t)` exactly as PyTorch prints it.

    The dtype suffix is spelled `dtype=torch.int32`, as PyTorch spells it, so the text is identical and
    evaluates under `import rtorch as torch` (rtorch's own `repr(rtorch.int32)` says `rtorch.int32`; the
    one-character difference would otherwise move PyTorch's line breaks).
    """
    from . import int64, bool as bool_, get_default_dtype, float64, complex64, complex128

    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    data = t
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
        data = t.detach().cpu()
    dt = t.dtype
    if t.numel() == 0:
        if t.ndim != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        if dt != get_default_dtype():
            suffixes.append(f"dtype=torch.{dt.name}")
        body = "[]"
    else:
        if not _opts["edgeitems"]:
            suffixes.append(f"size={tuple(t.shape)}")
        # The default complex dtype (complex of the default float) takes no suffix either, as in PyTorch.
        default_complex = complex128 if get_default_dtype() == float64 else complex64
        if dt not in (get_default_dtype(), default_complex, int64, bool_):
            suffixes.append(f"dtype=torch.{dt.name}")
        body = _array_str(_to_numpy(data), dt.is_floating_point, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(t.grad_fn)}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def _rebuild(arr, requires_grad, dtype=None, device=None):
    import rtorch

    dt = getattr(rtorch, dtype) if dtype is not None else None
    return rtorch.tensor(arr, dtype=dt, device=device, requires_grad=requires_grad)
