"""ExceptionWrapper: an exception and its traceback text, carried across threads or processes."""
import sys
import traceback

__all__ = ["ExceptionWrapper"]


class KeyErrorMessage(str):
    r"""str subclass whose repr is itself, so that a KeyError prints a traceback readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    r"""Wrap the exception being handled (or ``exc_info``) with its formatted traceback, so that
    another thread or process can re-raise it with :meth:`reraise`.

    Args:
        exc_info: ``(type, value, traceback)``; the exception being handled when omitted.
        where (str): said in the message, e.g. ``"in DataLoader worker process 0"``.

    Example:
        >>> try:
        ...     1 / 0
        ... except ZeroDivisionError:
        ...     w = ExceptionWrapper(where="in background")
    """

    def __init__(self, exc_info=None, where="in background"):
        # Keep only the type and text: the traceback object would pin frames (and cycles).
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        r"""Raise the wrapped exception type with "Caught <type> <where>." and the original
        traceback as its message (a RuntimeError when that type cannot take one message)."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception
