"""rtorch.signal: signal processing (torch.signal); today its window functions, :mod:`rtorch.signal.windows`."""

from . import windows  # noqa: F401

__all__ = ["windows"]
