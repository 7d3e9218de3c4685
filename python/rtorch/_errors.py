"""Exception classes raised by the native core."""


class ShapeError(RuntimeError, ValueError):
    """Shapes that do not fit together. Subclasses RuntimeError (PyTorch) and ValueError (NumPy)."""


class OutOfMemoryError(RuntimeError):
    """A CUDA allocation failed even after cached blocks were released (``rtorch.cuda.OutOfMemoryError``)."""
