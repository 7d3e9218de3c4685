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
