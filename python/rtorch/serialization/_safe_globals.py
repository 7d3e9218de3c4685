"""The user allow-list of ``weights_only`` loads: ``add_safe_globals``, ``safe_globals`` & co. (PyTorch's API)."""
import threading

__all__ = ["add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals", "user_allowed_globals"]

_lock = threading.Lock()
_marked = set()


def _check_item(item):
    if isinstance(item, tuple):
        if len(item) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                             f"length: {len(item)}")
        if type(item[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                            f"{type(item[1])}")
    elif not hasattr(item, "__module__") or not hasattr(item, "__qualname__"):
        raise TypeError(f"add_safe_globals: expected a class or function (or a (global, 'module.name') tuple), "
                        f"got {item!r:.100}")


def add_safe_globals(safe_globals):
    """Mark the given globals as safe for ``weights_only`` load.

    Functions added to this list can be called during unpickling, classes can be instantiated and have their state
    set. Each item is a function/class or a tuple ``(function/class, "module.name")``; without a name, the global
    is matched under ``f"{obj.__module__}.{obj.__qualname__}"``, which must be the name the checkpoint uses.

    Args:
        safe_globals (List[Union[Callable, Tuple[Callable, str]]]): globals to mark as safe.

    Example::

        >>> import numpy as np
        >>> rtorch.save({"a": np.arange(3)}, "arr.pt")
        >>> rtorch.serialization.add_safe_globals([np.core.multiarray._reconstruct, np.ndarray, np.dtype,
        ...                                         type(np.dtype(np.int64))])
        >>> rtorch.load("arr.pt")["a"]
        array([0, 1, 2])
    """
    items = list(safe_globals)
    for item in items:
        _check_item(item)
    global _marked
    with _lock:
        _marked = _marked | set(items)


def _remove_safe_globals(globals_to_remove):
    global _marked
    with _lock:
        _marked = _marked - set(globals_to_remove)


def get_safe_globals():
    """Return the list of user-added globals that are safe for ``weights_only`` load."""
    return list(_marked)


def clear_safe_globals():
    """Clear the list of globals that are safe for ``weights_only`` load."""
    global _marked
    with _lock:
        _marked = set()


class safe_globals:
    r"""Context manager that adds certain globals as safe for ``weights_only`` load, for the ``with`` block only.

    Args:
        safe_globals: list of globals (see :func:`add_safe_globals`).

    Example::

        >>> with rtorch.serialization.safe_globals([MyClass]):
        ...     rtorch.load("checkpoint.pt")
        >>> assert rtorch.serialization.get_safe_globals() == []
    """

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)
        for item in self.safe_globals:
            _check_item(item)

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, exc_type, exc, tb):
        _remove_safe_globals(self.safe_globals)


def user_allowed_globals():
    """``{"module.qualname": object}`` for the globals the user has allowed (a snapshot)."""
    out = {}
    for item in _marked:
        if isinstance(item, tuple):
            out[item[1]] = item[0]
        else:
            out[f"{item.__module__}.{item.__qualname__}"] = item
    return out
