"""Containers: Sequential, ModuleList and ModuleDict."""
import operator
from collections import OrderedDict
from itertools import islice

from rtorch.nn.modules.module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _normalize_index(idx, n):
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range")
    return idx + n if idx < 0 else idx


class Sequential(Module):
    r"""A sequential container: modules are called in the order they were added.

    Accepts modules positionally (named ``'0'``, ``'1'``, ...) or a single ``OrderedDict``.
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(OrderedDict(list(self._modules.items())[idx]))
        idx = _normalize_index(idx, len(self))
        return next(islice(self._modules.values(), idx, None))

    def __setitem__(self, idx, module):
        key = list(self._modules.keys())[_normalize_index(idx, len(self))]
        setattr(self, key, module)

    def __delitem__(self, idx):
        keys = list(self._modules.keys())
        targets = keys[idx] if isinstance(idx, slice) else [keys[_normalize_index(idx, len(self))]]
        for key in targets:
            delattr(self, key)
        # keep the numbering 0..n-1, as PyTorch does
        items = list(self._modules.items())
        self._modules = OrderedDict((str(i), m) for i, (_, m) in enumerate(items))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class")
        return Sequential(*self, *other)

    def append(self, module):
        r"""Append ``module`` to the end."""
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        r"""Insert ``module`` before position ``index``."""
        n = len(self)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules = OrderedDict((str(i), m) for i, m in enumerate(mods))
        return self

    def extend(self, sequential):
        r"""Append every module of an iterable."""
        for layer in sequential:
            self.append(layer)
        return self

    def pop(self, key):
        r"""Remove and return the module at ``key``."""
        v = self[key]
        del self[key]
        return v

    def forward(self, input):
        """Passes ``input`` through each module in turn and returns the last output."""
        for module in self:
            input = module(input)
        return input


class Container(Module):
    r"""Deprecated: a Module holding the modules given as keyword arguments (warns; subclass Module instead)."""

    def __init__(self, **kwargs):
        import warnings

        warnings.warn("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                      "Subclass that instead.", FutureWarning, stacklevel=2)
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)


class ModuleList(Module):
    r"""Hold submodules in a list; indexable like a Python list and fully registered."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(list(self._modules.values())[idx])
        return self._modules[str(_normalize_index(idx, len(self)))]

    def __setitem__(self, idx, module):
        setattr(self, str(_normalize_index(idx, len(self))), module)

    def __delitem__(self, idx):
        keys = list(self._modules.keys())
        targets = keys[idx] if isinstance(idx, slice) else [keys[_normalize_index(idx, len(self))]]
        for key in targets:
            del self._modules[key]
        self._modules = OrderedDict((str(i), m) for i, m in enumerate(self._modules.values()))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(self) + list(other))

    def insert(self, index, module):
        r"""Insert ``module`` before position ``index``."""
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules = OrderedDict((str(i), m) for i, m in enumerate(mods))

    def append(self, module):
        r"""Append ``module`` to the end of the list."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        r"""Append modules from a Python iterable."""
        try:
            items = None if isinstance(modules, (str, bytes)) else list(modules)
        except TypeError:
            items = None
        if items is None:
            raise TypeError("ModuleList.extend should be called with an iterable, but got "
                            + type(modules).__name__)
        modules = items
        offset = len(self)
        for i, module in enumerate(modules):
            self.add_module(str(offset + i), module)
        return self

    def pop(self, key):
        r"""Remove and return the module at ``key``."""
        v = self[key]
        del self[key]
        return v


class ModuleDict(Module):
    r"""Hold submodules in an ordered dictionary, fully registered."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        r"""Remove all items."""
        self._modules.clear()

    def pop(self, key):
        r"""Remove ``key`` and return its module."""
        v = self[key]
        del self[key]
        return v

    def keys(self):
        r"""Return an iterable of the keys."""
        return self._modules.keys()

    def items(self):
        r"""Return an iterable of ``(key, module)`` pairs."""
        return self._modules.items()

    def values(self):
        r"""Return an iterable of the modules."""
        return self._modules.values()

    def update(self, modules):
        r"""Update from a mapping or an iterable of ``(key, module)`` pairs."""
        if not hasattr(modules, "__iter__") or isinstance(modules, (str, bytes, type)):
            raise TypeError("ModuleDict.update should be called with an iterable of key/value pairs, but got "
                            + type(modules).__name__)
        items = modules.items() if hasattr(modules, "items") else modules
        for j, pair in enumerate(items):
            if not hasattr(pair, "__len__"):
                raise TypeError(f"ModuleDict update sequence element #{j} should be Iterable; is "
                                + type(pair).__name__)
            if len(pair) != 2:
                raise ValueError(f"ModuleDict update sequence element #{j} has length {len(pair)}; 2 is required")
            self[pair[0]] = pair[1]
