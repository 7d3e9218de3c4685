"""Padding layers: Zero/Constant/Reflection/Replication/CircularPad 1d/2d/3d, modules around nn.functional.pad."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = []


def _expand(padding, n):
    """An int -> (p,) * 2n, a sequence -> a tuple (PyTorch's ``_ntuple(2n)``; F.pad checks its length)."""
    if isinstance(padding, int) or hasattr(type(padding), "__index__"):
        return (int(padding),) * (2 * n)
    return tuple(padding)


class _PadNd(Module):
    """Shared forward and repr of the padding layers: ``mode`` and ``n`` (the number of padded dims)."""

    mode = "constant"
    n = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _expand(padding, self.n)

    def forward(self, input):
        """Pads the last ``n`` dimensions of ``input`` by ``self.padding``."""
        if self.mode == "circular" and input.dim() not in (self.n + 1, self.n + 2):
            raise ValueError(f"expected {self.n + 1}D or {self.n + 2}D input (got {input.dim()}D input)")
        return F.pad(input, self.padding, self.mode, getattr(self, "value", None))

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"{self.padding}"


def _make(base, mode, n, name, what):
    doc = (f"Pad the last {n} dimension{'s' if n > 1 else ''} of the input {what}.\n\n"
           f"    Args:\n        padding (int or tuple): one int for every side, or {2 * n} ints "
           f"(left, right{', top, bottom' if n > 1 else ''}{', front, back' if n > 2 else ''}); negative "
           f"entries crop.\n")
    if base is _ConstantPadNd:
        doc += "        value (float): the fill value.\n"
    cls = type(name, (base,), {"mode": mode, "n": n, "__doc__": doc, "__module__": __name__})
    globals()[name] = cls
    __all__.append(name)


for _n in (1, 2, 3):
    _make(_ZeroPadNd, "constant", _n, f"ZeroPad{_n}d", "with zeros")
    _make(_ConstantPadNd, "constant", _n, f"ConstantPad{_n}d", "with a constant ``value``")
    _make(_PadNd, "reflect", _n, f"ReflectionPad{_n}d", "with the reflection of the input (edge not repeated)")
    _make(_PadNd, "replicate", _n, f"ReplicationPad{_n}d", "by repeating the edge values")
    _make(_PadNd, "circular", _n, f"CircularPad{_n}d", "circularly (wrapping around)")
del _n
