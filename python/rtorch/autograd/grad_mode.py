"""Thread-local grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode."""
import functools

from .. import _rtorch as _C


class _GradMode:
    """Context manager and decorator that sets grad mode and restores it on exit."""

    _target = True

    def __enter__(self):
        self._prev = _C._set_grad_enabled(self._target)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Disable gradient recording: ops inside record no graph."""

    _target = False


class enable_grad(_GradMode):
    """Enable gradient recording inside a no_grad block."""

    _target = True


class set_grad_enabled(_GradMode):
    """Set grad mode on or off; works as a function call, a context manager or a decorator."""

    def __init__(self, mode):
        self._target = bool(mode)
        self._prev = _C._set_grad_enabled(self._target)

    def __enter__(self):
        return self

    def __call__(self, fn):
        _C._set_grad_enabled(self._prev)
        mode = self._target

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class inference_mode(_GradMode):
    """Like no_grad (rtorch records nothing either way); accepts mode=False to keep grad on."""

    def __init__(self, mode=True):
        self._target = not mode
        self._mode = mode

    def __enter__(self):
        self._prev_inf = _C._set_inference_mode(self._mode)
        return super().__enter__()

    def __exit__(self, *exc):
        _C._set_inference_mode(self._prev_inf)
        return super().__exit__(*exc)

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


# --- surface (session 5): set_multithreading_enabled
import threading as _threading

_multithreading = _threading.local()


def _is_multithreading_enabled():
    """Whether multithreaded backward is enabled in this thread (:class:`set_multithreading_enabled`)."""
    return getattr(_multithreading, "enabled", True)


class set_multithreading_enabled:
    r"""Enables or disables multithreaded backward in this thread.

    It works as a function call, a context manager or a decorator. rtorch's backward always runs on the calling thread (its kernels use the intra-op pool), so the
    switch is recorded, thread-locally, for code that queries or scopes it, and changes no result.

    Args:
        mode (bool): ``True`` (the default state) to allow multithreaded backward, ``False`` to disable it.

    Example::

        >>> with rtorch.autograd.set_multithreading_enabled(False):
        ...     pass
    """

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError("set_multithreading_enabled(): argument 'enabled' (position 1) must be bool, "
                            f"not {type(mode).__name__}")
        self.mode = mode
        self._prev = _is_multithreading_enabled()
        _multithreading.enabled = mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _multithreading.enabled = self._prev
        return False

    def __call__(self, fn):
        _multithreading.enabled = self._prev
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_multithreading_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper
# --- end surface
