"""rtorch.cuda: device queries, synchronisation and memory statistics, named like PyTorch's.

The CUDA backend is always compiled in and loads the driver, NVRTC and cuBLAS at run time. On a
machine without a GPU (or without the driver) ``is_available()`` is False and creating a CUDA tensor
raises a RuntimeError that says so. NVRTC and cuBLAS are found on the library path or in the PyPI
wheels ``nvidia-cuda-nvrtc`` / ``nvidia-cublas`` / ``nvidia-cuda-runtime`` (CUDA 13), which this
module preloads so that nothing has to be set in ``LD_LIBRARY_PATH``.
"""
import ctypes
import glob
import os
import sys

from .._errors import OutOfMemoryError  # noqa: F401  (rtorch.cuda.OutOfMemoryError, as in PyTorch)

__all__ = [
    "OutOfMemoryError", "is_available", "device_count", "current_device", "set_device",
    "get_device_name", "get_device_capability", "synchronize", "memory_allocated",
    "max_memory_allocated", "reset_peak_memory_stats", "mem_get_info", "empty_cache",
    "manual_seed", "manual_seed_all", "get_rng_state", "set_rng_state", "get_rng_state_all",
    "set_rng_state_all", "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor",
    "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor",
]


def _driver_present():
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


def _nvidia_dirs(sub):
    """Directories ``site-packages/nvidia/<pkg>/<sub>`` of the CUDA 13 (cu13) and 12 wheels."""
    out = []
    for base in sys.path:
        root = os.path.join(base, "nvidia")
        if os.path.isdir(root):
            out += sorted(glob.glob(os.path.join(root, "cu13", sub)))
            out += sorted(glob.glob(os.path.join(root, "*", sub)))
    return out


def _preload():
    """Load NVRTC and cuBLAS from pip wheels (RTLD_GLOBAL) so the Rust core finds them by soname,
    and point kernel compilation at the wheel's cuda_fp16.h."""
    if not _driver_present():
        return
    for lib_dir in _nvidia_dirs("lib"):
        for pattern in ("libnvrtc-builtins.so.13*", "libnvrtc.so.13", "libcublasLt.so.13", "libcublas.so.13"):
            for path in sorted(glob.glob(os.path.join(lib_dir, pattern))):
                try:
                    ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
                except OSError:
                    pass
    if "RTORCH_CUDA_INCLUDE" not in os.environ:
        for inc in _nvidia_dirs("include"):
            if os.path.exists(os.path.join(inc, "cuda_fp16.h")):
                os.environ["RTORCH_CUDA_INCLUDE"] = inc
                break


_preload()

from .. import _rtorch  # noqa: E402


def _index(device=None):
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    s = str(device)
    if s == "cuda":
        return current_device()
    if s.startswith("cuda:"):
        return int(s[5:])
    idx = getattr(device, "index", None)
    if getattr(device, "type", None) == "cuda":
        return current_device() if idx is None else idx
    raise ValueError(f"Expected a cuda device, but got: {device}")


def is_available():
    """True when a CUDA driver and at least one GPU are present."""
    return _rtorch._cuda_device_count() > 0


def device_count():
    """Returns the number of CUDA devices (0 when there is no driver or GPU)."""
    return _rtorch._cuda_device_count()


def current_device():
    """Returns the index of this thread's current CUDA device (set with :func:`set_device`; 0 by default)."""
    return _rtorch._cuda_current_device()


def set_device(device):
    """Sets this thread's current CUDA device.

    It is what ``"cuda"`` without an index means (for new tensors and ``.to("cuda")``), and the default of this
    module's ``device=None`` arguments, as in PyTorch.

    Args:
        device (int or str or device): the CUDA device.
    """
    i = _index(device)
    if i < 0:
        return  # PyTorch ignores negative indices
    if not 0 <= i < device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal {i}")
    _rtorch._cuda_set_current_device(i)


def get_device_name(device=None):
    """Returns the name of a CUDA device, e.g. ``"NVIDIA H100 80GB HBM3"``.

    Args:
        device (int or str or device, optional): the device; the current one by default.
    """
    return _rtorch._cuda_device_name(_index(device))


def get_device_capability(device=None):
    """Returns the ``(major, minor)`` compute capability of a CUDA device.

    Args:
        device (int or str or device, optional): the device; the current one by default.
    """
    return _rtorch._cuda_get_device_capability(_index(device))


def synchronize(device=None):
    """Wait for every queued kernel on the device (and raise any asynchronous kernel error)."""
    _rtorch._cuda_synchronize(_index(device))


def memory_allocated(device=None):
    """Bytes held by live CUDA tensors."""
    return _rtorch._cuda_memory_allocated(_index(device))


def max_memory_allocated(device=None):
    """Returns the peak number of bytes held by CUDA tensors since start-up or :func:`reset_peak_memory_stats`.

    Args:
        device (int or str or device, optional): the device; the current one by default.
    """
    return _rtorch._cuda_max_memory_allocated(_index(device))


def reset_peak_memory_stats(device=None):
    """Resets the peak that :func:`max_memory_allocated` reports to the current allocation.

    Args:
        device (int or str or device, optional): the device; the current one by default.
    """
    _rtorch._cuda_reset_peak_memory_stats(_index(device))


def mem_get_info(device=None):
    """Returns the ``(free, total)`` bytes of memory on the device."""
    return _rtorch._cuda_mem_get_info(_index(device))


def empty_cache():
    """Return cached, unused device memory to the driver (and free cached CPU buffers)."""
    _rtorch._empty_cpu_cache()
    if is_available():
        for i in range(device_count()):
            _rtorch._cuda_empty_cache(i)


def manual_seed(seed):
    """Does nothing: CUDA random numbers come from the default generator, seeded by ``rtorch.manual_seed``.

    rtorch draws CUDA tensors from the default generator, so a seed gives the same numbers on CPU and
    GPU. Kept for PyTorch compatibility.
    """


manual_seed_all = manual_seed


# PyTorch's legacy CUDA tensor types (rtorch.cuda.FloatTensor, ...).
from .. import _legacy  # noqa: E402

globals().update(_legacy.make("rtorch.cuda", cuda=True))


def get_rng_state(device="cuda"):
    """Returns the random state CUDA tensors draw from: the default generator's (see :func:`rtorch.get_rng_state`).

    rtorch draws CUDA random numbers from the default generator, so this is the CPU state too.

    Args:
        device (int or str or device): accepted for PyTorch compatibility.
    """
    from ..random import get_rng_state as _get
    return _get()


def set_rng_state(new_state, device="cuda"):
    """Restores the state :func:`get_rng_state` returned (the default generator's, shared with the CPU).

    Args:
        new_state (ByteTensor): the state.
        device (int or str or device): accepted for PyTorch compatibility.
    """
    from ..random import set_rng_state as _set
    _set(new_state)


def get_rng_state_all():
    """Returns one state per CUDA device (each the shared default generator's state)."""
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state_all(new_states):
    """Restores the states :func:`get_rng_state_all` returned (they are one shared state: the first is used).

    Args:
        new_states (list of ByteTensor): the states.
    """
    for s in list(new_states)[:1]:
        set_rng_state(s)
