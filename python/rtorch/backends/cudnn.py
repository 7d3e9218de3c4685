"""``rtorch.backends.cudnn``: PyTorch's cuDNN switches, kept so that programs setting them run.

rtorch does not use cuDNN (its GPU kernels are its own, compiled with NVRTC, and cuBLAS), so
:func:`is_available` is ``False`` and the flags change nothing; their values are remembered and
read back as in PyTorch. rtorch's convolutions pick no algorithm by benchmarking, and its kernels
give the same results run to run for a given device and thread count.
"""
import contextlib

__all__ = ["is_available", "version", "enabled", "benchmark", "deterministic", "allow_tf32", "benchmark_limit",
           "flags"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available():
    """Returns ``False``: rtorch has no cuDNN backend."""
    return False


def version():
    """Returns ``None``: no cuDNN library is used (PyTorch also returns ``None`` without cuDNN)."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """A context manager that sets the cuDNN flags inside its block and restores them after.

    Args:
        enabled (bool): the value of ``enabled`` inside the block.
        benchmark (bool): the value of ``benchmark`` inside the block.
        benchmark_limit (int): the value of ``benchmark_limit`` inside the block.
        deterministic (bool): the value of ``deterministic`` inside the block.
        allow_tf32 (bool): the value of ``allow_tf32`` inside the block.
    """
    g = globals()
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    old = {n: g[n] for n in names}
    g.update(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit, deterministic=deterministic,
             allow_tf32=allow_tf32)
    try:
        yield
    finally:
        g.update(old)
