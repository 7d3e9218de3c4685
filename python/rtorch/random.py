"""rtorch.random: the default generator's state as PyTorch exposes it (get/set_rng_state, seed, fork_rng)."""
import contextlib
import os
import struct

from . import _rtorch

__all__ = ["set_rng_state", "get_rng_state", "manual_seed", "seed", "initial_seed", "fork_rng"]

_STATE_BYTES = 16  # little-endian (seed, offset): rtorch's counter-based generator has no bigger state


def get_rng_state():
    r"""Returns the default generator's state as a ``uint8`` tensor (as ``torch.get_rng_state``).

    rtorch's generator is counter based, so the state is 16 bytes (seed and offset) where PyTorch's
    Mersenne Twister state is 5056; pass it back to :func:`set_rng_state` (it can be saved in a checkpoint).

    Example::

        >>> s = rtorch.get_rng_state()
        >>> a = rtorch.rand(2)
        >>> rtorch.set_rng_state(s)
        >>> bool((a == rtorch.rand(2)).all())
        True
    """
    import numpy as np

    import rtorch
    seed_, offset = _rtorch._default_rng_state()
    return rtorch.from_numpy(np.frombuffer(struct.pack("<QQ", seed_, offset), dtype=np.uint8).copy())


def set_rng_state(new_state):
    r"""Restores the default generator's state from a tensor :func:`get_rng_state` returned.

    Args:
        new_state (ByteTensor): the state.
    """
    import rtorch
    if not isinstance(new_state, rtorch.Tensor):
        raise TypeError(f"expected a rtorch.ByteTensor, but got {type(new_state).__name__}")
    if new_state.dtype != rtorch.uint8:
        raise TypeError("RNG state must be a rtorch.ByteTensor")
    if new_state.numel() != _STATE_BYTES:
        raise RuntimeError(f"Expected an rtorch generator state of size {_STATE_BYTES} but found the input RNG "
                           f"state size to be {new_state.numel()} (a PyTorch Mersenne Twister state cannot be "
                           "restored in rtorch)")
    raw = bytes(new_state.detach().cpu().contiguous().numpy().tobytes())
    _rtorch._set_default_rng_state(struct.unpack("<QQ", raw))


def manual_seed(seed):
    r"""Seeds the default generator and returns it (see :func:`rtorch.manual_seed`).

    Args:
        seed (int): the seed.
    """
    import rtorch
    return rtorch.manual_seed(seed)


def seed():
    r"""Seeds the default generator with a non-deterministic random number and returns that seed.

    Example::

        >>> s = rtorch.seed()
        >>> rtorch.initial_seed() == s
        True
    """
    import rtorch
    s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
    rtorch.manual_seed(s)
    return s


def initial_seed():
    """Returns the seed the default generator was last seeded with."""
    return _rtorch.initial_seed()


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    r"""Forks the random number generator: the default generator's state is restored when the block exits.

    rtorch draws CUDA random numbers from the same default generator, so one state covers every device
    and ``devices`` / ``device_type`` need no per-device handling.

    Args:
        devices (iterable of int, optional): accepted for PyTorch compatibility.
        enabled (bool): ``False`` makes the block an ordinary one.
        device_type (str): accepted for PyTorch compatibility.

    Example::

        >>> with rtorch.random.fork_rng():
        ...     _ = rtorch.rand(3)
    """
    if not enabled:
        yield
        return
    state = _rtorch._default_rng_state()
    try:
        yield
    finally:
        _rtorch._set_default_rng_state(state)
