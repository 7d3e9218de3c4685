"""Memory-level ops composed in Python (`@composite`): `rtorch.from_file` (a tensor over a memory-mapped file) and
the deprecated non-in-place `Tensor.resize` / `Tensor.resize_as`."""
from __future__ import annotations

import functools
import operator
import os
import warnings

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["from_file"]


@composite(method=False)
def from_file(filename: str, shared: bool | None = None, size: int = 0, *, dtype=None, layout=None, device=None,
              pin_memory: bool = False) -> Tensor:
    """Creates a CPU tensor of ``size`` elements whose memory is a memory-mapped file.

    With ``shared=True`` the file is mapped shared (``MAP_SHARED``): it is created or grown to the needed size,
    and writes to the tensor reach the file and every other mapping of it. Otherwise it is mapped privately
    (copy-on-write): the file must hold at least ``size * element_size`` bytes and is never changed.

    Args:
        filename (str): the file to map.
        shared (bool, optional): map it shared (``True``) or private. Default: private.
        size (int): the number of elements. Default: 0.
        dtype (rtorch.dtype, optional): the element type; the default dtype when ``None``.
        layout, device, pin_memory: as in :func:`rtorch.empty` (CPU and strided only; pinned memory cannot be
            file-backed).

    Example::

        >>> import numpy as np, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "t.bin")
        >>> np.arange(4, dtype=np.float32).tofile(path)
        >>> rtorch.from_file(path, shared=False, size=4)
        tensor([0., 1., 2., 3.])
    """
    import numpy as np

    import rtorch
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"from_file(): argument 'filename' (position 1) must be str, not {type(filename).__name__}")
    filename = os.fspath(filename)
    if shared is not None and not isinstance(shared, bool):
        raise TypeError(f"from_file(): argument 'shared' (position 2) must be bool, not {type(shared).__name__}")
    size = operator.index(size)
    dtype = rtorch.get_default_dtype() if dtype is None else dtype
    if layout not in (None, rtorch.strided):
        raise RuntimeError(f"from_file: only the strided layout is supported, got {layout}")
    if device is not None and rtorch.device(device).type != "cpu":
        raise RuntimeError("from_file: only CPU tensors can be mapped to files")
    if pin_memory:
        raise RuntimeError("from_file: tensors with storages backed by a memory-mapped file cannot be created in "
                           "pinned memory")
    item = rtorch.empty(0, dtype=dtype).element_size()
    need = size * item
    if size < 0:
        raise RuntimeError(f"unable to mmap {need} bytes from file <{filename}>: Cannot allocate memory (12)")
    # NumPy has no bfloat16: map its bits as int16 and reinterpret
    np_dtype = np.int16 if dtype == rtorch.bfloat16 else np.dtype(str(dtype).split(".")[-1])
    if shared:
        with open(filename, "ab") as f:  # created if missing; grown (zero-filled) to the mapping size
            if f.tell() < need:
                f.truncate(need)
    else:
        try:
            have = os.path.getsize(filename)
        except OSError as e:
            raise RuntimeError(f"unable to open file <{filename}> in read-only mode: {e.strerror} ({e.errno})") \
                from None
        if have < need:
            raise RuntimeError(f"file <{filename}> size <{have}> is smaller than the required mapping size <{need}>")
    if size == 0:
        return rtorch.empty(0, dtype=dtype)
    mapped = np.memmap(filename, dtype=np_dtype, mode="r+" if shared else "c", shape=(size,))
    out = rtorch.from_numpy(mapped)  # the tensor keeps the mapping alive
    return out.view(rtorch.bfloat16) if dtype == rtorch.bfloat16 else out


def _resize(self, sizes):
    """PyTorch's autograd ``Resize``: the same elements in the new shape (sharing memory when contiguous)."""
    numel = functools.reduce(operator.mul, sizes, 1)
    if self.numel() != numel:
        raise RuntimeError(
            f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but the given tensor "
            f"has a size of {'x'.join(map(str, self.shape))} ({self.numel()} elements). autograd's resize can only "
            "change the shape of a given tensor, while preserving the number of elements. ")
    return self.contiguous().view(*sizes)


@composite(function=False)
def resize(self, *sizes: int) -> Tensor:
    """Returns ``self`` in the shape ``sizes`` (deprecated: use :meth:`reshape` or :meth:`resize_`).

    Unlike :meth:`resize_`, the number of elements must not change; the result shares ``self``'s memory when
    ``self`` is contiguous and is differentiable. Warns ``"non-inplace resize is deprecated"``.

    Args:
        *sizes (int): the new shape.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     rtorch.arange(6).resize(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    warnings.warn("non-inplace resize is deprecated", stacklevel=2)
    return _resize(self, sizes)


@composite(function=False)
def resize_as(self, tensor: Tensor) -> Tensor:
    """Returns ``self`` in the shape of ``tensor`` (deprecated: use :meth:`reshape_as` or :meth:`resize_as_`).

    The number of elements must not change. Warns ``"non-inplace resize_as is deprecated"``.

    Args:
        tensor (Tensor): the tensor whose shape to take.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     rtorch.arange(6).resize_as(rtorch.zeros(3, 2)).shape
        rtorch.Size([3, 2])
    """
    warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
    return _resize(self, tuple(tensor.shape))
