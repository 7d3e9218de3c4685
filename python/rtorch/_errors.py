"""Exception classes raised by the native core."""


class ShapeError(RuntimeError, ValueError):
    """Shapes that do not fit together. Subclasses RuntimeError (PyTorch) and ValueError (NumPy)."""
