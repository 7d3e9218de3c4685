"""Exception classes raised by the native core."""


class ShapeError(RuntimeError, ValueError):
    """Shapes that do not fit together. Subclasses RuntimeError (PyTorch) and ValueError (NumPy)."""


class OutOfMemoryError(RuntimeError):
    """A CUDA allocation failed even after cached blocks were released (``rtorch.cuda.OutOfMemoryError``)."""


class AllocationError(RuntimeError, MemoryError):
    """A CPU allocation that cannot be satisfied, or a size whose byte count overflows.

    PyTorch raises a plain ``RuntimeError`` here ("DefaultCPUAllocator: can't allocate memory: you tried to
    allocate N bytes", "Storage size calculation overflowed with sizes=[...]"); this subclass is also a
    ``MemoryError``, so code written for PyTorch and code written for Python both catch it.
    """
