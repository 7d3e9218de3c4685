"""`repr(tensor)` in PyTorch's format, and unpickling support."""
import numpy as np

_opts = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print (same keywords as torch.set_printoptions)."""
    if profile == "default":
        _opts.update(precision=4, threshold=1000, edgeitems=3, linewidth=80)
    elif profile == "short":
        _opts.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
    elif profile == "full":
        _opts.update(precision=4, threshold=float("inf"), edgeitems=3, linewidth=80)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if v is not None:
            _opts[k] = v
    _opts["sci_mode"] = sci_mode


def _fmt_array(a, is_float):
    if a.size == 0:
        return "[]"
    kw = dict(separator=", ", threshold=_opts["threshold"] if _opts["threshold"] != float("inf") else 2**62,
              edgeitems=_opts["edgeitems"], max_line_width=_opts["linewidth"], prefix="tensor(")
    if is_float:
        finite = a[np.isfinite(a)]
        amax = np.abs(finite).max() if finite.size else 0.0
        amin = np.abs(finite[finite != 0]).min() if np.any(finite != 0) else 0.0
        sci = _opts["sci_mode"]
        if sci is None:
            sci = amax >= 1e8 or (amin > 0 and amin < 1e-4) or (amin > 0 and amax / amin > 1000 and amax >= 1000)
        ints = finite.size > 0 and np.all(finite == np.round(finite))
        p = _opts["precision"]
        if sci:
            fmt = lambda x: np.format_float_scientific(x, precision=p, unique=False)  # noqa: E731
        elif ints:
            fmt = lambda x: (f"{x:.0f}." if np.isfinite(x) else str(x))  # noqa: E731
        else:
            fmt = lambda x: (f"{x:.{p}f}" if np.isfinite(x) else str(x))  # noqa: E731
        kw["formatter"] = {"float_kind": fmt}
    s = np.array2string(a, **kw)
    return s


def tensor_repr(t):
    from . import float32, int64, bool as bool_, get_default_dtype

    dt = t.dtype
    if t.ndim == 0:
        v = t.item()
        if dt.is_floating_point:
            body = _fmt_array(np.array([float(v)]), True)[1:-1]
        elif dt == bool_:
            body = str(bool(v))
        else:
            body = str(int(v))
    else:
        arr = t.detach().float().numpy() if dt.name == "bfloat16" else t.detach().numpy()
        if dt.name in ("float16", "bfloat16"):
            arr = arr.astype(np.float32)
        body = _fmt_array(arr, dt.is_floating_point)
    extra = []
    if t.numel() == 0 and t.ndim != 1:
        extra.append(f"size={tuple(t.shape)}")
    if dt not in (get_default_dtype(), int64, bool_) or (t.numel() == 0 and dt != get_default_dtype()):
        extra.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extra.append("requires_grad=True")
    inner = body if not extra else body + ", " + ", ".join(extra)
    return f"tensor({inner})"


def _rebuild(arr, requires_grad):
    from . import tensor

    return tensor(arr, requires_grad=requires_grad)
