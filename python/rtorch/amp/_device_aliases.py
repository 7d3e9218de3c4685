"""The deprecated per-device spellings ``torch.cuda.amp`` / ``torch.cpu.amp`` (``autocast(enabled, dtype,
cache_enabled)`` and ``GradScaler(init_scale, ...)`` bound to one device, warning ``FutureWarning`` as PyTorch)."""
from __future__ import annotations

import warnings

from .autocast_mode import autocast as _autocast
from .grad_scaler import GradScaler as _GradScaler


def device_amp(device, default_dtype):
    """``(autocast, GradScaler)`` classes bound to ``device`` (``"cuda"`` or ``"cpu"``)."""

    class autocast(_autocast):
        __doc__ = (f"``torch.{device}.amp.autocast``: deprecated, ``rtorch.amp.autocast('{device}', ...)``.\n\n"
                   f"    Example::\n\n        >>> ctx = rtorch.{device}.amp.autocast()  # doctest: +SKIP\n")

        def __init__(self, enabled=True, dtype=default_dtype, cache_enabled=True):
            warnings.warn(f"`torch.{device}.amp.autocast(args...)` is deprecated. Please use "
                          f"`torch.amp.autocast('{device}', args...)` instead.", FutureWarning, stacklevel=2)
            super().__init__(device, dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    class GradScaler(_GradScaler):
        __doc__ = (f"``torch.{device}.amp.GradScaler``: deprecated, ``rtorch.amp.GradScaler('{device}', ...)``.\n\n"
                   f"    Example::\n\n        >>> s = rtorch.{device}.amp.GradScaler()  # doctest: +SKIP\n")

        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                     enabled=True):
            warnings.warn(f"`torch.{device}.amp.GradScaler(args...)` is deprecated. Please use "
                          f"`torch.amp.GradScaler('{device}', args...)` instead.", FutureWarning, stacklevel=2)
            super().__init__(device, init_scale, growth_factor, backoff_factor, growth_interval, enabled)

    return autocast, GradScaler
