"""nn.functional.pad: constant, reflect, replicate and circular padding."""
import rtorch
from rtorch.nn._functional._util import _named


def pad(input, pad, mode="constant", value=None):
    r"""Pad the last ``len(pad) // 2`` dims: ``pad`` = (left, right, top, bottom, ...) from the last dim.

    ``mode`` is ``'constant'`` (with ``value``), ``'reflect'``, ``'replicate'`` or ``'circular'``; a negative
    entry crops that side, in every mode.
    """
    since = rtorch._rtorch._graph_seq()
    pad = list(pad)
    if mode != "constant" and any(int(p) < 0 for p in pad) and len(pad) % 2 == 0 and len(pad) // 2 <= input.dim():
        # PyTorch crops the negative sides first, then pads the rest (checked against it for every mode).
        for i, p in enumerate(pad):
            if int(p) < 0:
                dim, size = input.dim() - 1 - i // 2, input.shape[input.dim() - 1 - i // 2]
                if -int(p) > size:
                    raise RuntimeError(f"pad: negative padding {p} exceeds the size {size} of dimension {dim}")
                input = input.narrow(dim, -int(p) if i % 2 == 0 else 0, size + int(p))
        pad = [max(int(p), 0) for p in pad]
        if not any(pad):
            return input.clone()
    out = rtorch._rtorch.pad(input, pad, mode, value)
    return _named(out, "ConstantPadNdBackward0", since) if mode == "constant" else out


__all__ = ["pad"]
