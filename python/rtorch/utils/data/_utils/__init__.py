"""DataLoader internals, as ``torch.utils.data._utils``: collation (``collate``), fetching
(``fetch``) and worker processes (``worker``)."""
import atexit

from rtorch._utils import ExceptionWrapper  # noqa: F401

MP_STATUS_CHECK_INTERVAL = 5.0
r"""Seconds a worker waits for a request before checking that the main process is alive."""

python_exit_status = False
r"""True once the interpreter is exiting: iterators then leave their daemonic workers to
multiprocessing's own exit handler instead of joining them."""

try:
    import numpy  # noqa: F401

    HAS_NUMPY = True
except ModuleNotFoundError:
    HAS_NUMPY = False


def _set_python_exit_flag():
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)

from . import collate, fetch, worker  # noqa: E402,F401
from .collate import _pin_memory, default_collate, default_convert  # noqa: E402,F401
