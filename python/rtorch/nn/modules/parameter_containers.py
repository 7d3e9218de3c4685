"""ParameterList and ParameterDict: registered containers of parameters (torch.nn.ParameterList/ParameterDict)."""
from rtorch.nn.modules.container import _normalize_index
from rtorch.nn.modules.module import Module
from rtorch.nn.parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(value):
    """Plain tensors become Parameters (as PyTorch wraps them); Parameters and other objects are kept."""
    import rtorch
    if isinstance(value, rtorch.Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(value, type_name):
    """One repr line of an entry: ``Parameter containing: [rtorch.float32 of size 3x4]`` as PyTorch writes it."""
    import rtorch
    if not isinstance(value, rtorch.Tensor):
        return repr(value)
    size = "x".join(str(s) for s in value.shape)
    kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor containing"
    device = "" if value.device.type == "cpu" else f" ({value.device})"
    return f"{kind}: [{type_name(value)} of size {size}{device}]"


class ParameterList(Module):
    r"""Holds parameters in a list, registered so ``parameters()``, ``state_dict`` and ``to`` see them.

    Tensors added to it become :class:`~rtorch.nn.Parameter` s; their state_dict keys are ``"0"``, ``"1"``...

    Args:
        values (iterable, optional): the initial entries.

    Example::

        >>> pl = rtorch.nn.ParameterList([rtorch.nn.Parameter(rtorch.ones(2)), rtorch.zeros(3)])
        >>> [p.shape for p in pl]
        [rtorch.Size([2]), rtorch.Size([3])]
    """

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(list(self)[idx])
        return getattr(self, str(_normalize_index(idx, len(self))))

    def __setitem__(self, idx, param):
        setattr(self, str(_normalize_index(idx, len(self))), _as_parameter(param))

    def __len__(self):
        return self._size

    def __iter__(self):
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters):
        return self.extend(parameters)

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def append(self, value):
        r"""Appends ``value`` (a tensor becomes a Parameter) and returns the list.

        Args:
            value: the entry.
        """
        new_idx = len(self)
        self._size += 1
        self[new_idx] = value
        return self

    def extend(self, values):
        r"""Appends every entry of the iterable ``values``; returns the list.

        Args:
            values (iterable): the entries.
        """
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError("ParameterList.extend should be called with an iterable, but got "
                            + type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        """One line per entry, as PyTorch prints them."""
        return "\n".join(f"  ({i}): {_describe(p, lambda t: str(t.dtype))}" for i, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    r"""Holds parameters in an ordered dict, registered so ``parameters()``, ``state_dict`` and ``to`` see them.

    Tensors added to it become :class:`~rtorch.nn.Parameter` s; the keys are the state_dict keys.

    Args:
        parameters (mapping or iterable of pairs, optional): the initial entries.

    Example::

        >>> pd = rtorch.nn.ParameterDict({"w": rtorch.ones(2, 2)})
        >>> pd["w"].requires_grad, list(pd.keys())
        (True, ['w'])
    """

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    def _key(self, key):
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, but got {type(key).__name__}")
        return key

    def __getitem__(self, key):
        return getattr(self, self._key(key))

    def __setitem__(self, key, value):
        self._keys[self._key(key)] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key):
        return key in self._keys

    def __or__(self, other):
        out = self.copy()
        out.update(other)
        return out

    def __ior__(self, other):
        self.update(other)
        return self

    def copy(self):
        """Returns a new ParameterDict holding the same entries (not copies of them)."""
        return ParameterDict([(k, self[k]) for k in self._keys])

    def setdefault(self, key, default=None):
        r"""Returns ``self[key]``, first inserting ``default`` when ``key`` is absent.

        Args:
            key (str): the key.
            default: the entry to insert.
        """
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        """Removes every entry."""
        for k in list(self._keys):
            del self[k]

    def pop(self, key):
        r"""Removes ``key`` and returns its entry.

        Args:
            key (str): the key.
        """
        v = self[key]
        del self[key]
        return v

    def popitem(self):
        """Removes and returns the last ``(key, entry)`` pair."""
        k, _ = self._keys.popitem()
        self._keys[k] = None  # __delitem__ removes it again, with the attribute
        v = self[k]
        del self[k]
        return k, v

    def get(self, key, default=None):
        r"""Returns ``self[key]`` if present, else ``default``.

        Args:
            key (str): the key.
            default: the fallback.
        """
        return self[key] if key in self else default

    def fromkeys(self, keys, default=None):
        r"""Returns a new ParameterDict with ``keys``, each holding ``default``.

        Args:
            keys (iterable of str): the keys.
            default: the entry for each.
        """
        return ParameterDict((k, default) for k in keys)

    def keys(self):
        """The keys, in insertion order."""
        return self._keys.keys()

    def items(self):
        """The ``(key, entry)`` pairs, in insertion order."""
        return ((k, self[k]) for k in self._keys)

    def values(self):
        """The entries, in insertion order."""
        return (self[k] for k in self._keys)

    def update(self, parameters):
        r"""Adds the entries of a mapping or an iterable of ``(key, value)`` pairs (an OrderedDict keeps its order).

        Args:
            parameters (mapping or iterable of pairs): the entries.
        """
        if hasattr(parameters, "keys"):
            pairs = [(k, parameters[k]) for k in parameters.keys()]
        elif not hasattr(parameters, "__iter__"):  # PyTorch's message (its class name typo included)
            raise TypeError("ParametersDict.update should be called with an iterable of key/value pairs, "
                            f"but got {type(parameters).__name__}")
        else:
            if not hasattr(parameters, "__iter__"):
                # PyTorch's message (its typo included) for a non-iterable argument.
                raise TypeError("ParametersDict.update should be called with an iterable of key/value pairs, but got "
                                + type(parameters).__name__)
            pairs = []
            for j, p in enumerate(parameters):
                if not hasattr(p, "__len__") or isinstance(p, str) or len(p) != 2:
                    raise ValueError(f"ParameterDict update sequence element #{j} has length "
                                     f"{len(p) if hasattr(p, '__len__') else 'unknown'}; 2 is required")
                pairs.append(tuple(p))
        for k, v in pairs:
            self[k] = v

    def extra_repr(self):
        """One line per entry, as PyTorch prints them."""
        return "\n".join(f"  ({k}): {_describe(p, lambda t: t.type())}" for k, p in self.items())

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")
