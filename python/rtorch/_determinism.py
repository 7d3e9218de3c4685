"""torch.use_deterministic_algorithms and its queries: the process-wide determinism setting."""
_state = {"enabled": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    r"""Sets whether operations must use deterministic algorithms (as ``torch.use_deterministic_algorithms``).

    rtorch's CPU kernels are deterministic (reductions split work in a fixed order), so on CPU the setting
    changes no result; it is recorded for :func:`are_deterministic_algorithms_enabled` and for code that
    branches on it. On CUDA, the accumulating index kernels (``scatter_add``, ``index_add``,
    ``index_put(accumulate=True)`` and the backward of gathers) add with atomics whose order may vary
    between runs; unlike PyTorch, rtorch does not yet raise or warn for them when the setting is on.

    Args:
        mode (bool): ``True`` to require deterministic algorithms.
        warn_only (bool): with ``mode=True``, warn instead of raising where an op has no deterministic form.

    Example::

        >>> rtorch.use_deterministic_algorithms(True)
        >>> rtorch.are_deterministic_algorithms_enabled()
        True
        >>> rtorch.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, not {type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(
            f"use_deterministic_algorithms(): argument 'warn_only' must be bool, not {type(warn_only).__name__}")
    _state["enabled"] = mode
    _state["warn_only"] = warn_only


def are_deterministic_algorithms_enabled():
    """Returns ``True`` when :func:`use_deterministic_algorithms` turned determinism on."""
    return _state["enabled"]


def is_deterministic_algorithms_warn_only_enabled():
    """Returns ``True`` when determinism was turned on with ``warn_only=True``."""
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """Sets determinism by level: 0 (or ``"default"``) off, 1 (``"warn"``) warn only, 2 (``"error"``) on.

    Args:
        debug_mode (int or str): the level.
    """
    levels = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in levels:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                               f"but got {debug_mode}")
        debug_mode = levels[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """Returns the level :func:`set_deterministic_debug_mode` describes (0, 1 or 2)."""
    if not _state["enabled"]:
        return 0
    return 1 if _state["warn_only"] else 2
