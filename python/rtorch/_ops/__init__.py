"""Ops composed in Python from device tensor ops, one module per family, each op declared once with
`rtorch._composite.composite`. `rtorch` re-exports every module's `__all__` (the function forms)."""
from . import linalg, shape
from .linalg import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403

__all__ = [*linalg.__all__, *shape.__all__]
