"""rtorch.cuda: device queries. This build has no CUDA backend yet, so no GPU is ever available."""


class OutOfMemoryError(RuntimeError):
    """Raised when a CUDA allocation fails."""


def is_available():
    return False


def device_count():
    return 0


def _unavailable(*_args, **_kwargs):
    raise RuntimeError("CUDA is not available: rtorch was built without a CUDA backend or no GPU was found")


get_device_name = current_device = set_device = synchronize = memory_allocated = max_memory_allocated = _unavailable


def manual_seed(seed):
    """No-op without CUDA devices (like PyTorch's lazy seeding)."""


manual_seed_all = manual_seed


def empty_cache():
    """Release cached memory (this build caches only CPU buffers, which this also frees)."""
    from . import _rtorch

    _rtorch._empty_cpu_cache()
