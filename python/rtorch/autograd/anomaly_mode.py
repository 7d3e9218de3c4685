"""Anomaly detection for autograd: `detect_anomaly` and `set_detect_anomaly` (process-wide, as in PyTorch)."""
import functools
import warnings

from .. import _rtorch as _C


class detect_anomaly:
    r"""Context manager and decorator that enables anomaly detection for the autograd engine.

    While it is on, each node recorded in the forward pass keeps the stack of the call that made it; when a
    backward function fails, a warning shows that stack, then the error propagates. With ``check_nan=True``
    a backward function that returns a gradient holding NaN raises ``RuntimeError`` ("Function
    'MulBackward0' returned nan values in its 0th output."). It slows both passes: use it for debugging.

    Args:
        check_nan (bool): also fail on NaN gradients. Default: ``True``.

    Example::

        >>> x = rtorch.tensor([0.0], requires_grad=True)
        >>> with rtorch.autograd.detect_anomaly():
        ...     y = x.sqrt() * 0.0
        ...     y.backward()  # doctest: +SKIP
        RuntimeError: Function 'MulBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = _C.is_anomaly_enabled()
        self.prev_check_nan = _C.is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        _C.set_anomaly_enabled(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _C.set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    r"""Turns anomaly detection on or off; see :class:`detect_anomaly`.

    It takes effect when called, and as a context manager restores the previous setting on exit (like
    :class:`rtorch.set_grad_enabled`).

    Args:
        mode (bool): ``True`` enables anomaly detection, ``False`` disables it.
        check_nan (bool): also fail on NaN gradients. Default: ``True``.

    Example::

        >>> with rtorch.autograd.set_detect_anomaly(True, check_nan=False):
        ...     rtorch.is_anomaly_enabled(), rtorch.is_anomaly_check_nan_enabled()
        (True, False)
    """

    def __init__(self, mode, check_nan=True):
        self.prev = _C.is_anomaly_enabled()
        self.prev_check_nan = _C.is_anomaly_check_nan_enabled()
        _C.set_anomaly_enabled(bool(mode), bool(check_nan))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _C.set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False
